"""Camera look on the rendered RGB (pure numpy + OpenCV): what a conveyor video camera does to a frame.

In order: auto exposure (the camera meters the frame), exposure and auto white balance with a drift and a tint (in linear light), pools of
uneven overhead light, lens defocus that grows away from the focus centre and in random patches (the pile's
height, a tilted lens), single pieces smeared along their own move (lifted by a sorter), motion blur along the belt (longer in patches: smear), vignette,
lateral chromatic fringing, the black level (a toe: the shadows to black), a highlight shoulder (the tone curve's roll-off), the tone curve's S in the mid-tones,
the colour processing's chroma boost, sensor noise (shot + read noise, partly
correlated and with chroma noise, as after demosaicing), in-camera sharpening, and lossy compression (JPEG with
4:2:0 chroma subsampling, standing in for the video codec; optionally at a reduced resolution, as a low-bitrate
stream smears fine detail into blocks). Only the RGB changes: masks stay sharp and exact,
as annotators label the object, not its smear. Every stage is off when its knob is 0 or absent,
and blur sizes and the noise are given at 1920 px width (scaled to the actual frame width: a
640 px frame is a 1920 px frame shrunk, its noise a third as strong).

Example:
    >>> import numpy as np
    >>> img = np.zeros((4, 8, 3), np.uint8); img[:, 4] = 255
    >>> out = postprocess(img, {"motion_blur_px": 3.0 * 1920 / 8, "vignette": 0.0, "noise": 0.0,
    ...                         "exposure": 1.0, "seed": 0})
    >>> out[0, :, 0].tolist()  # a 3-px smear (soft-ended: the move is continuous), averaged in linear light
    [0, 0, 58, 147, 156, 147, 58, 0]
"""

from __future__ import annotations

import cv2
import numpy as np

#: Where the highlight shoulder ends when a preset gives no ``post.white`` (linear 0.9, sRGB 0.95).
WHITE = 0.9
#: Gaussian blurs below this sigma (px) are skipped: they change a pixel by less than a code value.
MIN_BLUR_PX = 0.15
#: Rec. 709 luma weights (sRGB primaries), as the frame statistics measure brightness.
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)
#: How sharply the black level's toe bends (:func:`black_level`; ``post.black`` is the luminance it halves).
#: Round 34: at 1 (``Y -> Y^2 / (Y + black)``, rounds 22-33) a toe deep enough for the reference frames' darkest
#: 5 % (luminance 0.15; ours 0.18) also took the dusty belt under value 0.3 (dark belt +0.9 spreads) and the mean
#: down (rounds 22 and 25 left it there although blind judges chose it: "lifted, washed-out shadows"). At 2.5
#: (with ``post.black`` 2.8 times as high) the gaps under pieces fall to black and the belt's grey stays: on 32
#: ``default`` scenes the darkest 5 % go from 0.180 to 0.152 (real 0.151), dark belt 0.191 -> 0.180.
TOE_POWER = 2.5


def srgb_to_linear(img: np.ndarray) -> np.ndarray:
    """sRGB in 0..1 -> linear light."""
    return np.where(img <= 0.04045, img / 12.92, ((img + 0.055) / 1.055) ** 2.4).astype(np.float32)


#: sRGB 0..255 -> linear light, as a lookup table (a frame is uint8: 256 values to convert, not millions).
_TO_LINEAR = srgb_to_linear(np.arange(256, dtype=np.float32) / np.float32(255.0))


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    """Linear light -> sRGB in 0..1 (clipped)."""
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055).astype(np.float32)


def smear(lin: np.ndarray, length: float, extra: float, patches: np.ndarray) -> np.ndarray:
    """Motion blur of ``length`` px, ``(1 + extra)`` times longer where ``patches`` (0..1) is high.

    The belt moves every piece the same way, but pieces tumbling off a pile, a shaking camera mount
    and a rolling shutter smear some regions of a real frame much more than others. Where the base blur
    is under a pixel, the patches smear over ``1 + extra`` px.

    >>> img = np.zeros((2, 9, 3), np.float32); img[:, 4] = 1.0
    >>> field = np.array([[0.0], [1.0]], np.float32)[:, :, None] * np.ones((1, 9, 1), np.float32)
    >>> out = smear(img, 0.0, 2.0, field)  # row 0 unblurred, row 1 smeared over 3 px
    >>> out[0, 3:6, 0].tolist(), [round(float(v), 3) for v in out[1, 2:7, 0]]
    ([0.0, 1.0, 0.0], [0.042, 0.292, 0.333, 0.292, 0.042])
    """
    base = motion_blur(lin, length)
    if extra <= 0:
        return base
    return base + (motion_blur(lin, max(length, 1.0) * (1.0 + extra)) - base) * patches


def _tent_integral(u: np.ndarray) -> np.ndarray:
    """The integral of the unit tent ``max(1 - |x|, 0)`` from minus infinity to ``u``."""
    u = np.clip(u, -1.0, 1.0)
    return np.where(u < 0, (u + 1) ** 2 / 2, 1 - (1 - u) ** 2 / 2)


def motion_kernel(length: float) -> np.ndarray:
    """Weights of a horizontal motion blur ``length`` px long (any length >= 0, not only whole pixels).

    The frame (linearly interpolated between pixel centres) is averaged over a move of ``length`` px
    centred on each pixel. A whole-pixel box would quantise the blur: at 640 px the `default` preset's
    1-3 px (at 1920) all rounded to 1 px, which is no blur at all.

    >>> [round(float(w), 3) for w in motion_kernel(0.0)], [round(float(w), 3) for w in motion_kernel(1.0)]
    ([1.0], [0.125, 0.75, 0.125])
    """
    if length <= 0:
        return np.ones(1, np.float32)
    reach = int(np.ceil(length / 2)) + 1  # the move's half plus the tent's
    k = np.arange(-reach, reach + 1, dtype=np.float64)
    w = (_tent_integral(k + length / 2) - _tent_integral(k - length / 2)) / length  # the tent between pixel centres
    w = w[w > 1e-9]  # (symmetric: the zeros trimmed off both ends alike)
    return (w / w.sum()).astype(np.float32)


def motion_blur(img: np.ndarray, length: float) -> np.ndarray:
    """Horizontal motion blur of ``length`` pixels (:func:`motion_kernel`, edge-padded), float in, float out."""
    kernel = motion_kernel(length)
    if kernel.size == 1:
        return img
    return cv2.filter2D(img, -1, kernel[None, :], borderType=cv2.BORDER_REPLICATE)


def line_kernel(length: float, angle: float) -> np.ndarray:
    """Weights of a straight move ``length`` px long at ``angle`` (radians; 0 along x, pi/2 down the frame).

    Points every quarter pixel along the move, each splatted bilinearly onto the grid; the weights sum to 1.

    >>> k = line_kernel(4.0, 0.0)  # along x: all the weight on the middle row
    >>> k.shape, round(float(k.sum()), 6), round(float(k[3].sum()), 6)
    ((7, 7), 1.0, 1.0)
    >>> k = line_kernel(4.0, np.pi / 2)  # down the frame: all of it in the middle column
    >>> round(float(k[:, 3].sum()), 6)
    1.0
    """
    reach = int(np.ceil(length / 2)) + 1
    t = np.linspace(-length / 2, length / 2, max(2, int(np.ceil(4 * length)) + 1))
    x, y = reach + t * np.cos(angle), reach + t * np.sin(angle)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    k = np.zeros((2 * reach + 1, 2 * reach + 1))
    for dy, dx, w in ((0, 0, (1 - fx) * (1 - fy)), (0, 1, fx * (1 - fy)), (1, 0, (1 - fx) * fy), (1, 1, fx * fy)):
        np.add.at(k, (y0 + dy, x0 + dx), w)
    return (k / k.sum()).astype(np.float32)


#: How much nearer the camera (m) a neighbour must lie than the moving piece's nearest pixel to hide its ghost:
#: pieces that merely touch (within a few mm) take the ghost; a piece lying over the moving one hides it.
GHOST_HIDDEN_M = 0.005


def moving_pieces(lin: np.ndarray, instances: np.ndarray, moves: list[tuple[int, float, float]],
                  depth: np.ndarray | None = None) -> np.ndarray:
    """Pieces that move while the shutter is open (a sorter lifts one, one slides off a heap): each
    ``(instance id, length px, angle)`` of ``moves`` smeared along its own move, not the belt's.

    Inside its outline the piece is averaged along the move over its own pixels only (its neighbours'
    colours do not bleed in); past its outline it lies over its neighbours as a translucent ghost, as
    thick as the share of the move it covered each pixel (the trailing streak of the reference frames'
    lifted pieces). Masks stay as they are: annotators outline the piece, not its smear. Float in and out.
    With ``depth`` (the camera's distance per pixel, m), a neighbour lying over the moving piece (nearer the
    camera than the piece's nearest pixel by :data:`GHOST_HIDDEN_M`) hides the ghost: a piece pulled from
    under another slides beneath it, not over it.

    >>> img = np.zeros((5, 12, 3), np.float32); img[:, 4:8] = 1.0
    >>> inst = np.zeros((5, 12), np.uint16); inst[:, 4:8] = 1
    >>> out = moving_pieces(img, inst, [(1, 4.0, 0.0)])
    >>> [round(float(v), 2) for v in out[2, 1:11, 0]]  # still solid inside, a fading ghost outside
    [0.0, 0.15, 0.38, 1.0, 1.0, 1.0, 1.0, 0.38, 0.15, 0.0]
    """
    out = lin.copy()
    h, w = instances.shape
    for pid, length, angle in moves:
        ys, xs = np.nonzero(instances == pid)
        if ys.size == 0 or length <= 0:
            continue
        k = line_kernel(length, angle)
        r = k.shape[0] // 2
        y0, y1, x0, x1 = max(ys.min() - r, 0), min(ys.max() + r + 1, h), max(xs.min() - r, 0), min(xs.max() + r + 1, w)
        mask = (instances[y0:y1, x0:x1] == pid).astype(np.float32)
        crop = out[y0:y1, x0:x1]
        cover = cv2.filter2D(mask, -1, k, borderType=cv2.BORDER_CONSTANT)[..., None]
        smeared = cv2.filter2D(crop * mask[..., None], -1, k, borderType=cv2.BORDER_CONSTANT)
        inside = smeared / np.maximum(cover, 1e-6)
        ghost = smeared + (1.0 - cover) * crop
        if depth is not None:  # the ghost passes under the pieces that lie over this one
            ghost = np.where(_in_front(depth[y0:y1, x0:x1], mask)[..., None], crop, ghost)
        out[y0:y1, x0:x1] = np.where(mask[..., None] > 0, inside, ghost)
    return out


def _in_front(depth: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Where the surface lies nearer the camera than the nearest pixel of the piece ``mask`` (> 0) does,
    by more than :data:`GHOST_HIDDEN_M` (each pixel against the piece's pixel closest to it in the image)."""
    outside = (mask == 0).astype(np.uint8)
    _, labels = cv2.distanceTransformWithLabels(outside, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
    piece = depth[mask > 0]  # numbered 1.. in raster order, as the labels of the piece's pixels are
    return depth < piece[labels - 1] - GHOST_HIDDEN_M


def pick_moving(instances: np.ndarray, count: float, length: float, rng: np.random.Generator,
                min_share: float = 0.004) -> list[tuple[int, float, float]]:
    """Which pieces move, how far and which way (the moves :func:`moving_pieces` takes).

    ``count`` pieces on average (a fraction: a frame with 0.6 has one moving piece six times in ten), each
    drawn from the pieces that show at least ``min_share`` of the frame, more likely the more of it shows
    (the pieces a sorter reaches for lie on top); each moves 0.4-1 times ``length`` px in any direction.

    >>> inst = np.zeros((10, 10), np.uint16); inst[:5] = 1; inst[5:] = 2; inst[0, 0] = 3
    >>> moves = pick_moving(inst, 2.0, 10.0, np.random.default_rng(0), min_share=0.05)
    >>> sorted(m[0] for m in moves), all(4.0 <= m[1] <= 10.0 for m in moves)  # piece 3 is too small
    ([1, 2], True)
    """
    n = int(count + rng.random())
    ids, areas = np.unique(instances[instances > 0], return_counts=True)
    keep = areas >= min_share * instances.size
    ids, areas = ids[keep], areas[keep].astype(float)
    n = min(n, ids.size)
    if n == 0:
        return []
    chosen = rng.choice(ids, size=n, replace=False, p=areas / areas.sum())
    return [(int(i), float(length * rng.uniform(0.4, 1.0)), float(rng.uniform(0.0, np.pi))) for i in chosen]


def black_level(lin: np.ndarray, level: float, power: float = TOE_POWER) -> np.ndarray:
    """A camera's black level: a smooth toe that halves the luminance at ``level`` (linear), the shadows to black.

    Light scattered in the hall and the lens (the fill that keeps crumples' shaded facets grey) lifts
    every pixel; a video camera sets its black level above the sensor's floor, so the gaps under pieces and
    the belt's darkest rubber fall near black while the dusty belt and paper keep their grey. The luminance
    ``Y`` goes to ``Y * Y^p / (Y^p + level^p)`` with ``p`` = ``power`` (:data:`TOE_POWER`): half at ``level``,
    bending smoothly to 0 below it and to ``Y`` above (no hard clip, monotonic); each pixel's colour is scaled
    with it, so a dark colour keeps its hue and saturation.

    >>> grey = np.array([[[0.0] * 3, [0.015] * 3, [0.03] * 3, [0.07] * 3, [0.5] * 3]], np.float32)
    >>> [round(float(px[0]), 4) for px in black_level(grey, 0.03)[0]]
    [0.0, 0.0023, 0.015, 0.0625, 0.4996]
    """
    if level <= 0:
        return lin
    y = np.maximum(lin @ LUMA, 0.0) ** np.float32(power)
    knee = np.float32(max(float(level) ** power, 1e-30))  # (a tiny level must not underflow to 0 / 0 in black)
    return (lin * (y / (y + knee))[..., None]).astype(np.float32)


def shoulder(lin: np.ndarray, knee: float, white: float = WHITE) -> np.ndarray:
    """A camera's highlight roll-off: linear below ``knee``, then compressed smoothly towards ``white``.

    Video cameras rarely clip white paper hard; their tone curve bends above a knee, and the
    brightest paper ends near sRGB 0.93, not at 1. Only specular glints, far above paper white,
    come near ``white`` (0.9: sRGB 0.95). With ``white`` above 1 (a camera exposing for the belt,
    as in about half of the real frames) the brightest paper clips to pure white.

    >>> [round(float(v), 3) for v in shoulder(np.array([0.5, 0.9, 3.0], np.float32), 0.8)]
    [0.5, 0.876, 0.9]
    """
    if knee <= 0 or knee >= white:
        return lin
    span = white - knee
    over = np.maximum(lin - knee, 0.0)
    return np.where(lin > knee, knee + span * np.tanh(over / span), lin).astype(np.float32)


#: The mean linear luminance (Rec. 709) the auto exposure meters a frame of typical brightness at, before the
#: preset's ``post.exposure`` (which keeps its meaning: the gain of a frame of typical brightness): the median
#: over 24 raw 640 px renders of the three shipped presets (seeds 81000 and 82000, 4 frames each) is 0.195
#: (10th-90th percentile 0.12-0.245: a belt-heavy frame 0.11, a paper-heavy one 0.26).
AE_REFERENCE = 0.195
#: The auto exposure corrects by at most this factor either way (a real AE's range over a steady scene: a stop).
AE_LIMIT = 2.0


def auto_exposure(lin: np.ndarray, share: float, reference: float = AE_REFERENCE) -> float:
    """The gain of a video camera's auto exposure: ``share`` (0..1) of the way from the frame's metered
    brightness to ``reference`` (in log, at most :data:`AE_LIMIT` times either way).

    A real camera meters every frame and exposes a paper-heavy one down and a belt-heavy one up; one fixed
    exposure clips the white paper of a paper-heavy frame flat and leaves a belt-heavy one dim. The meter is
    the mean linear luminance on a coarse grid (specular glints above 1 count as 1: they barely move a real
    meter). With ``share`` 1 every frame meters at ``reference``; the preset's exposure then scales them all.

    >>> paper = np.full((8, 8, 3), 0.39, np.float32)  # twice the reference's brightness
    >>> round(auto_exposure(paper, 1.0, 0.195), 3), round(auto_exposure(paper, 0.5, 0.195), 3)
    (0.5, 0.707)
    """
    if share <= 0:
        return 1.0
    grid = np.minimum(lin[::4, ::4], 1.0) @ LUMA
    metered = max(float(grid.mean()), 1e-4)
    gain = (reference / metered) ** float(share)
    return float(np.clip(gain, 1.0 / AE_LIMIT, AE_LIMIT))


def white_balance(lin: np.ndarray, strength: float, drift: np.ndarray) -> np.ndarray:
    """Grey-world auto white balance (``strength`` 0..1 of the full correction), then per-channel ``drift`` gains.

    A camera's AWB pulls a warm or cold light most of the way to neutral but never all the way, and
    its estimate wanders from frame to frame; that residual cast is what real footage shows.

    >>> lin = np.ones((2, 2, 3), np.float32) * np.array([0.4, 0.2, 0.1], np.float32)
    >>> [round(float(c), 3) for c in white_balance(lin, 1.0, np.ones(3))[0, 0]]
    [0.2, 0.2, 0.2]
    """
    if strength > 0:
        grid = lin[::4, ::4]  # a camera meters on a coarse grid (and 16x fewer pixels to sort)
        lum = grid.mean(axis=2)
        use = (lum > 0.02) & (grid.max(axis=2) < 0.98)  # ignore the black belt and clipped highlights
        means = grid[use].mean(axis=0) if use.sum() > 100 else grid.reshape(-1, 3).mean(axis=0)
        gains = (means[1] / np.maximum(means, 1e-6)) ** float(strength)
        lin = lin * gains.astype(np.float32)
    return lin * np.asarray(drift, np.float32)


def light_pools(h: int, w: int, amount: float, rng: np.random.Generator) -> np.ndarray:
    """(h, w, 1) gain of uneven overhead light: 1-3 broad pools of light, ``(1 + amount) / (1 - amount)`` times as
    bright as the darkest part of the frame, with a mean gain of 1.

    Lamps hang at different heights and angles over a conveyor, so a frame is brighter under them and
    falls off between and beyond them (paper under a pool clips, paper at the far edge is grey). The pools
    are Gaussians 0.25-0.6 frame widths wide at random places (some just outside the frame), summed
    and stretched to the full range; computed on a coarse grid and scaled up (smooth and cheap).

    >>> g = light_pools(90, 160, 0.3, np.random.default_rng(0))
    >>> g.shape, round(float(g.max() / g.min()), 2), round(float(g.mean()), 3)
    ((90, 160, 1), 1.86, 1.0)
    """
    gw = 64
    gh = max(2, round(gw * h / w))
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    xx, yy = xx / (gw - 1), yy / (gw - 1)  # in frame widths
    field = np.zeros((gh, gw), np.float32)
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = rng.uniform(-0.15, 1.15), rng.uniform(-0.15, 1.15) * h / w
        sigma, weight = rng.uniform(0.25, 0.6), rng.uniform(0.5, 1.0)
        field += np.float32(weight) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / np.float32(2 * sigma**2))
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
    gain = cv2.resize(1.0 + amount * (2.0 * field - 1.0), (w, h), interpolation=cv2.INTER_LINEAR)
    return (gain / gain.mean()).astype(np.float32)[..., None]  # the exposure stays the preset's


def blur_field(h: int, w: int, rng: np.random.Generator, cells: int = 4) -> np.ndarray:
    """(h, w, 1) smooth random field stretched to 0..1: where a frame is soft for reasons other than the lens.

    A ``cells`` x ``cells * h / w`` grid of random values scaled up smoothly: patches a quarter of the
    frame across, as the top of a pile 20-30 cm above the belt or a tilted lens leave a region soft.

    >>> f = blur_field(36, 64, np.random.default_rng(0))
    >>> f.shape, float(f.min()), float(f.max())
    ((36, 64, 1), 0.0, 1.0)
    """
    gh = max(2, round(cells * h / w))
    grid = rng.uniform(0.0, 1.0, (gh + 1, cells + 1)).astype(np.float32)
    small = (64, max(2, round(64 * h / w)))  # smoothed on a coarse grid, then scaled up (cheap at any size)
    field = cv2.GaussianBlur(cv2.resize(grid, small, interpolation=cv2.INTER_LINEAR), (0, 0), sigmaX=32 / cells)
    field = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)  # round the grid's creases off
    return ((field - field.min()) / max(float(np.ptp(field)), 1e-6))[..., None]


def defocus(lin: np.ndarray, sigma: float, edge: float, centre: tuple[float, float],
            patches: np.ndarray | None = None, share: float = 0.0) -> np.ndarray:
    """Lens blur of ``sigma`` px at the focus ``centre`` growing to ``sigma * (1 + edge)`` away from it.

    The belt is not flat (piles stand 20-30 cm high) and the lens is softer off-axis, so sharpness
    varies across a real frame. ``centre`` is (x, y) in 0..1 of the frame; the blend weight is the squared
    distance from it (1 at the frame's far corner), mixed with ``patches`` (a :func:`blur_field`) by
    ``share`` (0..1): soft regions anywhere in the frame, not only towards its corners. Two Gaussian
    blurs and a blend: cheap.

    >>> img = np.zeros((40, 40, 3), np.float32); img[::2] = 1.0
    >>> out = defocus(img, 0.8, 2.0, (0.0, 0.0))  # in focus at the top-left corner
    >>> bool(np.ptp(out[2:6, 2:6]) > 2 * np.ptp(out[-6:-2, -6:-2]))
    True
    """
    # a blur under MIN_BLUR_PX changes nothing visible: skip it, but keep the soft corners and patches of a
    # frame whose centre is sharp (at 640 px a 1920 px preset's 0.3-0.6 px centre is 0.1-0.2 px)
    sharp = cv2.GaussianBlur(lin, (0, 0), sigmaX=sigma) if sigma > MIN_BLUR_PX else lin
    if edge <= 0 or sigma * (1.0 + edge) <= MIN_BLUR_PX:
        return sharp
    extra = sigma * float(np.sqrt((1.0 + edge) ** 2 - 1.0)) if sigma > MIN_BLUR_PX else sigma * (1.0 + edge)
    soft = cv2.GaussianBlur(sharp, (0, 0), sigmaX=extra)
    h, w = lin.shape[:2]
    cx, cy = centre
    x = np.abs(np.linspace(0.0, 1.0, w, dtype=np.float32) - cx) / max(cx, 1 - cx)
    y = np.abs(np.linspace(0.0, 1.0, h, dtype=np.float32) - cy) / max(cy, 1 - cy)
    weight = ((y[:, None] ** 2 + x[None, :] ** 2) / 2)[..., None]
    if patches is not None and share > 0:
        weight = (1.0 - share) * weight + share * patches
    return sharp + (soft - sharp) * weight


def fringe(lin: np.ndarray, px: float) -> np.ndarray:
    """Lateral chromatic aberration: red magnified and blue shrunk about the centre, ``px`` apart at the
    left and right edges (colour fringes on the edges of paper towards the frame's borders).

    >>> img = np.zeros((9, 21, 3), np.float32); img[:, 13:17] = 1.0  # a bright bar near the right edge
    >>> out = fringe(img, 2.0)
    >>> bool(out[4, 17, 0] > 0.3 > out[4, 17, 2]), bool(out[4, 12, 2] > 0.1 > out[4, 12, 0])  # red out, blue in
    (True, True)
    """
    if px < 0.05:
        return lin
    h, w = lin.shape[:2]
    out = lin.copy()
    for ch, sign in ((0, 1.0), (2, -1.0)):
        k = 1.0 + sign * px / w  # each channel moves px/2 at the edges: px between red and blue
        m = np.float32([[k, 0, (1 - k) * (w - 1) / 2], [0, k, (1 - k) * (h - 1) / 2]])
        out[..., ch] = cv2.warpAffine(np.ascontiguousarray(lin[..., ch]), m, (w, h), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REFLECT)
    return out


def saturate(img: np.ndarray, amount: float) -> np.ndarray:
    """The camera's colour processing: chroma scaled by ``1 + amount`` about each pixel's luma (sRGB, 0..1).

    Video cameras' colour matrices and "vivid" picture styles push printed colours past what the scene
    reflects; greys and whites (paper, the belt) stay where they are.

    >>> img = np.array([[[0.6, 0.4, 0.4], [0.5, 0.5, 0.5]]], np.float32)
    >>> [[round(float(c), 3) for c in px] for px in saturate(img, 0.5)[0]]
    [[0.67, 0.37, 0.37], [0.5, 0.5, 0.5]]
    """
    if amount == 0:
        return img
    luma = img @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(luma[..., None] + (1.0 + np.float32(amount)) * (img - luma[..., None]), 0.0, 1.0)


def tone_curve(img: np.ndarray, amount: float) -> np.ndarray:
    """The video camera's tone curve: mid-tones ``1 + amount`` times contrastier than plain sRGB (0..1 in and out).

    A video picture profile is S-shaped: steeper in the mid-tones, flatter towards black and white. The
    S (``luma - amount * sin(2 pi luma) / (2 pi)``) moves the luma only (each pixel's colour is scaled with
    it), keeps black, mid grey and white where they are, and stays monotonic for ``amount`` < 1. It gives
    the real frames' strong mid-scale contrast (paper against the belt, shading in crumples) without
    adding fine detail.

    >>> img = np.array([[[0.25, 0.25, 0.25], [0.5, 0.5, 0.5], [0.75, 0.75, 0.75]]], np.float32)
    >>> [round(float(px[0]), 3) for px in tone_curve(img, 0.3)[0]]
    [0.202, 0.5, 0.798]
    """
    if amount == 0:
        return img
    luma = img @ LUMA
    curved = luma - np.float32(amount / (2 * np.pi)) * np.sin(np.float32(2 * np.pi) * luma)
    gain = np.where(luma > 1e-4, curved / np.maximum(luma, 1e-4), np.float32(1.0 - amount))
    return np.clip(img * gain[..., None], 0.0, 1.0)


def sensor_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Signal-dependent noise on sRGB 0..1: ``sigma`` at mid grey, brighter pixels noisier (shot noise).

    Half of it is correlated over ~2 px (demosaicing and the codec smear it), part of it differs
    between channels (chroma noise).
    """
    if sigma <= 0:
        return img
    h, w = img.shape[:2]
    scale = sigma * np.sqrt(0.3 + 1.4 * np.clip(img.mean(axis=2, keepdims=True), 0.0, 1.0))
    fine = rng.standard_normal((h, w, 1), np.float32) + 0.5 * rng.standard_normal((h, w, 3), np.float32)
    coarse = rng.standard_normal(((h + 1) // 2, (w + 1) // 2, 3), np.float32)
    coarse = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)
    return img + scale * (0.6 * fine + 0.8 * coarse)


def jpeg(img8: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip an RGB uint8 image through JPEG (4:2:0) at ``quality`` (1..100)."""
    ok, buf = cv2.imencode(".jpg", img8[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        return img8
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()


def codec(img8: np.ndarray, quality: int, scale: float = 1.0) -> np.ndarray:
    """The video codec: JPEG at ``quality`` on the frame resized to ``scale`` of its width, then resized back.

    A low-bitrate stream keeps edges but smears fine detail into soft blocks larger than 8 px; coding a
    smaller frame gives blocks of ``8 / scale`` px and chroma at half that resolution (4:2:0). A ``scale``
    above 1 codes a frame smaller than the stream (a 640 px frame of a 1920 px stream): its 8 px blocks
    shrink to ``8 / scale`` px, as the blocks of the stream do when its frames are scaled down.

    >>> img = np.zeros((64, 64, 3), np.uint8); img[:, ::2] = 255  # 1-px stripes
    >>> float(np.ptp(codec(img, 95, 0.5)[:, 20:40].astype(float).mean(axis=0))) < 30  # smeared to grey
    True
    """
    h, w = img8.shape[:2]
    lossy = 0 < quality < 100
    if abs(scale - 1.0) < 0.01 or (scale > 1.0 and not lossy):  # (scaling up and back alone changes nothing)
        return jpeg(img8, quality) if lossy else img8
    down = scale < 1.0
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    # (cubic up, area back down: the round trip alone moves a pixel by < 1 code value on average; linear by 1.4)
    coded = cv2.resize(img8, size, interpolation=cv2.INTER_AREA if down else cv2.INTER_CUBIC)
    if lossy:
        coded = jpeg(coded, quality)
    return cv2.resize(coded, (w, h), interpolation=cv2.INTER_LINEAR if down else cv2.INTER_AREA)


def postprocess(rgb: np.ndarray, post: dict, instances: np.ndarray | None = None,
                depth: np.ndarray | None = None) -> np.ndarray:
    """Apply sampled post-processing to an RGB uint8 frame (see the module docstring for the order).

    ``instances`` (the frame's instance ids, 0 = none) lets ``post["moving"]`` pieces move on their own;
    ``depth`` (m from the camera, per pixel) hides a moving piece's ghost under the pieces over it.
    """
    h, w = rgb.shape[:2]
    for name, arr in (("instance map", instances), ("depth map", depth)):
        if arr is not None and arr.shape != (h, w):
            raise ValueError(f"the {name} is {arr.shape[1]}x{arr.shape[0]} px, the frame {w}x{h}: they must match")
    s = w / 1920.0
    rng = np.random.default_rng(post["seed"])
    look = np.random.default_rng([int(post["seed"]), 2])  # where the light pools and the focus lie
    lin = _TO_LINEAR[rgb]
    lin = lin * np.float32(auto_exposure(lin, float(post.get("auto_exposure", 0.0))) * float(post["exposure"]))
    lin = white_balance(lin, float(post.get("awb", 0.0)), post.get("wb_gains", (1.0, 1.0, 1.0)))
    pools = float(post.get("light_pools", 0.0))
    if pools > 0:
        lin = lin * light_pools(h, w, pools, look)
    centre = (float(look.uniform(0.3, 0.7)), float(look.uniform(0.3, 0.7)))
    share, extra = float(post.get("defocus_patches", 0.0)), float(post.get("smear", 0.0))
    patches = np.random.default_rng([int(post["seed"]), 3])  # where the soft and smeared patches lie
    soft = blur_field(h, w, patches) if share > 0 else None
    lin = defocus(lin, float(post.get("defocus_px", 0.0)) * s, float(post.get("defocus_edge", 0.0)), centre,
                  soft, share)
    if instances is not None and float(post.get("moving", 0.0)) > 0:
        moves = pick_moving(instances, float(post["moving"]), float(post.get("moving_px", 0.0)) * s,
                            np.random.default_rng([int(post["seed"]), 4]))
        lin = moving_pieces(lin, instances, moves, depth)
    length = float(post["motion_blur_px"]) * s
    lin = smear(lin, length, extra, blur_field(h, w, patches)) if extra > 0 else motion_blur(lin, length)
    if post["vignette"] > 0:
        xx = ((np.arange(w, dtype=np.float32) - w / 2) / (w / 2)) ** 2
        yy = ((np.arange(h, dtype=np.float32) - h / 2) / (h / 2)) ** 2
        r2 = yy[:, None] + xx[None, :]
        lin = lin * (1 - np.float32(post["vignette"]) * np.clip(r2 / 2, 0, 1))[..., None]
    lin = fringe(lin, float(post.get("fringe_px", 0.0)) * s)
    lin = black_level(lin, float(post.get("black", 0.0)))
    img = linear_to_srgb(shoulder(lin, float(post.get("shoulder", 0.0)), float(post.get("white", WHITE))))
    img = tone_curve(img, float(post.get("contrast", 0.0)))
    img = saturate(img, float(post.get("saturation", 0.0)))
    amount = float(post.get("sharpen", 0.0))
    if amount > 0:  # in-camera unsharp mask: crisper edges with a faint halo
        img = np.clip(img + amount * (img - cv2.GaussianBlur(img, (0, 0), sigmaX=max(1.2 * s, 0.6))), 0.0, 1.0)
    img = sensor_noise(img, float(post["noise"]) * s, rng)  # a pixel s times as wide averages s^-2 sensels
    out = np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)
    # the codec's working width is given at 1920 px: a frame narrower than that is coded at the stream's width
    # and scaled back down (its blocks as small as the stream's blocks are in the smaller frame)
    scale = float(post.get("codec_scale", 1.0)) / s
    return codec(out, int(post.get("jpeg_quality", 0)), scale)
