"""The submission validator: every problem of a zip, in one clear report (capped).

Checks, in order: the zip itself (not a zip, corrupt, zip-bomb caps, unsafe or special entries,
encryption), its layout (exactly ``source_only/`` and ``uda/``, no nested folders, no stray
files, one prediction per ground-truth image named exactly like it, no duplicates even up to
case), then every PNG (signature, size from the ground truth, 8-bit single-channel, decodable,
values 0..4). Values outside 0..4 are rejected: the official scorer silently drops such pixels,
which inflates mIoU.

Entries are streamed from the zip into memory; nothing is extracted. Decoding runs in a thread
pool (OpenCV releases the GIL). :func:`scan_submission` is shared with the scorer, so a
submission is decoded once whether it is only validated or also scored.

Example:
    >>> report = validate_submission("/nonexistent.zip", None)
    >>> report.ok, report.problems
    (False, ['cannot open the file: /nonexistent.zip does not exist'])
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from submission import png
from submission.groundtruth import GroundTruth
from submission.zipread import ZipReadError, inspect_zip, open_zip, read_member
from zerowaste import contract as C

_HIDDEN_HINT = " (operating-system metadata; build the zip with `zerowaste submission pack`)"
_METADATA_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class ValidationReport:
    """The outcome of validating one submission.

    ``problems`` holds at most ``max_problems`` messages (the last one says how many were left
    out); ``n_problems`` counts all of them. ``n_images`` counts the prediction PNGs found in the
    zip (both tracks) whose names match a ground-truth image.
    """

    ok: bool
    problems: list[str] = field(default_factory=list)
    n_images: int = 0
    n_problems: int = 0

    def summary(self) -> str:
        """One line: ``valid (2 x 40 images)`` or ``invalid: 3 problems``."""
        if self.ok:
            return f"valid ({self.n_images} prediction PNGs)"
        return f"invalid: {self.n_problems} problem{'s' * (self.n_problems != 1)}"


class SubmissionInvalid(Exception):
    """Raised by the scorer (and ``pack``) when a submission does not validate."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        shown = "\n".join(f"  - {p}" for p in report.problems)
        super().__init__(f"submission is {report.summary()}\n{shown}")


class _Problems:
    """Collect problems, keeping the first ``cap`` and counting the rest."""

    def __init__(self, cap: int) -> None:
        self.cap = max(1, cap)
        self.items: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.items) < self.cap:
            self.items.append(message)

    def report(self, n_images: int) -> ValidationReport:
        items = list(self.items)
        if self.count > len(items):
            items.append(f"... and {self.count - len(items)} more problems")
        return ValidationReport(ok=self.count == 0, problems=items, n_images=n_images, n_problems=self.count)


# --------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------


def _layout(
    entries: list[zipfile.ZipInfo], dirs: set[str], gt: GroundTruth, problems: _Problems
) -> dict[str, dict[str, zipfile.ZipInfo]]:
    """Map each track to ``{image name: ZipInfo}``, reporting layout problems."""
    by_track: dict[str, dict[str, zipfile.ZipInfo]] = {t: {} for t in C.TRACKS}
    lower_seen: dict[tuple[str, str], str] = {}
    reported_tops: set[str] = set()
    gt_lower = {n.lower(): n for n in gt.names}
    gt_stem = {PurePosixPath(n).stem: n for n in gt.names}
    for info in entries:
        parts = PurePosixPath(info.filename).parts
        top = parts[0]
        if top not in C.TRACKS:
            if top not in reported_tops:
                reported_tops.add(top)
                problems.add(_unexpected_top(top, is_file=len(parts) == 1))
            continue
        if len(parts) > 2:
            problems.add(f"nested folder: {info.filename!r} (predictions must sit directly in {top}/)")
            continue
        track, name = parts
        if name in by_track[track]:
            problems.add(f"duplicate entry {info.filename!r}")
            continue
        key = (track, name.lower())
        if key in lower_seen:
            problems.add(f"{track}/{lower_seen[key]!r} and {info.filename!r} differ only in case")
            continue
        lower_seen[key] = name
        if name not in gt:
            problems.add(_unexpected_name(track, name, gt_lower, gt_stem))
            continue
        by_track[track][name] = info
    present = {PurePosixPath(i.filename).parts[0] for i in entries} | {d.split("/")[0] for d in dirs}
    for track in C.TRACKS:
        if track not in present:
            problems.add(
                f"missing folder {track}/ (a submission holds {' and '.join(f'{t}/' for t in C.TRACKS)})"
            )
            continue
        missing = [n for n in gt.names if n not in by_track[track]]
        if missing:
            shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
            problems.add(f"{track}/: {len(missing)} of {len(gt)} predictions missing: {shown}")
    return by_track


def _unexpected_top(top: str, *, is_file: bool) -> str:
    what = "file" if is_file else "folder"
    hint = ""
    if top in _METADATA_NAMES or top.startswith("._"):
        hint = _HIDDEN_HINT
    elif top.lower() in C.TRACKS:
        hint = f" (folder names are case-sensitive: use {top.lower()}/)"
    elif not is_file:
        hint = " (if it wraps source_only/ and uda/, zip its contents instead)"
    tracks = " and ".join(f"{t}/" for t in C.TRACKS)
    return f"unexpected top-level {what} {top!r}; only {tracks} are allowed{hint}"


def _unexpected_name(track: str, name: str, gt_lower: dict[str, str], gt_stem: dict[str, str]) -> str:
    path = f"{track}/{name}"
    if name in _METADATA_NAMES or name.startswith("."):
        return f"unexpected file {path!r}{_HIDDEN_HINT}"
    target = gt_lower.get(name.lower()) or gt_stem.get(PurePosixPath(name).stem)
    if target:
        return f"{path!r} should be named {track}/{target} (names must match the image exactly, case and extension included)"
    return f"unexpected file {path!r}: no target image of that name"


# --------------------------------------------------------------------------------------------
# One prediction PNG
# --------------------------------------------------------------------------------------------


def max_png_bytes(hw: tuple[int, int]) -> int:
    """A generous size cap for an 8-bit PNG of ``hw`` (raw pixels twice over, plus 1 MiB)."""
    return 2 * hw[0] * (hw[1] + 1) + (1 << 20)


def check_prediction(
    data: bytes, path: str, expected_hw: tuple[int, int]
) -> tuple[np.ndarray | None, str | None]:
    """Decode one prediction PNG strictly; return ``(mask, None)`` or ``(None, problem)``.

    >>> import cv2
    >>> _, buf = cv2.imencode(".png", np.full((2, 2), 7, np.uint8))
    >>> check_prediction(buf.tobytes(), "uda/a.png", (2, 2))[1]
    "'uda/a.png' has 4 pixels with values outside 0..4 (found 7); the official scorer would silently drop them, inflating mIoU"
    """
    problem = png.header_problem(png.png_header(data), data, expected_hw)
    if problem:
        return None, f"{path!r} {problem}"
    mask = png.decode_mask(data)
    if mask is None:
        return None, f"{path!r} is not a decodable PNG (corrupt or truncated data)"
    if mask.ndim != 2 or mask.dtype != np.uint8 or mask.shape != tuple(expected_hw):
        return (
            None,
            f"{path!r} decodes to a {mask.dtype} array of shape {mask.shape}, not {tuple(expected_hw)} uint8",
        )
    if int(mask.max()) >= C.NUM_CLASSES:
        bad = mask[mask >= C.NUM_CLASSES]
        values = ", ".join(str(v) for v in np.unique(bad)[:8])
        return None, (
            f"{path!r} has {bad.size} pixels with values outside 0..{C.NUM_CLASSES - 1} (found {values}); "
            "the official scorer would silently drop them, inflating mIoU"
        )
    return mask, None


# --------------------------------------------------------------------------------------------
# The scan shared by the validator and the scorer
# --------------------------------------------------------------------------------------------

#: ``per_image(name, {track: mask}, gt_bytes)`` runs in a worker thread for each fully valid image.
PerImage = Callable[[str, dict[str, np.ndarray], bytes | None], Any]


def _check_image(
    name: str,
    blobs: dict[str, bytes],
    hw: tuple[int, int],
    gt_bytes: bytes | None,
    per_image: PerImage | None,
) -> tuple[list[str], Any]:
    """Worker: check both predictions of one image; run ``per_image`` when both are valid."""
    masks: dict[str, np.ndarray] = {}
    problems: list[str] = []
    for track, data in blobs.items():
        mask, problem = check_prediction(data, f"{track}/{name}", hw)
        if problem:
            problems.append(problem)
        else:
            masks[track] = mask
    if problems or per_image is None or len(masks) != len(C.TRACKS):
        return problems, None
    return problems, per_image(name, masks, gt_bytes)


def _read_blobs(
    zf: zipfile.ZipFile,
    by_track: dict[str, dict[str, zipfile.ZipInfo]],
    name: str,
    hw: tuple[int, int],
    problems: _Problems,
) -> dict[str, bytes]:
    """Main thread: stream one image's predictions from the zip (size-capped)."""
    blobs: dict[str, bytes] = {}
    for track in C.TRACKS:
        info = by_track[track].get(name)
        if info is None:
            continue
        if info.file_size > max_png_bytes(hw):
            problems.add(f"{info.filename!r} is {info.file_size} bytes, too large for a {hw[1]}x{hw[0]} mask")
            continue
        try:
            blobs[track] = read_member(zf, info)
        except ZipReadError as exc:
            problems.add(str(exc))
    return blobs


def _bounded_map(pool: ThreadPoolExecutor, jobs: Iterator[tuple], fn, depth: int) -> Iterator[Any]:
    """Like ``pool.map`` but with at most ``depth`` jobs in flight (bounded memory), in order."""
    pending: list[Future] = []
    for args in jobs:
        pending.append(pool.submit(fn, *args))
        if len(pending) >= depth:
            yield pending.pop(0).result()
    for fut in pending:
        yield fut.result()


def scan_submission(
    zip_path: str | Path,
    gt: GroundTruth,
    *,
    max_problems: int = 50,
    workers: int | None = None,
    progress: bool = False,
    per_image: PerImage | None = None,
) -> tuple[ValidationReport, dict[str, Any]]:
    """Validate ``zip_path`` and, for each fully valid image, run ``per_image`` in a thread.

    Returns the report and ``{image name: per_image result}``. When ``per_image`` is given,
    the ground-truth mask bytes are read (in the calling thread) and passed to it.
    """
    problems = _Problems(max_problems)
    zf, problem = open_zip(zip_path)
    if zf is None:
        problems.add(problem)
        return problems.report(0), {}
    results: dict[str, Any] = {}
    with zf:
        try:
            entries, zip_problems = inspect_zip(zf)
            dirs = {i.filename for i in zf.infolist() if i.is_dir()}
        except (zipfile.BadZipFile, ValueError) as exc:
            entries, zip_problems, dirs = [], [f"corrupt zip: {exc}"], set()
        for p in zip_problems:
            problems.add(p)
        if not entries and zip_problems:
            return problems.report(0), {}
        by_track = _layout(entries, dirs, gt, problems)
        n_images = sum(len(v) for v in by_track.values())
        names = [n for n in gt.names if any(n in by_track[t] for t in C.TRACKS)]

        def jobs():
            for name in names:
                hw = gt.size(name)
                blobs = _read_blobs(zf, by_track, name, hw, problems)
                gt_bytes = gt.read_bytes(name) if per_image is not None else None
                yield name, blobs, hw, gt_bytes, per_image

        workers = workers or os.cpu_count() or 1
        bar = _progress(len(names), progress)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for name, (image_problems, result) in zip(
                names, _bounded_map(pool, jobs(), _check_image, 2 * workers + 2), strict=True
            ):
                for p in image_problems:
                    problems.add(p)
                if result is not None:
                    results[name] = result
                bar.update(1)
        bar.close()
    return problems.report(n_images), results


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="img", desc="scoring", disable=not enabled, leave=False)


def validate_submission(
    zip_path: str | Path, gt: GroundTruth, *, max_problems: int = 50, workers: int | None = None
) -> ValidationReport:
    """Validate a submission zip against the ground truth's names and sizes. Never raises on bad input.

    ``gt`` may come from :func:`submission.groundtruth.load_ground_truth` or
    :meth:`GroundTruth.from_images`. Raises only for an unusable ground truth.
    """
    report, _ = scan_submission(zip_path, gt, max_problems=max_problems, workers=workers)
    return report
