"""Seconds per training iteration: the kit's loop (mmengine Runner, data pipeline, hooks, logging,
checkpoint hook) vs the raw forward/backward/step of the same model on the same batch, on CPU.

Both are measured in the same process, alternating rounds, after warm-up. The kit's time is the
wall time between consecutive iterations (data loading included); the raw loop reuses one batch
already in memory. Target: kit / raw <= 1.15.

Usage:
    python bench/train_step.py                 # SegFormer MiT-B0, 512x512 crops, batch 2 (SPEC)
    python bench/train_step.py --model tiny    # the tiny CPU config (64x64), seconds
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch
from mmengine.hooks import Hook

from baselines.train import build_runner, prepare_config
from zerowaste.data.fixtures import make_dataset

MODELS = {
    "b0": ("segformer/segformer_mit-b0_zerowaste-f.py", (720, 1280)),
    "tiny": ("tiny/segformer_tiny_cpu.py", (90, 160)),
}


class IterTimes(Hook):
    """Wall time between consecutive ``after_train_iter`` calls (and the last batch seen)."""

    def __init__(self) -> None:
        self.last, self.times, self.waits, self.batch = None, [], [], None

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if self.last is not None:  # the batch is ready: time spent waiting for the data loader
            self.waits.append(time.perf_counter() - self.last)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.times.append(now - self.last)
        self.last, self.batch = now, data_batch


def kit_round(config: str, root: Path, work: Path, iters: int, workers: int) -> tuple[IterTimes, object]:
    """Train ``iters`` iterations with the kit's loop; returns the timings (and last batch) and the runner."""
    options = {f"{k}.dataset.root": str(root) for k in ("train_dataloader", "val_dataloader", "test_dataloader")}
    options.update({
        "train_cfg.max_iters": iters, "train_cfg.val_interval": 10**9, "default_hooks.logger.interval": 10,
        "default_hooks.checkpoint.interval": 10**9, "train_dataloader.num_workers": workers,
        "train_dataloader.persistent_workers": workers > 0, "log_level": "WARNING",
        "param_scheduler": [dict(type="PolyLR", power=1.0, begin=0, end=iters, by_epoch=False)],
    })
    runner = build_runner(prepare_config(config, work_dir=work, cfg_options=options, seed=0))
    timer = IterTimes()
    runner.register_hook(timer, "LOWEST")
    runner.train()
    return timer, runner


def raw_round(runner, batch: dict, iters: int) -> list[float]:
    """Forward/backward/step of the runner's model and optimizer on one fixed batch."""
    model, optimizer = runner.model, runner.optim_wrapper.optimizer
    model.train()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode="loss")
        loss, _ = model.parse_losses(losses)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), default="b0")
    parser.add_argument("--iters", type=int, default=12, help="iterations per round (first 2 are warm-up)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="train_dataloader.num_workers of the kit's loop")
    args = parser.parse_args()
    config, size = MODELS[args.model]
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = make_dataset(Path(tmp) / "zwf", "zerowaste-f", n={"train": 8, "val": 1, "test": 1}, size=size)
        kit, waits, raw = [], [], []
        for r in range(args.rounds):
            timer, runner = kit_round(config, root, Path(tmp) / f"work{r}", args.iters, args.workers)
            kit += timer.times[2:]
            waits += timer.waits[2:]
            raw += raw_round(runner, timer.batch, args.iters)[2:]
    k, w = statistics.median(kit), statistics.median(raw)
    print(f"model {args.model} ({config}), batch {runner.train_dataloader.batch_size}, "
          f"{torch.get_num_threads()} threads, {args.workers} loader workers")
    print(f"kit loop : {k:.3f} s/iter (median of {len(kit)}; waiting for data {statistics.median(waits):.3f} s)")
    print(f"raw step : {w:.3f} s/iter (median of {len(raw)})")
    print(f"ratio    : {k / w:.3f}  (target <= 1.15)")


if __name__ == "__main__":
    main()
