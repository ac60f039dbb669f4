"""Write SynthWaste frames in the contract's layout, atomically; per-shard COCO, merge, manifest.

Layout of one split (``zerowaste.contract.layout("synthwaste")`` plus bookkeeping)::

    {split}/data/synth_000042.png       RGB
    {split}/sem_seg/synth_000042.png    8-bit class ids (paper 5, or 0 with --paper-to 0)
    {split}/inst_seg/synth_000042.png   16-bit instance ids (0 = none)
    {split}/meta/synth_000042.json      seed, preset, sampled parameters, render time (written last)
    {split}/coco/shard-000-of-002.json  COCO of one shard's frames
    {split}/labels.json                 all shard parts merged
    {split}/manifest/shard-000-of-002.json, {split}/manifest.json   done / failed frames

A frame counts as done when its metadata JSON exists; every file is written to a temporary name
and ``os.replace``-d, so a crash never leaves a half-written frame that looks done.

Example:
    >>> frame_stem(42)
    'synth_000042'
    >>> import numpy as np
    >>> sem, inst = masks_from_segmaps(np.array([[0, 5], [2, 2]]), np.array([[1, 2], [3, 3]]),
    ...     [{"idx": 1, "category_id": 0}, {"idx": 2, "category_id": 5}, {"idx": 3, "category_id": 2}])
    >>> sem.tolist(), inst.tolist()
    ([[0, 5], [2, 2]], [[0, 1], [2, 2]])
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from zerowaste import contract as C
from zerowaste.io import write_json_atomic as write_json

META_DIR = "meta"
COCO_DIR = "coco"
MANIFEST_DIR = "manifest"
FAILED_DIR = "failed"
MANIFEST_JSON = "manifest.json"
COCO_MODE = "rle"  # exact: re-rasterizes to the very same masks


def frame_stem(index: int) -> str:
    """Base name of frame ``index``."""
    return f"synth_{index:06d}"


def split_dir(out: str | os.PathLike, split: str) -> Path:
    if split not in C.SPLITS:
        raise ValueError(f"split must be one of {', '.join(C.SPLITS)}, got {split!r}")
    return Path(out) / split


def frame_paths(out, split: str, stem: str) -> dict[str, Path]:
    """Where each file of a frame goes."""
    d, ext = split_dir(out, split), C.layout("synthwaste").image_ext
    return {
        "image": d / C.IMAGE_DIR / f"{stem}{ext}",
        "sem": d / C.SEM_DIR / f"{stem}{ext}",
        "inst": d / C.INST_DIR / f"{stem}{ext}",
        "meta": d / META_DIR / f"{stem}.json",
    }


def is_done(out, split: str, stem: str) -> bool:
    """A frame is done when its metadata (written last) exists."""
    return frame_paths(out, split, stem)["meta"].is_file()


def masks_from_segmaps(category: np.ndarray, instance: np.ndarray, attributes: list[dict],
                       paper_to: int = C.PAPER_ID) -> tuple[np.ndarray, np.ndarray]:
    """Semantic (uint8) and instance (uint16, 1..K) masks from BlenderProc's segmentation maps.

    Objects with category 0 (belt, distractors) get no instance; ``paper_to`` is the id paper pixels are
    written as (:func:`zerowaste.contract.check_paper_to`): with background (0) they lose their instance.
    """
    C.check_paper_to(paper_to, generator=True)
    sem = np.asarray(category).astype(np.uint8)
    inst = np.zeros(sem.shape, np.uint16)
    next_id = 1
    for attr in sorted(attributes, key=lambda a: a["idx"]):
        cat = int(attr["category_id"])
        if cat == 0 or (cat == C.PAPER_ID and paper_to != C.PAPER_ID):
            continue
        pixels = np.asarray(instance) == attr["idx"]
        if pixels.any():
            inst[pixels] = next_id
            next_id += 1
    if paper_to != C.PAPER_ID:
        sem[sem == C.PAPER_ID] = paper_to
    return sem, inst


def write_frame(out, split: str, stem: str, rgb: np.ndarray, sem: np.ndarray, inst: np.ndarray, meta: dict) -> None:
    """Write one frame's image, masks and (last) metadata, each atomically."""
    from zerowaste.data.io import write_image, write_instance_mask, write_mask

    p = frame_paths(out, split, stem)
    for key in ("image", "sem", "inst"):
        p[key].parent.mkdir(parents=True, exist_ok=True)
    write_image(p["image"], rgb)
    write_mask(p["sem"], sem)
    write_instance_mask(p["inst"], inst)
    write_json(p["meta"], meta)


def record_failure(out, split: str, stem: str, info: dict) -> None:
    """Record a failed frame (seed, error) so the run skips it and the manifest lists it."""
    write_json(split_dir(out, split) / MANIFEST_DIR / FAILED_DIR / f"{stem}.json", info)


def clear_failure(out, split: str, stem: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (split_dir(out, split) / MANIFEST_DIR / FAILED_DIR / f"{stem}.json").unlink()


def failures(out, split: str) -> dict[str, dict]:
    """Recorded failures, stem -> info."""
    folder = split_dir(out, split) / MANIFEST_DIR / FAILED_DIR
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock (``flock``) so concurrent shards merge one at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def shard_tag(shard: tuple[int, int]) -> str:
    return f"shard-{shard[0]:03d}-of-{shard[1]:03d}"


def write_shard_coco(out, split: str, shard: tuple[int, int], stems: list[str]) -> Path:
    """Build the COCO part of one shard from its frames' masks (RLE, exact) and write it."""
    from zerowaste.data.coco import coco_from_masks
    from zerowaste.data.io import read_instance_mask, read_mask

    def entries():
        for stem in stems:
            p = frame_paths(out, split, stem)
            yield p["image"].name, read_mask(p["sem"]), read_instance_mask(p["inst"])

    coco = coco_from_masks(entries(), synthetic=True, mode=COCO_MODE)
    path = split_dir(out, split) / COCO_DIR / f"{shard_tag(shard)}.json"
    write_json(path, coco)
    return path


def merge_labels(out, split: str) -> Path:
    """Merge every shard's COCO part into ``{split}/labels.json`` (under a lock).

    When parts from runs with different shard counts name the same image, the newest part wins.
    """
    from zerowaste.data.coco import merge_coco

    d = split_dir(out, split)
    with _locked(d / COCO_DIR / ".lock"):
        parts_paths = sorted((d / COCO_DIR).glob("shard-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        parts, seen = [], set()
        for path in parts_paths:
            part = json.loads(path.read_text())
            keep = {i["id"] for i in part["images"] if i["file_name"] not in seen}
            seen.update(i["file_name"] for i in part["images"])
            part["images"] = [i for i in part["images"] if i["id"] in keep]
            part["annotations"] = [a for a in part["annotations"] if a["image_id"] in keep]
            parts.append(part)
        merged = merge_coco(parts[::-1]) if parts else {"images": [], "annotations": [],
                                                        "categories": C.coco_categories(True)}
        merged["images"].sort(key=lambda i: i["file_name"])
        merged["info"] = {"description": "SynthWaste (zerowaste-kit, BlenderProc)", "parts": len(parts)}
        write_json(d / C.LABELS_JSON, merged)
    return d / C.LABELS_JSON


def write_manifest(out, split: str, shard: tuple[int, int], info: dict) -> Path:
    """Write this shard's manifest and refresh the split's merged ``manifest.json`` (under a lock)."""
    d = split_dir(out, split)
    write_json(d / MANIFEST_DIR / f"{shard_tag(shard)}.json", info)
    with _locked(d / MANIFEST_DIR / ".lock"):
        shards = {p.stem: json.loads(p.read_text()) for p in sorted((d / MANIFEST_DIR).glob("shard-*.json"))}
        done = sorted(p.stem for p in (d / META_DIR).glob("*.json")) if (d / META_DIR).is_dir() else []
        failed = failures(out, split)
        write_json(d / MANIFEST_JSON, {"split": split, "done": done, "failed": failed, "shards": shards})
    return d / MANIFEST_JSON
