"""A straightforward re-implementation of the official method, to check the fast scorer against.

Per image: ``sklearn.metrics.confusion_matrix(gt.ravel(), pred.ravel(), labels=range(5))`` (pixels
whose value is not a label, ground-truth 255 included, fall out), summed over the split;
per-image accuracy = trace / sum of that image's matrix, averaged over images (images with no
labelled pixel, i.e. all-255 ground truth, are skipped: sklearn raises on them). Used by the golden tests and ``bench/score.py`` only; needs
scikit-learn (the ``dev`` extra).

Example:
    >>> import numpy as np
    >>> official_metrics([(np.array([[0, 1]], np.uint8), np.array([[0, 0]], np.uint8))])["aAcc"]
    0.5
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
        if (gt == C.IGNORE_INDEX).all():  # skipped (sklearn would raise: no label in y_true)
            continue
        cm = sk_confusion(gt.ravel(), pred.ravel(), labels=labels)
        conf += cm
        accs.append(np.trace(cm) / cm.sum())
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
