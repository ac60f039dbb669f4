"""A straightforward re-implementation of the official method, to check the fast scorer against.

mIoU: per image ``sklearn.metrics.confusion_matrix(gt.ravel(), pred.ravel(), labels=range(5))``
(pixels whose value is not a label, ground-truth 255 included, fall out), summed over the split
(an all-255 image adds nothing; sklearn raises on it, so it is left out of the sum).
Acc (the official ``PixelAccuracy``, SPEC "Metrics"): per image ``mean(gt == pred)`` over **all**
its pixels -- a ground-truth 255 pixel never equals a prediction in 0..4, so it counts as wrong --
averaged over **every** image, an all-255 one included. Computed from the raw arrays, not from the
confusion matrix, so it checks the fast scorer independently. Used by the golden tests and
``bench/score.py`` only; needs scikit-learn (the ``dev`` extra).

Example:
    >>> import numpy as np
    >>> m = official_metrics([(np.array([[0, 1, 255]], np.uint8), np.array([[0, 0, 0]], np.uint8))])
    >>> m["Acc"], m["aAcc"]
    (0.3333333333333333, 0.5)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from zerowaste import contract as C


def official_metrics(
    pairs: Iterable[tuple[np.ndarray, np.ndarray]], num_classes: int = C.NUM_CLASSES
) -> dict:
    """``{"mIoU", "Acc", "aAcc", "IoU": list, "confusion": ndarray}`` from (gt, pred) pairs, NaN as numpy gives."""
    from sklearn.metrics import confusion_matrix as sk_confusion

    labels = list(range(num_classes))
    conf = np.zeros((num_classes, num_classes), dtype=np.int64)
    accs = []
    for gt, pred in pairs:
        accs.append(np.mean(gt == pred))  # every image, every pixel
        if (gt == C.IGNORE_INDEX).all():  # no label in y_true: sklearn would raise
            continue
        conf += sk_confusion(gt.ravel(), pred.ravel(), labels=labels)
    tp = np.diag(conf)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = tp / (conf.sum(axis=0) + conf.sum(axis=1) - tp)
    return {
        "mIoU": float(np.mean(iou)),
        "Acc": float(np.mean(accs)),
        "aAcc": float(tp.sum() / conf.sum()),
        "IoU": iou.tolist(),
        "confusion": conf,
    }
