"""Ground truth from folders and from the organizers' zip; phase selection and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from zerowaste.submission.groundtruth import (
    GroundTruth,
    GroundTruthError,
    available_phases,
    load_ground_truth,
)
from zerowaste.submission.scoring import score_submission


def organizers_zip(fx, zk, *, with_test: bool = True, sem_seg: bool = False):
    """A GT zip with val/ (the fixture masks) and optionally test/ (one different image)."""
    sub = "sem_seg/" if sem_seg else ""
    entries = {f"val/{sub}{n}": zk.png_bytes(m) for n, m in fx.masks.items()}
    if with_test:
        entries[f"test/{sub}99_frame_000099.png"] = zk.png_bytes(np.zeros((4, 6), np.uint8))
    return zk.build_zip(fx.tmp / "gt.zip", entries)


def test_folder_of_masks(fx, zk):
    gt = load_ground_truth(fx.gt_dir)
    assert gt.names == tuple(sorted(fx.masks)) and len(gt) == 6
    name = gt.names[0]
    assert gt.size(name) == (zk.H, zk.W)
    assert np.array_equal(gt.read(name), fx.masks[name])


@pytest.mark.parametrize("sem_seg", [False, True])
def test_organizers_zip_with_phases(fx, zk, sem_seg):
    path = organizers_zip(fx, zk, sem_seg=sem_seg)
    assert available_phases(path) == ("val", "test")
    val = load_ground_truth(path, "val")
    assert val.names == tuple(sorted(fx.masks))
    assert np.array_equal(val.read(val.names[2]), fx.masks[val.names[2]])
    test = load_ground_truth(path, "test")
    assert test.names == ("99_frame_000099.png",) and test.size("99_frame_000099.png") == (4, 6)
    # scoring against the zip equals scoring against the folder
    assert score_submission(fx.zip(), val) == score_submission(fx.zip(), fx.gt)


def test_phase_required_when_the_gt_has_phase_folders(fx, zk):
    with pytest.raises(GroundTruthError, match=r"has phase folders \(val/, test/\); choose one with --phase"):
        load_ground_truth(organizers_zip(fx, zk))


def test_missing_phase(fx, zk):
    with pytest.raises(GroundTruthError, match=r"has no test/ folder \(found: val/\)"):
        load_ground_truth(organizers_zip(fx, zk, with_test=False), "test")


def test_phase_given_for_a_single_phase_gt(fx):
    with pytest.raises(GroundTruthError, match="single phase, drop --phase"):
        load_ground_truth(fx.gt_dir, "val")


def test_unknown_phase_and_missing_path(fx):
    with pytest.raises(GroundTruthError, match="unknown phase 'dev'"):
        load_ground_truth(fx.gt_dir, "dev")
    with pytest.raises(GroundTruthError, match="does not exist"):
        load_ground_truth(fx.tmp / "nothing")


def test_folder_without_masks(fx):
    (fx.tmp / "empty").mkdir()
    with pytest.raises(GroundTruthError, match="no ground-truth PNG masks"):
        load_ground_truth(fx.tmp / "empty")


def test_gt_that_is_not_a_zip(fx):
    bad = fx.tmp / "gt.zip"
    bad.write_text("nope")
    with pytest.raises(GroundTruthError, match="not a zip"):
        load_ground_truth(bad)


def test_dataset_split_folder_uses_sem_seg(fx, zk):
    root = fx.tmp / "split"
    (root / "sem_seg").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "sem_seg" / "a.png").write_bytes(zk.png_bytes(np.zeros((3, 3), np.uint8)))
    (root / "data" / "a.png").write_bytes(zk.png_bytes(np.zeros((3, 3, 3), np.uint8)))
    assert load_ground_truth(root).names == ("a.png",)


def test_images_give_names_and_sizes_without_masks(fx, zk):
    images = fx.tmp / "images"
    images.mkdir()
    (images / "b.PNG").write_bytes(zk.png_bytes(np.zeros((7, 9, 3), np.uint8)))
    from PIL import Image

    Image.new("RGB", (11, 5)).save(images / "c.jpg")
    (images / "labels.json").write_text("{}")  # not an image: ignored
    gt = GroundTruth.from_images(images)
    assert gt.names == ("b.PNG", "c.jpg") and gt.size("b.PNG") == (7, 9) and gt.size("c.jpg") == (5, 11)
    with pytest.raises(GroundTruthError, match="not ground-truth masks"):
        gt.read("b.PNG")


def test_bad_gt_mask_is_an_organizer_error(fx, zk):
    name = sorted(fx.masks)[0]
    (fx.gt_dir / name).write_bytes(zk.png_bytes(np.full((zk.H, zk.W), 7, np.uint8)))
    with pytest.raises(GroundTruthError, match="ground truth holds values"):
        score_submission(fx.zip(), fx.gt)
