"""Training shows iteration progress with an ETA: progress.json (for programs) on every run."""

from __future__ import annotations

import json

from zerowaste.baselines.hooks import PROGRESS_JSON
from zerowaste.baselines.train import prepare_config, train

from .conftest import TINY, data_overrides


def test_every_run_writes_progress_with_an_eta(tmp_path, data):
    work = tmp_path / "run"
    options = {**data_overrides(data["zwf"]), "train_cfg.max_iters": 3, "train_cfg.val_interval": 3}
    runner = train(prepare_config(TINY, work_dir=work, cfg_options=options, seed=0))
    assert [h.__class__.__name__ for h in runner.hooks].count("ProgressHook") == 1
    progress = json.loads((work / PROGRESS_JSON).read_text())
    assert progress["iter"] == progress["max_iters"] == 3
    assert progress["eta_s"] == 0.0 and progress["elapsed_s"] >= 0.0
