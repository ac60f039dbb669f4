"""mmengine hooks of the kit.

``TrainingCurvesHook`` redraws ``<work_dir>/training_curves.png`` (loss, learning rate, validation
mIoU/Acc) from mmengine's ``scalars.json`` after each validation and at the end of training.

``RankBufferSyncHook`` (added by ``zerowaste train`` to every multi-process run) averages the
model's floating-point buffers over the ranks after every iteration, so all ranks hold the same
model (see the class).
"""

from __future__ import annotations

from pathlib import Path

from mmengine.hooks import Hook
from zerowaste.baselines.plots import plot_training_curves

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
