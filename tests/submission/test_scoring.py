"""The metric: hand-computed cases, golden equality with the official method, the zip scorer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zerowaste import contract as C
from zerowaste.submission.reference import official_metrics
from zerowaste.submission.scoring import (
    SegEvaluator,
    SubmissionInvalid,
    confusion_matrix,
    metrics_from_confusion,
    score_submission,
)


def test_hand_computed_two_images():
    # image 1: 8 pixels, 7 labelled, 5 correct; one GT 255 pixel predicted 2 (out of the matrix, wrong in Acc)
    gt1 = np.array([[0, 0, 1, 255], [2, 2, 2, 2]], np.uint8)
    pr1 = np.array([[0, 1, 1, 2], [2, 2, 3, 2]], np.uint8)
    # image 2: all correct, classes 3 and 4
    gt2 = np.array([[3, 4]], np.uint8)
    pr2 = np.array([[3, 4]], np.uint8)
    ev = SegEvaluator()
    ev.process(gt1, pr1)
    ev.process(gt2, pr2)
    m = ev.evaluate()
    # confusion: row 0: [1,1,0,0,0]; row 1: [0,1,..]; row 2: [0,0,3,1,0]; row 3: [..,1,0]; row 4: [..,1]
    assert m["confusion"] == [
        [1, 1, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 3, 1, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
    ]
    assert m["IoU"] == {
        "background": 1 / 2,  # TP 1, GT 2, pred 1
        "rigid_plastic": 1 / 2,  # TP 1, GT 1, pred 2
        "cardboard": 3 / 4,  # TP 3, GT 4, pred 3
        "metal": 1 / 2,  # TP 1, GT 1, pred 2
        "soft_plastic": 1.0,
    }
    assert m["mIoU"] == pytest.approx((0.5 + 0.5 + 0.75 + 0.5 + 1) / 5, abs=1e-12)
    assert m["Acc"] == pytest.approx((5 / 8 + 1) / 2, abs=1e-12)  # per-image mean, 255 pixel wrong
    assert m["Acc_labelled"] == pytest.approx((5 / 7 + 1) / 2, abs=1e-12)  # 255 pixel left out
    assert m["aAcc"] == pytest.approx(7 / 9, abs=1e-12)  # pixel level: differs from Acc


def test_all_ignore_image_counts_in_acc_only():
    ev = SegEvaluator()
    ev.process(np.full((4, 4), 255, np.uint8), np.zeros((4, 4), np.uint8))
    m = ev.evaluate()
    assert ev.n_images == 1 and m["Acc"] == 0.0  # every pixel of it is wrong
    assert m["Acc_labelled"] is None and m["aAcc"] is None and m["confusion"] == np.zeros((5, 5)).tolist()
    ev.process(np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8))
    m = ev.evaluate()
    assert ev.n_images == 2 and m["Acc"] == 0.5 and m["Acc_labelled"] == 1.0 and m["aAcc"] == 1.0


def test_empty_union_is_null_and_mean_undefined():
    # classes 3 and 4 never appear in GT nor predictions
    conf = confusion_matrix(np.array([0, 1, 2, 2]), np.array([0, 1, 2, 1]))
    m = metrics_from_confusion(conf, [0.75])
    assert m["IoU"]["metal"] is None and m["IoU"]["soft_plastic"] is None
    assert m["mIoU"] is None  # never silently averaged over 3 classes
    assert m["IoU"]["background"] == 1.0 and m["aAcc"] == 0.75
    # the official code yields NaN in the same situation
    ref = official_metrics([(np.array([0, 1, 2, 2], np.uint8), np.array([0, 1, 2, 1], np.uint8))])
    assert math.isnan(ref["mIoU"])


def test_confusion_rejects_out_of_range_values():
    with pytest.raises(ValueError, match="predictions must be class ids"):
        confusion_matrix(np.zeros(3, np.uint8), np.array([0, 255, 1], np.uint8))
    with pytest.raises(ValueError, match="ground truth holds values"):
        confusion_matrix(np.array([0, 7, 1], np.uint8), np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="shape"):
        confusion_matrix(np.zeros((2, 2), np.uint8), np.zeros((2, 3), np.uint8))


def test_fast_path_equals_generic_path():
    rng = np.random.default_rng(1)
    gt = rng.choice([0, 1, 2, 3, 4, 255], size=(37, 41)).astype(np.uint8)
    pred = rng.integers(0, 5, size=gt.shape).astype(np.uint8)
    fast = confusion_matrix(gt, pred)
    generic = confusion_matrix(gt.astype(np.int32), pred.astype(np.int64))
    assert fast.dtype == np.int64 and np.array_equal(fast, generic)
    assert fast.sum() == int((gt != 255).sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_golden_equal_to_official_method_on_random_submissions(make_fx, zk, seed):
    fx = make_fx(seed)
    # one image entirely ignored, to exercise the skip rule
    fx.masks["00_frame_000000.png"][:] = C.IGNORE_INDEX
    fx.gt_dir.joinpath("00_frame_000000.png").write_bytes(zk.png_bytes(fx.masks["00_frame_000000.png"]))
    result = score_submission(fx.zip(), fx.gt, workers=2)
    for track in C.TRACKS:
        ref = official_metrics((fx.masks[n], fx.preds[track][n]) for n in sorted(fx.masks))
        got = result[track]
        assert np.array_equal(np.array(got["confusion"]), ref["confusion"])
        for key in ("mIoU", "Acc", "aAcc"):
            assert abs(got[key] - ref[key]) < 1e-9, key
        assert np.allclose(list(got["IoU"].values()), ref["IoU"], rtol=0, atol=1e-9)
        assert list(got["IoU"]) == list(C.CLASS_NAMES)
        assert 0 <= got["mIoU"] <= 1 and 0 <= got["Acc"] <= 1


def test_perfect_submission_scores_one_except_ignored_pixels(fx, zk):
    perfect = {
        t: {n: np.where(m == 255, 0, m).astype(np.uint8) for n, m in fx.masks.items()} for t in C.TRACKS
    }
    result = score_submission(zk.build_zip(fx.tmp / "perfect.zip", zk.submission_entries(perfect)), fx.gt)
    labelled = [np.mean(m != 255) for m in fx.masks.values()]
    assert min(labelled) < 1  # the fixture has 255 rows: Acc cannot reach 1 there
    assert result["uda"]["mIoU"] == 1.0 and result["source_only"]["Acc_labelled"] == 1.0
    assert result["source_only"]["Acc"] == pytest.approx(np.mean(labelled), abs=1e-12)


def test_score_raises_on_invalid_submission_with_all_problems(fx, zk):
    entries = fx.entries()
    name = sorted(fx.masks)[1]
    bad = fx.preds["uda"][name].copy()
    bad[0, :10] = 255  # the official scorer would drop these pixels
    entries[f"uda/{name}"] = zk.png_bytes(bad)
    del entries[f"source_only/{sorted(fx.masks)[2]}"]
    with pytest.raises(SubmissionInvalid) as err:
        score_submission(fx.zip(entries), fx.gt)
    problems = err.value.report.problems
    assert len(problems) == 2
    assert any("values outside 0..4" in p and name in p for p in problems)
    assert any("predictions missing" in p for p in problems)
