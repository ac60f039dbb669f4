"""Golden tests of ``Acc`` = the official ``PixelAccuracy`` (SPEC "Metrics"), on every path that reports it.

The expected numbers are re-computed here from the raw arrays with the written formula, sharing no
code with the kit: Acc = mean over *every* ground-truth image of mean(gt == pred) over *all* its
pixels (a ground-truth 255 pixel never equals a valid prediction, so it counts as wrong; an all-255
image scores 0). mIoU is re-computed class by class from pixel counts, 255 pixels left out.
The ground truth holds partial 255 rows, a 255 border, an all-255 image and an image without 255;
the predictions cover every kind: perfect on the labelled pixels, each constant class, the truth
with 255 mapped to each class, random, noisy, and a shifted truth.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zerowaste import contract as C
from zerowaste.submission.adapters.evalai import evaluate
from zerowaste.submission.groundtruth import load_ground_truth
from zerowaste.submission.reference import official_metrics
from zerowaste.submission.scoring import SegEvaluator, score_submission
from zerowaste.submission.server.worker import SCORED, score_outcome

H, W = 30, 40
PROGRAM = Path(__file__).resolve().parents[2] / "submission" / "adapters" / "codabench" / "score.py"


def golden_gt() -> dict[str, np.ndarray]:
    """Five ground truths: partial 255 rows, a 255 border, all 255, no 255, scattered 255 pixels."""
    rng = np.random.default_rng(12)
    base = [np.kron(rng.integers(0, C.NUM_CLASSES, (3, 4)), np.ones((10, 10), np.int64)).astype(np.uint8)
            for _ in range(5)]
    base[0][:7] = C.IGNORE_INDEX
    base[1][:, :3] = base[1][:, -3:] = base[1][:2] = C.IGNORE_INDEX
    base[2][:] = C.IGNORE_INDEX
    base[4][rng.random((H, W)) < 0.2] = C.IGNORE_INDEX
    return {f"{i:02d}_frame_{i:06d}.png": m for i, m in enumerate(base)}


def prediction_kinds(gts: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """``{kind: {name: prediction}}`` for every kind of prediction (all valid: values 0..4)."""
    rng = np.random.default_rng(7)
    kinds: dict[str, dict[str, np.ndarray]] = {}
    for k in range(C.NUM_CLASSES):
        kinds[f"constant_{k}"] = {n: np.full((H, W), k, np.uint8) for n in gts}
        kinds[f"truth_255_as_{k}"] = {n: np.where(g == 255, k, g).astype(np.uint8) for n, g in gts.items()}
    kinds["random"] = {n: rng.integers(0, C.NUM_CLASSES, (H, W)).astype(np.uint8) for n in gts}
    kinds["noisy"] = {n: np.where(rng.random((H, W)) < 0.3, rng.integers(0, C.NUM_CLASSES, (H, W)),
                                  np.where(g == 255, 0, g)).astype(np.uint8) for n, g in gts.items()}
    kinds["shifted"] = {n: np.roll(np.where(g == 255, 1, g), 3, axis=1).astype(np.uint8) for n, g in gts.items()}
    return kinds


def official_acc(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The written formula, from the raw arrays."""
    per_image = []
    for gt, pred in pairs:
        correct = sum(int(gt[y, x]) == int(pred[y, x]) for y in range(gt.shape[0]) for x in range(gt.shape[1]))
        per_image.append(correct / gt.size)
    return sum(per_image) / len(per_image)


def official_iou(pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """IoU per class from pixel counts (GT 255 pixels left out); NaN for an empty union."""
    out = []
    for c in range(C.NUM_CLASSES):
        tp = sum(int(((g == c) & (p == c)).sum()) for g, p in pairs)
        gt_c = sum(int((g == c).sum()) for g, _ in pairs)
        pred_c = sum(int(((p == c) & (g != 255)).sum()) for g, p in pairs)
        union = gt_c + pred_c - tp
        out.append(tp / union if union else float("nan"))
    return out


@pytest.fixture
def golden(tmp_path, zk):
    tmp = tmp_path
    gts = golden_gt()
    gt_dir = tmp / "gt"
    gt_dir.mkdir()
    for name, mask in gts.items():
        (gt_dir / name).write_bytes(zk.png_bytes(mask))
    return tmp, gts, gt_dir, prediction_kinds(gts)


def _expected(gts, preds) -> tuple[float, list[float]]:
    pairs = [(gts[n], preds[n]) for n in sorted(gts)]
    return official_acc(pairs), official_iou(pairs)


def test_the_golden_ground_truth_has_every_edge():
    gts = golden_gt()
    ignored = [float(np.mean(m == 255)) for m in gts.values()]
    assert 0 in ignored and 1 in ignored and sum(0 < f < 1 for f in ignored) == 3


def test_evaluator_and_reference_equal_the_formula(golden):
    _, gts, _, kinds = golden
    for kind, preds in kinds.items():
        acc, iou = _expected(gts, preds)
        ev = SegEvaluator()
        for n in sorted(gts):
            ev.process(gts[n], preds[n])
        got = ev.evaluate()
        assert abs(got["Acc"] - acc) < 1e-12, kind
        assert ev.n_images == len(gts)  # the all-255 image counts
        for name, want in zip(C.CLASS_NAMES, iou, strict=True):
            assert (got["IoU"][name] is None) if np.isnan(want) else abs(got["IoU"][name] - want) < 1e-12, (kind, name)
        ref = official_metrics([(gts[n], preds[n]) for n in sorted(gts)])
        assert abs(ref["Acc"] - acc) < 1e-12, kind
        assert np.allclose(ref["IoU"], iou, rtol=0, atol=1e-12, equal_nan=True), kind


def test_acc_labelled_is_the_other_figure(golden):
    _, gts, _, kinds = golden
    preds = kinds["truth_255_as_0"]  # right on every labelled pixel
    ev = SegEvaluator()
    for n in sorted(gts):
        ev.process(gts[n], preds[n])
    got = ev.evaluate()
    assert got["Acc_labelled"] == 1.0 and got["aAcc"] == 1.0 and got["mIoU"] == 1.0
    assert abs(got["Acc"] - np.mean([np.mean(g != 255) for g in gts.values()])) < 1e-12
    assert got["Acc"] < 0.8  # the all-255 image scores 0, the others lose their 255 pixels


@pytest.mark.parametrize("kind", ["truth_255_as_0", "truth_255_as_4", "constant_2", "random", "noisy", "shifted"])
def test_scorer_server_and_adapters_equal_the_formula(golden, zk, kind):
    tmp, gts, gt_dir, kinds = golden
    preds = kinds[kind]
    other = kinds["random"]  # the other track gets a different prediction: tracks must not mix
    sub = zk.build_zip(tmp / f"{kind}.zip", zk.submission_entries({"uda": preds, "source_only": other}))
    acc = {"uda": _expected(gts, preds)[0], "source_only": _expected(gts, other)[0]}
    miou = {"uda": _expected(gts, preds)[1], "source_only": _expected(gts, other)[1]}

    scored = score_submission(sub, load_ground_truth(gt_dir))
    served = score_outcome(sub, gt_dir, "val", workers=1)  # the scoring server's worker body
    assert served.status == SCORED and served.result == scored
    for track in C.TRACKS:
        assert abs(scored[track]["Acc"] - acc[track]) < 1e-12, track
        if not np.isnan(miou[track]).any():
            assert abs(scored[track]["mIoU"] - float(np.mean(miou[track]))) < 1e-12, track

    rows = evaluate(str(gt_dir), str(sub), "test")["submission_result"]  # EvalAI: percent, 6 decimals
    codabench = tmp / f"cb_{kind}"
    (codabench / "input" / "res").mkdir(parents=True)
    (codabench / "input" / "ref").symlink_to(gt_dir)
    (codabench / "input" / "res" / "sub.zip").write_bytes(sub.read_bytes())
    proc = subprocess.run([sys.executable, str(PROGRAM), str(codabench / "input"), str(codabench / "output")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    flat = json.loads((codabench / "output" / "scores.json").read_text())
    for track in C.TRACKS:
        assert abs(rows[f"test_{track}"]["Acc"] - 100 * acc[track]) <= 5e-7 + 1e-12  # rounded to 6 decimals
        assert flat[f"{track}_Acc"] == rows[f"test_{track}"]["Acc"]
