"""`--resume` under a longer schedule is refused clearly (mmengine would restore the old schedule and
train the extra iterations at learning rate 0, silently)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from zerowaste.baselines.cli import train
from zerowaste.baselines.train import TrainError, prepare_config

from .conftest import TINY, data_overrides


def test_resume_with_a_longer_schedule_is_refused(tmp_path, data, trained):
    work = tmp_path / "work"
    shutil.copytree(trained, work)
    base = {**data_overrides(data["zwf"]), "train_cfg.val_interval": 4}
    same = prepare_config(TINY, work_dir=work, resume=True, cfg_options={**base, "train_cfg.max_iters": 4})
    assert same.resume and same.load_from.endswith("iter_4.pth")  # the run's own schedule: resumes
    with pytest.raises(TrainError, match=r"schedules ending at \[2, 4\], the config now ends them at \[2, 8\]"):
        prepare_config(TINY, work_dir=work, resume=True, cfg_options={**base, "train_cfg.max_iters": 8})
    # the way out the message names: a new run from the weights gets a fresh schedule
    fresh = prepare_config(TINY, work_dir=tmp_path / "longer",
                           cfg_options={**base, "train_cfg.max_iters": 8, "load_from": str(work / "iter_4.pth")})
    assert not fresh.resume and [s["end"] for s in fresh.param_scheduler] == [2, 8]
    args = [TINY, "--work-dir", str(work), "--resume", "train_cfg.max_iters=8",
            *(f"{k}={v}" for k, v in data_overrides(data["zwf"]).items())]
    result = CliRunner().invoke(train, args)
    assert result.exit_code == 1, result.output
    assert "learning rate (0 for poly)" in result.output and "load_from=" in result.output
    assert "Traceback" not in result.output and sorted(p.name for p in work.glob("iter_*.pth")) == ["iter_2.pth", "iter_4.pth"]
