"""The demo end to end at reduced size: render -> train -> adapt -> select -> predict -> pack ->
score -> server upload -> leaderboard, then a second run that reuses everything."""

import json
import subprocess
import sys

import pytest

from zerowaste import contract as C


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    proc = subprocess.run([sys.executable, "-m", "zerowaste", "demo", "--out", str(out), "--size", "ci"],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc


def test_demo_scores_a_submission_through_the_server(demo_run):
    out, proc = demo_run
    scores = json.loads((out / "scores.json").read_text())
    for track in C.TRACKS:
        assert 0.0 <= scores[track]["Acc"] <= 1.0
        assert sorted(scores[track]["IoU"]) == sorted(C.CLASS_NAMES)
    board = json.loads((out / "leaderboard.json").read_text())
    rows = board["rows"]
    assert len(rows) == 1 and rows[0]["team"] == "demo-team"
    # The server scored the same zip with the same scorer: same numbers as the local score.
    assert rows[0]["mIoU"] == pytest.approx(scores["uda"]["mIoU"], abs=1e-12)
    assert rows[0]["Acc"] == pytest.approx(scores["uda"]["Acc"], abs=1e-12)
    assert "everything is under" in proc.stderr
    index = (out / "index.txt").read_text()
    assert "plots/uda_confusion.png" in index and "server/leaderboard.html" in index


def test_demo_leaves_pictures(demo_run):
    out, _ = demo_run
    plots = out / "plots"
    for name in ("source_contact_sheet.png", "target_contact_sheet.png"):
        assert (plots / name).stat().st_size > 1000
    assert list(plots.glob("*confusion*.png")) and list(plots.glob("*iou*.png"))
    assert list((plots / "overlays_uda").glob("*.png"))


def test_second_run_reuses_every_step(demo_run):
    out, _ = demo_run
    before = (out / "scores.json").stat().st_mtime_ns
    proc = subprocess.run([sys.executable, "-m", "zerowaste", "demo", "--out", str(out), "--size", "ci"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr.count("(reused)") == 9
    assert (out / "scores.json").stat().st_mtime_ns == before
