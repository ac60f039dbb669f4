"""The submission validator: every problem of a zip, in one clear report (capped).

Checks, in order: the zip itself (not a zip, corrupt, zip-bomb caps, unsafe or special entries,
encryption), its layout (exactly ``source_only/`` and ``uda/``, no nested folders, no stray
files, one prediction per ground-truth image named exactly like it, no duplicates even up to
case), then every PNG (signature, size from the ground truth, 8-bit single-channel, decodable,
values 0..4). Values outside 0..4 are rejected: the official scorer silently drops such pixels,
which inflates mIoU.

Entries are streamed from the zip into memory; nothing is extracted. Decoding runs on worker
threads that each stream their own images from the zip (OpenCV releases the GIL).
:func:`scan_submission` is shared with the scorer, so a submission is decoded once whether it is
only validated or also scored.

Example:
    >>> report = validate_submission("/nonexistent.zip", None)
    >>> report.ok, report.problems
    (False, ['cannot open the file: /nonexistent.zip does not exist'])
"""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from zerowaste import contract as C
from zerowaste.errors import ZeroWasteError
from zerowaste.submission import png
from zerowaste.submission.groundtruth import GroundTruth
from zerowaste.submission.zipread import ZipReadError, inspect_zip, open_zip, read_member

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


class SubmissionInvalid(ZeroWasteError):
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
    for d in sorted(dirs):  # folder entries: only the track folders themselves are allowed
        parts = PurePosixPath(d).parts
        if parts[0] not in C.TRACKS and parts[0] not in reported_tops:
            reported_tops.add(parts[0])
            problems.add(_unexpected_top(parts[0], is_file=False))
        elif parts[0] in C.TRACKS and len(parts) > 1:
            problems.add(f"nested folder: {d!r} (predictions must sit directly in {parts[0]}/)")
    for info in entries:
        parts = PurePosixPath(info.filename).parts
        top = parts[0]
        if top not in C.TRACKS:
            if top not in reported_tops:
                reported_tops.add(top)
                problems.add(_unexpected_top(top, is_file=len(parts) == 1))
            continue
        if len(parts) == 1:
            problems.add(f"{top!r} is a file; it must be a folder of PNGs")
            continue
        if len(parts) > 2:
            if PurePosixPath(*parts[:2]).as_posix() + "/" not in dirs:
                problems.add(f"nested folder: {info.filename!r} (predictions must sit directly in {top}/)")
            continue
        track, name = parts
        if name in by_track[track]:
            problems.add(f"duplicate entry {info.filename!r}")
            continue
        key = (track, name.lower())
        if key in lower_seen:
            problems.add(f"{track + '/' + lower_seen[key]!r} and {info.filename!r} differ only in case")
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


def _read_blobs(
    zf: zipfile.ZipFile,
    by_track: dict[str, dict[str, zipfile.ZipInfo]],
    name: str,
    hw: tuple[int, int],
    problems: list[str],
) -> dict[str, bytes]:
    """Stream one image's predictions from the zip (size-capped); problems are appended."""
    blobs: dict[str, bytes] = {}
    for track in C.TRACKS:
        info = by_track[track].get(name)
        if info is None:
            continue
        if info.file_size > max_png_bytes(hw):
            problems.append(
                f"{info.filename!r} is {info.file_size} bytes, too large for a {hw[1]}x{hw[0]} mask"
            )
            continue
        try:
            blobs[track] = read_member(zf, info)
        except ZipReadError as exc:
            problems.append(str(exc))
    return blobs


def _process_image(
    zf: zipfile.ZipFile,
    by_track: dict[str, dict[str, zipfile.ZipInfo]],
    name: str,
    hw: tuple[int, int],
    gt: GroundTruth,
    per_image: PerImage | None,
) -> tuple[list[str], Any]:
    """Worker: read and check both predictions of one image; run ``per_image`` when both are valid."""
    problems: list[str] = []
    masks: dict[str, np.ndarray] = {}
    for track, data in _read_blobs(zf, by_track, name, hw, problems).items():
        mask, problem = check_prediction(data, f"{track}/{name}", hw)
        if problem:
            problems.append(problem)
        else:
            masks[track] = mask
    if problems or per_image is None or len(masks) != len(C.TRACKS):
        return problems, None
    return problems, per_image(name, masks, gt.read_bytes(name))


def _run_workers(zip_path: str | Path, names: list[str], work: Callable, workers: int, bar) -> dict[str, Any]:
    """Run ``work(zipfile, name)`` for every name on ``workers`` threads, each with its own zip handle.

    Threads pull names from a shared iterator (no per-image hand-off through the main thread, which
    costs scheduler latency on a busy machine). The first exception stops the others and is raised.
    """
    queue = iter(names)
    lock = threading.Lock()
    stop = threading.Event()
    out: dict[str, Any] = {}

    def worker() -> None:
        with zipfile.ZipFile(zip_path) as zf:
            while not stop.is_set():
                with lock:
                    name = next(queue, None)
                if name is None:
                    return
                try:
                    out[name] = work(zf, name)
                except BaseException:
                    stop.set()
                    raise
                bar.update(1)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(worker) for _ in range(max(1, min(workers, len(names))))]
    for fut in futures:
        fut.result()
    return out


def scan_submission(
    zip_path: str | Path,
    gt: GroundTruth,
    *,
    max_problems: int = 50,
    workers: int | None = None,
    progress: bool = False,
    per_image: PerImage | None = None,
) -> tuple[ValidationReport, dict[str, Any]]:
    """Validate ``zip_path`` and, for each fully valid image, run ``per_image`` in a worker thread.

    Returns the report and ``{image name: per_image result}``; ``per_image`` receives the decoded
    predictions of both tracks and the raw ground-truth mask bytes. Problems are reported in a
    fixed order: zip, layout, then image by image in ground-truth order.
    """
    problems = _Problems(max_problems)
    zf, problem = open_zip(zip_path)
    if zf is None:
        problems.add(problem)
        return problems.report(0), {}
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
    sizes = {n: gt.size(n) for n in names}

    def work(zf_: zipfile.ZipFile, name: str) -> tuple[list[str], Any]:
        return _process_image(zf_, by_track, name, sizes[name], gt, per_image)

    bar = _progress(len(names), progress)
    try:
        done = _run_workers(zip_path, names, work, workers or os.cpu_count() or 1, bar)
    finally:
        bar.close()
    results: dict[str, Any] = {}
    for name in names:
        image_problems, result = done[name]
        for p in image_problems:
            problems.add(p)
        if result is not None:
            results[name] = result
    return problems.report(n_images), results


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="img", desc="scoring", disable=not enabled, leave=False)


def validate_submission(
    zip_path: str | Path, gt: GroundTruth, *, max_problems: int = 50, workers: int | None = None
) -> ValidationReport:
    """Validate a submission zip against the ground truth's names and sizes. Never raises on bad input.

    ``gt`` may come from :func:`zerowaste.submission.groundtruth.load_ground_truth` or
    :meth:`GroundTruth.from_images`. Raises only for an unusable ground truth.
    """
    report, _ = scan_submission(zip_path, gt, max_problems=max_problems, workers=workers)
    return report
