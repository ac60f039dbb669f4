"""Where the ground-truth masks are: a folder, or the organizers' zip with ``val/`` and ``test/``.

A :class:`GroundTruth` maps each target image's file name (e.g. ``'03_frame_000120.png'``) to its
mask and defines the expected prediction size of that image (the contract's 1080x1920 is only the
default of the real data). Accepted layouts, in a folder or a zip:

- ``<root>/*.png`` or ``<root>/sem_seg/*.png`` (one phase);
- ``<root>/{val,test}/*.png`` or ``<root>/{val,test}/sem_seg/*.png`` (then ``phase`` picks one; it
  is required, never guessed, so a test submission is never scored against val by accident).

Example:
    >>> import tempfile, cv2, numpy as np, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = cv2.imwrite(str(d / "a.png"), np.zeros((2, 3), np.uint8))
    >>> gt = load_ground_truth(d)
    >>> gt.names, gt.size("a.png")
    (('a.png',), (2, 3))
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image

from zerowaste import contract as C
from zerowaste.errors import ZeroWasteError
from zerowaste.submission import png
from zerowaste.submission.zipread import inspect_zip, open_zip, read_member

#: File extensions :meth:`GroundTruth.from_images` treats as target images.
IMAGE_EXTS = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


class GroundTruthError(ZeroWasteError):
    """The ground truth (or its configuration, e.g. the phase) is unusable: an organizer error."""


def _select(paths: Iterable[str], phase: str | None, where: str) -> dict[str, str]:
    """Pick the mask files of one phase from relative posix paths: name -> relative path."""
    paths = [p for p in paths if p.lower().endswith(C.PREDICTION_EXT)]
    found = [p for p in C.PHASES if any(x.startswith(p + "/") for x in paths)]
    if found:
        folders = ", ".join(f"{p}/" for p in found)
        if phase is None:
            raise GroundTruthError(f"{where} has phase folders ({folders}); choose one with --phase")
        if phase not in found:
            raise GroundTruthError(f"{where} has no {phase}/ folder (found: {folders})")
        prefix = phase + "/"
    else:
        if phase is not None:
            raise GroundTruthError(
                f"{where} has no {'/ or '.join(C.PHASES)}/ folders; it holds a single phase, drop --phase"
            )
        prefix = ""
    inside = [p[len(prefix) :] for p in paths if p.startswith(prefix)]
    sem = C.SEM_DIR + "/"
    if any(p.startswith(sem) for p in inside):
        prefix, inside = prefix + sem, [p[len(sem) :] for p in inside if p.startswith(sem)]
    members = {p: prefix + p for p in inside if "/" not in p}
    if not members:
        raise GroundTruthError(f"no ground-truth PNG masks found in {where} ({prefix or 'top level'})")
    return members


class GroundTruth:
    """Ground-truth masks by image file name; sizes read from PNG headers (no decoding).

    Build it with :func:`load_ground_truth` (masks) or :meth:`from_images` (sizes only, used by
    ``pack`` to validate before any mask exists).
    """

    def __init__(
        self,
        source: str,
        members: dict[str, str],
        *,
        root: Path,
        is_zip: bool,
        phase: str | None = None,
        has_masks: bool = True,
    ) -> None:
        self.source = source
        self.phase = phase
        self.has_masks = has_masks
        self._members = dict(sorted(members.items()))
        self._root = root
        self._is_zip = is_zip
        self._zip: zipfile.ZipFile | None = None
        self._lock = threading.Lock()
        self._sizes: dict[str, tuple[int, int]] = {}

    @classmethod
    def from_images(cls, images: str | Path) -> GroundTruth:
        """Expected names and sizes from a folder of target images (no masks)."""
        images = Path(images)
        if not images.is_dir():
            raise GroundTruthError(f"images folder {images} does not exist")
        members = {
            p.name: p.name
            for p in images.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_EXTS
        }
        if not members:
            raise GroundTruthError(f"no images ({', '.join(sorted(IMAGE_EXTS))}) found in {images}")
        return cls(str(images), members, root=images, is_zip=False, has_masks=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Image file names, sorted."""
        return tuple(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def __repr__(self) -> str:
        phase = f", phase={self.phase!r}" if self.phase else ""
        return f"GroundTruth({self.source!r}, {len(self)} images{phase})"

    def read_bytes(self, name: str) -> bytes:
        """The raw file bytes of ``name``'s mask (or image, for :meth:`from_images`)."""
        member = self._members[name]
        if not self._is_zip:
            return (self._root / member).read_bytes()
        with self._lock:
            if self._zip is None:
                self._zip = zipfile.ZipFile(self._root)
            return read_member(self._zip, self._zip.getinfo(member))

    def size(self, name: str) -> tuple[int, int]:
        """Expected ``(height, width)`` of ``name``'s prediction."""
        if name not in self._sizes:
            self._sizes[name] = self._read_size(name)
        return self._sizes[name]

    def _read_size(self, name: str) -> tuple[int, int]:
        if self.has_masks or name.lower().endswith(".png"):
            data = self.read_bytes(name) if self._is_zip else _head(self._root / self._members[name])
            header = png.png_header(data)
            if header is not None:
                return header.height, header.width
            if self.has_masks:
                raise GroundTruthError(f"ground-truth mask {name!r} in {self.source} is not a PNG")
        try:
            with Image.open(self._root / self._members[name]) as im:
                return im.height, im.width
        except OSError as exc:
            raise GroundTruthError(f"cannot read the size of image {name!r}: {exc}") from exc

    def read(self, name: str) -> np.ndarray:
        """Decode ``name``'s mask: (H, W) uint8 with ids 0..4 and 255 (ignore)."""
        if not self.has_masks:
            raise GroundTruthError(f"{self.source} holds images, not ground-truth masks")
        return decode_gt(self.read_bytes(name), name)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None


def _head(path: Path, n: int = 64) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def decode_gt(data: bytes, name: str) -> np.ndarray:
    """Decode a ground-truth mask strictly (8-bit single-channel); raise GroundTruthError if not."""
    mask = png.decode_mask(data)
    if mask is None or mask.ndim != 2 or mask.dtype != np.uint8:
        got = "undecodable" if mask is None else f"{mask.dtype} array of shape {mask.shape}"
        raise GroundTruthError(f"ground-truth mask {name!r} is not an 8-bit single-channel PNG ({got})")
    return mask


def load_ground_truth(path: str | Path, phase: str | None = None) -> GroundTruth:
    """Load the ground truth from a folder or a zip; ``phase`` picks ``val/`` or ``test/``.

    Raises :class:`GroundTruthError` with a clear message if the path, the phase or the masks are
    missing, or the phase is needed but not given.
    """
    path = Path(path)
    if phase is not None and phase not in C.PHASES:
        raise GroundTruthError(f"unknown phase {phase!r}; known: {', '.join(C.PHASES)}")
    if path.is_dir():
        files = [p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()]
        members = _select(files, phase, str(path))
        return GroundTruth(str(path), members, root=path, is_zip=False, phase=phase)
    if not path.exists():
        raise GroundTruthError(f"ground truth {path} does not exist")
    zf, problem = open_zip(path)
    if zf is None:
        raise GroundTruthError(f"ground truth {path}: {problem}")
    with zf:
        entries, problems = inspect_zip(zf)
    if problems:
        raise GroundTruthError(f"ground truth {path} is not a safe zip: {problems[0]}")
    members = _select([e.filename for e in entries], phase, str(path))
    return GroundTruth(str(path), members, root=path, is_zip=True, phase=phase)


def available_phases(path: str | Path) -> tuple[str, ...]:
    """The phase folders a ground-truth folder or zip holds (empty for a single-phase GT)."""
    path = Path(path)
    if path.is_dir():
        return tuple(p for p in C.PHASES if (path / p).is_dir())
    zf, problem = open_zip(path)
    if zf is None:
        raise GroundTruthError(f"ground truth {path}: {problem}")
    with zf:
        names = zf.namelist()
    return tuple(p for p in C.PHASES if any(n.startswith(p + "/") for n in names))


def build_ground_truth_zip(
    root: str | Path, out: str | Path, phases: Iterable[str] | None = None
) -> dict[str, int]:
    """Write the organizers' ``gt.zip`` (``val/NAME.png``, ``test/NAME.png``) from a labeled dataset.

    ``root/<phase>/sem_seg/*.png`` (or ``root/<phase>/*.png``) are the masks of each phase (default:
    every phase folder ``root`` has). Each must be an 8-bit single-channel PNG of class ids 0..4 or
    255 (ignored); where ``root/<phase>/data/`` holds the images, masks and images must pair one to
    one by file name -- the names participants' predictions carry -- with the same size. The zip is
    written atomically and read back with :func:`load_ground_truth`. Returns masks per phase.

    >>> import tempfile, cv2, numpy as np, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "val" / "sem_seg").mkdir(parents=True)
    >>> _ = cv2.imwrite(str(d / "val" / "sem_seg" / "a.png"), np.zeros((2, 3), np.uint8))
    >>> build_ground_truth_zip(d, d / "gt.zip")
    {'val': 1}
    """
    from zerowaste.io import atomic_path

    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise GroundTruthError(f"{root}: folder not found")
    chosen = list(phases) if phases else [p for p in C.PHASES if (root / p).is_dir()]
    unknown = [p for p in chosen if p not in C.PHASES]
    if unknown:
        raise GroundTruthError(f"unknown phase {unknown[0]!r}; known: {', '.join(C.PHASES)}")
    if not chosen:
        raise GroundTruthError(f"{root} has no {'/ or '.join(C.PHASES)}/ folder with the masks")
    members: dict[str, Path] = {}
    for phase in chosen:
        folder = root / phase / C.SEM_DIR if (root / phase / C.SEM_DIR).is_dir() else root / phase
        masks = {p.name: p for p in sorted(folder.glob(f"*{C.PREDICTION_EXT}")) if p.is_file()} if folder.is_dir() else {}
        if not masks:
            raise GroundTruthError(f"{folder}: no ground-truth masks (*{C.PREDICTION_EXT})")
        images_dir = root / phase / C.IMAGE_DIR
        images = {p.name: p for p in images_dir.iterdir() if p.is_file()} if images_dir.is_dir() else None
        if images is not None and set(images) != set(masks):
            lonely = sorted(set(images) ^ set(masks))
            raise GroundTruthError(f"{root / phase}: masks and images do not pair by file name "
                                   f"({len(lonely)} unpaired: {', '.join(lonely[:5])}{', ...' if len(lonely) > 5 else ''})")
        for name, path in masks.items():
            mask = decode_gt(path.read_bytes(), f"{phase}/{name}")
            bad = np.setdiff1d(np.unique(mask), [*range(C.NUM_CLASSES), C.IGNORE_INDEX])
            if bad.size:
                raise GroundTruthError(f"{path}: values {bad.tolist()} are not class ids 0..{C.NUM_CLASSES - 1} or "
                                       f"{C.IGNORE_INDEX}")
            if images is not None:
                with Image.open(images[name]) as im:
                    if (im.height, im.width) != mask.shape:
                        raise GroundTruthError(f"{path}: mask is {mask.shape[1]}x{mask.shape[0]}, its image "
                                               f"{im.width}x{im.height}")
            members[f"{phase}/{name}"] = path
    with atomic_path(out) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:  # PNGs are compressed already
            for arcname, path in members.items():
                zf.write(path, arcname)
        for phase in chosen:
            load_ground_truth(tmp, phase).close()
    return {phase: sum(1 for m in members if m.startswith(phase + "/")) for phase in chosen}
