"""mmengine hooks of the kit.

``TrainingCurvesHook`` redraws ``<work_dir>/training_curves.png`` (loss, learning rate, validation
mIoU/Acc) from mmengine's ``scalars.json`` after each validation and at the end of training.
"""

from __future__ import annotations

from pathlib import Path

from mmengine.hooks import Hook

from baselines.plots import plot_training_curves

CURVES_PNG = "training_curves.png"


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
