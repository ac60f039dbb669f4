"""Codabench scoring program: ``python3 score.py INPUT_DIR OUTPUT_DIR``.

Reads the ground truth from ``INPUT_DIR/ref`` (a folder of masks, optionally ``sem_seg/``, or one
ground-truth zip) and the participant's submission from ``INPUT_DIR/res`` (Codabench unzips it:
``source_only/`` and ``uda/``; a single ``.zip`` there is used as is). Writes
``OUTPUT_DIR/scores.json`` (flat leaderboard keys such as ``uda_mIoU``, percent) and
``OUTPUT_DIR/details.json`` (the full result, fractions and confusion matrices). An invalid
submission prints every problem to stderr and exits with status 1.

Example:
    $ python3 submission/adapters/codabench/score.py /app/input /app/output
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from zerowaste.errors import ZeroWasteError
from zerowaste.io import write_json_atomic
from zerowaste.submission.adapters import leaderboard_row
from zerowaste.submission.groundtruth import GroundTruthError, load_ground_truth
from zerowaste.submission.scoring import score_submission
from zerowaste.submission.validate import SubmissionInvalid


class UnsafeSubmission(ZeroWasteError):
    """The unzipped submission holds something a zip must not (a symbolic link)."""


def rezip(folder: Path, out: Path) -> Path:
    """Store ``folder``'s tree in the zip ``out`` (no compression), so the zip validator applies."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for root, dirs, files in os.walk(folder):
            for name in sorted(dirs) + sorted(files):
                path = Path(root) / name
                arc = path.relative_to(folder).as_posix()
                if path.is_symlink():
                    raise UnsafeSubmission(f"submission entry {arc!r} is a symbolic link")
                if path.is_dir():
                    zf.writestr(arc + "/", b"")
                else:
                    zf.write(path, arc)
    return out


def _reference(ref: Path) -> Path:
    zips = list(ref.glob("*.zip"))
    return zips[0] if len(zips) == 1 and len(list(ref.iterdir())) == 1 else ref


def run(input_dir: Path, output_dir: Path) -> dict:
    """Score ``input_dir/res`` against ``input_dir/ref``; write and return the flat scores."""
    gt = load_ground_truth(_reference(input_dir / "ref"))
    res = input_dir / "res"
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        single = list(res.iterdir()) if res.is_dir() else []
        if len(single) == 1 and single[0].suffix.lower() == ".zip" and single[0].is_file():
            sub = single[0]
        else:
            sub = rezip(res, Path(tmp) / "submission.zip")
        result = score_submission(sub, gt)
    scores = {f"{track}_{key}": v for track, m in result.items() for key, v in leaderboard_row(m).items()}
    write_json_atomic(output_dir / "scores.json", scores, indent=2)
    write_json_atomic(output_dir / "details.json", result, indent=2)
    return scores


def main(argv: list[str]) -> int:
    input_dir = Path(argv[1] if len(argv) > 1 else "/app/input")
    output_dir = Path(argv[2] if len(argv) > 2 else "/app/output")
    try:
        scores = run(input_dir, output_dir)
    except SubmissionInvalid as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (UnsafeSubmission, GroundTruthError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(scores, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
