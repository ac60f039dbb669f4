"""Where the docs promise a one-line error, the real `zerowaste` command gives one (issue #18):
a UDA config whose feature distance needs ImageNet weights, trained without --pretrained."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ZEROWASTE = Path(sys.executable).parent / "zerowaste"


def test_uda_feature_distance_without_pretrained_is_one_line(tmp_path, data) -> None:
    args = [str(ZEROWASTE), "train", "uda/tiny_dacs_cpu.py", "--work-dir", str(tmp_path / "w"), "model.fdist_lambda=0.005",
            f"train_dataloader.dataset.source.root={data['zwf']}", f"train_dataloader.dataset.target.root={data['v2']}",
            f"val_dataloader.dataset.root={data['zwf']}", f"test_dataloader.dataset.root={data['zwf']}"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "feature distance" in errors[0] and "--pretrained" in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert not list((tmp_path / "w").glob("iter_*.pth"))  # refused before any training step
