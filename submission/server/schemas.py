"""The JSON shapes of the API, as Pydantic models: they make ``/openapi.json`` describe what the server
really answers, so a client generated from it works (and schemathesis checks every answer against them).

The service layer builds plain dicts (:func:`~zerowaste.submission.server.service.submission_view`, ...);
FastAPI validates them against these models on the way out.

Example:
    >>> Problem(detail="quota exceeded").model_dump()
    {'detail': 'quota exceeded'}
    >>> sorted(error_responses(401, 404))
    [401, 404]
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .models import STATUSES

Status = Literal[STATUSES]  # type: ignore[valid-type]


class Problem(BaseModel):
    """Every error answer: one sentence saying what is wrong."""

    detail: str | list[Any] = Field(description="What is wrong (a list of field errors for 422).")


#: What each error status means on this API (documented on every operation that can answer it).
ERRORS: dict[int, str] = {
    400: "The request is malformed (e.g. not a zip, a missing form field, a bad multipart body).",
    401: "Missing, invalid or revoked token: send `Authorization: Bearer <token>`.",
    403: "The token may not do this (team vs. admin token), the phase is not open, or the board is hidden.",
    404: "No such phase, track or submission for this token.",
    408: "The upload stalled: no data for `--upload-timeout` seconds.",
    409: "The submission is not in a state that allows this.",
    413: "The upload is larger than the server's limit.",
    415: "The body is not `multipart/form-data`.",
    429: "Quota used up, too many invalid submissions today, or too many uploads in progress.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry of an operation that may answer the given error statuses."""
    return {code: {"model": Problem, "description": ERRORS[code]} for code in codes}


class Health(BaseModel):
    ok: bool
    schema_revision: str | None


class PhaseView(BaseModel):
    name: str
    split: str
    opens_at: str | None
    closes_at: str | None
    per_day: int | None
    total: int | None
    rule: str
    hidden_until_close: bool
    count_rejected: bool
    invalid_per_day: int | None


class Accepted(BaseModel):
    id: int
    status: Status
    phase: str
    remaining: int | None = Field(description="Submissions still allowed now (null: unlimited).")


class SubmissionView(BaseModel):
    id: int
    team: str
    phase: str
    method_name: str
    filename: str
    size_bytes: int
    status: Status
    created_at: str
    scored_at: str | None
    scores: dict[str, dict[str, Any]] | None = Field(description="Per track: mIoU, Acc, aAcc, IoU per class.")
    problems: list[str]
    error: str | None
    selected: bool
    disqualified: bool
    counts_toward_quota: bool
    attempts: int | None = Field(None, description="Host only.")
    worker: str | None = Field(None, description="Host only.")


class QuotaView(BaseModel):
    phase: str
    per_day: int | None
    total: int | None
    used_today: int
    used_total: int
    remaining: int | None
    invalid_today: int = Field(description="Submissions that failed validation today (UTC).")
    invalid_per_day: int | None = Field(description="Cap on invalid submissions per UTC day (null: none).")
    open: bool
    resets_at: str


class LeaderboardRow(BaseModel):
    rank: int
    team: str
    submission_id: int
    method_name: str
    created_at: str
    mIoU: float | None
    Acc: float | None
    IoU: dict[str, float | None]


class Leaderboard(BaseModel):
    phase: str
    track: str
    rule: str
    ranked_by: str
    classes: list[str]
    rows: list[LeaderboardRow]


class FailedJob(BaseModel):
    id: int
    team: str
    phase: str
    attempts: int
    error: str | None
    updated_at: str


class Queue(BaseModel):
    queued: int
    running: int
    scored: int
    invalid: int
    failed: int
    failed_jobs: list[FailedJob] = Field(description="The most recent failed jobs, newest first.")


class Rescored(BaseModel):
    id: int
    status: Status


class Disqualified(BaseModel):
    id: int
    disqualified: bool
