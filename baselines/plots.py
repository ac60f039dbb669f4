"""PNG figures for people who would rather look than read: training curves and prediction overlays.

Colours come from the contract's palette (:func:`zerowaste.contract.colorize`); matplotlib runs
with the Agg backend (no display needed). Writes are atomic.

Example:
    >>> import numpy as np, tempfile, os
    >>> img = np.zeros((8, 8, 3), np.uint8); mask = np.eye(8, dtype=np.uint8) * 2
    >>> out = os.path.join(tempfile.mkdtemp(), "o.png")
    >>> save_overlay(img, mask, out).name
    'o.png'
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from zerowaste import contract  # noqa: E402
from zerowaste.io import save_figure

#: Scalars drawn as validation curves (percent).
VAL_KEYS: tuple[str, ...] = ("mIoU", "Acc")


def read_scalars(path: str | os.PathLike) -> dict[str, list[tuple[int, float]]]:
    """mmengine's ``vis_data/scalars.json`` (one JSON object per line) as ``{key: [(step, value)]}``."""
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        step = int(row.get("step", row.get("iter", 0)))
        for key, value in row.items():
            if key not in ("step", "iter", "epoch") and isinstance(value, int | float):
                series[key].append((step, float(value)))
    return dict(series)


def _save_figure(fig, out: Path) -> Path:
    return save_figure(fig, out, dpi=100, bbox_inches="tight")


def plot_training_curves(scalars: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Loss (and learning rate) per iteration, plus validation mIoU/Acc when logged, as one PNG."""
    series = read_scalars(scalars)
    losses = sorted(k for k in series if k == "loss" or k.endswith("loss_ce") or k.endswith(".loss"))
    vals = [k for k in VAL_KEYS if k in series]
    fig, axes = plt.subplots(1, 3 if vals else 2, figsize=(15 if vals else 10, 3.6))
    for key in losses:
        steps, values = zip(*series[key], strict=True)
        axes[0].plot(steps, values, label=key)
    axes[0].set(title="training loss", xlabel="iteration")
    if losses:
        axes[0].legend(fontsize=8)
    if "lr" in series:
        steps, values = zip(*series["lr"], strict=True)
        axes[1].plot(steps, values)
    axes[1].set(title="learning rate", xlabel="iteration")
    for key in vals:
        steps, values = zip(*series[key], strict=True)
        axes[2].plot(steps, values, marker="o", label=key)
        axes[2].set(title="validation (%)", xlabel="iteration")
        axes[2].legend(fontsize=8)
    return _save_figure(fig, Path(out))


def overlay(image: np.ndarray, mask: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """RGB image blended with the palette colours of ``mask`` (background pixels left unchanged)."""
    colors = contract.colorize(mask).astype(np.float32)
    blend = image.astype(np.float32) * (1 - alpha) + colors * alpha
    keep = (mask == 0)[..., None]
    return np.where(keep, image, blend).clip(0, 255).astype(np.uint8)


def save_overlay(
    image: np.ndarray, pred: np.ndarray, out: str | os.PathLike, gt: np.ndarray | None = None, title: str = ""
) -> Path:
    """Image | prediction overlay (| ground-truth overlay) side by side, with a class legend."""
    panels = [("image", image), ("prediction", overlay(image, pred))]
    if gt is not None:
        shown = np.where(gt == contract.IGNORE_INDEX, 0, gt).astype(np.uint8)
        panels.append(("ground truth", overlay(image, shown)))
    h, w = image.shape[:2]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 4.5 * h / max(w, 1) + 0.8))
    for ax, (name, panel) in zip(axes, panels, strict=True):
        ax.imshow(panel)
        ax.set_title(name)
        ax.axis("off")
    handles = [Patch(color=np.array(c.color) / 255, label=c.name) for c in contract.CLASSES]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8)
    if title:
        fig.suptitle(title)
    return _save_figure(fig, Path(out))
