"""Small generated ground truth and submission zips (90x160 masks) for the submission tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from zerowaste import contract as C
from zerowaste.submission.groundtruth import GroundTruth, load_ground_truth

H, W = 90, 160
N_IMAGES = 6


def png_bytes(mask: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", mask)
    assert ok
    return buf.tobytes()


def random_gt(rng: np.random.Generator, n: int = N_IMAGES, hw=(H, W)) -> dict[str, np.ndarray]:
    """Blocky GT masks with ids 0..4 and a band of 255 (ignore)."""
    masks = {}
    for i in range(n):
        small = rng.integers(0, C.NUM_CLASSES, size=(hw[0] // 10, hw[1] // 10), dtype=np.uint8)
        mask = cv2.resize(small, (hw[1], hw[0]), interpolation=cv2.INTER_NEAREST)
        mask[: rng.integers(0, 6)] = C.IGNORE_INDEX
        masks[f"{i:02d}_frame_{i:06d}.png"] = mask
    return masks


def noisy(rng: np.random.Generator, gt: np.ndarray, p: float = 0.3) -> np.ndarray:
    """A prediction: the GT (255 -> random class) with a fraction ``p`` of pixels changed."""
    pred = np.where(gt == C.IGNORE_INDEX, rng.integers(0, C.NUM_CLASSES, gt.shape), gt).astype(np.uint8)
    flip = rng.random(gt.shape) < p
    pred[flip] = rng.integers(0, C.NUM_CLASSES, int(flip.sum()), dtype=np.uint8)
    return pred


def write_gt_dir(folder: Path, masks: dict[str, np.ndarray]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, mask in masks.items():
        cv2.imwrite(str(folder / name), mask)
    return folder


def build_zip(
    path: Path, entries: dict[str, bytes] | list[tuple[str, bytes]], method=zipfile.ZIP_STORED
) -> Path:
    """Write a zip with ``entries`` (a list allows duplicate names)."""
    items = entries.items() if isinstance(entries, dict) else entries
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in items:
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def submission_entries(preds: dict[str, dict[str, np.ndarray]]) -> dict[str, bytes]:
    """``{track: {name: mask}}`` -> zip entries."""
    return {f"{t}/{n}": png_bytes(m) for t, masks in preds.items() for n, m in masks.items()}


class Fixture:
    """A GT folder, its masks, and a valid prediction per track."""

    def __init__(self, tmp: Path, seed: int = 0) -> None:
        self.tmp = tmp
        self.rng = np.random.default_rng(seed)
        self.masks = random_gt(self.rng)
        self.gt_dir = write_gt_dir(tmp / "gt", self.masks)
        self.preds = {t: {n: noisy(self.rng, m) for n, m in self.masks.items()} for t in C.TRACKS}

    @property
    def gt(self) -> GroundTruth:
        return load_ground_truth(self.gt_dir)

    def entries(self) -> dict[str, bytes]:
        return submission_entries(self.preds)

    def zip(self, entries: dict[str, bytes] | list | None = None, name: str = "sub.zip") -> Path:
        return build_zip(self.tmp / name, self.entries() if entries is None else entries)


@pytest.fixture
def fx(tmp_path: Path) -> Fixture:
    return Fixture(tmp_path)


@pytest.fixture
def make_fx(tmp_path: Path) -> Callable[[int], Fixture]:
    return lambda seed: Fixture(tmp_path / f"s{seed}", seed)


@pytest.fixture
def zk():
    """The zip-building helpers of this module (test modules cannot import conftest by name)."""
    import types

    return types.SimpleNamespace(
        png_bytes=png_bytes, build_zip=build_zip, submission_entries=submission_entries, H=H, W=W
    )
