"""The official ZeroWaste metric, as pure functions, plus the submission scorer.

- One 5x5 confusion matrix (rows = ground truth, columns = prediction) accumulated over the split;
  ground-truth pixels equal to 255 are ignored; an image whose ground truth is entirely 255 is
  skipped (it counts neither in the matrix nor in ``Acc``).
- ``IoU_c = TP / (GT_c + Pred_c - TP)``; ``mIoU`` = plain mean over all 5 classes (background
  included).
- ``Acc`` = mean over images of per-image pixel accuracy (correct / labelled pixels of that image:
  the trace over the sum of the image's own confusion matrix, exactly what sklearn's
  ``confusion_matrix(labels=range(5))`` per image gives); ``aAcc`` = dataset-level pixel accuracy.
- Empty union (a class absent from the ground truth and never predicted): its IoU is undefined.
  It is reported as ``None`` (JSON ``null``) and ``mIoU`` becomes ``None`` too: the mean is never
  silently taken over fewer classes. (The official code yields NaN; on the real val/test splits
  every class is present, so this only happens on tiny subsets.)

Example:
    >>> gt = np.array([[0, 1], [2, 255]])
    >>> pred = np.array([[0, 1], [1, 4]])
    >>> conf = confusion_matrix(gt, pred)
    >>> int(conf.sum()), int(conf.trace())
    (3, 2)
    >>> m = metrics_from_confusion(conf, [2 / 3])
    >>> m["aAcc"], m["IoU"]["rigid_plastic"], m["mIoU"]
    (0.6666666666666666, 0.5, None)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from zerowaste.submission.groundtruth import GroundTruth, GroundTruthError, decode_gt
from zerowaste.submission.validate import SubmissionInvalid, scan_submission

from zerowaste import contract as C

__all__ = [
    "SegEvaluator",
    "SubmissionInvalid",
    "confusion_matrix",
    "metrics_from_confusion",
    "score_submission",
]


def _as_2d(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a.reshape(1, -1) if a.ndim != 2 else a)


def _confusion_uint8(gt: np.ndarray, pred: np.ndarray, n: int) -> np.ndarray:
    """Fast path for 8-bit masks: one OpenCV 2-D histogram of (gt, pred) pairs (releases the GIL).

    Rows 0..n-1 are the classes, row 255 the ignored pixels, any other non-empty row an invalid
    ground-truth value. Predictions were range-checked by the caller. calcHist counts are
    float32, exact below 2**24 pixels (the caller checks).
    """
    hist = cv2.calcHist([_as_2d(gt), _as_2d(pred)], [0, 1], None, [256, n], [0, 256, 0, n])
    invalid = hist[n : C.IGNORE_INDEX].sum() + hist[C.IGNORE_INDEX + 1 :].sum()
    if invalid:
        raise ValueError(f"ground truth holds values other than 0..{n - 1} and {C.IGNORE_INDEX}")
    return hist[:n].astype(np.int64)


def confusion_matrix(gt: np.ndarray, pred: np.ndarray, num_classes: int = C.NUM_CLASSES) -> np.ndarray:
    """The ``(num_classes, num_classes)`` int64 confusion matrix of one image (rows = GT).

    Ground-truth 255 pixels are ignored. Any other ground-truth value outside ``0..num_classes-1``
    or any prediction outside ``0..num_classes-1`` raises ``ValueError`` (the official code would
    drop such pixels silently).

    >>> confusion_matrix(np.array([0, 0, 1, 255]), np.array([0, 1, 1, 3])).tolist()[:2]
    [[1, 1, 0, 0, 0], [0, 1, 0, 0, 0]]
    """
    gt = np.asarray(gt)
    pred = np.asarray(pred)
    if gt.shape != pred.shape:
        raise ValueError(f"ground truth shape {gt.shape} differs from prediction shape {pred.shape}")
    n = num_classes
    if pred.size and (pred.min() < 0 or pred.max() >= n):
        raise ValueError(f"predictions must be class ids 0..{n - 1}; found {pred.min()}..{pred.max()}")
    if gt.dtype == np.uint8 and pred.dtype == np.uint8 and 0 < gt.size < 1 << 24:
        return _confusion_uint8(gt, pred, n)
    gt64 = gt.astype(np.int64)
    valid = gt64 != C.IGNORE_INDEX
    if np.any(valid & ((gt64 < 0) | (gt64 >= n))):
        raise ValueError(f"ground truth holds values other than 0..{n - 1} and {C.IGNORE_INDEX}")
    flat = np.where(valid, gt64, n) * n + pred.astype(np.int64)
    counts = np.bincount(flat.ravel(), minlength=n * (n + 1))
    return counts[: n * n].reshape(n, n).astype(np.int64)


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def metrics_from_confusion(conf: np.ndarray, per_image_acc: Sequence[float]) -> dict:
    """Metrics from the split's confusion matrix and the per-image accuracies (fractions in [0, 1]).

    Returns ``{"mIoU", "Acc", "aAcc", "IoU": {class name: value}, "confusion": [[...]]}``. A class
    with an empty union has IoU ``None`` and makes ``mIoU`` ``None``; ``Acc``/``aAcc`` are ``None``
    when no pixel was scored.
    """
    conf = np.asarray(conf, dtype=np.int64)
    tp = np.diag(conf)
    union = conf.sum(axis=0) + conf.sum(axis=1) - tp
    names = C.CLASS_NAMES if len(conf) == C.NUM_CLASSES else tuple(str(i) for i in range(len(conf)))
    iou = {name: _ratio(tp[i], union[i]) for i, name in enumerate(names)}
    values = list(iou.values())
    miou = None if any(v is None for v in values) else float(np.mean(values))
    acc = float(np.mean(np.asarray(per_image_acc, dtype=np.float64))) if len(per_image_acc) else None
    return {
        "mIoU": miou,
        "Acc": acc,
        "aAcc": _ratio(tp.sum(), conf.sum()),
        "IoU": iou,
        "confusion": conf.tolist(),
    }


def image_accuracy(conf: np.ndarray) -> float | None:
    """Pixel accuracy of one image from its confusion matrix; None if it has no labelled pixel."""
    return _ratio(np.trace(conf), conf.sum())


class SegEvaluator:
    """Accumulate images one by one (detectron2-style ``reset`` / ``process`` / ``evaluate``).

    >>> ev = SegEvaluator()
    >>> ev.process(np.zeros((2, 2), np.uint8), np.zeros((2, 2), np.uint8))
    >>> ev.process(np.full((2, 2), 255, np.uint8), np.zeros((2, 2), np.uint8))  # skipped
    >>> ev.n_images, ev.evaluate()["Acc"]
    (1, 1.0)
    """

    def __init__(self, num_classes: int = C.NUM_CLASSES) -> None:
        self.num_classes = num_classes
        self.reset()

    def reset(self) -> None:
        self.confusion = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)
        self.per_image_acc: list[float] = []

    @property
    def n_images(self) -> int:
        """Images scored so far (all-255 images are not counted)."""
        return len(self.per_image_acc)

    def add_confusion(self, conf: np.ndarray) -> None:
        """Add one image's confusion matrix (skipped when it has no labelled pixel)."""
        acc = image_accuracy(conf)
        if acc is None:
            return
        self.confusion += conf
        self.per_image_acc.append(acc)

    def process(self, gt: np.ndarray, pred: np.ndarray) -> None:
        """Score one image (an all-255 ground truth is skipped)."""
        self.add_confusion(confusion_matrix(gt, pred, self.num_classes))

    def evaluate(self) -> dict:
        """The metrics dict of :func:`metrics_from_confusion` over all processed images."""
        return metrics_from_confusion(self.confusion, self.per_image_acc)


def _image_confusions(
    name: str, masks: dict[str, np.ndarray], gt_bytes: bytes | None
) -> dict[str, np.ndarray]:
    """Worker: decode the GT once, one confusion matrix per track."""
    gt = decode_gt(gt_bytes, name)
    out = {}
    for track, pred in masks.items():
        if gt.shape != pred.shape:
            raise GroundTruthError(f"ground-truth mask {name!r} is {gt.shape}, its header said otherwise")
        try:
            out[track] = confusion_matrix(gt, pred)
        except ValueError as exc:
            raise GroundTruthError(f"ground-truth mask {name!r}: {exc}") from exc
    return out


def score_submission(
    zip_path: str | Path, gt: GroundTruth, *, workers: int | None = None, progress: bool = False
) -> dict[str, dict]:
    """Validate and score a submission zip: ``{"source_only": metrics, "uda": metrics}``.

    PNGs are streamed from the zip and decoded in ``workers`` threads (default: all cores), the
    ground truth once per image for both tracks. Raises :class:`SubmissionInvalid` (with the full
    report) if the submission is invalid, :class:`GroundTruthError` if the ground truth is.
    """
    report, confusions = scan_submission(
        zip_path, gt, workers=workers, progress=progress, per_image=_image_confusions
    )
    if not report.ok:
        raise SubmissionInvalid(report)
    evaluators = {track: SegEvaluator() for track in C.TRACKS}
    for name in gt.names:  # accumulate in a fixed order: identical floats run to run
        for track, conf in confusions[name].items():
            evaluators[track].add_confusion(conf)
    return {track: ev.evaluate() for track, ev in evaluators.items()}


def format_percent(value: float | None) -> str:
    """``0.4549 -> '45.49'``; ``None -> 'n/a'`` (empty union, see module docs)."""
    return "n/a" if value is None or math.isnan(value) else f"{100 * value:.2f}"
