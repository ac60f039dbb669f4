"""`verify` on masks drawn from labels.json by other rasterizers (PIL ImageDraw, OpenCV fillPoly).

Their masks differ from pycocotools' along polygon edges only: one summary warning with counts,
the dataset stays usable. A wrong class, a missing object or an extra object is an error naming
the file and the kind of difference.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from zerowaste import contract
from zerowaste.data.coco import CocoIndex, annotation_mask, semantic_from_coco
from zerowaste.data.fixtures import make_dataset
from zerowaste.data.io import write_mask
from zerowaste.data.verify import EDGE_BAND_PX, verify_dataset

H, W = 180, 320
N = 4


def star_polygon(rng: np.random.Generator) -> list[float]:
    """A float polygon like an annotation tool writes (some cross the frame border)."""
    cx, cy = rng.uniform(0, W), rng.uniform(0, H)
    angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(5, 12))))
    radii = rng.uniform(15, 45) * rng.uniform(0.5, 1.1, len(angles))
    return np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1).round(2).ravel().tolist()


def draw(polygons: list[tuple[list[float], int]], how: str) -> np.ndarray:
    """Paint each polygon with its class by another rasterizer; overlaps: the larger id (SPEC)."""
    mask = np.zeros((H, W), np.uint8)
    for poly, cat in polygons:
        layer = np.zeros((H, W), np.uint8)
        if how == "pil":
            img = Image.fromarray(layer)
            ImageDraw.Draw(img).polygon([tuple(p) for p in np.reshape(poly, (-1, 2))], fill=cat)
            layer = np.asarray(img)
        else:  # what most OpenCV users write: integer vertices
            cv2.fillPoly(layer, [np.round(np.reshape(poly, (-1, 2))).astype(np.int32)], cat)
        np.maximum(mask, layer, out=mask)
    return mask


@pytest.fixture
def dataset(tmp_path: Path):
    """A ZeroWaste-f train split whose labels.json holds float polygons; returns root, train, scenes."""
    root = make_dataset(tmp_path / "zwf", "zerowaste-f", n={"train": N, "val": 0, "test": 0}, size=(H, W))
    train = root / "train"
    rng = np.random.default_rng(5)
    names = sorted(p.name for p in (train / contract.IMAGE_DIR).iterdir())
    scenes = {name: [(star_polygon(rng), int(rng.integers(1, 5))) for _ in range(8)] for name in names}
    coco = {"images": [{"id": i + 1, "file_name": n, "height": H, "width": W} for i, n in enumerate(names)],
            "annotations": [{"id": 100 * (i + 1) + k, "image_id": i + 1, "category_id": cat, "segmentation": [poly],
                             "iscrowd": 0} for i, n in enumerate(names) for k, (poly, cat) in enumerate(scenes[n])],
            "categories": contract.coco_categories()}
    (train / contract.LABELS_JSON).write_text(json.dumps(coco))
    return root, train, scenes


def write_masks(train: Path, scenes: dict, how: str) -> dict[str, int]:
    """Draw every mask with ``how``; returns per file the pixels that differ from pycocotools."""
    index = CocoIndex(json.loads((train / contract.LABELS_JSON).read_text()))
    diffs = {}
    for name, polygons in scenes.items():
        mask = draw(polygons, how)
        write_mask(train / contract.SEM_DIR / name, mask)
        diffs[name] = int(np.count_nonzero(semantic_from_coco(index, name) != mask))
    return diffs


def coco_warnings(report) -> list[str]:
    return [w for w in report.warnings if "labels.json" in w]


@pytest.mark.parametrize("how", ["pil", "cv2"])
def test_masks_of_another_rasterizer_are_one_warning_with_counts(dataset, how):
    root, train, scenes = dataset
    diffs = write_masks(train, scenes, how)
    assert all(diffs.values())  # they do differ from pycocotools, in every file
    report = verify_dataset(root, "zerowaste-f", size=(W, H), progress=False)
    assert report.ok, report.errors
    (warning,) = coco_warnings(report)
    assert warning.startswith(f"zwf/train/labels.json: {N} of {N} mask(s) differ from the rasterized polygons "
                              f"only within {EDGE_BAND_PX} px of polygon edges ({sum(diffs.values())} px in all)")


def _largest(index: CocoIndex, name: str) -> tuple[int, np.ndarray]:
    """The annotation of ``name`` with the most pixels of its own class visible (position, its mask)."""
    sem = semantic_from_coco(index, name)
    areas = []
    for ann in index.annotations(name):
        binary = annotation_mask(ann, H, W)
        areas.append((int(np.count_nonzero(binary & (sem == ann["category_id"]))), binary, ann))
    k = max(range(len(areas)), key=lambda i: areas[i][0])
    return k, areas[k][1] & (sem == areas[k][2]["category_id"])


@pytest.mark.parametrize("how", ["pil", "cv2"])
def test_wrong_class_missing_and_extra_objects_are_errors_naming_the_file(dataset, how):
    root, train, scenes = dataset
    write_masks(train, scenes, how)
    index = CocoIndex(json.loads((train / contract.LABELS_JSON).read_text()))
    wrong, missing, extra, clean = sorted(scenes)

    k, visible = _largest(index, wrong)  # one object painted with another class
    mask = draw(scenes[wrong], how)
    mask[visible] = scenes[wrong][k][1] % 4 + 1
    write_mask(train / contract.SEM_DIR / wrong, mask)

    k, _ = _largest(index, missing)  # one object left out of the mask
    write_mask(train / contract.SEM_DIR / missing, draw([s for i, s in enumerate(scenes[missing]) if i != k], how))

    square = [40.0, 40.0, 80.0, 40.0, 80.0, 80.0, 40.0, 80.0]  # an object the labels do not have
    sem = semantic_from_coco(index, extra)
    covered = draw([(square, 1)], how) > 0
    assert np.count_nonzero(covered & (sem == 0)) > 100, "the extra square must cover some background"
    write_mask(train / contract.SEM_DIR / extra, draw([*scenes[extra], (square, 1)], how))

    report = verify_dataset(root, "zerowaste-f", size=(W, H), progress=False)
    (error,) = [e for e in report.errors if "labels.json" in e]
    assert error.startswith("zwf/train/labels.json: rasterized polygons differ from sem_seg/ inside objects for ")
    entries = error.split(" inside objects for ", 1)[1]
    assert f"{wrong} (wrong class " in entries
    assert f"{missing} (missing object " in entries
    assert f"{extra} (extra object " in entries
    assert clean not in entries
    (warning,) = coco_warnings(report)  # the clean file is still a rasterizer difference only
    assert f"1 of {N} mask(s) differ" in warning and warning.endswith(clean)
