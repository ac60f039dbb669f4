"""Seconds per training iteration: the kit's loop (mmengine Runner, data pipeline, hooks, logging,
checkpoint hook) vs the raw forward/backward/step of the same model on the same batch, on CPU.

Side by side: a hook runs one raw step (data preprocessor, forward, loss, backward, optimizer
step on a batch already in memory) right after each of the kit's iterations, so both see the
same machine load. The kit's time is the wall time of its iteration (loading the batch
included: ``--workers 0`` by default, the data pipeline runs in the loop, the worst case).
Target: kit / raw <= 1.15.

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

from zerowaste.baselines.train import build_runner, prepare_config
from zerowaste.data.fixtures import make_dataset

MODELS = {
    "b0": ("segformer/segformer_mit-b0_zerowaste-f.py", (720, 1280)),
    "tiny": ("tiny/segformer_tiny_cpu.py", (90, 160)),
}


def raw_step(model, optimizer, batch: dict) -> float:
    """One forward/backward/step of ``model`` on ``batch``; returns its wall time."""
    start = time.perf_counter()
    data = model.data_preprocessor(batch, True)
    loss, _ = model.parse_losses(model(**data, mode="loss"))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return time.perf_counter() - start


class SideBySide(Hook):
    """After each kit iteration, time it, then time one raw step on the first batch. Also times
    the model's ``train_step`` inside the loop, so the loop's own overhead is measured directly."""

    priority = "LOWEST"

    def __init__(self) -> None:
        self.kit, self.raw, self.waits, self.steps = [], [], [], []
        self.batch, self.start = None, None

    def before_run(self, runner) -> None:
        model, train_step = runner.model, runner.model.train_step

        def timed_train_step(*args, **kwargs):
            start = time.perf_counter()
            out = train_step(*args, **kwargs)
            self.steps.append(time.perf_counter() - start)
            return out

        model.train_step = timed_train_step

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if self.start is not None:
            self.waits.append(time.perf_counter() - self.start)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.start is not None:
            self.kit.append(time.perf_counter() - self.start)
        self.batch = self.batch or data_batch
        self.raw.append(raw_step(runner.model, runner.optim_wrapper.optimizer, self.batch))
        self.start = time.perf_counter()


def measure(config: str, root: Path, work: Path, iters: int, workers: int) -> SideBySide:
    options = {f"{k}.dataset.root": str(root) for k in ("train_dataloader", "val_dataloader", "test_dataloader")}
    options.update({
        "train_cfg.max_iters": iters, "train_cfg.val_interval": 10**9, "default_hooks.logger.interval": 10,
        "default_hooks.checkpoint.interval": 10**9, "default_hooks.checkpoint.save_last": False,
        "train_dataloader.num_workers": workers, "train_dataloader.persistent_workers": workers > 0,
        "log_level": "WARNING",
        "param_scheduler": [dict(type="PolyLR", power=1.0, begin=0, end=iters, by_epoch=False)],
    })
    runner = build_runner(prepare_config(config, work_dir=work, cfg_options=options, seed=0))
    timer = SideBySide()
    runner.register_hook(timer, "LOWEST")
    runner.train()
    return timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), default="b0")
    parser.add_argument("--iters", type=int, default=14, help="kit iterations (the first 2 are warm-up)")
    parser.add_argument("--workers", type=int, default=0, help="train_dataloader.num_workers of the kit's loop")
    args = parser.parse_args()
    config, size = MODELS[args.model]
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = make_dataset(Path(tmp) / "zwf", "zerowaste-f", n={"train": 8, "val": 1, "test": 1}, size=size)
        t = measure(config, root, Path(tmp) / "work", args.iters, args.workers)
    kit, raw, waits, steps = t.kit[2:], t.raw[2:], t.waits[2:], t.steps[3:]
    k, r = statistics.median(kit), statistics.median(raw)
    overhead = statistics.median(a - b for a, b in zip(kit, steps, strict=False))
    print(f"model {args.model} ({config}), batch 2, frames {size[1]}x{size[0]}, {torch.get_num_threads()} threads, "
          f"{args.workers} loader workers")
    print(f"kit loop : {k:.3f} s/iter (median of {len(kit)}; loading the batch {statistics.median(waits):.3f} s)")
    print(f"raw step : {r:.3f} s/iter (median of {len(raw)})")
    print(f"ratio    : {k / r:.3f}  (target <= 1.15)")
    print(f"loop overhead: {overhead:.3f} s/iter = kit iteration - its own train_step "
          f"({overhead / statistics.median(steps):.1%} of train_step; robust to load changes between steps)")


if __name__ == "__main__":
    main()
