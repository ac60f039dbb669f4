"""The CLI through `zerowaste` (click runner) and one real subprocess for exit codes and import weight."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
from click.testing import CliRunner

from zerowaste import contract as C
from zerowaste.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_validate_exit_codes(fx, zk):
    ok = run("submission", "validate", str(fx.zip()), "--gt", str(fx.gt_dir))
    assert ok.exit_code == 0 and "valid (12 prediction PNGs)" in ok.output
    entries = fx.entries()
    entries["uda/extra.png"] = b"x"
    bad = run("submission", "validate", str(fx.zip(entries)), "--gt", str(fx.gt_dir))
    assert bad.exit_code == 1 and "unexpected file 'uda/extra.png'" in bad.output


def test_score_table_json_and_plots(fx):
    out = fx.tmp / "out"
    res = run(
        "score",
        str(fx.zip()),
        "--gt",
        str(fx.gt_dir),
        "--json",
        str(out / "s.json"),
        "--plots",
        str(out / "plots"),
    )
    assert res.exit_code == 0, res.output
    assert "ZeroWaste score" in res.output and "IoU soft_plastic" in res.output
    data = json.loads((out / "s.json").read_text())
    assert set(data) == set(C.TRACKS)
    assert set(data["uda"]) == {"mIoU", "Acc", "Acc_labelled", "aAcc", "IoU", "confusion"}
    assert f"{100 * data['uda']['mIoU']:.2f}" in res.output
    for track in C.TRACKS:
        for kind in ("confusion", "iou"):
            img = cv2.imread(str(out / "plots" / f"{track}_{kind}.png"))
            assert img is not None and img.shape[0] > 200 and img.std() > 10


def test_score_invalid_submission_and_bad_gt_are_clean_errors(fx, zk):
    entries = fx.entries()
    entries[next(iter(entries))] = zk.png_bytes(np.full((zk.H, zk.W), 200, np.uint8))
    res = run("score", str(fx.zip(entries)), "--gt", str(fx.gt_dir))
    assert res.exit_code == 1 and "invalid: 1 problem" in res.output and "values outside 0..4" in res.output
    res = run("score", str(fx.zip()), "--gt", str(fx.gt_dir), "--phase", "test")
    assert res.exit_code == 1 and "drop --phase" in res.output and "Traceback" not in res.output


def test_pack_command(fx):
    so, uda = fx.tmp / "so", fx.tmp / "uda"
    for track, folder in (("source_only", so), ("uda", uda)):
        folder.mkdir()
        for name, mask in fx.preds[track].items():
            cv2.imwrite(str(folder / name), mask)
    out = fx.tmp / "packed.zip"
    pack_args = ["--source-only", str(so), "--uda", str(uda), "--images", str(fx.gt_dir), "-o", str(out)]
    res = run("submission", "pack", *pack_args)
    assert res.exit_code == 0, res.output
    assert run("submission", "validate", str(out), "--gt", str(fx.gt_dir)).exit_code == 0
    (so / sorted(fx.masks)[0]).unlink()
    res = run("submission", "pack", *pack_args)
    assert res.exit_code == 1 and "no prediction for image" in res.output


def test_score_help_imports_no_heavy_module():
    code = (
        "import sys; from zerowaste.cli import main\n"
        "try:\n    main(['score', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'bpy', 'albumentations', 'mmseg', 'matplotlib', 'cv2') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


def test_scoring_imports_no_training_stack():
    code = (
        "import sys, zerowaste.submission.scoring, zerowaste.submission.pack, zerowaste.submission.adapters.evalai; "
        "print([m for m in ('torch', 'bpy', 'albumentations', 'mmseg') if m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
