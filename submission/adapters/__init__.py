"""Thin wrappers that run the kit's scorer on hosting platforms (EvalAI, Codabench).

Both report leaderboard numbers in percent (like the official leaderboard: 45.49, not 0.4549), one
flat row per track; an undefined value (empty union, see ``zerowaste.submission.scoring``) stays ``None``.

Example:
    >>> from zerowaste.submission.scoring import metrics_from_confusion
    >>> import numpy as np
    >>> row = leaderboard_row(metrics_from_confusion(np.eye(5, dtype=np.int64), [1.0]))
    >>> row["mIoU"], row["IoU_metal"]
    (100.0, 100.0)
"""

from __future__ import annotations

from zerowaste.io import to_pct


def leaderboard_row(metrics: dict) -> dict[str, float | None]:
    """One track's metrics as flat leaderboard columns in percent: mIoU, Acc, aAcc, IoU_<class>."""
    row = {key: to_pct(metrics[key], 6) for key in ("mIoU", "Acc", "aAcc")}
    row.update({f"IoU_{name}": to_pct(v, 6) for name, v in metrics["IoU"].items()})
    return row
