"""Check a dataset folder against its layout before training on it or scoring with it.

:func:`verify_dataset` checks, per split: the layout, the count against the known public size
(a difference is a *warning*), image/mask pairing, file names and extensions, image and mask
sizes, mask values allowed for the kind, and that ``labels.json`` rasterized with pycocotools
reproduces ``sem_seg/`` (255 pixels, which COCO cannot express, are not compared). Everything
found is collected in a :class:`Report`; nothing is raised for bad data.

Masks drawn from the same polygons by another rasterizer (OpenCV ``fillPoly``, PIL ``ImageDraw``,
CVAT or labelme exports) differ from pycocotools along polygon edges only. Differences within
:data:`EDGE_BAND_PX` pixels of an annotation's outline (or of the frame border, where polygons are
clipped) are therefore summed up in one warning with counts; a difference further inside or
outside an object -- a wrong class, a missing or an extra object -- is an error naming the file.

Example:
    >>> import tempfile
    >>> from zerowaste.data.fixtures import make_dataset
    >>> root = make_dataset(tempfile.mkdtemp(), "zerowaste-f", n=1)
    >>> report = verify_dataset(root, "zerowaste-f", size=(160, 90), progress=False)
    >>> report.ok, report.counts
    (True, {'train': 1, 'val': 1, 'test': 1})
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from zerowaste import contract
from zerowaste.data.coco import CocoIndex, annotation_mask, semantic_from_coco
from zerowaste.data.datasets import SampleRef, check_mask_values, listing, pair_split, resolve_root
from zerowaste.data.io import DataError, read_instance_mask, read_mask

#: Full-resolution frame size (width, height) of every ZeroWaste / SynthWaste image.
DEFAULT_SIZE: tuple[int, int] = (contract.IMAGE_WIDTH, contract.IMAGE_HEIGHT)

#: Mask/polygon differences within this many pixels of an outline are rasterizer differences.
EDGE_BAND_PX = 2


def edge_band(annotations: list[dict], shape: tuple[int, int], width: int = EDGE_BAND_PX) -> np.ndarray:
    """Pixels within ``width`` px of an annotation's outline or of the frame border (bool, ``shape``).

    Polygon edges are drawn with sub-pixel precision (COCO vertex ``x`` is OpenCV's ``x - 0.5``:
    COCO puts pixel corners on integers, OpenCV pixel centres), so a thin spike that one
    rasterizer fills and another drops still has its outline; an RLE annotation's outline is its
    mask's morphological gradient.

    >>> square = {"segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]}
    >>> band = edge_band([square], (40, 40))
    >>> bool(band[10, 20]), bool(band[12, 20]), bool(band[20, 20]), bool(band[39, 20])
    (True, True, False, True)
    """
    h, w = shape
    edges = np.zeros(shape, np.uint8)
    for ann in annotations:
        seg = ann.get("segmentation")
        if isinstance(seg, list):
            for poly in seg:
                if len(poly) >= 6:
                    pts = np.round((np.asarray(poly, np.float64).reshape(-1, 2) - 0.5) * 16).astype(np.int32)
                    cv2.polylines(edges, [pts], True, 1, 1, cv2.LINE_8, 4)
        else:
            binary = annotation_mask(ann, h, w).astype(np.uint8)
            edges |= cv2.morphologyEx(binary, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    edges[[0, -1], :] = 1  # polygons cut by the frame are clipped differently by each rasterizer
    edges[:, [0, -1]] = 1
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    return cv2.dilate(edges, disk).astype(bool)


def inside_differences(sem: np.ndarray, mask: np.ndarray, band: np.ndarray) -> dict[str, int]:
    """Pixels outside ``band`` where ``mask`` disagrees with the rasterized ``sem`` (255 excluded), by kind.

    >>> sem = np.array([[0, 1, 2, 0]], np.uint8); mask = np.array([[3, 0, 4, 255]], np.uint8)
    >>> inside_differences(sem, mask, np.zeros((1, 4), bool))
    {'extra object': 1, 'missing object': 1, 'wrong class': 1}
    """
    inside = (sem != mask) & (mask != contract.IGNORE_INDEX) & ~band
    kinds = {"extra object": inside & (sem == 0), "missing object": inside & (mask == 0),
             "wrong class": inside & (sem != 0) & (mask != 0)}
    return {kind: n for kind, where in kinds.items() if (n := int(np.count_nonzero(where)))}


@dataclass
class Report:
    """What :func:`verify_dataset` found: errors make the dataset unusable, warnings do not."""

    root: Path
    kind: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _image_size(path: Path) -> tuple[int, int]:
    """(width, height) of an image, checking the file's structure without a full decode."""
    try:
        with Image.open(path) as im:
            size = im.size
            im.verify()
    except Exception as exc:  # Pillow raises many types for broken files
        raise DataError(f"cannot decode the image ({str(exc).replace(str(path), path.name)})") from exc
    return size


def _check_names(refs: list[SampleRef], kind: str, where: Path, report: Report) -> None:
    lay = contract.layout(kind)
    wrong_ext = [r.file_name for r in refs if r.image_path.suffix != lay.image_ext]
    if wrong_ext:
        report.errors.append(f"{where}: file names must end in {lay.image_ext!r} for {kind}: {listing(wrong_ext)}")
    if lay.name_re is not None:
        odd = [r.file_name for r in refs if r.image_path.suffix == lay.image_ext and not lay.name_re.match(r.file_name)]
        if odd:
            report.warnings.append(f"{where}: names not like 01_frame_000123{lay.image_ext}: {listing(odd)}")


def _check_sample(ref: SampleRef, kind: str, rel: Path) -> tuple[list[str], tuple[int, int] | None, np.ndarray | None]:
    """Problems of one sample (relative paths in messages), its image size and its mask when readable."""
    problems: list[str] = []
    mask = None
    try:
        image_size = _image_size(ref.image_path)
    except DataError as exc:
        return [f"{ref.image_path.relative_to(rel)}: {exc}"], None, None
    for path, reader in ((ref.mask_path, read_mask), (ref.inst_path, read_instance_mask)):
        if path is None:
            continue
        try:
            arr = reader(path)
        except DataError as exc:
            problems.append(str(exc).replace(str(rel) + os.sep, ""))
            continue
        if arr.shape[::-1] != image_size:
            problems.append(f"{path.relative_to(rel)}: size {arr.shape[1]}x{arr.shape[0]} differs from its image's {image_size[0]}x{image_size[1]}")
        elif reader is read_mask:
            mask = arr
            try:
                check_mask_values(arr, kind, path.relative_to(rel))
            except DataError as exc:
                problems.append(str(exc))
    return problems, image_size, mask


def _load_coco(path: Path) -> CocoIndex:
    try:
        return CocoIndex(json.loads(path.read_text()))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path.name}: not valid JSON ({exc})") from exc
    except OSError as exc:
        raise DataError(f"{path.name}: cannot read ({exc})") from exc


class _CocoCheck:
    """labels.json must list exactly the split's masks and rasterize to the same ids.

    Masks are compared one at a time as the split is read (a split's masks do not fit in memory
    together: 3,000 full-size masks are 6 GB).
    """

    def __init__(self, folder: Path, rel: Path, report: Report) -> None:
        self.folder, self.report, self.index = folder, report, None
        path = folder / contract.LABELS_JSON
        self.where = path.relative_to(rel)
        self.mismatched: list[str] = []  # sizes that differ
        self.inside: list[str] = []  # files with differences away from every outline
        self.edge_only: dict[str, int] = {}  # file -> pixels differing near outlines only
        self.compared = 0
        if not path.is_file():  # sem_seg/ is what training uses; the original SynthWaste ships no COCO file
            report.warnings.append(f"{self.where}: missing, so the COCO check was skipped")
            return
        try:
            self.index = _load_coco(path)
        except DataError as exc:
            report.errors.append(f"{self.where.parent}/{exc}")
            return
        expected = {(c["id"], c["name"]) for c in contract.coco_categories(contract.layout(report.kind).synthetic)}
        found = {(c.get("id"), c.get("name")) for c in self.index.coco.get("categories", [])}
        if found != expected:
            report.warnings.append(f"{self.where}: categories {sorted(found)} differ from the contract's {sorted(expected)}")
        self.listed = {Path(name).name for name in self.index.images}

    def compare(self, name: str, mask: np.ndarray) -> None:
        """Rasterize ``name``'s annotations; sort the pixels (255 excluded) that differ from ``mask``."""
        if self.index is None or name not in self.listed:
            return
        try:
            entry = self.index.image(name)
            if (int(entry["height"]), int(entry["width"])) != mask.shape:
                self.mismatched.append(f"{name} (labels.json says {entry['width']}x{entry['height']})")
                return
            sem = semantic_from_coco(self.index, name)
        except DataError as exc:
            self.report.errors.append(f"{self.where}: {exc}")
            return
        self.compared += 1
        diff = int(np.count_nonzero((sem != mask) & (mask != contract.IGNORE_INDEX)))
        if not diff:
            return
        inside = inside_differences(sem, mask, edge_band(self.index.annotations(name), mask.shape))
        if inside:
            self.inside.append(f"{name} ({', '.join(f'{kind} {n} px' for kind, n in inside.items())})")
        else:
            self.edge_only[name] = diff

    def finish(self, readable_masks: set[str]) -> None:
        """Report entries missing from / extra in labels.json and the mismatching files."""
        if self.index is None:
            return
        on_disk = {p.name for p in (self.folder / contract.SEM_DIR).iterdir()}
        if absent := sorted(readable_masks - self.listed):
            self.report.errors.append(f"{self.where}: no entry for {listing(absent)}")
        if extra := sorted(self.listed - on_disk):
            self.report.errors.append(f"{self.where}: lists images that are not in {contract.SEM_DIR}/: {listing(extra)}")
        if self.mismatched:
            self.report.errors.append(f"{self.where}: image sizes differ from {contract.SEM_DIR}/ for {listing(self.mismatched)}")
        if self.inside:
            self.report.errors.append(
                f"{self.where}: rasterized polygons differ from {contract.SEM_DIR}/ inside objects for {listing(self.inside)}"
            )
        if self.edge_only:
            self.report.warnings.append(
                f"{self.where}: {len(self.edge_only)} of {self.compared} mask(s) differ from the rasterized polygons "
                f"only within {EDGE_BAND_PX} px of polygon edges ({sum(self.edge_only.values())} px in all), as masks "
                f"drawn by another rasterizer do (OpenCV, PIL, CVAT, labelme): {listing(sorted(self.edge_only))}"
            )


def verify_dataset(
    root: str | os.PathLike,
    kind: str,
    size: tuple[int, int] | None = DEFAULT_SIZE,
    check_coco: bool = True,
    progress: bool = True,
) -> Report:
    """Check a ``kind`` dataset under ``root``; ``size`` is the expected (width, height) or None."""
    lay = contract.layout(kind)
    report = Report(Path(root), kind)
    root = Path(root).resolve()
    try:
        base = resolve_root(root, kind)
    except DataError as exc:
        report.errors.append(str(exc))
        return report
    rel = root.parent  # messages show paths starting at the dataset folder's name
    for split in lay.splits or ("",):
        folder = base / split if split else base
        name = split or "(all)"
        if not folder.is_dir():
            report.warnings.append(f"{folder.relative_to(rel)}: split {name!r} not present")
            continue
        refs, problems = pair_split(folder, kind, split)
        report.errors += [p.replace(str(rel) + os.sep, "") for p in problems]
        report.counts[name] = len(refs)
        known = lay.split_sizes.get(split)
        if known is not None and refs and len(refs) != known:
            report.warnings.append(f"{folder.relative_to(rel)}: {len(refs)} images, the public release has {known}")
        _check_names(refs, kind, folder.relative_to(rel), report)
        coco = _CocoCheck(folder, rel, report) if check_coco and lay.has_coco and split in lay.labeled_splits and refs else None
        readable: set[str] = set()
        wrong_size: dict[tuple[int, int], list[str]] = {}
        for ref in tqdm(refs, desc=f"verify {name}", unit="img", disable=not progress, leave=False):
            sample_problems, image_size, mask = _check_sample(ref, kind, rel)
            report.errors += sample_problems
            if size is not None and image_size is not None and image_size != size:
                wrong_size.setdefault(image_size, []).append(ref.file_name)
            if mask is not None and ref.mask_path is not None:
                readable.add(ref.mask_path.name)
                if coco is not None:
                    coco.compare(ref.mask_path.name, mask)
        for (w, h), names in wrong_size.items():
            report.errors.append(
                f"{folder.relative_to(rel)}/{contract.IMAGE_DIR}: {len(names)} image(s) of size {w}x{h}, "
                f"expected {size[0]}x{size[1]} (use --size for other data): {listing(names)}"
            )
        if coco is not None:
            coco.finish(readable)
    return report
