"""Tiny datasets in the exact real layouts, for tests, demos and benchmarks.

:func:`make_dataset` writes ``n`` synthetic frames per split in the layout of a dataset kind
(folder names, file names and extensions, ``labels.json`` with polygons, ``inst_seg/`` for
SynthWaste, the archive's top folder on request), all taken from :mod:`zerowaste.contract`.
Images look roughly like the real thing at a glance: a dark, uneven grey belt with coloured,
shaded objects where the mask says objects are; SynthWaste frames also get white paper (class 5).

Example:
    >>> import tempfile
    >>> from zerowaste.data.fixtures import make_dataset
    >>> root = make_dataset(tempfile.mkdtemp(), "zerowaste-f", n=2)
    >>> sorted(p.name for p in (root / "train" / "data").iterdir())[0].endswith(".PNG")
    True
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from zerowaste import contract
from zerowaste.data.coco import coco_from_masks
from zerowaste.data.io import write_image, write_instance_mask, write_json, write_mask

#: Base RGB colour of each class in fixture images (not the visualization palette).
_OBJECT_COLORS: dict[int, tuple[int, int, int]] = {
    1: (40, 120, 200),  # rigid plastic: blue-ish bottles
    2: (170, 120, 70),  # cardboard: brown
    3: (185, 185, 195),  # metal: silver
    4: (120, 190, 110),  # soft plastic: green-ish film
    5: (235, 232, 225),  # paper (SynthWaste only): white
}


def _split_counts(kind: str, n: int | dict[str, int]) -> dict[str, int]:
    splits = contract.layout(kind).splits or ("",)
    if isinstance(n, int):
        return dict.fromkeys(splits, n)
    unknown = set(n) - set(splits)
    if unknown:
        raise ValueError(f"{kind} has splits {splits}, not {sorted(unknown)}")
    return {s: int(n.get(s, 0)) for s in splits}


def _file_name(kind: str, index: int) -> str:
    """A real-looking file name: ``01_frame_000123.PNG`` (ZeroWaste) or ``000123.png`` (SynthWaste)."""
    lay = contract.layout(kind)
    if lay.synthetic:
        return f"{index:06d}{lay.image_ext}"
    return f"{1 + index // 1000:02d}_frame_{(index * 37) % 1000000:06d}{lay.image_ext}"


def _random_shape(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A filled ellipse or convex polygon (bool mask), possibly cut by the frame edge."""
    shape = np.zeros((h, w), np.uint8)
    cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
    size = max(2, int(min(h, w) * rng.uniform(0.08, 0.3)))
    if rng.random() < 0.5:
        axes = (size, max(1, int(size * rng.uniform(0.3, 1.0))))
        cv2.ellipse(shape, (cx, cy), axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    else:
        angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(3, 7))))
        radii = size * rng.uniform(0.5, 1.2, len(angles))
        pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1).astype(np.int32)
        cv2.fillConvexPoly(shape, pts, 1)
    return shape.astype(bool)


def _scene(rng: np.random.Generator, h: int, w: int, classes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Semantic and instance masks of a few occluding objects (later objects lie on top)."""
    sem = np.zeros((h, w), np.uint8)
    inst = np.zeros((h, w), np.uint16)
    for iid in range(1, int(rng.integers(3, 8)) + 1):
        shape = _random_shape(rng, h, w)
        sem[shape] = rng.choice(classes)
        inst[shape] = iid
    return sem, inst


def _render(rng: np.random.Generator, sem: np.ndarray) -> np.ndarray:
    """A plausible RGB frame for ``sem``: uneven grey belt, shaded objects, sensor noise."""
    h, w = sem.shape
    yy = np.arange(h, dtype=np.float32)[:, None] / max(h, 1)
    xx = np.arange(w, dtype=np.float32)[None, :] / max(w, 1)
    light = 0.75 + 0.35 * np.exp(-((xx - rng.uniform(0.2, 0.8)) ** 2 + (yy - 0.5) ** 2) * 3)
    colors = np.tile(np.array([62, 63, 66], np.float32), (256, 1))
    for cls, color in _OBJECT_COLORS.items():
        colors[cls] = color
    img = colors[sem] + (6 * np.sin(yy * 40))[..., None]
    img = img * light[..., None] + rng.standard_normal(img.shape, dtype=np.float32) * 6
    return np.clip(img, 0, 255).astype(np.uint8)


def _write_split(split_dir: Path, kind: str, names: list[str], rng: np.random.Generator, size: tuple[int, int],
                 labeled: bool) -> None:
    lay = contract.layout(kind)
    h, w = size
    classes = list(range(1, lay.num_classes))
    entries = []
    for name in names:
        for _attempt in range(20):  # real labels.json holds polygons: redraw scenes whose regions have holes
            sem, inst = _scene(rng, h, w, classes)
            coco = coco_from_masks([(name, sem, inst)], synthetic=lay.synthetic, mode="polygon")
            if all(isinstance(a["segmentation"], list) for a in coco["annotations"]):
                break
        write_image(split_dir / contract.IMAGE_DIR / name, _render(rng, sem))
        if labeled:
            write_mask(split_dir / contract.SEM_DIR / name, sem)
            if lay.has_instances:
                write_instance_mask(split_dir / contract.INST_DIR / name, inst)
            entries.append((name, sem, inst))
    if labeled and lay.has_coco:
        coco = coco_from_masks(entries, synthetic=lay.synthetic, mode="polygon")
        write_json(split_dir / contract.LABELS_JSON, coco)


def make_dataset(
    root: str | os.PathLike,
    kind: str,
    n: int | dict[str, int] = 3,
    size: tuple[int, int] = (90, 160),
    seed: int = 0,
    archive_root: bool = False,
    labeled: bool | None = None,
) -> Path:
    """Write a tiny ``kind`` dataset under ``root`` and return ``root``.

    ``n`` is the number of frames per split (or a dict split -> count; ``""`` is the flat
    ZeroWaste-s split), ``size`` is (height, width). With ``archive_root`` the splits go under
    the archive's extra top folder (e.g. ``splits_final_deblurred/``), as the download unpacks.
    ``labeled`` (default: the splits the real dataset labels) ``True`` writes ``sem_seg/`` in every
    split -- e.g. ZeroWaste v2 with the val/test labels only the scoring server has.
    The same arguments always write the same files.
    """
    lay = contract.layout(kind)
    root = Path(root)
    base = root
    if archive_root:
        if not lay.archive_roots:
            raise ValueError(f"{kind} archives have no extra top folder")
        base = root / lay.archive_roots[0]
    rng = np.random.default_rng(seed)
    index = 0
    for split, count in _split_counts(kind, n).items():
        if count == 0:  # a split that is not asked for is not created
            continue
        names = [_file_name(kind, index + i) for i in range(count)]
        index += count
        split_dir = base / split if split else base
        (split_dir / contract.IMAGE_DIR).mkdir(parents=True, exist_ok=True)
        is_labeled = split in lay.labeled_splits if labeled is None else labeled
        _write_split(split_dir, kind, names, rng, size, is_labeled)
    return root
