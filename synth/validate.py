"""Validate rendered frames: mask values, instance purity, and the COCO part re-rasterizing exactly.

Checks per frame: image and masks exist with the same size; semantic ids are SynthWaste classes
(0..5); the instance mask is 16-bit and every instance covers exactly one non-background class.
Then the shard's COCO file is loaded with pycocotools and every frame's annotations are painted
back (pixel-wise max) and compared with the semantic mask: RLE makes this exact (tolerance 0).

Example:
    >>> validate_frames("out/synth", "train", ["synth_000000"], "out/synth/train/coco/shard-000-of-001.json")  # doctest: +SKIP
    {'frames': 1, 'instances': 23, 'problems': []}
"""

from __future__ import annotations

import contextlib
import io
import os

import numpy as np

from zerowaste import contract as C
from zerowaste.synth import writer

ALLOWED = frozenset(c.id for c in C.SYNTH_CLASSES)


def frame_problems(rgb_shape, sem: np.ndarray, inst: np.ndarray) -> list[str]:
    """Problems of one frame's masks (empty when fine).

    >>> sem = np.array([[0, 2], [2, 7]], np.uint8); inst = np.array([[0, 1], [1, 1]], np.uint16)
    >>> frame_problems((2, 2, 3), sem, inst)
    ['semantic ids [7] are not SynthWaste classes', 'instance 1 covers several classes [2, 7]']
    """
    out = []
    if tuple(rgb_shape[:2]) != sem.shape or sem.shape != inst.shape:
        out.append(f"sizes differ: image {tuple(rgb_shape[:2])}, sem {sem.shape}, inst {inst.shape}")
        return out
    bad = sorted(set(np.unique(sem).tolist()) - ALLOWED)
    if bad:
        out.append(f"semantic ids {bad} are not SynthWaste classes")
    if inst.dtype != np.uint16:
        out.append(f"instance mask is {inst.dtype}, expected uint16")
    for iid in np.unique(inst[inst > 0]):
        classes = np.unique(sem[inst == iid]).tolist()
        if len(classes) != 1:
            out.append(f"instance {int(iid)} covers several classes {classes}")
        elif classes[0] == 0:
            out.append(f"instance {int(iid)} lies on background")
    return out


def validate_frames(out, split: str, stems: list[str], coco_path: str | os.PathLike) -> dict:
    """Validate frames and their COCO file; returns ``{"frames", "instances", "problems"}``."""
    from pycocotools.coco import COCO

    from zerowaste.data.coco import semantic_from_coco
    from zerowaste.data.io import read_image, read_instance_mask, read_mask

    problems, n_inst = [], 0
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress
        coco = COCO(str(coco_path))
    listed = {img["file_name"] for img in coco.dataset["images"]}
    for stem in stems:
        p = writer.frame_paths(out, split, stem)
        try:
            rgb, sem, inst = read_image(p["image"]), read_mask(p["sem"]), read_instance_mask(p["inst"])
        except Exception as exc:  # unreadable file: report, keep going
            problems.append(f"{stem}: {exc}")
            continue
        n_inst += len(np.unique(inst[inst > 0]))
        problems += [f"{stem}: {msg}" for msg in frame_problems(rgb.shape, sem, inst)]
        if p["image"].name not in listed:
            problems.append(f"{stem}: missing from {coco_path}")
            continue
        back = semantic_from_coco(coco.dataset, p["image"].name)
        diff = int((back != sem).sum())
        if diff:
            problems.append(f"{stem}: COCO re-rasterizes to a different semantic mask ({diff} pixels differ)")
    return {"frames": len(stems), "instances": n_inst, "problems": problems}
