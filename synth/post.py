"""Camera look on the rendered RGB (pure numpy + OpenCV): what a conveyor video camera does to a frame.

In order: exposure and auto white balance with a drift (in linear light), lens defocus, motion
blur along the belt, vignette, a highlight shoulder (the tone curve's roll-off), sensor noise (shot + read noise, partly correlated and with chroma
noise, as after demosaicing), in-camera sharpening, and lossy compression (JPEG with 4:2:0 chroma
subsampling, standing in for the video codec). Only the RGB changes: masks stay sharp and exact,
as annotators label the object, not its smear. Every stage is off when its knob is 0 or absent,
and blur sizes and the noise are given at 1920 px width (scaled to the actual frame width: a
640 px frame is a 1920 px frame shrunk, its noise a third as strong).

Example:
    >>> import numpy as np
    >>> img = np.zeros((4, 8, 3), np.uint8); img[:, 4] = 255
    >>> out = postprocess(img, {"motion_blur_px": 3.0 * 1920 / 8, "vignette": 0.0, "noise": 0.0,
    ...                         "exposure": 1.0, "seed": 0})
    >>> out[0, :, 0].tolist()  # a 3-px smear, averaged in linear light
    [0, 0, 0, 156, 156, 156, 0, 0]
"""

from __future__ import annotations

import cv2
import numpy as np


def srgb_to_linear(img: np.ndarray) -> np.ndarray:
    """sRGB in 0..1 -> linear light."""
    return np.where(img <= 0.04045, img / 12.92, ((img + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    """Linear light -> sRGB in 0..1 (clipped)."""
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055).astype(np.float32)


def motion_blur(img: np.ndarray, length: int) -> np.ndarray:
    """Horizontal box blur of ``length`` pixels (edge-padded), float in, float out."""
    if length <= 1:
        return img
    pad_l, pad_r = (length - 1) // 2, length // 2
    padded = np.pad(img, ((0, 0), (pad_l + 1, pad_r), (0, 0)), mode="edge")
    csum = np.cumsum(padded, axis=1)
    return (csum[:, length:] - csum[:, :-length]) / length


def shoulder(lin: np.ndarray, knee: float, white: float = 0.9) -> np.ndarray:
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


def white_balance(lin: np.ndarray, strength: float, drift: np.ndarray) -> np.ndarray:
    """Grey-world auto white balance (``strength`` 0..1 of the full correction), then per-channel ``drift`` gains.

    A camera's AWB pulls a warm or cold light most of the way to neutral but never all the way, and
    its estimate wanders from frame to frame; that residual cast is what real footage shows.

    >>> lin = np.ones((2, 2, 3), np.float32) * np.array([0.4, 0.2, 0.1], np.float32)
    >>> [round(float(c), 3) for c in white_balance(lin, 1.0, np.ones(3))[0, 0]]
    [0.2, 0.2, 0.2]
    """
    if strength > 0:
        lum = lin.mean(axis=2)
        use = (lum > 0.02) & (lin.max(axis=2) < 0.98)  # ignore the black belt and clipped highlights
        means = lin[use].mean(axis=0) if use.sum() > 100 else lin.reshape(-1, 3).mean(axis=0)
        gains = (means[1] / np.maximum(means, 1e-6)) ** float(strength)
        lin = lin * gains.astype(np.float32)
    return lin * np.asarray(drift, np.float32)


def sensor_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Signal-dependent noise on sRGB 0..1: ``sigma`` at mid grey, brighter pixels noisier (shot noise).

    Half of it is correlated over ~2 px (demosaicing and the codec smear it), part of it differs
    between channels (chroma noise).
    """
    if sigma <= 0:
        return img
    h, w = img.shape[:2]
    scale = sigma * np.sqrt(0.3 + 1.4 * np.clip(img.mean(axis=2, keepdims=True), 0.0, 1.0))
    fine = rng.normal(0, 1, (h, w, 1)).astype(np.float32) + 0.5 * rng.normal(0, 1, (h, w, 3)).astype(np.float32)
    coarse = rng.normal(0, 1, ((h + 1) // 2, (w + 1) // 2, 3)).astype(np.float32)
    coarse = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)
    return img + scale * (0.6 * fine + 0.8 * coarse)


def jpeg(img8: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip an RGB uint8 image through JPEG (4:2:0) at ``quality`` (1..100)."""
    ok, buf = cv2.imencode(".jpg", img8[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        return img8
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()


def postprocess(rgb: np.ndarray, post: dict) -> np.ndarray:
    """Apply sampled post-processing to an RGB uint8 frame (see the module docstring for the order)."""
    h, w = rgb.shape[:2]
    s = w / 1920.0
    rng = np.random.default_rng(post["seed"])
    lin = srgb_to_linear(rgb.astype(np.float32) / 255.0) * float(post["exposure"])
    lin = white_balance(lin, float(post.get("awb", 0.0)), post.get("wb_gains", (1.0, 1.0, 1.0)))
    sigma = float(post.get("defocus_px", 0.0)) * s
    if sigma > 0.15:
        lin = cv2.GaussianBlur(lin, (0, 0), sigmaX=sigma)
    lin = motion_blur(lin, int(round(post["motion_blur_px"] * s)))
    if post["vignette"] > 0:
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        lin = lin * (1 - post["vignette"] * np.clip(r2 / 2, 0, 1))[..., None].astype(np.float32)
    img = linear_to_srgb(shoulder(lin, float(post.get("shoulder", 0.0)), float(post.get("white", 0.9))))
    amount = float(post.get("sharpen", 0.0))
    if amount > 0:  # in-camera unsharp mask: crisper edges with a faint halo
        img = np.clip(img + amount * (img - cv2.GaussianBlur(img, (0, 0), sigmaX=max(1.2 * s, 0.6))), 0.0, 1.0)
    img = sensor_noise(img, float(post["noise"]) * s, rng)  # a pixel s times as wide averages s^-2 sensels
    out = np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)
    quality = int(post.get("jpeg_quality", 0))
    return jpeg(out, quality) if 0 < quality < 100 else out
