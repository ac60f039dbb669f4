"""coco: masks -> COCO -> masks is exact (polygons and RLE), overlaps take the larger id, merge renumbers."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from zerowaste import contract
from zerowaste.data.coco import (
    annotations_from_masks,
    coco_from_masks,
    instances_from_coco,
    mask_to_polygons,
    merge_coco,
    semantic_from_coco,
)
from zerowaste.data.io import DataError, read_mask


def _random_scene(rng: np.random.Generator, h: int = 48, w: int = 64) -> tuple[np.ndarray, np.ndarray]:
    sem, inst = np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint16)
    for iid in range(1, 7):
        shape = np.zeros((h, w), np.uint8)
        center = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(1, 16)), int(rng.integers(1, 12)))
        cv2.ellipse(shape, center, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
        sem[shape > 0], inst[shape > 0] = rng.integers(1, 6), iid * 10
    specks = rng.random((h, w)) < 0.01  # isolated 1-pixel regions outside any instance
    sem[specks], inst[specks] = 3, 0
    return sem, inst


@pytest.mark.parametrize("mode", ["polygon", "rle"])
def test_round_trip_exact_random_scenes(mode: str) -> None:
    rng = np.random.default_rng(0)
    for _ in range(25):
        sem, inst = _random_scene(rng)
        coco = json.loads(json.dumps(coco_from_masks([("a.png", sem, inst)], synthetic=True, mode=mode)))
        assert np.array_equal(semantic_from_coco(coco, "a.png"), sem)
        assert np.array_equal(instances_from_coco(coco, "a.png"), inst)
        n_poly = sum(isinstance(a["segmentation"], list) for a in coco["annotations"])
        if mode == "rle":
            assert n_poly == 0
        else:  # only regions with holes fall back to RLE
            assert n_poly >= 0.8 * len(coco["annotations"])


def test_polygons_trace_pixel_edges_of_tiny_features() -> None:
    m = np.zeros((4, 5), bool)
    m[1, 1] = m[2, 2] = True  # two pixels touching only at a corner
    m[0, 4] = True  # a pixel in the image corner
    sem = m.astype(np.uint8) * 2
    coco = coco_from_masks([("t.png", sem, None)], mode="polygon")
    assert all(isinstance(a["segmentation"], list) for a in coco["annotations"])
    assert np.array_equal(semantic_from_coco(coco, "t.png"), sem)
    assert mask_to_polygons(np.ones((1, 1), bool)) == [[0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0]]


def test_region_with_hole_falls_back_to_rle() -> None:
    sem = np.zeros((9, 9), np.uint8)
    sem[1:8, 1:8] = 2
    sem[4, 4] = 0  # a hole: COCO polygons cannot express it
    coco = coco_from_masks([("h.png", sem, None)], mode="polygon")
    (ann,) = coco["annotations"]
    assert isinstance(ann["segmentation"], dict) and ann["area"] == 48
    assert np.array_equal(semantic_from_coco(coco, "h.png"), sem)


def test_overlaps_take_the_larger_id() -> None:
    coco = {
        "images": [{"id": 1, "file_name": "o.PNG", "height": 10, "width": 10}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 4, "segmentation": [[0, 0, 6, 0, 6, 6, 0, 6]]},
            {"id": 2, "image_id": 1, "category_id": 1, "segmentation": [[3, 3, 10, 3, 10, 10, 3, 10]]},
        ],
        "categories": contract.coco_categories(),
    }
    sem = semantic_from_coco(coco, "o.PNG")
    assert sem[4, 4] == 4 and sem[8, 8] == 1 and sem[0, 9] == 0
    inst = instances_from_coco(coco, "o.PNG")
    assert inst[4, 4] == 2 and inst[1, 1] == 1  # later annotation on top, ranks as ids


def test_instances_must_have_one_class() -> None:
    sem = np.array([[1, 2]], np.uint8)
    with pytest.raises(DataError, match="instance 5 covers several classes"):
        annotations_from_masks(sem, np.array([[5, 5]], np.uint16), image_id=1)


def test_unknown_class_and_bad_segmentation_are_errors() -> None:
    with pytest.raises(DataError, match=r"mask values \[5\] are not classes"):
        coco_from_masks([("p.png", np.full((2, 2), 5, np.uint8), None)], synthetic=False)
    coco = {"images": [{"id": 1, "file_name": "a.png", "height": 4, "width": 4}], "categories": contract.coco_categories(),
            "annotations": [{"id": 9, "image_id": 1, "category_id": 1, "segmentation": "oops"}]}
    with pytest.raises(DataError, match="annotation 9: segmentation must be"):
        semantic_from_coco(coco, "a.png")
    with pytest.raises(DataError, match="b.png: no such image"):
        semantic_from_coco(coco, "b.png")


def test_fixture_labels_json_matches_sem_seg(zwf_root: Path) -> None:
    split = zwf_root / "splits_final_deblurred" / "train"
    coco = json.loads((split / contract.LABELS_JSON).read_text())
    assert {c["id"] for c in coco["categories"]} == {1, 2, 3, 4}
    assert all(isinstance(a["segmentation"], list) for a in coco["annotations"])  # polygons, like the real file
    for img in coco["images"]:
        assert np.array_equal(semantic_from_coco(coco, img["file_name"]), read_mask(split / "sem_seg" / img["file_name"]))


def test_merge_renumbers_ids() -> None:
    rng = np.random.default_rng(3)
    parts = [coco_from_masks([(f"{k}_{i}.png", *_random_scene(rng)) for i in range(2)], synthetic=True) for k in range(3)]
    merged = merge_coco(parts)
    assert [i["id"] for i in merged["images"]] == list(range(1, 7))
    assert [a["id"] for a in merged["annotations"]] == list(range(1, len(merged["annotations"]) + 1))
    for part in parts:
        for img in part["images"]:
            assert np.array_equal(semantic_from_coco(merged, img["file_name"]), semantic_from_coco(part, img["file_name"]))
    with pytest.raises(DataError, match="present in COCO parts 0 and 1"):
        merge_coco([parts[0], parts[0]])
    with pytest.raises(DataError, match="different categories"):
        merge_coco([parts[0], {**parts[1], "categories": []}])
