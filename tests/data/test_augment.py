"""augment: image and mask stay aligned, cat_max_ratio crops, 255 padding, presets, lazy import."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from zerowaste import contract
from zerowaste.data.augment import cat_max_ratio_crop, keep_ratio_size, test_transform, train_transform


def _scene(h: int = 720, w: int = 1280) -> tuple[np.ndarray, np.ndarray]:
    """An asymmetric scene whose image brightness encodes the mask (so misalignment shows)."""
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.array([[100, 80], [900, 150], [400, 600]], np.int32)], 2)
    cv2.circle(mask, (1100, 500), 120, 4, -1)
    image = np.repeat(np.where(mask > 0, 210, 40).astype(np.uint8)[..., None], 3, axis=2)
    return image, mask


@pytest.mark.parametrize("preset", ["default", "strong"])
def test_train_transform_keeps_image_and_mask_aligned(preset: str) -> None:
    image, mask = _scene(1080, 1920)
    t = train_transform(preset=preset, seed=1)
    agreements = []
    for _ in range(6):
        out = t(image=image, mask=mask)
        img, m = out["image"], out["mask"]
        assert img.shape == (512, 512, 3) and m.shape == (512, 512) and m.dtype == np.uint8
        assert set(np.unique(m).tolist()) <= {0, 2, 4, contract.IGNORE_INDEX}
        grey = img.mean(axis=2)
        fg, bg = grey[m > 0], grey[m == 0]
        if len(fg) < 500 or len(bg) < 500:
            continue
        predicted_fg = grey > (np.median(fg) + np.median(bg)) / 2
        agreements.append(float((predicted_fg == (m > 0)).mean()))
    assert agreements and min(agreements) > (0.9 if preset == "strong" else 0.97)


def test_misalignment_would_be_caught() -> None:  # the measure above really detects a flipped mask
    image, mask = _scene()
    grey, m = image.mean(axis=2), mask[:, ::-1]
    assert ((grey > 125) == (m > 0)).mean() < 0.9


def test_cat_max_ratio_retries_dominated_crops() -> None:
    import albumentations as A

    mask = np.zeros((720, 1280), np.uint8)
    mask[200:500, 400:800] = 3  # one object: about a third of random 256 crops are balanced
    image = np.zeros((720, 1280, 3), np.uint8)

    def balanced_share(ratio: float) -> float:
        t = A.Compose([cat_max_ratio_crop(256, 256, cat_max_ratio=ratio)], seed=0)
        ok = 0
        for _ in range(60):
            crop = t(image=image, mask=mask)["mask"]
            counts = np.bincount(crop.ravel(), minlength=256)[:255]
            ok += counts.max() / counts.sum() < 0.75
        return ok / 60

    plain, constrained = balanced_share(1.0), balanced_share(0.75)
    assert plain < 0.5 and constrained > 0.9


def test_padding_is_ignore_in_mask_and_zero_in_image() -> None:
    image, mask = _scene()
    out = train_transform(scale=(200, 100), crop=128, cat_max_ratio=1.0, flip=0.0, seed=0)(image=image + 1, mask=mask)
    assert out["mask"].shape == (128, 128)
    # 200x100 is narrower than the crop only in height: rows 100.. are padding, at the bottom
    assert (out["mask"][100:] == contract.IGNORE_INDEX).all() and (out["image"][100:] == 0).all()
    assert (out["mask"][:100] != contract.IGNORE_INDEX).all() and (out["image"][:100] > 0).all()


def test_seed_makes_pipelines_deterministic_and_ratio_range() -> None:
    image, mask = _scene()
    a = train_transform(scale=(640, 360), crop=128, ratio_range=(0.5, 2.0), preset="strong", seed=7)
    b = train_transform(scale=(640, 360), crop=128, ratio_range=(0.5, 2.0), preset="strong", seed=7)
    for _ in range(3):
        oa, ob = a(image=image, mask=mask), b(image=image, mask=mask)
        assert np.array_equal(oa["image"], ob["image"]) and np.array_equal(oa["mask"], ob["mask"])
    with pytest.raises(ValueError, match="unknown preset"):
        train_transform(preset="wild")


def test_test_transform_keep_ratio() -> None:
    assert keep_ratio_size((1920, 1080), (1024, 512)) == (910, 512)
    image, mask = _scene(1080, 1920)
    out = test_transform()(image=image, mask=mask)
    assert out["image"].shape == (512, 910, 3) and out["mask"].shape == (512, 910)
    assert set(np.unique(out["mask"]).tolist()) == {0, 2, 4}  # nearest: no new ids


def test_core_modules_do_not_import_albumentations_or_torch() -> None:
    code = ("import sys, zerowaste.data.augment, zerowaste.data.datasets, zerowaste.data.cli, zerowaste.data.sampling; "
            "bad = [m for m in ('albumentations', 'torch') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_unlabeled_frame_mask_all_ignore() -> None:
    image = np.full((720, 1280, 3), 90, np.uint8)
    mask = np.full((720, 1280), contract.IGNORE_INDEX, np.uint8)
    out = train_transform(seed=0)(image=image, mask=mask)
    assert out["image"].shape == (512, 512, 3) and (out["mask"] == contract.IGNORE_INDEX).all()
    assert train_transform(seed=0)(image=image)["image"].shape == (512, 512, 3)  # no mask at all
