"""Challenge rules as pure functions: quotas, phase windows, leaderboard selection and ranking.

No database and no web framework here: the server gathers plain values, these functions decide.

Quota policy (documented in docs/server.md):
    * ``queued``, ``running`` and ``scored`` submissions count (a pending one holds its slot, so
      parallel uploads cannot overrun the quota);
    * ``invalid`` (failed validation) counts only when the phase says ``count_rejected``;
    * ``failed`` (the server could not score it: crash, time limit) never counts;
    * the daily quota resets at 00:00 UTC;
    * invalid submissions have their own daily cap (``invalid_per_day``, default
      :data:`DEFAULT_INVALID_PER_DAY`): they cost no quota, but a team cannot fill the server's disk
      with them.

Example:
    >>> import datetime as dt
    >>> now = dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC)
    >>> used = [(now - dt.timedelta(hours=1), "scored"), (now - dt.timedelta(days=1), "scored")]
    >>> quota_state(QuotaPolicy(per_day=5, total=None), used, now).remaining
    4
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from zerowaste import contract

from .models import FAILED, INVALID, QUEUED, RULES, RUNNING, SCORED

#: Submissions failing validation a team may make per phase and UTC day, unless the phase says otherwise.
DEFAULT_INVALID_PER_DAY = 20


@dataclass(frozen=True)
class QuotaPolicy:
    """Per-team limits of one phase (None = unlimited)."""

    per_day: int | None = None
    total: int | None = None
    count_rejected: bool = False
    invalid_per_day: int | None = None


@dataclass(frozen=True)
class QuotaState:
    used_today: int
    used_total: int
    remaining_today: int | None
    remaining_total: int | None
    invalid_today: int = 0
    #: Invalid submissions still allowed today (None = no cap).
    remaining_invalid: int | None = None

    @property
    def remaining(self) -> int | None:
        """How many more submissions are allowed now (None = unlimited)."""
        left = [r for r in (self.remaining_today, self.remaining_total, self.remaining_invalid) if r is not None]
        return min(left) if left else None

    def refusal(self) -> str | None:
        """Why a new submission is refused, or None if it is allowed."""
        if self.remaining_total is not None and self.remaining_total <= 0:
            return f"total quota reached ({self.used_total} submissions counted in this phase)"
        if self.remaining_today is not None and self.remaining_today <= 0:
            return f"daily quota reached ({self.used_today} submissions counted today, UTC); it resets at 00:00 UTC"
        if self.remaining_invalid is not None and self.remaining_invalid <= 0:
            return (f"too many invalid submissions today ({self.invalid_today}, UTC); check the zip with "
                    "`zerowaste submission validate` before uploading; the count resets at 00:00 UTC")
        return None


def default_policy(split: str) -> QuotaPolicy:
    """The challenge's default quota for a phase split (``contract.DEFAULT_QUOTAS``).

    >>> default_policy("test")
    QuotaPolicy(per_day=None, total=5, count_rejected=False, invalid_per_day=None)
    """
    q = contract.DEFAULT_QUOTAS.get(split, {})
    return QuotaPolicy(per_day=q.get("per_day"), total=q.get("total"))


def counts_toward_quota(status: str, count_rejected: bool) -> bool:
    """Whether a submission in ``status`` uses up quota (see the module docstring)."""
    if status in (QUEUED, RUNNING, SCORED):
        return True
    if status == INVALID:
        return count_rejected
    if status == FAILED:
        return False
    raise ValueError(f"unknown submission status {status!r}")


def utc_day_start(now: dt.datetime) -> dt.datetime:
    """Midnight UTC of the day ``now`` falls in."""
    now = now.astimezone(dt.UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def quota_state(policy: QuotaPolicy, submissions: Iterable[tuple[dt.datetime, str]], now: dt.datetime) -> QuotaState:
    """Quota use of one team in one phase from its submissions' ``(created_at, status)``."""
    day_start = utc_day_start(now)
    submissions = list(submissions)
    counted = [created for created, status in submissions if counts_toward_quota(status, policy.count_rejected)]
    used_total = len(counted)
    used_today = sum(1 for created in counted if created >= day_start)
    invalid_today = sum(1 for created, status in submissions if status == INVALID and created >= day_start)
    cap = policy.invalid_per_day
    return QuotaState(
        used_today=used_today,
        used_total=used_total,
        remaining_today=None if policy.per_day is None else max(policy.per_day - used_today, 0),
        remaining_total=None if policy.total is None else max(policy.total - used_total, 0),
        invalid_today=invalid_today,
        remaining_invalid=None if cap is None else max(cap - invalid_today, 0),
    )


def phase_window_error(opens_at: dt.datetime | None, closes_at: dt.datetime | None, now: dt.datetime) -> str | None:
    """Why the phase does not accept submissions at ``now``, or None if it is open."""
    if opens_at is not None and now < opens_at:
        return f"phase opens at {opens_at.isoformat()}"
    if closes_at is not None and now >= closes_at:
        return f"phase closed at {closes_at.isoformat()}"
    return None


def leaderboard_visible(hidden_until_close: bool, closes_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the public may see a phase's leaderboard (the host always may)."""
    if not hidden_until_close:
        return True
    return closes_at is not None and now >= closes_at


@dataclass(frozen=True)
class Candidate:
    """A scored, not disqualified submission, as the leaderboard sees it."""

    team: str
    submission_id: int
    method_name: str
    created_at: dt.datetime
    selected: bool
    #: The scorer's per-track dict without confusion matrices: {"mIoU", "Acc", "aAcc", "IoU": {...}}.
    scores: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    rank: int
    team: str
    submission_id: int
    method_name: str
    created_at: dt.datetime
    mIoU: float | None
    Acc: float | None
    IoU: dict[str, float | None]


def _num(x) -> float:
    """Sort key for a metric: missing or NaN sorts last."""
    return -math.inf if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _key(c: Candidate, track: str) -> tuple[float, float]:
    s = c.scores.get(track, {})
    return (_num(s.get("mIoU")), _num(s.get("Acc")))


def pick(candidates: Sequence[Candidate], rule: str, track: str) -> Candidate | None:
    """The submission of one team that the phase's rule puts on the leaderboard.

    ``best``: highest mIoU of ``track`` (ties: Acc, then the earlier one); ``latest``: the newest;
    ``selected``: the one the team selected, else its newest.
    """
    if rule not in RULES:
        raise ValueError(f"unknown leaderboard rule {rule!r}; known: {', '.join(RULES)}")
    if not candidates:
        return None
    if rule == "best":
        return max(candidates, key=lambda c: (*_key(c, track), -c.created_at.timestamp(), -c.submission_id))
    if rule == "selected":
        chosen = [c for c in candidates if c.selected]
        if chosen:
            return max(chosen, key=lambda c: (c.created_at, c.submission_id))
    return max(candidates, key=lambda c: (c.created_at, c.submission_id))


def build_leaderboard(candidates: Iterable[Candidate], rule: str, track: str = contract.RANKING_TRACK) -> list[Row]:
    """One row per team, ranked by ``track`` mIoU then Acc; equal scores share a rank (1, 1, 3)."""
    if track not in contract.TRACKS:
        raise ValueError(f"unknown track {track!r}; known: {', '.join(contract.TRACKS)}")
    by_team: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_team.setdefault(c.team, []).append(c)
    picked = [p for p in (pick(cs, rule, track) for cs in by_team.values()) if p is not None]
    picked.sort(key=lambda c: (*(-v for v in _key(c, track)), c.team))
    rows: list[Row] = []
    for i, c in enumerate(picked):
        rank = rows[-1].rank if rows and _key(c, track) == _key(picked[i - 1], track) else i + 1
        s = c.scores.get(track, {})
        iou = s.get("IoU", {})
        rows.append(Row(rank, c.team, c.submission_id, c.method_name, c.created_at, s.get("mIoU"), s.get("Acc"),
                        {name: iou.get(name) for name in contract.CLASS_NAMES}))
    return rows
