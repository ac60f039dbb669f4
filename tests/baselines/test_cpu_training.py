"""Training without a GPU: `--amp` is bfloat16 autocast (CPUAmpOptimWrapper) with finite losses and a
float32 checkpoint that `zerowaste predict` loads; multi-process runs get gloo (torchrun runs are in
test_distributed.py)."""

from __future__ import annotations

import json
import math

import pytest
import torch
from click.testing import CliRunner

from zerowaste.baselines.cli import predict
from zerowaste.baselines.train import TrainError, prepare_config, train
from zerowaste.data.io import read_mask

from .conftest import TINY, data_overrides

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="CPU-only behaviour (with CUDA: fp16 AMP, nccl)")


@pytest.fixture
def one_thread():
    """One intra-op thread for the bf16 run: on 2 cores shared with another job, 2 OpenMP threads made
    this test take 3 s to 84 s (threads waiting for a busy core); with one, 4 s to 5 s."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_amp_on_cpu_trains_in_bfloat16_and_predicts(tmp_path, data, one_thread):
    work = tmp_path / "amp"
    options = {**data_overrides(data["zwf"]), "train_cfg.max_iters": 2, "train_cfg.val_interval": 2}
    cfg = prepare_config(TINY, work_dir=work, cfg_options=options, seed=0, amp=True)
    assert cfg.optim_wrapper.type == "CPUAmpOptimWrapper" and cfg.optim_wrapper.dtype == "bfloat16"
    runner = train(cfg)

    # the forward pass of a training step really runs in bfloat16 (autocast), the weights stay float32
    assert runner.optim_wrapper.cast_dtype == torch.bfloat16
    with torch.no_grad(), runner.optim_wrapper.optim_context(runner.model):
        feats = runner.model.extract_feat(torch.zeros(1, 3, 64, 64))
    assert {f.dtype for f in feats} == {torch.bfloat16}
    assert {p.dtype for p in runner.model.parameters()} == {torch.float32}

    scalars = next(work.glob("*/vis_data/scalars.json"))
    losses = [json.loads(line)["loss"] for line in scalars.read_text().splitlines() if '"loss"' in line]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)

    ckpt = torch.load(work / "last.pth", map_location="cpu", weights_only=True)
    assert ckpt["meta"]["iter"] == 2 and "CPUAmpOptimWrapper" in ckpt["meta"]["cfg"]
    assert ckpt["optimizer"]["loss_scaler"] == {}  # bf16: no loss scaling
    assert {v.dtype for v in ckpt["state_dict"].values() if v.is_floating_point()} == {torch.float32}

    images = data["zwf"] / "val" / "data"
    result = CliRunner().invoke(predict, [str(work / "last.pth"), "--images", str(images), "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    masks = sorted((tmp_path / "p").iterdir())
    assert [m.name for m in masks] == sorted(p.name for p in images.iterdir())
    assert all(read_mask(m).max() <= 4 for m in masks)


def test_amp_needs_a_plain_optim_wrapper(tmp_path):
    with pytest.raises(TrainError, match="--amp"):
        prepare_config(TINY, work_dir=tmp_path, amp=True, cfg_options={"optim_wrapper.type": "OptimWrapperDict"})


def test_cpu_processes_need_the_pytorch_launcher(tmp_path):
    """Without CUDA, mmengine's slurm/mpi launchers would assign GPUs: a clear error instead."""
    with pytest.raises(TrainError, match="torchrun"):
        prepare_config(TINY, work_dir=tmp_path, launcher="slurm")
    cfg = prepare_config(TINY, work_dir=tmp_path, launcher="pytorch")  # no process group until the Runner
    assert cfg.env_cfg.dist_cfg.backend == "gloo" and cfg.model_wrapper_cfg.device_ids is None
    assert {"type": "RankBufferSyncHook"} in cfg.custom_hooks
