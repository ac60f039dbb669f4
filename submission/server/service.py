"""Database operations shared by the web app, the admin commands and the worker.

Each function opens its own transaction on an engine; the rules themselves live in
:mod:`zerowaste.submission.server.rules` (pure functions). The one delicate function is :func:`insert_submission`:
it checks the quota and inserts the row in ONE write transaction that holds under concurrent uploads
(``BEGIN IMMEDIATE`` on SQLite; the team row locked ``FOR UPDATE`` on PostgreSQL).

Example:
    >>> from zerowaste.submission.server.db import make_engine, upgrade
    >>> engine = make_engine("sqlite:///:memory:"); upgrade(engine)
    >>> create_phase(engine, "val").per_day
    5
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from zerowaste import contract
from zerowaste.errors import ZeroWasteError
from zerowaste.io import csv_text

from . import rules
from .auth import hash_token, new_token, token_prefix
from .db import read_session, write_session
from .models import (
    FAILED,
    INVALID,
    QUEUED,
    RULES,
    RUNNING,
    SCORED,
    Event,
    Phase,
    Submission,
    Team,
    Token,
    utcnow,
)


class ServiceError(ZeroWasteError):
    """A request the rules refuse; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------------------------------ helpers


def clean_json(value: Any) -> Any:
    """Make a scorer result JSON-safe: numpy -> Python, NaN/inf -> None.

    >>> clean_json({"a": float("nan"), "b": [1.5]})
    {'a': None, 'b': [1.5]}
    """
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return clean_json(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def public_scores(result: dict | None) -> dict | None:
    """A scorer result without confusion matrices (their row sums would reveal ground truth)."""
    if result is None:
        return None
    return {track: {k: v for k, v in scores.items() if k != "confusion"}
            for track, scores in result.items() if isinstance(scores, dict)}


def _policy(phase: Phase) -> rules.QuotaPolicy:
    return rules.QuotaPolicy(per_day=phase.per_day, total=phase.total, count_rejected=phase.count_rejected,
                             invalid_per_day=phase.invalid_per_day)


#: Submission ids are 32-bit integers (PostgreSQL ``integer``); larger or negative ids cannot exist.
MAX_ID = 2**31 - 1


def _submission(session, submission_id: int, team_id: int | None = None) -> Submission:
    """The submission ``submission_id`` (of ``team_id`` if given), or a 404 :class:`ServiceError`.

    Ids outside the database's integer range answer the same 404 instead of overflowing the driver.
    """
    sub = session.get(Submission, submission_id) if 0 < submission_id <= MAX_ID else None
    if sub is None or (team_id is not None and sub.team_id != team_id):
        raise ServiceError(f"no submission {submission_id}{'' if team_id is None else ' for this token'}", 404)
    return sub


def _log(session, action: str, detail: str, submission_id: int | None = None) -> None:
    """Record an event. ``detail`` may be a host's free text: NUL characters are dropped (PostgreSQL's
    text type cannot hold them; found by schemathesis as a 500 on ``disqualify?reason=%00``)."""
    session.add(Event(action=action, detail=detail.replace("\x00", ""), submission_id=submission_id))


# ------------------------------------------------------------------------------------------ phases / teams / tokens


def create_phase(engine: Engine, name: str, *, split: str | None = None, opens_at: dt.datetime | None = None,
                 closes_at: dt.datetime | None = None, per_day: int | None = -1, total: int | None = -1,
                 rule: str = "best", hidden_until_close: bool = False, count_rejected: bool = False,
                 invalid_per_day: int | None = rules.DEFAULT_INVALID_PER_DAY) -> Phase:
    """Create a phase; ``split`` defaults to ``name``; quotas left at -1 take ``contract.DEFAULT_QUOTAS``."""
    split = split or name
    if split not in contract.PHASES:
        raise ServiceError(f"split must be one of {', '.join(contract.PHASES)}, got {split!r}")
    if rule not in RULES:
        raise ServiceError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    default = rules.default_policy(split)
    with write_session(engine) as s:
        if s.scalar(select(Phase).where(Phase.name == name)) is not None:
            raise ServiceError(f"phase {name!r} already exists", 409)
        phase = Phase(name=name, split=split, opens_at=opens_at, closes_at=closes_at,
                      per_day=default.per_day if per_day == -1 else per_day,
                      total=default.total if total == -1 else total, rule=rule,
                      hidden_until_close=hidden_until_close, count_rejected=count_rejected,
                      invalid_per_day=invalid_per_day)
        s.add(phase)
    return phase


def update_phase(engine: Engine, name: str, **changes: Any) -> Phase:
    """Change a phase's times, quotas, rule or visibility (only the keys given)."""
    allowed = {"opens_at", "closes_at", "per_day", "total", "rule", "hidden_until_close", "count_rejected",
               "invalid_per_day"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(f"cannot change {', '.join(sorted(unknown))}")
    if "rule" in changes and changes["rule"] not in RULES:
        raise ServiceError(f"rule must be one of {', '.join(RULES)}")
    with write_session(engine) as s:
        phase = get_phase(s, name)
        for key, value in changes.items():
            setattr(phase, key, value)
        phase.updated_at = utcnow()
        _log(s, "phase-update", f"{name}: {sorted(changes)}")
    return phase


def get_phase(session, name: str) -> Phase:
    phase = session.scalar(select(Phase).where(Phase.name == name))
    if phase is None:
        known = ", ".join(session.scalars(select(Phase.name).order_by(Phase.id))) or "none"
        raise ServiceError(f"unknown phase {name!r}; known: {known}", 404)
    return phase


def list_phases(engine: Engine) -> list[Phase]:
    with read_session(engine) as s:
        return list(s.scalars(select(Phase).order_by(Phase.id)))


def create_team(engine: Engine, name: str) -> Team:
    name = name.strip()
    if not name or len(name) > 100:
        raise ServiceError("team name must be 1..100 characters")
    with write_session(engine) as s:
        if s.scalar(select(Team).where(Team.name == name)) is not None:
            raise ServiceError(f"team {name!r} already exists", 409)
        team = Team(name=name)
        s.add(team)
    return team


def list_teams(engine: Engine) -> list[Team]:
    with read_session(engine) as s:
        return list(s.scalars(select(Team).order_by(Team.id)))


def issue_token(engine: Engine, team: str | None = None, *, admin: bool = False) -> str:
    """Issue a token for ``team`` (or a host token with ``admin``); returns the plain token (shown once)."""
    if (team is None) == (not admin):
        raise ServiceError("give either a team or admin=True")
    plain, digest = new_token()
    with write_session(engine) as s:
        team_id = None
        if team is not None:
            row = s.scalar(select(Team).where(Team.name == team))
            if row is None:
                raise ServiceError(f"unknown team {team!r}", 404)
            team_id = row.id
        s.add(Token(team_id=team_id, is_admin=admin, token_hash=digest, prefix=token_prefix(plain)))
        _log(s, "token-issue", f"{'admin' if admin else team} {token_prefix(plain)}")
    return plain


def revoke_token(engine: Engine, prefix_or_plain: str) -> int:
    """Revoke tokens by their listed prefix (or the full token); returns how many were revoked."""
    with write_session(engine) as s:
        if len(prefix_or_plain) > 16:
            toks = list(s.scalars(select(Token).where(Token.token_hash == hash_token(prefix_or_plain))))
        else:
            toks = list(s.scalars(select(Token).where(Token.prefix == prefix_or_plain)))
        for t in toks:
            if t.revoked_at is None:
                t.revoked_at = utcnow()
        _log(s, "token-revoke", prefix_or_plain[:16])
        return len(toks)


def list_tokens(engine: Engine) -> list[dict]:
    with read_session(engine) as s:
        return [{"prefix": t.prefix, "team": t.team.name if t.team else None, "admin": t.is_admin,
                 "created_at": t.created_at.isoformat(), "revoked": t.revoked_at is not None}
                for t in s.scalars(select(Token).order_by(Token.id))]


@dataclass(frozen=True)
class Identity:
    """Who is calling: a team (``team_id``) or the host (``is_admin``)."""

    team_id: int | None
    team_name: str | None
    is_admin: bool


def authenticate(engine: Engine, plain: str | None) -> Identity | None:
    """The identity of a token, or None if it is missing, unknown or revoked."""
    if not plain:
        return None
    with read_session(engine) as s:
        tok = s.scalar(select(Token).where(Token.token_hash == hash_token(plain)))
        if tok is None or tok.revoked_at is not None:
            return None
        return Identity(tok.team_id, tok.team.name if tok.team else None, tok.is_admin)


# ------------------------------------------------------------------------------------------ submissions


def _quota(s, team_id: int, phase: Phase, now: dt.datetime) -> rules.QuotaState:
    rows = s.execute(select(Submission.created_at, Submission.status)
                     .where(Submission.team_id == team_id, Submission.phase_id == phase.id)).all()
    return rules.quota_state(_policy(phase), [(r[0], r[1]) for r in rows], now)


def insert_submission(engine: Engine, team_id: int, phase_name: str, *, method_name: str, original_filename: str,
                      size_bytes: int, publish: Callable[[], str], now: dt.datetime | None = None) -> dict:
    """Check the phase window and quota, then insert the row — one transaction.

    ``publish`` moves the uploaded file into the store and returns its stored name; it runs inside
    the transaction, just before the commit (see :mod:`zerowaste.submission.server.store`).
    """
    now = now or utcnow()
    with write_session(engine) as s:
        # PostgreSQL: serialize this team's uploads on its row; SQLite: BEGIN IMMEDIATE already did.
        s.execute(select(Team.id).where(Team.id == team_id).with_for_update())
        phase = get_phase(s, phase_name)
        why = rules.phase_window_error(phase.opens_at, phase.closes_at, now)
        if why:
            raise ServiceError(f"phase {phase.name!r} is not open: {why}", 403)
        quota = _quota(s, team_id, phase, now)
        refusal = quota.refusal()
        if refusal:
            raise ServiceError(f"quota exceeded for phase {phase.name!r}: {refusal}", 429)
        sub = Submission(team_id=team_id, phase_id=phase.id, method_name=method_name,
                         original_filename=original_filename, file_name=publish(), size_bytes=size_bytes,
                         created_at=now, status=QUEUED)
        s.add(sub)
        s.flush()
        remaining = quota.remaining
        return {"id": sub.id, "status": sub.status, "phase": phase.name,
                "remaining": None if remaining is None else remaining - 1}


def precheck_submission(engine: Engine, team_id: int, phase_name: str, now: dt.datetime | None = None) -> None:
    """Refuse early (before the file is transferred) when the phase is closed or the quota used up.

    Advisory only: :func:`insert_submission` checks again in the transaction that counts.
    """
    now = now or utcnow()
    with read_session(engine) as s:
        phase = get_phase(s, phase_name)
        why = rules.phase_window_error(phase.opens_at, phase.closes_at, now)
        if why:
            raise ServiceError(f"phase {phase.name!r} is not open: {why}", 403)
        refusal = _quota(s, team_id, phase, now).refusal()
        if refusal:
            raise ServiceError(f"quota exceeded for phase {phase.name!r}: {refusal}", 429)


def submission_view(sub: Submission, *, host: bool = False) -> dict:
    """What an API caller sees of a submission (the host additionally sees confusion matrices)."""
    result = json.loads(sub.result) if sub.result else None
    return {
        "id": sub.id, "team": sub.team.name, "phase": sub.phase.name, "method_name": sub.method_name,
        "filename": sub.original_filename, "size_bytes": sub.size_bytes, "status": sub.status,
        "created_at": sub.created_at.isoformat(), "scored_at": sub.scored_at.isoformat() if sub.scored_at else None,
        "scores": result if host else public_scores(result),
        "problems": json.loads(sub.problems) if sub.problems else [], "error": sub.error,
        "selected": sub.selected, "disqualified": sub.disqualified,
        "counts_toward_quota": rules.counts_toward_quota(sub.status, sub.phase.count_rejected),
        **({"attempts": sub.attempts, "worker": sub.worker} if host else {}),
    }


def team_submissions(engine: Engine, team_id: int, phase: str | None = None) -> list[dict]:
    with read_session(engine) as s:
        q = select(Submission).where(Submission.team_id == team_id)
        if phase is not None:
            q = q.where(Submission.phase_id == get_phase(s, phase).id)
        return [submission_view(x) for x in s.scalars(q.order_by(Submission.id.desc()))]


def get_submission(engine: Engine, submission_id: int, ident: Identity) -> dict:
    """One submission; a team asking for another team's id gets the same 404 as for a missing id."""
    with read_session(engine) as s:
        sub = _submission(s, submission_id, None if ident.is_admin else ident.team_id)
        return submission_view(sub, host=ident.is_admin)


def select_submission(engine: Engine, submission_id: int, team_id: int) -> dict:
    """Mark one scored submission as the team's choice for its phase (rule ``selected``)."""
    with write_session(engine) as s:
        sub = _submission(s, submission_id, team_id)
        if sub.status != SCORED:
            raise ServiceError(f"submission {submission_id} is {sub.status}; only scored ones can be selected", 409)
        for other in s.scalars(select(Submission).where(Submission.team_id == team_id,
                                                        Submission.phase_id == sub.phase_id,
                                                        Submission.selected.is_(True))):
            other.selected = False
        sub.selected = True
        return submission_view(sub)


def team_quotas(engine: Engine, team_id: int, now: dt.datetime | None = None) -> list[dict]:
    """Remaining quota of a team in every phase."""
    now = now or utcnow()
    with read_session(engine) as s:
        out = []
        for phase in s.scalars(select(Phase).order_by(Phase.id)):
            q = _quota(s, team_id, phase, now)
            out.append({"phase": phase.name, "per_day": phase.per_day, "total": phase.total,
                        "used_today": q.used_today, "used_total": q.used_total, "remaining": q.remaining,
                        "invalid_today": q.invalid_today, "invalid_per_day": phase.invalid_per_day,
                        "open": rules.phase_window_error(phase.opens_at, phase.closes_at, now) is None,
                        "resets_at": (rules.utc_day_start(now) + dt.timedelta(days=1)).isoformat()})
        return out


def phase_view(phase: Phase) -> dict:
    return {"name": phase.name, "split": phase.split, "opens_at": phase.opens_at and phase.opens_at.isoformat(),
            "closes_at": phase.closes_at and phase.closes_at.isoformat(), "per_day": phase.per_day,
            "total": phase.total, "rule": phase.rule, "hidden_until_close": phase.hidden_until_close,
            "count_rejected": phase.count_rejected, "invalid_per_day": phase.invalid_per_day}


# ------------------------------------------------------------------------------------------ leaderboard


#: Public leaderboards are served from memory and re-checked against the database at most this often (s).
LEADERBOARD_MAX_AGE = 0.5


@dataclass
class CachedBoard:
    """A computed leaderboard, its JSON bytes, and renderings other layers attach (e.g. the HTML page)."""

    version: tuple
    board: dict
    json: bytes
    hidden_until_close: bool
    closes_at: dt.datetime | None
    checked_at: float = 0.0  # time.monotonic() of the last version check
    extras: dict[str, Any] = field(default_factory=dict)


class LeaderboardCache:
    """Leaderboards recomputed only when a phase or its submissions change.

    Each request costs one small query (phase row + count and newest ``updated_at`` of its
    submissions); the board, its JSON and its page are built once per change.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], CachedBoard] = {}

    def recent(self, phase_name: str, track: str, max_age: float, now: dt.datetime | None = None) -> CachedBoard | None:
        """The public board if it was checked against the database less than ``max_age`` s ago, else None.

        No database access: this is the fast path for anonymous readers (a board may lag by ``max_age``).
        """
        hit = self._cache.get((phase_name, track))
        if hit is None or time.monotonic() - hit.checked_at >= max_age:
            return None
        if not rules.leaderboard_visible(hit.hidden_until_close, hit.closes_at, now or utcnow()):
            return None
        return hit

    def lookup(self, engine: Engine, phase_name: str, track: str, *, host: bool = False,
               now: dt.datetime | None = None) -> CachedBoard:
        """The cached leaderboard of a phase and track; hidden phases raise 403 unless ``host``."""
        if track not in contract.TRACKS:
            raise ServiceError(f"unknown track {track!r}; known: {', '.join(contract.TRACKS)}", 404)
        now = now or utcnow()
        n_subs = select(func.count(Submission.id)).where(Submission.phase_id == Phase.id).scalar_subquery()
        last = select(func.max(Submission.updated_at)).where(Submission.phase_id == Phase.id).scalar_subquery()
        with engine.connect() as conn:
            row = conn.execute(select(Phase.updated_at, Phase.hidden_until_close, Phase.closes_at, n_subs, last)
                               .where(Phase.name == phase_name)).first()
        if row is None:
            with read_session(engine) as s:
                get_phase(s, phase_name)  # raises the 404 with the known names
        updated_at, hidden, closes_at, count, last_change = row
        if not host and not rules.leaderboard_visible(hidden, closes_at, now):
            raise ServiceError(f"the leaderboard of phase {phase_name!r} is hidden until the phase closes", 403)
        version = (updated_at, count, last_change)
        hit = self._cache.get((phase_name, track))
        if hit is not None and hit.version == version:
            hit.checked_at = time.monotonic()
            return hit
        with read_session(engine) as s:
            board = compute_leaderboard(s, get_phase(s, phase_name), track)
        entry = CachedBoard(version, board, json.dumps(board).encode(), hidden, closes_at, time.monotonic())
        self._cache[(phase_name, track)] = entry
        return entry

    def get(self, engine: Engine, phase_name: str, track: str, *, host: bool = False,
            now: dt.datetime | None = None) -> dict:
        """The leaderboard document (see :meth:`lookup`)."""
        return self.lookup(engine, phase_name, track, host=host, now=now).board


def compute_leaderboard(session, phase: Phase, track: str) -> dict:
    """Build the leaderboard document of one phase and track from the database.

    A submission being re-scored (``queued``/``running`` with a result) keeps its published score
    until the new one lands, so its team does not drop off the board meanwhile.
    """
    rows = session.execute(
        select(Submission.id, Team.name, Submission.method_name, Submission.created_at, Submission.selected,
               Submission.result)
        .join(Team, Team.id == Submission.team_id)
        .where(Submission.phase_id == phase.id, Submission.status.in_((SCORED, QUEUED, RUNNING)),
               Submission.result.is_not(None), Submission.disqualified.is_(False))
    ).all()
    candidates = [rules.Candidate(team=r[1], submission_id=r[0], method_name=r[2], created_at=r[3], selected=r[4],
                                  scores=public_scores(json.loads(r[5])) or {}) for r in rows]
    board = rules.build_leaderboard(candidates, phase.rule, track)
    return {"phase": phase.name, "track": track, "rule": phase.rule, "ranked_by": f"{track} mIoU, ties by Acc",
            "classes": list(contract.CLASS_NAMES),
            "rows": [{"rank": r.rank, "team": r.team, "submission_id": r.submission_id, "method_name": r.method_name,
                      "created_at": r.created_at.isoformat(), "mIoU": r.mIoU, "Acc": r.Acc, "IoU": r.IoU}
                     for r in board]}


# ------------------------------------------------------------------------------------------ host actions


def rescore(engine: Engine, submission_id: int) -> None:
    """Put a submission back in the queue (a running lease is voided: its result will be refused).

    Its current score stays published until the new result replaces it. A submission that failed
    validation cannot be re-scored: its zip was deleted once its report was stored.
    """
    with write_session(engine) as s:
        sub = _submission(s, submission_id)
        if sub.status == INVALID:
            raise ServiceError(f"submission {submission_id} failed validation and its zip was deleted once the "
                               "report was stored; the team can upload it again", 409)
        sub.status, sub.problems, sub.error = QUEUED, None, None
        sub.lease_token, sub.lease_expires, sub.attempts = None, None, 0
        _log(s, "rescore", "", submission_id)


def disqualify(engine: Engine, submission_id: int, reason: str = "", undo: bool = False) -> None:
    """Remove a submission from every leaderboard (or put it back with ``undo``)."""
    with write_session(engine) as s:
        sub = _submission(s, submission_id)
        sub.disqualified = not undo
        _log(s, "requalify" if undo else "disqualify", reason, submission_id)


def all_submissions(engine: Engine) -> list[dict]:
    """Every submission with the host's view (for exports)."""
    with read_session(engine) as s:
        return [submission_view(x, host=True) for x in s.scalars(select(Submission).order_by(Submission.id))]


def queue_view(engine: Engine, failed_limit: int = 50) -> dict[str, Any]:
    """Submissions per status, and the newest ``failed_limit`` failed jobs (the host must look at them)."""
    with read_session(engine) as s:
        counts = dict(s.execute(select(Submission.status, func.count()).group_by(Submission.status)).all())
        failed = s.scalars(select(Submission).where(Submission.status == FAILED)
                           .order_by(Submission.updated_at.desc(), Submission.id.desc()).limit(failed_limit))
        return {**{st: counts.get(st, 0) for st in (QUEUED, RUNNING, SCORED, INVALID, FAILED)},
                "failed_jobs": [{"id": x.id, "team": x.team.name, "phase": x.phase.name, "attempts": x.attempts,
                                 "error": x.error, "updated_at": x.updated_at.isoformat()} for x in failed]}


def flat_submission(view: dict) -> dict:
    """A submission view as one flat CSV row (scores of both tracks, per-class IoU)."""
    row = {k: v for k, v in view.items() if k not in ("scores", "problems")}
    row["problems"] = " | ".join(view.get("problems") or [])
    for track in contract.TRACKS:
        sc = (view.get("scores") or {}).get(track) or {}
        row[f"{track}_mIoU"], row[f"{track}_Acc"] = sc.get("mIoU"), sc.get("Acc")
        for name in contract.CLASS_NAMES:
            row[f"{track}_IoU_{name}"] = (sc.get("IoU") or {}).get(name)
    return row


def flat_leaderboard(board: dict) -> list[dict]:
    """Leaderboard rows flattened for CSV (one IoU column per class)."""
    out = []
    for r in board["rows"]:
        row = {k: v for k, v in r.items() if k != "IoU"}
        row.update({f"IoU_{name}": r["IoU"].get(name) for name in board["classes"]})
        out.append(row)
    return out


def export_text(rows: list[dict], fmt: str) -> str:
    """Flat rows as CSV (participant text neutralised against formula injection) or JSON text.

    >>> export_text([{"a": 1, "method": "=HYPERLINK(1)"}], "csv").splitlines()
    ['a,method', "1,'=HYPERLINK(1)"]
    """
    if fmt == "json":
        return json.dumps(rows, indent=1, default=str)
    if fmt != "csv":
        raise ServiceError("format must be csv or json")
    return csv_text(rows)
