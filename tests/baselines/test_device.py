"""`predict` / `eval` `--device` a machine does not have: one line and exit 1, before anything loads."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner

from zerowaste.baselines.cli import evaluate, predict
from zerowaste.baselines.predict import PredictError, check_device

#: a CUDA device this machine does not have (cuda:N past the last one when there are GPUs)
MISSING = f"cuda:{torch.cuda.device_count()}" if torch.cuda.is_available() else "cuda"


def test_check_device() -> None:
    assert check_device("cpu") == torch.device("cpu")
    with pytest.raises(PredictError, match=f"--device {MISSING}: "):
        check_device(MISSING)
    with pytest.raises(PredictError, match="not a device; use cpu, cuda or cuda:N"):
        check_device("gpu0")
    with pytest.raises(PredictError, match="only cpu and cuda"):
        check_device("meta")


@pytest.mark.parametrize("command", ["predict", "eval"])
def test_cli_refuses_a_missing_gpu_in_one_line(tmp_path, data, trained, command) -> None:
    ckpt = str(trained / "iter_4.pth")
    if command == "predict":
        cmd, args = predict, [ckpt, "--images", str(data["v2"] / "val" / "data"), "--out", str(tmp_path / "p")]
    else:
        cmd, args = evaluate, [ckpt, "--data", str(data["zwf"]), "--dataset", "zerowaste-f"]
    result = CliRunner().invoke(cmd, [*args, "--device", MISSING])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"Error: --device {MISSING}: ")
    assert "use --device cpu" in lines[0] or "CUDA device(s), cuda:0.." in lines[0]
    assert not (tmp_path / "p").exists()
