"""Build the official submission zip from two folders of predictions.

Predictions may be id masks (8- or 16-bit, values 0..4) or colour visualizations with the
official palette (RGB, RGBA or 'P' PNGs; each pixel's full RGB triple must be a palette colour,
anything else is an error naming the file and the colour). A prediction is found by the exact
image name, or by the same base name with a ``.png`` extension (e.g. ``x.png`` for image
``x.PNG``); in the zip it is always named exactly like the image. Predictions without a target
image are ignored. The zip is validated before it replaces ``out`` (atomic write).

Example:
    $ zerowaste submission pack --source-only preds/so --uda preds/uda --images v2/test/data -o sub.zip
"""

from __future__ import annotations

import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from zerowaste import contract as C
from zerowaste.errors import ZeroWasteError
from zerowaste.io import atomic_path
from zerowaste.submission.groundtruth import GroundTruth
from zerowaste.submission.validate import SubmissionInvalid, validate_submission

#: zlib level of the written PNGs: 6 is what PIL writes (a 1080p mask ~20-30 KB; OpenCV's default
#: level is faster to write but ~5-10x larger, which matters for a 2 x 929-image upload).
PNG_COMPRESSION = 6


class PackError(ZeroWasteError, ValueError):
    """A prediction cannot be converted (missing, wrong size, unknown colour or value)."""


def colors_to_ids(rgb: np.ndarray, where: str = "image") -> np.ndarray:
    """Map an (H, W, 3) RGB visualization to class ids by exact palette colour.

    >>> colors_to_ids(np.array([[[0, 0, 0], [70, 70, 70]]], np.uint8)).tolist()
    [[0, 3]]
    """
    code = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]
    ids = np.full(code.shape, 255, dtype=np.uint8)
    for cid, (r, g, b) in enumerate(C.PALETTE):
        ids[code == ((r << 16) | (g << 8) | b)] = cid
    unknown = ids == 255
    if unknown.any():
        y, x = np.argwhere(unknown)[0]
        colour = tuple(int(v) for v in rgb[y, x])
        raise PackError(
            f"{where}: colour {colour} at pixel (x={x}, y={y}) is not a class colour "
            f"({int(unknown.sum())} pixels unknown); palette: {dict(zip(C.CLASS_NAMES, C.PALETTE, strict=True))}"
        )
    return ids


def to_id_mask(path: Path) -> np.ndarray:
    """Read one prediction file as an (H, W) uint8 id mask (see module docs for accepted kinds)."""
    try:
        with Image.open(path) as im:
            im.load()
            mode = im.mode
            if mode in ("P", "RGB", "RGBA", "PA", "LA"):
                rgba = np.asarray(im.convert("RGBA"))
                if (rgba[..., 3] != 255).any():
                    raise PackError(f"{path}: has transparent pixels; save opaque class colours or ids")
                return colors_to_ids(rgba[..., :3], str(path))
            arr = np.asarray(im)
    except OSError as exc:
        raise PackError(f"{path}: cannot read the image ({exc})") from exc
    if arr.ndim != 2 or arr.dtype.kind not in "uib":
        raise PackError(f"{path}: unsupported image mode {mode!r} (use 8-bit ids or palette colours)")
    if arr.size and (arr.min() < 0 or arr.max() >= C.NUM_CLASSES):
        bad = np.unique(arr[(arr < 0) | (arr >= C.NUM_CLASSES)])[:8].tolist()
        raise PackError(f"{path}: id mask has values {bad} outside 0..{C.NUM_CLASSES - 1}")
    return arr.astype(np.uint8)


def _index(folder: Path) -> dict[str, Path]:
    """Files of a prediction folder by exact name and by ``<stem>.png`` (lower-case extension)."""
    if not folder.is_dir():
        raise PackError(f"prediction folder {folder} does not exist")
    index: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if p.is_file():
            index.setdefault(p.name, p)
            if p.suffix.lower() == C.PREDICTION_EXT:
                index.setdefault(f"stem:{p.stem}", p)
    return index


def _find(index: dict[str, Path], name: str) -> Path | None:
    return index.get(name) or index.get(f"stem:{Path(name).stem}")


def _encode(track: str, name: str, path: Path | None, hw: tuple[int, int]) -> bytes:
    if path is None:
        raise PackError(f"{track}: no prediction for image {name}")
    mask = to_id_mask(path)
    if mask.shape != hw:
        raise PackError(
            f"{path}: size {mask.shape[1]}x{mask.shape[0]} but image {name} is {hw[1]}x{hw[0]} "
            "(predict at full resolution)"
        )
    ok, buf = cv2.imencode(".png", mask, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION])
    if not ok:  # pragma: no cover - OpenCV cannot fail on a 2D uint8 array
        raise PackError(f"{path}: PNG encoding failed")
    return buf.tobytes()


def pack_submission(
    source_only: Path,
    uda: Path,
    images: Path,
    out: Path,
    *,
    gt: GroundTruth | None = None,
    workers: int | None = None,
) -> Path:
    """Write the submission zip ``out`` from the two prediction folders; return ``out``.

    Names and sizes come from ``images`` (or from ``gt`` when given). Raises :class:`PackError`
    listing up to 20 conversion problems, or :class:`SubmissionInvalid` if the written zip does
    not validate; ``out`` is untouched in both cases.
    """
    expected = gt or GroundTruth.from_images(images)
    indexes = {"source_only": _index(Path(source_only)), "uda": _index(Path(uda))}
    jobs = [(t, n, _find(indexes[t], n), expected.size(n)) for n in expected.names for t in C.TRACKS]

    def run(job):
        try:
            return _encode(*job), None
        except PackError as exc:
            return None, str(exc)

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        results = list(pool.map(run, jobs))
    errors = [e for _, e in results if e]
    if errors:
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise PackError(
            f"{len(errors)} prediction(s) cannot be packed:\n  " + "\n  ".join(errors[:20]) + more
        )
    out = Path(out)
    with atomic_path(out, suffix=".tmp") as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
            for (track, name, _, _), (data, _) in zip(jobs, results, strict=True):
                zf.writestr(f"{track}/{name}", data)
        report = validate_submission(tmp, expected, workers=workers)
        if not report.ok:
            raise SubmissionInvalid(report)
    return out
