"""Dataset loaders for ZeroWaste-f, ZeroWaste-s, ZeroWaste v2 and SynthWaste (real or generated).

Layouts come from :mod:`zerowaste.contract`. The loaders are torch-free: ``SegDataset`` is a plain
sequence of :class:`Sample` objects that the baselines wrap for mmsegmentation, and that a torch
``DataLoader`` can consume directly.

Example:
    >>> import tempfile
    >>> from zerowaste.data.fixtures import make_dataset
    >>> root = make_dataset(tempfile.mkdtemp(), "synthwaste", n=2, archive_root=True)
    >>> ds = open_dataset(root, "synthwaste", "train")
    >>> s = ds[0]
    >>> s.image.shape, s.mask.shape, s.domain, int(s.mask.max()) <= 4
    ((90, 160, 3), (90, 160), 'synthetic', True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zerowaste import contract
from zerowaste.data.io import DataError, read_image, read_instance_mask, read_mask

#: Image file extensions the loaders pick up (the layout's own one is checked by ``verify``).
IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg")
#: How many offending files an error message lists before summarizing.
MAX_LISTED: int = 10


@dataclass(frozen=True)
class SampleRef:
    """Where one sample lives: its image, its mask (None when unlabeled) and its id (base name)."""

    image_path: Path
    mask_path: Path | None
    image_id: str
    inst_path: Path | None = None

    @property
    def file_name(self) -> str:
        """The image's file name, e.g. ``01_frame_000123.PNG`` (predictions are named like it)."""
        return self.image_path.name


@dataclass
class Sample:
    """One loaded sample: RGB image (H, W, 3) uint8, id mask (H, W) uint8 or None, id, domain."""

    image: np.ndarray
    mask: np.ndarray | None
    image_id: str
    domain: str
    file_name: str = ""


def listing(paths: Sequence[object], limit: int = MAX_LISTED) -> str:
    """``a, b, c`` for a short list, ``a, b, ... (+N more)`` for a long one."""
    names = [str(p) for p in paths]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... (+{len(names) - limit} more)"


def _has_layout(base: Path, kind: str) -> bool:
    lay = contract.layout(kind)
    if not lay.splits:
        return (base / contract.IMAGE_DIR).is_dir()
    return any((base / s / contract.IMAGE_DIR).is_dir() for s in lay.splits)


def resolve_root(root: str | os.PathLike, kind: str) -> Path:
    """The folder holding the splits of a ``kind`` dataset, given the folder a user points at.

    Accepts the dataset folder itself or its archive's extra top folder (e.g. the
    ``splits_final_deblurred/`` that ``zerowaste-f-final.zip`` unpacks to).
    """
    lay = contract.layout(kind)
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root}: dataset folder not found")
    if _has_layout(root, kind):
        return root
    for extra in lay.archive_roots:
        if _has_layout(root / extra, kind):
            return root / extra
    expected = f"{contract.IMAGE_DIR}/" if not lay.splits else f"{{{','.join(lay.splits)}}}/{contract.IMAGE_DIR}/"
    extras = f" (or under {', '.join(lay.archive_roots)}/)" if lay.archive_roots else ""
    raise DataError(f"{root}: not a {kind} dataset: expected {root}/{expected}{extras}")


def split_dir(root: str | os.PathLike, kind: str, split: str) -> Path:
    """The folder of one split (the dataset folder itself for the flat ZeroWaste-s layout)."""
    lay = contract.layout(kind)
    base = resolve_root(root, kind)
    if not lay.splits:
        if split not in ("", None, "all"):
            raise DataError(f"{kind} has no splits (flat {contract.IMAGE_DIR}/ layout); got split {split!r}")
        return base
    if split not in lay.splits:
        raise DataError(f"{kind} has splits {', '.join(lay.splits)}; got {split!r}")
    return base / split


def _files_by_stem(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    files = {}
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in suffixes:
            files[p.stem] = p
    return files


def pair_split(folder: Path, kind: str, split: str) -> tuple[list[SampleRef], list[str]]:
    """Pair the images and masks of one split folder by base name.

    Returns the complete pairs (sorted by file name) and a list of problems (unpaired files,
    missing folders); :func:`list_samples` raises on problems, ``verify`` reports them.
    """
    lay = contract.layout(kind)
    image_dir = folder / contract.IMAGE_DIR
    if not image_dir.is_dir():
        return [], [f"{image_dir}: image folder not found"]
    images = _files_by_stem(image_dir, IMAGE_SUFFIXES)
    if not images:
        return [], [f"{image_dir}: no images"]
    sem_dir, inst_dir = folder / contract.SEM_DIR, folder / contract.INST_DIR
    if not (split in lay.labeled_splits or sem_dir.is_dir()):
        return [SampleRef(p, None, stem) for stem, p in images.items()], []
    if not sem_dir.is_dir():
        return [], [f"{sem_dir}: mask folder not found (the {split!r} split of {kind} is labeled)"]
    masks = _files_by_stem(sem_dir, (".png",))
    insts = _files_by_stem(inst_dir, (".png",)) if lay.has_instances else {}
    problems = []
    if missing := sorted(set(images) - set(masks)):
        problems.append(f"images without a mask in {sem_dir}: {listing([images[s].name for s in missing])}")
    if orphans := sorted(set(masks) - set(images)):
        problems.append(f"masks without an image in {image_dir}: {listing([masks[s].name for s in orphans])}")
    if insts and (missing := sorted(set(masks) - set(insts))):
        problems.append(f"masks without an instance mask in {inst_dir}: {listing([masks[s].name for s in missing])}")
    refs = [SampleRef(images[s], masks[s], s, insts.get(s)) for s in images if s in masks]
    return refs, problems


def list_samples(root: str | os.PathLike, kind: str, split: str) -> list[SampleRef]:
    """The samples of one split, sorted by file name, images paired with masks by base name.

    A split the layout says is labeled must have ``sem_seg/``; a split that is not (ZeroWaste v2)
    is paired when a ``sem_seg/`` is there anyway (the scoring server's ground truth).
    An image without mask or a mask without image is a :class:`DataError` listing the files.
    """
    refs, problems = pair_split(split_dir(root, kind, split), kind, split)
    if problems:
        raise DataError("; ".join(problems))
    return refs


def check_mask_values(mask: np.ndarray, kind: str, where: object = "mask") -> None:
    """Raise :class:`DataError` if ``mask`` holds a value that is neither a class of ``kind`` nor 255."""
    num_classes = contract.layout(kind).num_classes
    bad = (mask >= num_classes) & (mask != contract.IGNORE_INDEX)
    if bad.any():
        values = sorted(set(np.unique(mask[bad]).tolist()))
        raise DataError(
            f"{where}: mask values {values} are not classes of {kind} (allowed 0..{num_classes - 1} and {contract.IGNORE_INDEX})"
        )


Transform = Callable[..., dict]


class SegDataset:
    """A split of a dataset as a sequence of :class:`Sample` (torch-free).

    SynthWaste masks are mapped to the ZeroWaste label space through
    :func:`zerowaste.contract.synth_to_zerowaste_lut` (``paper_to`` = where paper goes: 0 by
    default, 255 to ignore it), unless ``keep_synth_classes`` keeps all six classes.
    ``transform`` is an albumentations-style callable: ``transform(image=..., mask=...)`` returns
    a dict with ``image`` (and ``mask``); see :mod:`zerowaste.data.augment`.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        kind: str,
        split: str,
        transform: Transform | None = None,
        paper_to: int = contract.DEFAULT_PAPER_TARGET,
        keep_synth_classes: bool = False,
    ) -> None:
        self.layout = contract.layout(kind)
        self.kind, self.split, self.transform = kind, split, transform
        self.refs: list[SampleRef] = list_samples(root, kind, split)
        self.lut: np.ndarray | None = None
        if self.layout.synthetic and not keep_synth_classes:
            self.lut = contract.synth_to_zerowaste_lut(paper_to)

    @property
    def class_names(self) -> tuple[str, ...]:
        """Names of the classes the returned masks use."""
        return contract.SYNTH_CLASS_NAMES if self.layout.synthetic and self.lut is None else contract.CLASS_NAMES

    @property
    def labeled(self) -> bool:
        return bool(self.refs) and self.refs[0].mask_path is not None

    def __len__(self) -> int:
        return len(self.refs)

    def load_mask(self, index: int) -> np.ndarray | None:
        """The checked (and, for SynthWaste, mapped) mask of sample ``index``, without the image."""
        ref = self.refs[index]
        if ref.mask_path is None:
            return None
        mask = read_mask(ref.mask_path)
        check_mask_values(mask, self.kind, ref.mask_path)
        return self.lut[mask] if self.lut is not None else mask

    def load_instances(self, index: int) -> np.ndarray | None:
        """The uint16 instance mask of sample ``index`` (SynthWaste), or None."""
        ref = self.refs[index]
        return read_instance_mask(ref.inst_path) if ref.inst_path is not None else None

    def __getitem__(self, index: int) -> Sample:
        if not -len(self) <= index < len(self):
            raise IndexError(f"sample {index} out of range (dataset has {len(self)})")
        ref = self.refs[index]
        image = read_image(ref.image_path)
        mask = self.load_mask(index)
        if mask is not None and mask.shape != image.shape[:2]:
            raise DataError(f"{ref.mask_path}: mask size {mask.shape[::-1]} differs from image size {image.shape[1::-1]}")
        if self.transform is not None:
            out = self.transform(image=image) if mask is None else self.transform(image=image, mask=mask)
            image, mask = out["image"], out.get("mask", mask)
        return Sample(image=image, mask=mask, image_id=ref.image_id, domain=self.layout.domain, file_name=ref.file_name)


def detect_kind(root: str | os.PathLike) -> str:
    """Guess the dataset kind of ``root`` from its layout (instances -> SynthWaste, ``.PNG`` -> ZeroWaste).

    Ambiguous layouts (e.g. a SynthWaste copy without ``inst_seg/`` looks like labeled v2) are a
    :class:`DataError` asking for the kind.

    >>> import tempfile
    >>> from zerowaste.data.fixtures import make_dataset
    >>> detect_kind(make_dataset(tempfile.mkdtemp(), "zerowaste-v2", n=1))
    'zerowaste-v2'
    """
    candidates = []
    for kind in contract.DATASET_KINDS:
        try:
            base = resolve_root(root, kind)
        except DataError:
            continue
        lay = contract.layout(kind)
        dirs = [base / s for s in lay.splits] or [base]
        images = [p for d in dirs for p in (d / contract.IMAGE_DIR).glob(f"*{lay.image_ext}")]
        if not images or (not lay.splits and any((base / s).is_dir() for s in contract.SPLITS)):
            continue
        if any((d / contract.INST_DIR).is_dir() for d in dirs) and not lay.has_instances:
            continue
        if lay.splits and lay.labeled_splits and not any((d / contract.SEM_DIR).is_dir() for d in dirs):
            continue
        candidates.append(kind)
    if len(candidates) != 1:
        found = f"it could be {', '.join(candidates)}" if candidates else "no known layout matches"
        raise DataError(f"{root}: cannot tell the dataset kind ({found}); pass it explicitly")
    return candidates[0]


def open_dataset(root: str | os.PathLike, kind: str | None = None, split: str = "train", **kwargs) -> SegDataset:
    """A :class:`SegDataset` for ``root`` (``kind`` guessed from the layout when None)."""
    kind = kind or detect_kind(root)
    lay = contract.layout(kind)
    if not lay.splits and split == "train":
        split = ""
    return SegDataset(root, kind, split, **kwargs)
