"""Pictures of a score: a confusion-matrix heatmap and a per-class IoU bar chart per track (PNG).

Example:
    >>> import tempfile, pathlib
    >>> from zerowaste.submission.scoring import metrics_from_confusion
    >>> m = metrics_from_confusion(np.eye(5, dtype=np.int64) * 10, [1.0])
    >>> [p.name for p in write_plots({"uda": m}, pathlib.Path(tempfile.mkdtemp()))]
    ['uda_confusion.png', 'uda_iou.png']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zerowaste import contract as C
from zerowaste.io import save_figure


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out: Path) -> Path:
    """Atomic PNG write (closes the figure)."""
    return save_figure(fig, out, dpi=120, bbox_inches="tight")


def plot_confusion(confusion: list[list[int]] | np.ndarray, out: Path, title: str = "") -> Path:
    """Heatmap of the row-normalized confusion matrix (rows = ground truth), counts annotated."""
    plt = _pyplot()
    conf = np.asarray(confusion, dtype=np.float64)
    rows = conf.sum(axis=1, keepdims=True)
    norm = np.divide(conf, rows, out=np.zeros_like(conf), where=rows > 0)
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    names = C.CLASS_NAMES[: len(conf)]
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("prediction")
    ax.set_ylabel("ground truth")
    for i in range(len(conf)):
        for j in range(len(conf)):
            colour = "white" if norm[i, j] > 0.5 else "black"
            ax.text(
                j,
                i,
                f"{100 * norm[i, j]:.1f}%\n{int(conf[i, j]):,}",
                ha="center",
                va="center",
                fontsize=7,
                color=colour,
            )
    fig.colorbar(im, ax=ax, label="fraction of ground-truth row")
    ax.set_title(title or "confusion matrix (row-normalized)")
    try:
        return _save(fig, out)
    finally:
        plt.close(fig)


def plot_iou(iou: dict[str, float | None], out: Path, title: str = "") -> Path:
    """Bar chart of per-class IoU (%); an undefined IoU (empty union) is drawn as 'n/a'."""
    plt = _pyplot()
    names = list(iou)
    values = [0.0 if v is None else 100 * v for v in iou.values()]
    colours = [np.array(C.PALETTE[i]) / 255 if i < len(C.PALETTE) else "grey" for i in range(len(names))]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    bars = ax.bar(names, values, color=colours, edgecolor="black")
    for bar, v in zip(bars, iou.values(), strict=True):
        label = "n/a" if v is None else f"{100 * v:.1f}"
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 1, label, ha="center", fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("IoU (%)")
    ax.tick_params(axis="x", rotation=20)
    ax.set_title(title or "per-class IoU")
    try:
        return _save(fig, out)
    finally:
        plt.close(fig)


def write_plots(result: dict[str, dict], out_dir: Path) -> list[Path]:
    """For each track of a score result: ``<track>_confusion.png`` and ``<track>_iou.png``."""
    out_dir = Path(out_dir)
    paths = []
    for track, metrics in result.items():
        miou = "n/a" if metrics["mIoU"] is None else f"{100 * metrics['mIoU']:.2f}"
        paths.append(
            plot_confusion(
                metrics["confusion"],
                out_dir / f"{track}_confusion.png",
                f"{track}: confusion (row-normalized)",
            )
        )
        paths.append(
            plot_iou(metrics["IoU"], out_dir / f"{track}_iou.png", f"{track}: per-class IoU (mIoU {miou})")
        )
    return paths
