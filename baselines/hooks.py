"""mmengine hooks of the kit.

``TrainingCurvesHook`` redraws ``<work_dir>/training_curves.png`` (loss, learning rate, validation
mIoU/Acc) from mmengine's ``scalars.json`` after each validation and at the end of training.

``RankBufferSyncHook`` (added by ``zerowaste train`` to every multi-process run) averages the
model's floating-point buffers over the ranks after every iteration, so all ranks hold the same
model (see the class).

``ProgressHook`` (added by ``zerowaste train`` to every run) shows iteration progress with an ETA:
a tqdm bar on a terminal, and ``<work_dir>/progress.json`` that other programs (the demo) read.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mmengine.hooks import Hook
from tqdm import tqdm

from zerowaste.baselines.plots import plot_training_curves
from zerowaste.io import write_json_atomic

CURVES_PNG = "training_curves.png"


class RankBufferSyncHook(Hook):
    """After every training iteration, average floating-point buffers (BatchNorm running statistics)
    over the ranks; integer buffers (``num_batches_tracked``, a DACS ``local_iter``) are equal anyway.

    DDP all-reduces gradients, so parameters stay equal on every rank, but plain ``BN`` updates its
    running statistics from each rank's own batch (mmengine wraps with ``broadcast_buffers=False``;
    ``SyncBN``, which the GPU configs use, needs CUDA). Without this hook the ranks validate with
    different statistics and a UDA teacher copies different buffers on each rank. Averaging every
    iteration keeps the running means exactly what one process would get from the ranks' mean
    batch statistics (the running average is linear). Runs before checkpointing and validation
    (priority ``ABOVE_NORMAL``); a no-op in single-process runs.
    """

    priority = "ABOVE_NORMAL"

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        from mmengine.dist import all_reduce_params, get_world_size

        if get_world_size() > 1:
            all_reduce_params([b for b in runner.model.buffers() if b.is_floating_point()], op="mean")


class TrainingCurvesHook(Hook):
    """Draw the training curves of the current run as a PNG in the work dir."""

    priority = "VERY_LOW"

    def _draw(self, runner) -> None:
        scalars = Path(runner.log_dir) / "vis_data" / "scalars.json"
        if scalars.is_file() and scalars.stat().st_size:
            plot_training_curves(scalars, Path(runner.work_dir) / CURVES_PNG)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._draw(runner)

    def after_train(self, runner) -> None:
        self._draw(runner)


PROGRESS_JSON = "progress.json"


class ProgressHook(Hook):
    """Iteration progress with an ETA, for people (a tqdm bar) and for programs (``progress.json``).

    The bar goes to stderr and only on a terminal (a log file keeps mmengine's own lines); the
    JSON -- ``{"iter": done, "max_iters": n, "elapsed_s": s, "eta_s": s}`` -- is rewritten atomically
    at most every ``interval_s`` seconds and at the end. Rank 0 only. A resumed run starts counting
    from the checkpoint's iteration, and its ETA is measured on the iterations of this run.
    """

    priority = "VERY_LOW"

    def __init__(self, interval_s: float = 1.0) -> None:
        self.interval_s = interval_s
        self._bar: tqdm | None = None

    def before_train(self, runner) -> None:
        if runner.rank != 0:
            return
        self._start_iter, self._t0, self._last = runner.iter, time.monotonic(), 0.0
        self._bar = tqdm(total=runner.max_iters, initial=runner.iter, desc="train", unit="it", file=sys.stderr,
                         dynamic_ncols=True, disable=None)
        self._write(runner, runner.iter)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self._bar is None:
            return
        done = runner.iter + 1  # mmengine counts the iteration after its after_train_iter hooks
        self._bar.update(1)
        if time.monotonic() - self._last >= self.interval_s or done >= runner.max_iters:
            self._write(runner, done)

    def after_train(self, runner) -> None:
        if self._bar is not None:
            self._write(runner, runner.iter)
            self._bar.close()
            self._bar = None

    def _write(self, runner, done: int) -> None:
        self._last = time.monotonic()
        elapsed = self._last - self._t0
        this_run = done - self._start_iter
        eta = elapsed / this_run * (runner.max_iters - done) if this_run > 0 else None
        write_json_atomic(Path(runner.work_dir) / PROGRESS_JSON,
                          {"iter": done, "max_iters": runner.max_iters, "elapsed_s": round(elapsed, 1),
                           "eta_s": None if eta is None else round(eta, 1)})
