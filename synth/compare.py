"""How far rendered frames are from real ones: per-frame image statistics, one distance, a blind sheet.

Pure numpy/OpenCV (no bpy), so a scene builder can judge a preset against their own facility's
frames, and ``zerowaste synth fit`` can use the same figure as its objective.

Every frame is first resized to :data:`ANALYSIS_WIDTH` pixels wide (area interpolation), so frames
of any resolution are measured at the same scale. The statistics (:data:`STATS`) are chosen to be
what tells a toy render from a real belt at thumbnail size: colour (Hasler-Suesstrunk
colourfulness, saturation, vivid-print share and its hues, white balance), light (luminance mean and spread,
clipped highlights), detail (edge density, gradient, high-frequency share of the spectrum and its
slope, sharpness, and whether the belt's texture runs in lines) and content (dark belt showing, white paper, and how
widely the paper's shading spreads: lit alike, crumpled paper piles up just under white and reads as clay).

The **distance** of a set of frames to the real ones is the mean over statistics of
``|median_synth - median_real| / spread``, where ``spread`` is the real frames' inter-quartile
range, never below the statistic's own ``floor`` (a just-noticeable difference; a handful of real
frames would otherwise give a near-zero IQR and one statistic would dominate). 0 means the medians
agree; 1 means they are, on average, one real spread apart.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> real = [rng.integers(0, 255, (90, 160, 3), dtype=np.uint8) for _ in range(3)]
    >>> same = summarize([frame_stats(f) for f in real])
    >>> distance(same, same)
    0.0
    >>> dark = summarize([frame_stats(f // 4) for f in real])
    >>> distance(same, dark) > 1
    True
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from zerowaste import contract as C
from zerowaste.errors import ZeroWasteError

#: Frames are measured at this width (pixels), whatever their size.
ANALYSIS_WIDTH = 320
#: Image file suffixes read from a folder (case-insensitive).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


class CompareError(ZeroWasteError, ValueError):
    """Frames that cannot be compared: no images, an undecodable file, too few frames."""


@dataclass(frozen=True)
class Stat:
    """One statistic: its key, what it measures, and the smallest spread that counts as a difference."""

    key: str
    label: str
    floor: float


STATS: tuple[Stat, ...] = (
    Stat("colourfulness", "colourfulness (Hasler-Suesstrunk, 0..255 scale)", 5.0),
    Stat("saturation", "mean HSV saturation", 0.03),
    Stat("vivid", "share of vivid pixels (saturation > 0.5, value > 0.3)", 0.02),
    Stat("warmth", "mean Lab b* (yellow + / blue -)", 2.0),
    Stat("tint", "mean Lab a* (magenta + / green -)", 1.0),
    Stat("luminance", "mean luminance (0..1)", 0.03),
    Stat("luminance_spread", "luminance standard deviation", 0.02),
    Stat("highlights", "share of clipped highlights (luminance > 0.95)", 0.01),
    Stat("edges", "Canny edge density", 0.01),
    Stat("gradient", "mean gradient magnitude (0..1 per pixel)", 0.005),
    Stat("high_freq", "share of spectral power above 1/4 of Nyquist", 0.01),
    Stat("spectral_slope", "slope of the log power spectrum", 0.1),
    Stat("sharpness", "log10 variance of the Laplacian", 0.1),
    Stat("dark_belt", "share of dark, unsaturated pixels (the belt showing)", 0.03),
    Stat("white_paper", "share of bright, unsaturated pixels (white paper)", 0.03),
    Stat("paper_shading", "inter-quartile range of the luminance of unsaturated pixels above mid grey (paper's shading)", 0.02),
    Stat("paper_level", "median luminance of unsaturated pixels above mid grey (how near white the paper sits)", 0.02),
    Stat("belt_warmth", "mean Lab b* of the dark, unsaturated pixels (the belt and the shadows on it)", 1.0),
    Stat("shadows", "luminance of the darkest 5 % of the frame (the belt's black, the gaps under pieces)", 0.02),
    Stat("other_hues", "share of the vivid pixels that are green, cyan, violet or magenta (not red to yellow, not blue)",
         0.02),
    Stat("belt_lines", "the belt's fine texture: how much more it changes across its main direction than along it "
         "(lines, scratches, streaks; 1 = none)", 0.05),
)
#: The hues (degrees, HSV) that ``other_hues`` counts: green to cyan, and violet to magenta. The reference frames'
#: print, board and bags are red, orange, yellow and blue: 2 % of their vivid pixels lie here (the most in one frame:
#: 6 %); `default`'s had a median of 14 % (a tenth of them under 4 %) before round 43's inks, 4 % after.
OTHER_HUES = ((70.0, 200.0), (260.0, 345.0))
#: ``paper_shading``, ``paper_level``, ``belt_warmth``, ``other_hues`` and ``belt_lines`` count only frames with at least
#: this share of such pixels (0 below it).
MIN_PIXEL_SHARE = 0.02
#: ``belt_lines`` looks at the dark, unsaturated pixels (HSV value under this: the belt, lit or in shade) away from any
#: edge (:data:`BELT_LINES_ERODE` px), at the detail finer than a Gaussian of :data:`BELT_LINES_SIGMA` px. Round 48:
#: the reference belts' texture is mottled grime and crumbs, 1.27 (1.18-1.36) times as strong across its main direction
#: as along it; `default`'s scratches all over the belt drew a grain of parallel lines, 1.54 on 32 scenes and 1.55
#: on 32 others, that seven blind judges in two rounds called "wood grain" or "brushed metal" where no other
#: statistic moved. (Eroded by 9 px: nearer an edge, the Gaussian's halo would measure the edge, not the belt.)
BELT_LINES_VALUE, BELT_LINES_ERODE, BELT_LINES_SIGMA = 0.4, 9, 2.0
STAT_KEYS: tuple[str, ...] = tuple(s.key for s in STATS)
#: The bands (sRGB luminance, Rec. 709) of the frames' luminance histogram, a diagnostic beside the statistics (not
#: part of the distance). It shows where a mismatch of ``luminance`` or ``dark_belt`` lies: round 43's renders had
#: 21 % of a frame at 0.2-0.35 where the reference frames have 17 %, and too little at 0.1-0.2 (the belt's black).
LUMINANCE_BANDS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.35, 0.6, 0.8, 0.9, 1.0)


# --------------------------------------------------------------------------------------------
# Finding and reading frames
# --------------------------------------------------------------------------------------------
def _images_directly_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def find_frames(folder: str | os.PathLike) -> list[Path]:
    """Image files of a dataset root (all its splits), a split folder (``data/``) or a plain folder.

    >>> try:
    ...     find_frames("/nonexistent")
    ... except CompareError as exc:
    ...     print(exc)
    /nonexistent: not a folder
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CompareError(f"{folder}: not a folder")
    split_dirs = [folder / s / C.IMAGE_DIR for s in C.SPLITS if (folder / s / C.IMAGE_DIR).is_dir()]
    for candidates in (split_dirs, [folder / C.IMAGE_DIR], [folder]):
        found = [p for d in candidates if d.is_dir() for p in _images_directly_in(d)]
        if found:
            return found
    raise CompareError(f"{folder}: no images here (a plain image folder, a split with data/, or a dataset root)")


def to_analysis(rgb: np.ndarray, width: int = ANALYSIS_WIDTH) -> np.ndarray:
    """An RGB uint8 frame resized to ``width`` pixels wide (aspect kept), as every frame is measured."""
    h, w = rgb.shape[:2]
    size = (width, max(1, round(h * width / w)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if w >= width else cv2.INTER_LINEAR)


def load_frame(path: str | os.PathLike, width: int = ANALYSIS_WIDTH) -> np.ndarray:
    """Read an image as RGB uint8 resized to ``width`` pixels wide (aspect kept)."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise CompareError(f"{path}: cannot decode the image (corrupt or not an image file)")
    return to_analysis(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), width)


# --------------------------------------------------------------------------------------------
# Statistics (pure)
# --------------------------------------------------------------------------------------------
def colourfulness(rgb: np.ndarray) -> float:
    """Hasler and Suesstrunk's colourfulness M3 on the 0..255 scale (0: grey; >100: very colourful).

    >>> colourfulness(np.full((4, 4, 3), 128, np.uint8))
    0.0
    """
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def _spectrum(grey: np.ndarray) -> tuple[float, float]:
    """(share of power above 1/4 Nyquist, slope of log power vs log frequency) of a grey image."""
    g = grey - grey.mean()
    h, w = g.shape
    window = np.outer(np.hanning(h), np.hanning(w))
    power = np.abs(np.fft.fftshift(np.fft.fft2(g * window))) ** 2
    fy = np.fft.fftshift(np.fft.fftfreq(h))[:, None]
    fx = np.fft.fftshift(np.fft.fftfreq(w))[None, :]
    radius = np.hypot(fx, fy)  # cycles per pixel, Nyquist = 0.5
    valid = (radius > 0) & (radius <= 0.5)
    total = power[valid].sum()
    high = power[valid & (radius > 0.125)].sum() / total if total > 0 else 0.0
    bins = np.geomspace(2.0 / min(h, w), 0.5, 16)
    idx = np.digitize(radius[valid], bins)
    pv = power[valid]
    centres, levels = [], []
    for k in range(1, len(bins)):
        sel = idx == k
        if sel.any() and pv[sel].mean() > 0:
            centres.append(np.log10(np.sqrt(bins[k - 1] * bins[k])))
            levels.append(np.log10(pv[sel].mean()))
    slope = float(np.polyfit(centres, levels, 1)[0]) if len(centres) >= 2 else 0.0
    return float(high), slope


def _luminance(f: np.ndarray) -> np.ndarray:
    """Rec. 709 luminance of an sRGB frame in 0..1 (float32, H x W x 3)."""
    return 0.2126 * f[..., 0] + 0.7152 * f[..., 1] + 0.0722 * f[..., 2]


def _belt_lines(luma: np.ndarray, belt: np.ndarray) -> float:
    """How much more the fine texture of the ``belt`` pixels (away from any edge) changes across its main direction
    than along it: 1 for mottled grime or none, more for lines (0 with under :data:`MIN_PIXEL_SHARE` of belt).

    >>> rows = np.tile(np.array([[0.2], [0.3]], np.float32), (40, 80))  # stripes along x
    >>> _belt_lines(rows, np.ones(rows.shape, bool)) > 10, _belt_lines(rows.T.copy(), np.ones((80, 80), bool)) > 10
    (True, True)
    """
    inside = cv2.erode(belt.astype(np.uint8), np.ones((BELT_LINES_ERODE,) * 2, np.uint8))[:-1, :-1] > 0
    if inside.mean() < MIN_PIXEL_SHARE:
        return 0.0
    fine = luma - cv2.GaussianBlur(luma, (0, 0), BELT_LINES_SIGMA)
    down = float(np.abs(np.diff(fine, axis=0))[:, :-1][inside].mean()) + 1e-4
    across = float(np.abs(np.diff(fine, axis=1))[:-1, :][inside].mean()) + 1e-4
    return max(down, across) / min(down, across)  # either way round: a facility's belt may run up the frame


def frame_stats(rgb: np.ndarray) -> dict[str, float]:
    """All :data:`STATS` of one RGB uint8 frame (measured as given; resize first for comparability).

    >>> s = frame_stats(np.full((90, 160, 3), 20, np.uint8))
    >>> s["dark_belt"], s["white_paper"], s["colourfulness"], s["edges"]
    (1.0, 0.0, 0.0, 0.0)
    """
    f = rgb.astype(np.float32) / 255.0
    luma = _luminance(f)
    hsv = cv2.cvtColor(f, cv2.COLOR_RGB2HSV)
    sat, val = hsv[..., 1], hsv[..., 2]
    lab = cv2.cvtColor(f, cv2.COLOR_RGB2Lab)
    grey8 = np.round(luma * 255).astype(np.uint8)
    gx = cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    lap = cv2.Laplacian(luma * 255.0, cv2.CV_32F)
    high, slope = _spectrum(luma.astype(np.float64))
    paper = luma[(val > 0.45) & (sat < 0.15)]  # white and grey paper, lit and in shade (round 14's judges: "clay")
    # its quartiles: the spread is the shading, the median the level (round 35: lit paper sat at a median 0.79
    # where the reference frames' sits at 0.71, a glow round every sheet)
    q25, level, q75 = np.percentile(paper, [25, 50, 75]) if paper.size >= MIN_PIXEL_SHARE * luma.size else (0.0,) * 3
    dark = (val < 0.3) & (sat < 0.35)  # the belt showing, and the shadows on it
    # (round 16: the reference belts are olive-brown, b* +2.9, where ours were neutral; white paper alike in both)
    belt_b = float(lab[..., 2][dark].mean()) if dark.mean() >= MIN_PIXEL_SHARE else 0.0
    vivid = (sat > 0.5) & (val > 0.3)
    hue = hsv[..., 0][vivid]  # degrees
    other = np.zeros(hue.shape, bool)
    for lo, hi in OTHER_HUES:
        other |= (hue >= lo) & (hue < hi)
    other_hues = float(other.mean()) if vivid.mean() >= MIN_PIXEL_SHARE else 0.0
    belt_lines = _belt_lines(luma, (val < BELT_LINES_VALUE) & (sat < 0.35))
    return {
        "colourfulness": colourfulness(rgb),
        "saturation": float(sat.mean()),
        "vivid": float(vivid.mean()),
        "warmth": float(lab[..., 2].mean()),
        "tint": float(lab[..., 1].mean()),
        "luminance": float(luma.mean()),
        "luminance_spread": float(luma.std()),
        "highlights": float((luma > 0.95).mean()),
        "edges": float((cv2.Canny(grey8, 60, 150) > 0).mean()),
        "gradient": float(np.hypot(gx, gy).mean()),
        "high_freq": high,
        "spectral_slope": slope,
        "sharpness": float(np.log10(lap.var() + 1e-6)),
        "dark_belt": float(dark.mean()),
        "white_paper": float(((val > 0.65) & (sat < 0.15)).mean()),
        "paper_shading": float(q75 - q25),
        "paper_level": float(level),
        "belt_warmth": belt_b,
        # (round 22: the renders' belt and gaps sat a veil above the real frames' black, 0.21 against 0.15)
        "shadows": float(np.percentile(luma, 5)),
        # (round 43: a seventh of the renders' vivid pixels were green, teal, violet or magenta, the real frames' 2 %)
        "other_hues": other_hues,
        "belt_lines": belt_lines,
    }


def luminance_histogram(rgb: np.ndarray, bands: tuple[float, ...] = LUMINANCE_BANDS) -> list[float]:
    """The share of a frame's pixels in each band of sRGB luminance (Rec. 709; the last band holds 1.0 too).

    >>> luminance_histogram(np.full((4, 4, 3), 128, np.uint8))  # mid grey: all in 0.35-0.6
    [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    """
    luma = _luminance(rgb.astype(np.float32) / 255.0)
    counts, _ = np.histogram(np.clip(luma, bands[0], bands[-1]), bins=np.asarray(bands, np.float32))
    return [round(float(c) / luma.size, 6) for c in counts]


def median_histogram(histograms: list[list[float]]) -> list[float]:
    """The median share of each band over frames (the shares of a typical frame; they need not sum to 1)."""
    return [round(float(v), 6) for v in np.median(np.asarray(histograms, np.float64), axis=0)]


def folder_stats(folder: str | os.PathLike, limit: int | None = None, min_frames: int = 1) -> dict[str, list]:
    """Per-frame statistics of the frames in ``folder``: ``{"files": [...], stat: [values],
    "luminance_histogram": [per-frame shares]}``.

    ``limit`` takes that many frames evenly spread over the sorted list. Raises
    :class:`CompareError` for a folder without images, an undecodable image or fewer than
    ``min_frames`` frames.
    """
    files = find_frames(folder)
    if limit and len(files) > limit:
        files = [files[i] for i in np.linspace(0, len(files) - 1, limit).round().astype(int)]
    if len(files) < min_frames:
        raise CompareError(f"{folder}: {len(files)} frame(s); need at least {min_frames}")
    per, histograms = [], []
    for path in files:
        frame = load_frame(path)
        per.append(frame_stats(frame))
        histograms.append(luminance_histogram(frame))
    return {"files": [str(p) for p in files], **{k: [s[k] for s in per] for k in STAT_KEYS},
            "luminance_histogram": histograms}


def summarize(per_frame: list[dict[str, float]] | dict[str, list]) -> dict[str, dict[str, float]]:
    """Median, quartiles, 10th/90th percentiles, least and most, and frame count of every statistic."""
    if isinstance(per_frame, list):
        per_frame = {k: [s[k] for s in per_frame] for k in STAT_KEYS}
    out = {}
    for key in STAT_KEYS:
        v = np.asarray(per_frame[key], dtype=np.float64)
        p10, p25, p50, p75, p90 = np.percentile(v, [10, 25, 50, 75, 90])
        out[key] = {"median": float(p50), "p25": float(p25), "p75": float(p75), "p10": float(p10),
                    "p90": float(p90), "min": float(v.min()), "max": float(v.max()), "n": int(v.size)}
    return out


def inside_real_range(real: dict[str, dict[str, float]], per_frame: dict[str, list]) -> dict[str, float]:
    """The share of frames whose statistic lies within the real frames' range, widened by the statistic's floor.

    The distance sees only medians: frames split between two looks (half of them lit with black gaps, half
    with grey ones) can have the real median and not one real-looking frame. Every real frame lies inside
    (``real`` is :func:`summarize` of them, ``per_frame`` :func:`folder_stats`).

    >>> real = summarize([{k: v for k in STAT_KEYS} for v in (1.0, 2.0)])
    >>> inside_real_range(real, {k: [1.5, 2.0, 9.0, -9.0] for k in STAT_KEYS})["shadows"]
    0.5
    """
    out = {}
    for s in STATS:
        v = np.asarray(per_frame[s.key], dtype=np.float64)
        lo, hi = real[s.key]["min"] - s.floor, real[s.key]["max"] + s.floor
        out[s.key] = round(float(np.mean((v >= lo) & (v <= hi))), 6)
    return out


def spreads(real: dict[str, dict[str, float]]) -> dict[str, float]:
    """The yardstick of each statistic: the real frames' IQR, at least the statistic's floor."""
    return {s.key: max(real[s.key]["p75"] - real[s.key]["p25"], s.floor) for s in STATS}


def deviations(real: dict, synth: dict) -> dict[str, float]:
    """Signed ``(median_synth - median_real) / spread`` per statistic."""
    sp = spreads(real)
    return {k: (synth[k]["median"] - real[k]["median"]) / sp[k] for k in STAT_KEYS}


def distance(real: dict, synth: dict) -> float:
    """Mean over statistics of ``|median_synth - median_real| / spread`` (0 = the medians agree)."""
    return round(float(np.mean([abs(v) for v in deviations(real, synth).values()])), 6)


def compare(real: dict, synth: dict) -> dict:
    """A JSON-able report of one synthetic summary against the real one."""
    dev = deviations(real, synth)
    rows = {}
    for s in STATS:
        r, y = real[s.key], synth[s.key]
        rows[s.key] = {"label": s.label, "real_median": r["median"], "real_p25": r["p25"], "real_p75": r["p75"],
                       "synth_median": y["median"], "deviation": dev[s.key],
                       "inside_real_p10_p90": bool(r["p10"] <= y["median"] <= r["p90"])}
    return {"distance": distance(real, synth), "frames": synth[STAT_KEYS[0]]["n"], "stats": rows}


#: Resamples of the frames behind a difference of distances (:func:`distance_difference`), and their seed.
DIFFERENCE_DRAWS, DIFFERENCE_SEED = 1000, 0


def _distances(real: dict, values: np.ndarray) -> np.ndarray:
    """The distance of each of a stack of frame sets: ``values`` is (sets, frames, statistics)."""
    sp = spreads(real)
    centre = np.array([real[k]["median"] for k in STAT_KEYS])
    scale = np.array([sp[k] for k in STAT_KEYS])
    return np.mean(np.abs(np.median(values, axis=-2) - centre) / scale, axis=-1)


def distance_difference(real: dict, base: dict[str, list], other: dict[str, list], *, paired: bool,
                        draws: int = DIFFERENCE_DRAWS, seed: int = DIFFERENCE_SEED) -> dict:
    """How much nearer (< 0) or further (> 0) the frames of ``other`` are than ``base``'s, and how sure that is.

    ``base`` and ``other`` are :func:`folder_stats`. The distance of a few dozen frames moves a lot with which
    frames were drawn (over 32 ``default`` frames a bootstrap puts it anywhere from 0.30 to 0.50), often more
    than a single change moves it. The frames are resampled with replacement ``draws`` times; the standard
    deviation of the resampled differences is the difference's standard error, and ``p05``..``p95`` (the
    difference give or take 1.645 of it: 90 % under a normal spread) say whether it is more than the luck of
    the draw. (The resamples' own percentiles are no interval here: a resampled median lands further from
    the real one than the median of all frames does, and the measured difference can fall outside them.)

    ``paired``: the two hold renders of the same scenes (the same seeds, frame for frame in the same order)
    that differ in one change (a material, the light, the camera); the same frames are drawn for both, so
    that luck cancels and a much smaller change stands out. Otherwise each side is resampled on its own.

    >>> rng = np.random.default_rng(1)
    >>> real = summarize([{k: float(rng.normal()) for k in STAT_KEYS} for _ in range(8)])
    >>> base = {k: list(rng.normal(size=20)) for k in STAT_KEYS}
    >>> worse = {k: [v + 0.5 for v in base[k]] for k in STAT_KEYS}
    >>> diff = distance_difference(real, base, worse, paired=True)
    >>> diff["difference"] > 0, diff["p05"] > 0, diff["frames"]
    (True, True, 20)
    """
    a = np.array([base[k] for k in STAT_KEYS], dtype=np.float64).T
    b = np.array([other[k] for k in STAT_KEYS], dtype=np.float64).T
    if paired and a.shape != b.shape:
        raise CompareError(f"a paired difference needs the same frames on both sides ({len(a)} against {len(b)})")
    rng = np.random.default_rng(seed)
    pick_a = rng.integers(0, len(a), (draws, len(a)))
    pick_b = pick_a if paired else rng.integers(0, len(b), (draws, len(b)))
    error = float(np.std(_distances(real, b[pick_b]) - _distances(real, a[pick_a])))
    diff = float(_distances(real, b[None])[0] - _distances(real, a[None])[0])
    return {"difference": round(diff, 6), "p05": round(diff - 1.645 * error, 6), "p95": round(diff + 1.645 * error, 6),
            "paired": paired, "frames": len(b)}


def _frame_names(folder: str | os.PathLike, files: list[str]) -> list[str]:
    """The frames' paths inside their folder: two renders of the same scenes share them."""
    return [Path(f).relative_to(folder).as_posix() for f in files]  # (find_frames lists them under folder)


# --------------------------------------------------------------------------------------------
# The blind sheet
# --------------------------------------------------------------------------------------------
def _thumb(path: Path, width: int) -> np.ndarray:
    """A 16:9 centre crop of a frame, ``width`` pixels wide."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise CompareError(f"{path}: cannot decode the image (corrupt or not an image file)")
    h, w = bgr.shape[:2]
    ch, cw = (h, round(h * 16 / 9)) if w * 9 >= h * 16 else (round(w * 9 / 16), w)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    crop = bgr[y0 : y0 + ch, x0 : x0 + cw]
    return cv2.cvtColor(cv2.resize(crop, (width, round(width * 9 / 16)), interpolation=cv2.INTER_AREA),
                        cv2.COLOR_BGR2RGB)


def shuffled_sheet(
    sources: dict[str, list[str | os.PathLike]],
    out: str | os.PathLike,
    *,
    n: int = 6,
    columns: int = 4,
    width: int = 320,
    seed: int = 0,
) -> dict[int, str]:
    """Write a PNG of up to ``n`` thumbnails per source, shuffled and numbered; returns {number: source}.

    The key (which number is which source) is printed small at the bottom, below a gap, so the
    sheet can be judged blind first; it is also returned (``compare --json`` prints it).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zerowaste.io import save_figure

    rng = random.Random(seed)
    tiles = []
    for name, files in sources.items():
        files = list(files)
        rng.shuffle(files)
        tiles += [(name, Path(f)) for f in files[:n]]
    if not tiles:
        raise CompareError("no frames to put on the sheet")
    rng.shuffle(tiles)
    rows = -(-len(tiles) // columns)
    cell_w = width / 100
    fig, axes = plt.subplots(rows, columns, figsize=(columns * cell_w, rows * (cell_w * 9 / 16 + 0.3) + 0.4),
                             squeeze=False)
    key = {}
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(tiles):
            name, path = tiles[i]
            key[i + 1] = name
            ax.imshow(_thumb(path, width))
            ax.set_title(str(i + 1), fontsize=11, loc="left")
    text = "   ".join(f"{k}: {v}" for k, v in key.items())
    fig.text(0.01, 0.005, "key (cover me): " + text, fontsize=6, color="0.45", wrap=True)
    fig.tight_layout(rect=(0, 0.4 / fig.get_figheight(), 1, 1), pad=0.3)
    save_figure(fig, out)
    return key


# --------------------------------------------------------------------------------------------
# Folders in, report out (what `zerowaste synth compare` prints)
# --------------------------------------------------------------------------------------------
def compare_folders(
    real_dir: str | os.PathLike,
    synth_dirs: list[str | os.PathLike],
    *,
    limit: int | None = 300,
    sheet: str | os.PathLike | None = None,
    n: int = 6,
    seed: int = 0,
) -> dict:
    """Measure the real folder and every synthetic folder; optionally write the blind sheet.

    Returns ``{"real": {"folder", "frames", "summary", "luminance_histogram"}, "synth": {folder: compare(...), its
    "luminance_histogram" and "inside_real_range"}, "sheet_key"}`` (histograms: :func:`median_histogram` over
    :data:`LUMINANCE_BANDS`; :func:`inside_real_range`).
    The real folder needs at least 2 frames (a spread needs two). Every rendered folder after the first is
    also set against the first: its report gets ``"against_first": {"against", "difference", "p05", "p95",
    "paired", "frames"}`` (:func:`distance_difference`), paired when both hold frames of the same names (two
    renders of the same seeds).
    """
    real_stats = folder_stats(real_dir, limit=limit, min_frames=2)
    real = summarize(real_stats)
    report: dict = {"real": {"folder": str(real_dir), "frames": len(real_stats["files"]), "summary": real,
                             "luminance_histogram": median_histogram(real_stats["luminance_histogram"])},
                    "synth": {}}
    files: dict[str, list[str]] = {"real": real_stats["files"]}
    first = None
    for folder in synth_dirs:
        stats = folder_stats(folder, limit=limit)
        report["synth"][str(folder)] = {**compare(real, summarize(stats)),
                                        "luminance_histogram": median_histogram(stats["luminance_histogram"]),
                                        "inside_real_range": inside_real_range(real, stats)}
        names = _frame_names(folder, stats["files"])
        if first is None:
            first = (str(folder), names, stats)
        else:
            report["synth"][str(folder)]["against_first"] = {
                "against": first[0], **distance_difference(real, first[2], stats, paired=names == first[1])}
        label = Path(folder).resolve().name
        files[label if label not in files else str(folder)] = stats["files"]
    if sheet:
        report["sheet_key"] = {str(k): v for k, v in shuffled_sheet(files, sheet, n=n, seed=seed).items()}
    return report


def format_report(report: dict) -> str:
    """The report as a plain-text table: one row per statistic, one column per synthetic folder."""
    real = report["real"]["summary"]
    names = list(report["synth"])
    head = f"{'statistic':17s} {'real median [IQR]':>25s}" + "".join(f" {Path(n).name[:19]:>19s}" for n in names)
    lines = [f"real: {report['real']['folder']} ({report['real']['frames']} frames)", head]
    for s in STATS:
        r = real[s.key]
        row = f"{s.key:17s} {r['median']:9.3f} [{r['p25']:6.3f}, {r['p75']:6.3f}]"
        for name in names:
            st = report["synth"][name]["stats"][s.key]
            flag = " " if st["inside_real_p10_p90"] else "*"
            row += f" {st['synth_median']:9.3f} ({st['deviation']:+6.2f}){flag}"
        lines.append(row)
    lines.append("(deviation = (synth - real) / spread; * = outside the real frames' 10th-90th percentiles)")
    bands = [f"{lo:g}-{hi:g}" for lo, hi in zip(LUMINANCE_BANDS[:-1], LUMINANCE_BANDS[1:], strict=True)]
    lines.append("luminance histogram (median share of a frame per band of sRGB luminance; not in the distance):")
    lines.append(f"{'band':17s}" + "".join(f" {band:>8s}" for band in bands))
    for label, hist in [("real", report["real"]["luminance_histogram"])] + [
            (Path(n).name[:17], report["synth"][n]["luminance_histogram"]) for n in names]:
        lines.append(f"{label:17s}" + "".join(f" {v:8.3f}" for v in hist))
    lines.append("frames inside the real frames' range (widened by each statistic's floor; not in the distance):")
    for name in names:
        inside = report["synth"][name]["inside_real_range"]
        few = ", ".join(f"{k} {v:.0%}" for k, v in sorted(inside.items(), key=lambda kv: kv[1]) if v < 0.5)
        lines.append(f"{Path(name).name[:17]:17s} median {np.median(list(inside.values())):.0%} of frames; "
                     f"under half: {few or 'none'}")
    for name in names:
        rep = report["synth"][name]
        lines.append(f"distance {rep['distance']:.3f}  {name} ({rep['frames']} frames)")
    for name in names:
        if "against_first" in report["synth"][name]:
            p = report["synth"][name]["against_first"]
            verdict = ("nearer" if p["p95"] < 0 else "further" if p["p05"] > 0 else
                       "no clear difference: within the luck of the draw")
            how = "paired frame by frame (the same names)" if p["paired"] else "(other frames, unpaired)"
            lines.append(f"{name} against {p['against']} {how}: {p['difference']:+.3f} "
                         f"(90 %: {p['p05']:+.3f} to {p['p95']:+.3f} over resampled frames): {verdict}")
    return "\n".join(lines)
