"""Camera post-processing on the rendered RGB (pure numpy): exposure, motion blur, vignette, noise.

Motion blur is a box blur along the belt direction (image x), the way a conveyor smears under a
slow shutter; masks stay sharp, as annotators label the object, not its smear.

Example:
    >>> import numpy as np
    >>> img = np.zeros((4, 8, 3), np.uint8); img[:, 4] = 255
    >>> out = postprocess(img, {"motion_blur_px": 3.0 * 1920 / 8, "vignette": 0.0, "noise": 0.0,
    ...                         "exposure": 1.0, "seed": 0})
    >>> out[0, :, 0].tolist()
    [0, 0, 0, 85, 85, 85, 0, 0]
"""

from __future__ import annotations

import numpy as np


def motion_blur(img: np.ndarray, length: int) -> np.ndarray:
    """Horizontal box blur of ``length`` pixels (edge-padded), float in, float out."""
    if length <= 1:
        return img
    pad_l, pad_r = (length - 1) // 2, length // 2
    padded = np.pad(img, ((0, 0), (pad_l + 1, pad_r), (0, 0)), mode="edge")
    csum = np.cumsum(padded, axis=1)
    return (csum[:, length:] - csum[:, :-length]) / length


def postprocess(rgb: np.ndarray, post: dict) -> np.ndarray:
    """Apply sampled post-processing (``motion_blur_px`` is given at 1920 px width)."""
    h, w = rgb.shape[:2]
    img = rgb.astype(np.float32) * float(post["exposure"])
    img = motion_blur(img, int(round(post["motion_blur_px"] * w / 1920)))
    if post["vignette"] > 0:
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        img *= (1 - post["vignette"] * np.clip(r2 / 2, 0, 1))[..., None]
    if post["noise"] > 0:
        rng = np.random.default_rng(post["seed"])
        img += rng.normal(0, 255 * post["noise"], img.shape).astype(np.float32)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)
