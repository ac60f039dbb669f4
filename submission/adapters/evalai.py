"""EvalAI evaluation script: ``evaluate(test_annotation_file, user_submission_file, phase_codename)``.

Upload this module (with the kit installed in the worker image) as the challenge's evaluation
script. ``test_annotation_file`` is the ground truth of the phase: a zip of masks, or the
organizers' zip with ``val/`` and ``test/`` folders (then the phase codename picks the folder:
``dev``/``val``/``development`` -> ``val``, ``test``/``final``/``challenge`` -> ``test``). The
result lists one dataset split per track, ``<phase>_source_only`` and ``<phase>_uda``, with the
columns of :func:`zerowaste.submission.adapters.leaderboard_row` (percent). An invalid submission raises an
exception carrying every problem, which EvalAI shows to the participant.

Example (EvalAI calls it like this):
    >>> evaluate("gt.zip", "submission.zip", "test")  # doctest: +SKIP
    {'result': [{'test_source_only': {'mIoU': 45.49, ...}}, {'test_uda': {...}}], 'submission_result': {...}}
"""

from __future__ import annotations

from typing import Any

from zerowaste.submission.adapters import leaderboard_row
from zerowaste.submission.groundtruth import GroundTruthError, available_phases, load_ground_truth
from zerowaste.submission.scoring import score_submission

#: EvalAI phase codenames -> the kit's phases.
PHASE_ALIASES: dict[str, str] = {
    "val": "val",
    "dev": "val",
    "development": "val",
    "test": "test",
    "final": "test",
    "challenge": "test",
}


def resolve_phase(test_annotation_file: str, phase_codename: str) -> str | None:
    """The ground-truth phase folder to use, or None for a single-phase annotation file."""
    if not available_phases(test_annotation_file):
        return None
    phase = PHASE_ALIASES.get(phase_codename.lower())
    if phase is None:
        raise GroundTruthError(
            f"phase codename {phase_codename!r} maps to no ground-truth folder; "
            f"known codenames: {', '.join(PHASE_ALIASES)}"
        )
    return phase


def evaluate(
    test_annotation_file: str, user_submission_file: str, phase_codename: str, **kwargs: Any
) -> dict:
    """Score one submission for EvalAI (see module docs); raises on an invalid submission."""
    gt = load_ground_truth(test_annotation_file, resolve_phase(test_annotation_file, phase_codename))
    result = score_submission(user_submission_file, gt, workers=kwargs.get("workers"))
    splits = [{f"{phase_codename}_{track}": leaderboard_row(m)} for track, m in result.items()]
    submission_result = {k: v for split in splits for k, v in split.items()}
    print(
        f"Scored {len(gt)} images per track: "
        + ", ".join(f"{k} mIoU {v['mIoU']}" for k, v in submission_result.items())
    )
    return {"result": splits, "submission_result": submission_result}
