"""The official ZeroWaste metric, as pure functions, plus the submission scorer.

- One 5x5 confusion matrix (rows = ground truth, columns = prediction) accumulated over the split;
  ground-truth pixels equal to 255 are ignored (an all-255 image adds nothing to it).
- ``IoU_c = TP / (GT_c + Pred_c - TP)``; ``mIoU`` = plain mean over all 5 classes (background
  included).
- ``Acc`` = the official ``PixelAccuracy``: the mean over **every** ground-truth image of
  correct / **all** pixels of that image. Ground-truth 255 pixels count in the denominator and are
  always wrong (a valid prediction is 0..4); an all-255 image counts with accuracy 0.
- ``Acc_labelled`` = the same mean over labelled pixels only (255 pixels left out, all-255 images
  skipped): not an official figure, a diagnostic of how well the labelled pixels are predicted.
- ``aAcc`` = dataset-level pixel accuracy over labelled pixels (mmseg's ``aAcc``).
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
    >>> m = metrics_from_confusion(conf, [image_accuracy(conf, gt.size)], [labelled_accuracy(conf)])
    >>> m["Acc"], m["Acc_labelled"], m["IoU"]["rigid_plastic"], m["mIoU"]
    (0.5, 0.6666666666666666, 0.5, None)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from zerowaste import contract as C
from zerowaste.submission.groundtruth import GroundTruth, GroundTruthError, decode_gt
from zerowaste.submission.validate import SubmissionInvalid, scan_submission

__all__ = [
    "SegEvaluator",
    "SubmissionInvalid",
    "confusion_matrix",
    "image_accuracy",
    "labelled_accuracy",
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


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(np.asarray(values, dtype=np.float64))) if len(values) else None


def metrics_from_confusion(
    conf: np.ndarray, per_image_acc: Sequence[float], per_image_acc_labelled: Sequence[float] = ()
) -> dict:
    """Metrics from the split's confusion matrix and the per-image accuracies (fractions in [0, 1]).

    ``per_image_acc``: :func:`image_accuracy` of every image (the official ``Acc``);
    ``per_image_acc_labelled``: :func:`labelled_accuracy` of the images that have labelled pixels.
    Returns ``{"mIoU", "Acc", "Acc_labelled", "aAcc", "IoU": {class name: value}, "confusion":
    [[...]]}``. A class with an empty union has IoU ``None`` and makes ``mIoU`` ``None``; ``Acc``
    is ``None`` when there is no image, ``Acc_labelled``/``aAcc`` when no pixel is labelled.
    """
    conf = np.asarray(conf, dtype=np.int64)
    tp = np.diag(conf)
    union = conf.sum(axis=0) + conf.sum(axis=1) - tp
    names = C.CLASS_NAMES if len(conf) == C.NUM_CLASSES else tuple(str(i) for i in range(len(conf)))
    iou = {name: _ratio(tp[i], union[i]) for i, name in enumerate(names)}
    values = list(iou.values())
    miou = None if any(v is None for v in values) else float(np.mean(values))
    return {
        "mIoU": miou,
        "Acc": _mean(per_image_acc),
        "Acc_labelled": _mean(per_image_acc_labelled),
        "aAcc": _ratio(tp.sum(), conf.sum()),
        "IoU": iou,
        "confusion": conf.tolist(),
    }


def image_accuracy(conf: np.ndarray, n_pixels: int) -> float:
    """The official per-image ``PixelAccuracy``: correct pixels / **all** ``n_pixels`` of the image.

    ``conf`` is the image's confusion matrix (255 pixels are not in it), so every ground-truth 255
    pixel counts as wrong, and an all-255 image scores 0.

    >>> conf = confusion_matrix(np.array([0, 1, 255, 255]), np.array([0, 1, 1, 0]))
    >>> image_accuracy(conf, 4), labelled_accuracy(conf)
    (0.5, 1.0)
    """
    if n_pixels <= 0 or conf.sum() > n_pixels:
        raise ValueError(f"an image of {n_pixels} pixels cannot have {int(conf.sum())} labelled pixels")
    return float(np.trace(conf)) / float(n_pixels)


def labelled_accuracy(conf: np.ndarray) -> float | None:
    """Correct / labelled pixels of one image (255 left out); None if it has no labelled pixel."""
    return _ratio(np.trace(conf), conf.sum())


class SegEvaluator:
    """Accumulate images one by one (detectron2-style ``reset`` / ``process`` / ``evaluate``).

    >>> ev = SegEvaluator()
    >>> ev.process(np.zeros((2, 2), np.uint8), np.zeros((2, 2), np.uint8))
    >>> ev.process(np.full((2, 2), 255, np.uint8), np.zeros((2, 2), np.uint8))  # counts, all wrong
    >>> ev.n_images, ev.evaluate()["Acc"], ev.evaluate()["Acc_labelled"]
    (2, 0.5, 1.0)
    """

    def __init__(self, num_classes: int = C.NUM_CLASSES) -> None:
        self.num_classes = num_classes
        self.reset()

    def reset(self) -> None:
        self.confusion = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)
        self.per_image_acc: list[float] = []
        self.per_image_acc_labelled: list[float] = []

    @property
    def n_images(self) -> int:
        """Images scored so far (all-255 images included: they count in ``Acc``)."""
        return len(self.per_image_acc)

    def add_confusion(self, conf: np.ndarray, n_pixels: int) -> None:
        """Add one image's confusion matrix; ``n_pixels`` is the image's size (H * W), 255 included."""
        self.per_image_acc.append(image_accuracy(conf, n_pixels))
        labelled = labelled_accuracy(conf)
        if labelled is not None:
            self.per_image_acc_labelled.append(labelled)
        self.confusion += conf

    def process(self, gt: np.ndarray, pred: np.ndarray) -> None:
        """Score one image."""
        self.add_confusion(confusion_matrix(gt, pred, self.num_classes), np.asarray(gt).size)

    def evaluate(self) -> dict:
        """The metrics dict of :func:`metrics_from_confusion` over all processed images."""
        return metrics_from_confusion(self.confusion, self.per_image_acc, self.per_image_acc_labelled)


def _image_confusions(
    name: str, masks: dict[str, np.ndarray], gt_bytes: bytes | None
) -> dict[str, tuple[np.ndarray, int]]:
    """Worker: decode the GT once; per track, the image's confusion matrix and its pixel count."""
    gt = decode_gt(gt_bytes, name)
    out = {}
    for track, pred in masks.items():
        if gt.shape != pred.shape:
            raise GroundTruthError(f"ground-truth mask {name!r} is {gt.shape}, its header said otherwise")
        try:
            out[track] = (confusion_matrix(gt, pred), gt.size)
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
        for track, (conf, n_pixels) in confusions[name].items():
            evaluators[track].add_confusion(conf, n_pixels)
    return {track: ev.evaluate() for track, ev in evaluators.items()}



