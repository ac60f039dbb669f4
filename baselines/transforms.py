"""mmseg pipeline transforms over the kit's data layer.

- ``KitLoadAnnotations``: moves the mask the dataset already read (``kit_mask``) into mmseg's
  ``gt_seg_map``. Placed after ``Resize`` in test pipelines, so ground truth stays full size and
  the metric compares full-resolution masks, like the scoring server.
- ``KitAugment``: the data layer's albumentations training transform
  (:func:`zerowaste.data.augment.train_transform`): resize, random crop with ``cat_max_ratio``,
  flip, photometric distortion; ``preset="strong"`` adds the domain-generalization extras
  (blur, noise, grid shuffle...).

Example (config):
    train_pipeline = [dict(type="KitLoadAnnotations"),
                      dict(type="KitAugment", preset="strong", scale=(1280, 720), crop=512),
                      dict(type="PackSegInputs")]
"""

from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform

from zerowaste import contract


class KitLoadAnnotations(BaseTransform):
    """``results["kit_mask"]`` -> ``results["gt_seg_map"]`` (a no-op for unlabeled frames)."""

    def transform(self, results: dict) -> dict:
        mask = results.pop("kit_mask", None)
        if mask is not None:
            results["gt_seg_map"] = np.ascontiguousarray(mask, dtype=np.uint8)
            results.setdefault("seg_fields", []).append("gt_seg_map")
        return results


class KitAugment(BaseTransform):
    """Apply :func:`zerowaste.data.augment.train_transform` to ``img`` and ``gt_seg_map``.

    Arguments are passed through to ``train_transform`` (``scale`` as (width, height), ``crop``
    (square side), ``cat_max_ratio``, ``ratio_range``, ``flip``, ``preset`` "default" or "strong").
    """

    def __init__(self, **kwargs) -> None:
        from zerowaste.data.augment import train_transform

        self.kwargs = kwargs
        self.aug = train_transform(**kwargs)

    def transform(self, results: dict) -> dict:
        mask = results.get("gt_seg_map")
        if mask is None:
            mask = np.full(results["img"].shape[:2], contract.IGNORE_INDEX, np.uint8)
        out = self.aug(image=results["img"], mask=mask)
        results["img"] = np.ascontiguousarray(out["image"])
        results["gt_seg_map"] = np.ascontiguousarray(out["mask"], dtype=np.uint8)
        if "gt_seg_map" not in results.setdefault("seg_fields", []):
            results["seg_fields"].append("gt_seg_map")
        results["img_shape"] = results["img"].shape[:2]
        return results

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"KitAugment({args})"
