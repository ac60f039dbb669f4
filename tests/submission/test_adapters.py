"""Hosting adapters: EvalAI's evaluate() and the Codabench program (run as a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from zerowaste.submission.adapters.evalai import evaluate
from zerowaste.submission.groundtruth import GroundTruthError
from zerowaste.submission.scoring import score_submission
from zerowaste.submission.validate import SubmissionInvalid

PROGRAM = Path(__file__).resolve().parents[2] / "submission" / "adapters" / "codabench"


@pytest.fixture
def organizers_gt(fx, zk):
    entries = {f"{phase}/{n}": zk.png_bytes(m) for phase in ("val", "test") for n, m in fx.masks.items()}
    return zk.build_zip(fx.tmp / "gt.zip", entries)


def test_evalai_result_structure(fx, organizers_gt):
    expected = score_submission(fx.zip(), fx.gt)
    out = evaluate(str(organizers_gt), str(fx.zip()), "dev", submission_metadata={"id": 1})
    assert [list(split) for split in out["result"]] == [["dev_source_only"], ["dev_uda"]]
    uda = out["result"][1]["dev_uda"]
    assert uda["mIoU"] == pytest.approx(100 * expected["uda"]["mIoU"], abs=1e-6)
    assert uda["Acc"] == pytest.approx(100 * expected["uda"]["Acc"], abs=1e-6)
    assert set(uda) == {
        "mIoU",
        "Acc",
        "aAcc",
        "IoU_background",
        "IoU_rigid_plastic",
        "IoU_cardboard",
        "IoU_metal",
        "IoU_soft_plastic",
    }
    assert out["submission_result"]["dev_uda"] == uda


def test_evalai_single_phase_annotation_and_errors(fx, zk, organizers_gt):
    flat = zk.build_zip(fx.tmp / "flat.zip", {n: zk.png_bytes(m) for n, m in fx.masks.items()})
    out = evaluate(str(flat), str(fx.zip()), "anything")
    assert list(out["result"][0]) == ["anything_source_only"]
    with pytest.raises(GroundTruthError, match="maps to no ground-truth folder"):
        evaluate(str(organizers_gt), str(fx.zip()), "phase-3")
    entries = fx.entries()
    entries.pop(next(iter(entries)))
    with pytest.raises(SubmissionInvalid, match="predictions missing"):
        evaluate(str(organizers_gt), str(fx.zip(entries)), "test")


def codabench_input(fx, sub_entries: dict[str, bytes]) -> Path:
    """input/ref with the GT masks, input/res with the unzipped submission (as Codabench does)."""
    root = fx.tmp / "codabench"
    shutil.copytree(fx.gt_dir, root / "input" / "ref")
    res = root / "input" / "res"
    for name, data in sub_entries.items():
        (res / name).parent.mkdir(parents=True, exist_ok=True)
        (res / name).write_bytes(data)
    return root


def run_program(root: Path) -> subprocess.CompletedProcess:
    meta = yaml.safe_load((PROGRAM / "metadata.yaml").read_text())
    assert meta["command"] == "python3 $program/score.py $input $output"
    cmd = [sys.executable, str(PROGRAM / "score.py"), str(root / "input"), str(root / "output")]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_codabench_program_scores_unzipped_submission(fx):
    root = codabench_input(fx, fx.entries())
    proc = run_program(root)
    assert proc.returncode == 0, proc.stderr
    scores = json.loads((root / "output" / "scores.json").read_text())
    expected = score_submission(fx.zip(), fx.gt)
    assert scores["uda_mIoU"] == pytest.approx(100 * expected["uda"]["mIoU"], abs=1e-6)
    assert scores["source_only_Acc"] == pytest.approx(100 * expected["source_only"]["Acc"], abs=1e-6)
    details = json.loads((root / "output" / "details.json").read_text())
    assert details["uda"]["confusion"] == expected["uda"]["confusion"]


def test_codabench_program_rejects_invalid_submission(fx, zk):
    entries = fx.entries()
    name = next(k for k in entries if k.startswith("uda/"))
    entries[name] = zk.png_bytes(np.full((zk.H, zk.W), 255, np.uint8))
    root = codabench_input(fx, entries)
    proc = run_program(root)
    assert proc.returncode == 1
    assert "values outside 0..4" in proc.stderr and name in proc.stderr
    assert not (root / "output" / "scores.json").exists()


def test_codabench_program_refuses_symlinks(fx):
    root = codabench_input(fx, fx.entries())
    (root / "input" / "res" / "uda" / "evil.png").symlink_to("/etc/passwd")
    proc = run_program(root)
    assert proc.returncode == 1 and "symbolic link" in proc.stderr


def test_codabench_program_accepts_a_zip_in_res(fx):
    root = fx.tmp / "cz"
    shutil.copytree(fx.gt_dir, root / "input" / "ref")
    (root / "input" / "res").mkdir(parents=True)
    shutil.copy(fx.zip(), root / "input" / "res" / "sub.zip")
    assert run_program(root).returncode == 0
    assert zipfile.is_zipfile(root / "input" / "res" / "sub.zip")
    assert "uda_IoU_metal" in json.loads((root / "output" / "scores.json").read_text())
