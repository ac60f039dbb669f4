"""zerowaste train: a run killed mid-training resumes from its last complete checkpoint."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

from zerowaste.baselines.train import find_resume_checkpoint, is_complete_checkpoint

from .conftest import TINY, data_overrides

MAX_ITERS = 12


def train_cmd(work: Path, data: dict, *extra: str) -> list[str]:
    options = {**data_overrides(data["zwf"]), "train_cfg.max_iters": MAX_ITERS, "train_cfg.val_interval": MAX_ITERS,
               "default_hooks.checkpoint.max_keep_ckpts": 100}
    return [sys.executable, "-m", "zerowaste", "train", TINY, "--work-dir", str(work), "--seed", "0",
            *[f"{k}={v}" for k, v in options.items()], *extra]


def test_killed_run_resumes_from_its_last_checkpoint(tmp_path, data):
    work = tmp_path / "run"
    log = (tmp_path / "first.log").open("w")
    proc = subprocess.Popen(train_cmd(work, data), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600  # a busy machine: waiting longer only costs time on failure
        while not (work / "iter_2.pth").exists():  # killed right after its first checkpoint
            assert proc.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "no checkpoint after 600 s"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    killed_at = find_resume_checkpoint(work)
    assert killed_at is not None and is_complete_checkpoint(killed_at)
    start = torch.load(killed_at, map_location="cpu", weights_only=True)["meta"]["iter"]
    assert 2 <= start < MAX_ITERS, "the first run was not interrupted"
    assert not (work / f"iter_{MAX_ITERS}.pth").exists()

    resumed = subprocess.run(train_cmd(work, data, "--resume"), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    out = resumed.stdout + resumed.stderr
    assert f"resuming from {killed_at}" in out
    first_iter = int(re.search(r"Iter\(train\) \[\s*(\d+)/", out).group(1))
    assert first_iter == start + 1  # continued, not restarted
    final = torch.load(work / f"iter_{MAX_ITERS}.pth", map_location="cpu", weights_only=True)
    assert final["meta"]["iter"] == MAX_ITERS
    assert (work / "training_curves.png").stat().st_size > 0


def test_truncated_checkpoint_is_skipped_on_resume(tmp_path, trained):
    """A half-written file (what a non-atomic save leaves behind) is never resumed from."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "iter_2.pth").write_bytes((trained / "iter_2.pth").read_bytes())
    (work / "iter_4.pth").write_bytes((trained / "iter_4.pth").read_bytes()[:1000])
    (work / "last_checkpoint").write_text(str(work / "iter_4.pth"))
    assert find_resume_checkpoint(work) == work / "iter_2.pth"


def test_bad_requests_are_clear_errors(tmp_path, data):
    from click.testing import CliRunner

    from zerowaste.baselines.cli import train

    runner = CliRunner()
    missing = runner.invoke(train, ["no/such/config.py"])
    assert missing.exit_code == 1 and "not found" in missing.output
    bad = runner.invoke(train, [TINY, "--pretrained", str(tmp_path / "nope.pth"), "--work-dir", str(tmp_path)])
    assert bad.exit_code == 1 and "--pretrained" in bad.output and "not found" in bad.output
    malformed = runner.invoke(train, [TINY, "--cfg-options", "justakey"])
    assert malformed.exit_code == 1 and "key=value" in malformed.output


def test_demo_config_root_variables_and_last_checkpoint(tmp_path, data):
    """`source_root=... target_root=...` re-point the datasets; the final checkpoint is also last.pth."""
    from click.testing import CliRunner

    from zerowaste.baselines.cli import train

    work = tmp_path / "synth"
    result = CliRunner().invoke(train, [
        "tiny/segformer_tiny_synth.py", "--work-dir", str(work), "--cfg-options", f"source_root={data['synth']}",
        f"target_root={data['synth']}", "train_cfg.max_iters=2", "train_cfg.val_interval=2"])
    assert result.exit_code == 0, result.output
    last = torch.load(work / "last.pth", map_location="cpu", weights_only=True)
    assert last["meta"]["iter"] == 2
    assert f"root='{data['synth']}'" in last["meta"]["cfg"] and "data/source" not in last["meta"]["cfg"]
