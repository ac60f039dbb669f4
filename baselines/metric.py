"""The official ZeroWaste metric as an mmengine metric, computed by the kit's scorer.

Every number comes from :mod:`zerowaste.submission.scoring` (the scoring server's code): each image's
confusion matrix from :func:`zerowaste.submission.scoring.confusion_matrix`, the split's metrics from
:class:`zerowaste.submission.scoring.SegEvaluator`. Per-image 5x5 matrices (with the image's pixel count) are what ranks exchange in
distributed evaluation, so the result is the same on 1 or 8 GPUs.

Logged keys (percent, like mmseg): ``mIoU``, ``Acc`` (the official per-image accuracy: every
image, every pixel, ground-truth 255 pixels counted as wrong), ``Acc_labelled`` (the same over
labelled pixels only), ``aAcc`` and ``IoU.<class>``. A class with an empty union (tiny subsets only) is logged as NaN and printed
as ``n/a``; the scorer's own value is ``None`` (see ``zerowaste.submission.scoring``).

Example (config):
    val_evaluator = dict(type="KitSegMetric")
"""

from __future__ import annotations

import numpy as np
from mmengine.evaluator import BaseMetric

from zerowaste.io import to_pct
from zerowaste.submission.scoring import SegEvaluator, confusion_matrix


def _percent(value: float | None) -> float:
    """Percent for mmengine's logger, which needs a float: an undefined value is NaN."""
    pct = to_pct(value, 2)
    return float("nan") if pct is None else pct


def flatten_metrics(metrics: dict) -> dict[str, float]:
    """The scorer's metrics dict as flat percentages for the logger.

    >>> flatten_metrics({"mIoU": 0.5, "Acc": 0.9, "Acc_labelled": 0.95, "aAcc": 0.8, "IoU": {"metal": None}})
    {'mIoU': 50.0, 'Acc': 90.0, 'Acc_labelled': 95.0, 'aAcc': 80.0, 'IoU.metal': nan}
    """
    out = {k: _percent(metrics[k]) for k in ("mIoU", "Acc", "Acc_labelled", "aAcc")}
    out.update({f"IoU.{name}": _percent(v) for name, v in metrics["IoU"].items()})
    return out


class KitSegMetric(BaseMetric):
    """mIoU (background included) and per-image Acc, exactly as the scoring server computes them."""

    default_prefix = ""

    def __init__(self, collect_device: str = "cpu", prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.last_metrics: dict | None = None

    def process(self, data_batch: dict, data_samples: list[dict]) -> None:
        for sample in data_samples:
            if "gt_sem_seg" not in sample:
                raise ValueError("KitSegMetric needs ground truth: the evaluated split has no masks")
            pred = sample["pred_sem_seg"]["data"].squeeze(0).cpu().numpy().astype(np.uint8)
            gt = sample["gt_sem_seg"]["data"].squeeze(0).cpu().numpy().astype(np.uint8)
            self.results.append((confusion_matrix(gt, pred), gt.size))

    def compute_metrics(self, results: list) -> dict[str, float]:
        evaluator = SegEvaluator()
        for conf, n_pixels in results:
            evaluator.add_confusion(conf, n_pixels)
        self.last_metrics = evaluator.evaluate()
        return flatten_metrics(self.last_metrics)
