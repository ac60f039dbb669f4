"""Contact sheet of rendered frames: each frame beside its coloured mask overlay (contract palette).

Example:
    $ zerowaste synth preview out/synth/train -o sheet.png --n 6
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from zerowaste import contract as C
from zerowaste.io import atomic_path


def overlay(rgb: np.ndarray, sem: np.ndarray, alpha: float = 0.55) -> np.ndarray:
    """Blend the SynthWaste palette colour of every labelled pixel (id > 0) into the image.

    >>> img = np.full((1, 2, 3), 100, np.uint8); sem = np.array([[0, 2]], np.uint8)
    >>> overlay(img, sem, 1.0).tolist()
    [[[100, 100, 100], [244, 35, 232]]]
    """
    colours = C.colorize(sem, synthetic=True).astype(np.float32)
    out = rgb.astype(np.float32)
    m = (sem > 0) & (sem != C.IGNORE_INDEX)
    out[m] = (1 - alpha) * out[m] + alpha * colours[m]
    return out.round().astype(np.uint8)


def frames_in(folder: str | os.PathLike) -> list[Path]:
    """Frame images of a split folder (``{split}/data/*.png``), or of a dataset root's first split."""
    folder = Path(folder)
    for cand in [folder, *(folder / s for s in C.SPLITS)]:
        images = sorted((cand / C.IMAGE_DIR).glob(f"*{C.layout('synthwaste').image_ext}"))
        if images:
            return images
    raise FileNotFoundError(f"{folder}: no {C.IMAGE_DIR}/*.png frames here (give a split folder or a dataset root)")


def contact_sheet(
    folder: str | os.PathLike, out: str | os.PathLike, n: int = 6, width: int = 480, max_colors: int | None = None
) -> Path:
    """Write a PNG sheet: one row per frame, image left, mask overlay right, legend at the bottom.

    ``max_colors`` (e.g. 256) stores a palette PNG, several times smaller (for docs).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from zerowaste.data.io import read_image, read_mask

    images = frames_in(folder)[:n]
    rows = []
    for img_path in images:
        rgb = read_image(img_path)
        sem = read_mask(img_path.parent.parent / C.SEM_DIR / img_path.name)
        rows.append((img_path.stem, rgb, overlay(rgb, sem)))
    h, w = rows[0][1].shape[:2]
    fig_w = 2 * width / 100
    fig, axes = plt.subplots(len(rows), 2, figsize=(fig_w, len(rows) * fig_w / 2 * h / w + 0.6), squeeze=False)
    for (stem, rgb, ov), (a, b) in zip(rows, axes, strict=True):
        a.imshow(rgb)
        b.imshow(ov)
        a.set_title(stem, fontsize=8, loc="left")
        for ax in (a, b):
            ax.axis("off")
    legend = [Patch(color=np.array(c.color) / 255, label=f"{c.id} {c.name}") for c in C.SYNTH_CLASSES[1:]]
    fig.legend(handles=legend, loc="lower center", ncol=len(legend), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1), pad=0.3)
    out = Path(out)
    with atomic_path(out, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=100)
        plt.close(fig)
        if max_colors:
            from PIL import Image

            with Image.open(tmp) as im:
                small = im.convert("RGB").quantize(colors=max_colors, method=Image.Quantize.MEDIANCUT)
            small.save(tmp, optimize=True)
    return out
