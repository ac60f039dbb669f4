"""Training and test pipelines (albumentations 2.x), image and mask kept aligned.

* :func:`train_transform`: resize to 1280x720 (optionally a random ratio of it), pad to the crop
  size with 0 (image) / 255 (mask), a 512x512 random crop that retries (up to 10 times, like
  mmseg's ``RandomCrop``) until no single class covers more than ``cat_max_ratio`` of the crop's
  valid pixels, horizontal flip, photometric jitter. ``preset="strong"`` adds the
  domain-generalization extras: stronger colour changes, blur, noise and grid shuffle.
* :func:`test_transform`: keep-ratio resize into ``(1024, 512)`` (the official test scale).

albumentations is imported only when a pipeline is built: the core install works without it.

Example:
    >>> import numpy as np
    >>> t = train_transform(scale=(320, 180), crop=128, seed=0)
    >>> out = t(image=np.zeros((1080, 1920, 3), np.uint8), mask=np.zeros((1080, 1920), np.uint8))
    >>> out["image"].shape, out["mask"].shape
    ((128, 128, 3), (128, 128))
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from zerowaste import contract

#: ``photometric`` / ``noise`` / ``grid-shuffle``: ``default`` plus one augmentation each (the 1st-place
#: team's three fine-tunes, ``zerowaste recipe run first-place``).
PRESETS: tuple[str, ...] = ("default", "strong", "photometric", "noise", "grid-shuffle")


def crop_is_balanced(mask_crop: np.ndarray, cat_max_ratio: float, ignore_index: int = contract.IGNORE_INDEX) -> bool:
    """mmseg's test: more than one class and none above ``cat_max_ratio`` of the valid pixels.

    >>> crop_is_balanced(np.array([[0, 0, 0, 1]], np.uint8), 0.75)
    False
    >>> crop_is_balanced(np.array([[0, 0, 1, 255]], np.uint8), 0.75)
    True
    """
    counts = np.bincount(mask_crop.ravel(), minlength=256)
    counts[ignore_index] = 0
    counts = counts[counts > 0]
    return bool(len(counts) > 1 and counts.max() / counts.sum() < cat_max_ratio)


def keep_ratio_size(image_size: tuple[int, int], scale: tuple[int, int]) -> tuple[int, int]:
    """mmseg's keep-ratio rescale: the largest (w, h) with long side <= max(scale), short <= min(scale).

    >>> keep_ratio_size((1920, 1080), (1024, 512))
    (910, 512)
    """
    w, h = image_size
    factor = min(max(scale) / max(w, h), min(scale) / min(w, h))
    return int(w * factor + 0.5), int(h * factor + 0.5)


@functools.cache
def _cat_max_ratio_crop_class() -> type:
    import albumentations as A
    import cv2

    class CatMaxRatioCrop(A.RandomCrop):
        """``RandomCrop`` that redraws (up to ``max_tries`` times) crops dominated by one class."""

        class InitSchema(A.RandomCrop.InitSchema):
            cat_max_ratio: float
            ignore_index: int
            max_tries: int

        def __init__(self, height: int, width: int, cat_max_ratio: float = 0.75,
                     ignore_index: int = contract.IGNORE_INDEX, max_tries: int = 10, pad_if_needed: bool = True,
                     pad_position: str = "top_left", border_mode: int = cv2.BORDER_CONSTANT, fill: float = 0.0,
                     fill_mask: float = float(contract.IGNORE_INDEX), p: float = 1.0) -> None:
            super().__init__(height=height, width=width, pad_if_needed=pad_if_needed, pad_position=pad_position,
                             border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p)
            self.cat_max_ratio, self.ignore_index, self.max_tries = cat_max_ratio, ignore_index, max_tries

        def get_params_dependent_on_data(self, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
            out = super().get_params_dependent_on_data(params, data)
            mask = data.get("mask")
            if mask is None or self.cat_max_ratio >= 1 or not (mask != self.ignore_index).any():
                return out  # nothing to balance (e.g. an unlabeled target frame: all 255)
            for _ in range(self.max_tries):
                if crop_is_balanced(self._crop_of(mask, out), self.cat_max_ratio, self.ignore_index):
                    break
                out = super().get_params_dependent_on_data(params, data)
            return out

        @staticmethod
        def _crop_of(mask: np.ndarray, out: dict[str, Any]) -> np.ndarray:
            """The crop of the *unpadded* mask (padding is ignore anyway)."""
            x0, y0, x1, y1 = out["crop_coords"]
            pad = out.get("pad_params") or {}
            dx, dy = pad.get("pad_left", 0), pad.get("pad_top", 0)
            return mask[max(y0 - dy, 0): max(y1 - dy, 0), max(x0 - dx, 0): max(x1 - dx, 0)]

        def get_transform_init_args_names(self) -> tuple[str, ...]:
            return (*super().get_transform_init_args_names(), "cat_max_ratio", "ignore_index", "max_tries")

    return CatMaxRatioCrop


def cat_max_ratio_crop(height: int, width: int, cat_max_ratio: float = 0.75, max_tries: int = 10, **kwargs: Any):
    """An albumentations transform: random crop (padded with 0 / 255 at the bottom right) redrawn
    while one class dominates. ``kwargs`` go to ``albumentations.RandomCrop``."""
    return _cat_max_ratio_crop_class()(height, width, cat_max_ratio=cat_max_ratio, max_tries=max_tries, **kwargs)


def train_transform(
    scale: tuple[int, int] = (1280, 720),
    crop: int = 512,
    cat_max_ratio: float = 0.75,
    ratio_range: tuple[float, float] | None = None,
    flip: float = 0.5,
    preset: str = "default",
    seed: int | None = None,
):
    """The training pipeline (see the module docstring); ``scale`` is (width, height).

    ``ratio_range`` (e.g. (0.5, 2.0)) multiplies ``scale`` by a random factor first, as mmseg's
    ``RandomResize`` does. ``seed`` makes the pipeline deterministic.
    """
    import albumentations as A
    import cv2

    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    w, h = scale
    steps: list = [A.Resize(height=h, width=w, interpolation=cv2.INTER_LINEAR, mask_interpolation=cv2.INTER_NEAREST)]
    if ratio_range is not None:
        lo, hi = ratio_range
        steps.append(A.RandomScale(scale_limit=(lo - 1, hi - 1), interpolation=cv2.INTER_LINEAR,
                                   mask_interpolation=cv2.INTER_NEAREST, p=1.0))
    steps += [cat_max_ratio_crop(crop, crop, cat_max_ratio), A.HorizontalFlip(p=flip)]
    if preset == "photometric":
        steps.append(A.ColorJitter(brightness=0.3, contrast=0.5, saturation=0.6, hue=0.1, p=0.8))
    elif preset != "strong":  # mmseg's PhotoMetricDistortion, approximately
        steps.append(A.ColorJitter(brightness=0.125, contrast=0.5, saturation=0.5, hue=0.05, p=0.5))
    if preset == "noise":
        steps.append(A.GaussNoise(std_range=(0.02, 0.08), p=0.5))
    elif preset == "grid-shuffle":
        steps.append(A.RandomGridShuffle(grid=(3, 3), p=0.5))
    elif preset == "strong":
        steps += [
            A.ColorJitter(brightness=0.3, contrast=0.5, saturation=0.6, hue=0.1, p=0.8),
            A.ToGray(p=0.1),
            A.OneOf([A.GaussianBlur(blur_limit=(3, 7)), A.MotionBlur(blur_limit=(3, 9))], p=0.4),
            A.GaussNoise(std_range=(0.02, 0.08), p=0.3),
            A.RandomGridShuffle(grid=(3, 3), p=0.2),
        ]
    return A.Compose(steps, seed=seed)


def test_transform(scale: tuple[int, int] = (1024, 512), image_size: tuple[int, int] = (contract.IMAGE_WIDTH, contract.IMAGE_HEIGHT)):
    """Keep-ratio resize of ``image_size`` (w, h) frames into ``scale``; predictions are resized back."""
    import albumentations as A
    import cv2

    w, h = keep_ratio_size(image_size, scale)
    return A.Compose([A.Resize(height=h, width=w, interpolation=cv2.INTER_LINEAR, mask_interpolation=cv2.INTER_NEAREST)])


test_transform.__test__ = False  # not a pytest test, despite its name
