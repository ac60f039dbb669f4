"""Class statistics of a dataset: what rare-class sampling and the docs' plots need.

For each labeled split: pixel counts and frequencies per class (255 excluded), the fraction of
images containing each class, and the per-image class pixel counts (rare-class sampling picks an
image that has at least ``min_pixels`` of the chosen class). Counts are in the dataset's own
label space (SynthWaste keeps ``paper`` = 5). Results are cached as JSON, keyed by a fingerprint
of the mask files (name, size, mtime), so a second run on unchanged data reads the cache.

Example:
    >>> import tempfile
    >>> from zerowaste.data.fixtures import make_dataset
    >>> root = make_dataset(tempfile.mkdtemp(), "zerowaste-f", n=2)
    >>> stats = compute_stats(root, "zerowaste-f", progress=False)
    >>> s = stats["splits"]["train"]
    >>> s["num_images"], len(s["images"]), round(sum(s["frequencies"]), 6)
    (2, 2, 1.0)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
from tqdm import tqdm

from zerowaste import contract
from zerowaste.data.datasets import check_mask_values, list_samples, split_dir
from zerowaste.data.io import DataError, read_mask, save_figure, write_json

STATS_VERSION: int = 1
STATS_FILE: str = "stats.json"
PLOT_FILE: str = "class_distribution.png"


def _class_names(kind: str) -> tuple[str, ...]:
    return contract.SYNTH_CLASS_NAMES if contract.layout(kind).synthetic else contract.CLASS_NAMES


def _present_splits(root: str | os.PathLike, kind: str) -> list[str]:
    """The layout's splits that exist under ``root`` (e.g. v2 without its test split)."""
    return [s for s in contract.layout(kind).splits or ("",) if split_dir(root, kind, s).is_dir()]


def fingerprint(root: str | os.PathLike, kind: str) -> str:
    """A hash of every split's file names, sizes and modification times (changes when data does)."""
    h = hashlib.sha1(f"{kind}:{STATS_VERSION}".encode())
    for split in _present_splits(root, kind):
        for ref in list_samples(root, kind, split):
            for path in (ref.image_path, ref.mask_path):
                if path is not None:
                    st = path.stat()
                    h.update(f"{split}/{path.parent.name}/{path.name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def image_class_counts(mask: np.ndarray, num_classes: int) -> tuple[list[int], int]:
    """Pixel count of each class 0..num_classes-1 in ``mask`` and the number of 255 pixels.

    >>> image_class_counts(np.array([[0, 0, 2], [255, 2, 2]], np.uint8), 3)
    ([2, 0, 3], 1)
    """
    counts = np.bincount(mask.ravel(), minlength=256)
    return counts[:num_classes].astype(int).tolist(), int(counts[contract.IGNORE_INDEX])


def _split_stats(root: Path, kind: str, split: str, progress: bool) -> dict:
    refs = list_samples(root, kind, split)
    k = contract.layout(kind).num_classes
    if not refs or refs[0].mask_path is None:
        return {"num_images": len(refs), "labeled": False}
    per_image: dict[str, list[int]] = {}
    total = np.zeros(k, np.int64)
    ignore = 0
    for ref in tqdm(refs, desc=f"stats {split or 'all'}", unit="img", disable=not progress, leave=False):
        mask = read_mask(ref.mask_path)
        check_mask_values(mask, kind, ref.mask_path)
        counts, ign = image_class_counts(mask, k)
        per_image[ref.file_name] = counts
        total += counts
        ignore += ign
    present = (np.array(list(per_image.values())) > 0).mean(axis=0)
    return {
        "num_images": len(refs),
        "labeled": True,
        "pixel_counts": total.tolist(),
        "ignore_pixels": ignore,
        "frequencies": (total / max(int(total.sum()), 1)).tolist(),
        "image_presence": present.tolist(),
        "images": per_image,
    }


def compute_stats(root: str | os.PathLike, kind: str, progress: bool = True) -> dict:
    """Statistics of every split of ``root`` (see the module docstring for the fields)."""
    root = Path(root)
    splits = {}
    for split in _present_splits(root, kind):
        splits[split or "all"] = _split_stats(root, kind, split, progress)
    return {
        "version": STATS_VERSION,
        "kind": kind,
        "class_names": list(_class_names(kind)),
        "ignore_index": contract.IGNORE_INDEX,
        "fingerprint": fingerprint(root, kind),
        "splits": splits,
    }


def load_stats(path: str | os.PathLike) -> dict:
    """Read a stats JSON written by :func:`cached_stats`; :class:`DataError` if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read statistics ({exc})") from exc
    if not isinstance(data, dict) or data.get("version") != STATS_VERSION or "splits" not in data:
        raise DataError(f"{path}: not a statistics file of this kit (version {STATS_VERSION})")
    return data


def cached_stats(root: str | os.PathLike, kind: str, cache: str | os.PathLike, progress: bool = True) -> tuple[dict, bool]:
    """Statistics from the cache file when its fingerprint matches the data, else computed and cached.

    Returns ``(stats, from_cache)``.
    """
    cache = Path(cache)
    if cache.is_file():
        try:
            cached = load_stats(cache)
        except DataError:
            cached = None
        if cached and cached.get("kind") == kind and cached.get("fingerprint") == fingerprint(root, kind):
            return cached, True
    stats = compute_stats(root, kind, progress=progress)
    write_json(cache, stats, indent=1)
    return stats, False


def plot_stats(stats: dict, out_png: str | os.PathLike) -> Path:
    """Bar charts of class pixel frequency (log scale) and image presence per split, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = stats["class_names"]
    palette = np.array(contract.SYNTH_PALETTE[: len(names)]) / 255.0
    splits = {s: v for s, v in stats["splits"].items() if v.get("labeled")}
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    width = 0.8 / max(len(splits), 1)
    x = np.arange(len(names))
    hatches = ["", "//", "..", "xx"]
    for i, s in enumerate(splits.values()):
        for ax, key in zip(axes, ("frequencies", "image_presence"), strict=True):
            ax.bar(x + (i - (len(splits) - 1) / 2) * width, np.where(np.array(s[key]) > 0, s[key], np.nan), width, color=palette,
                   edgecolor="0.3", hatch=hatches[i % len(hatches)])
    axes[0].set_yscale("log")
    axes[0].set_title("pixel frequency per class (log)")
    axes[1].set_ylim(0, 1.05)
    axes[1].set_title("fraction of images containing the class")
    for ax in axes:
        ax.set_xticks(x, names, rotation=20)
        ax.grid(axis="y", alpha=0.3)
    if splits:  # bars are coloured by class (the palette); splits differ by hatch
        from matplotlib.patches import Patch

        handles = [Patch(facecolor="white", edgecolor="0.3", hatch=hatches[i % len(hatches)],
                         label=f"{split} ({s['num_images']} images)") for i, (split, s) in enumerate(splits.items())]
        axes[1].legend(handles=handles, fontsize=8)
    fig.suptitle(f"{stats['kind']}: class distribution")
    fig.tight_layout()
    return save_figure(fig, out_png)
