"""Database tables of the scoring server (SQLAlchemy 2.x declarative models).

Five tables: ``teams``, ``tokens`` (hashed, team or admin), ``phases`` (val/test with their rules),
``submissions`` (one row per accepted upload; it is also the job queue) and ``events`` (audit log of
admin actions). The schema is created and upgraded by Alembic (``submission/server/migrations``),
never by ``create_all``, so an upgrade never loses data.

Example:
    >>> from zerowaste.submission.server.models import Submission
    >>> Submission.__tablename__
    'submissions'
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Submission states. ``queued`` -> ``running`` -> ``scored`` | ``invalid`` | ``failed``.
QUEUED, RUNNING, SCORED, INVALID, FAILED = "queued", "running", "scored", "invalid", "failed"
STATUSES: tuple[str, ...] = (QUEUED, RUNNING, SCORED, INVALID, FAILED)
#: Leaderboard rules per phase.
RULES: tuple[str, ...] = ("best", "latest", "selected")


def utcnow() -> dt.datetime:
    """Current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: identical behaviour on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use timezone-aware UTC")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Token(Base):
    """An API token. Only its SHA-256 is stored; ``prefix`` identifies it in listings."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    team: Mapped[Team | None] = relationship()


class Phase(Base):
    __tablename__ = "phases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    #: Which ground-truth split scores it (one of ``contract.PHASES``).
    split: Mapped[str] = mapped_column(String(20))
    opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rule: Mapped[str] = mapped_column(String(20), default="best")
    hidden_until_close: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Whether a submission that fails validation counts against the quota (added in 0002).
    count_rejected: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Cap on submissions failing validation per team and UTC day, None = no cap (added in 0003).
    invalid_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True, server_default=text("20"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Submission(Base):
    """One accepted upload. Also the job queue: workers lease rows in state ``queued``."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id"), index=True)
    method_name: Mapped[str] = mapped_column(String(200), default="")
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    #: Name of the zip inside the store (random, never user-supplied).
    file_name: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    #: JSON list of validation problems (status ``invalid``).
    problems: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Message shown to the team when scoring failed (status ``failed``).
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: JSON of the scorer's result (host only: it holds confusion matrices).
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    scored_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_expires: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(100), nullable=True)
    team: Mapped[Team] = relationship()
    phase: Mapped[Phase] = relationship()


class Event(Base):
    """Audit log of admin actions (rescore, disqualify, token changes) and of jobs the workers gave up on.

    Added in revision 0002."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(50))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
