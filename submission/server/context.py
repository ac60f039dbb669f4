"""What every part of the web app shares: its :class:`Settings` and the :class:`Context` built from them.

The API router (:mod:`~zerowaste.submission.server.api`), the pages router
(:mod:`~zerowaste.submission.server.pages`) and the upload reception
(:mod:`~zerowaste.submission.server.uploads`) each take the app's :class:`Context`; none imports
another, and :func:`~zerowaste.submission.server.app.create_app` wires them together.

Example:
    >>> import tempfile
    >>> ctx = Context(Settings(db_url="sqlite:///:memory:", store_dir=tempfile.mkdtemp(), gt_path="gt/"))
    >>> ctx.uploads.per_team
    2
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from . import service
from .db import make_engine, read_session, upgrade
from .models import INVALID, Submission
from .service import ServiceError
from .store import SubmissionStore
from .worker import WorkerConfig

log = logging.getLogger("zerowaste.server")

DEFAULT_MAX_UPLOAD_BYTES = 1024**3


@dataclass
class Settings:
    db_url: str
    store_dir: str | Path
    gt_path: str | Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    #: An upload that sends no bytes for this long is aborted (408) and its partial file deleted.
    upload_idle_timeout: float = 30.0
    #: Uploads of one team in progress at the same time, per server process (more: 429).
    uploads_per_team: int = 2
    #: Scoring workers run as threads inside the server (0: run `zerowaste server worker` separately).
    workers: int = 0
    worker: WorkerConfig = field(default_factory=WorkerConfig)


class UploadSlots:
    """How many uploads each team has in progress in this process; refuses past ``per_team``.

    >>> slots = UploadSlots(1)
    >>> with slots.hold(7):
    ...     try:
    ...         with slots.hold(7):
    ...             pass
    ...     except ServiceError as exc:
    ...         print(exc.status)
    429
    >>> slots.active(7)
    0
    """

    def __init__(self, per_team: int) -> None:
        self.per_team = per_team
        self._active: dict[int, int] = {}
        self._lock = threading.Lock()

    def active(self, team_id: int) -> int:
        return self._active.get(team_id, 0)

    @contextmanager
    def hold(self, team_id: int) -> Iterator[None]:
        with self._lock:
            if self.active(team_id) >= self.per_team:
                raise ServiceError(f"this team already has {self.per_team} upload(s) in progress; "
                                   "wait until one finishes", 429)
            self._active[team_id] = self.active(team_id) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._active.pop(team_id) - 1
                if left:
                    self._active[team_id] = left


class Context:
    """What every request handler needs: settings, engine, store, leaderboard cache, upload slots."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine = make_engine(settings.db_url)
        self.store = SubmissionStore(settings.store_dir)
        self.leaderboards = service.LeaderboardCache()
        self.uploads = UploadSlots(settings.uploads_per_team)


def startup(ctx: Context) -> None:
    """Upgrade the schema, remove leftovers of interrupted uploads and the zips of invalid submissions
    (the worker deletes those once their report is stored; this catches older ones and crashes)."""
    upgrade(ctx.engine)
    with read_session(ctx.engine) as s:
        invalid = list(s.scalars(select(Submission.file_name).where(Submission.status == INVALID)))
    freed = 0
    for name in invalid:
        path = ctx.store.path(name)
        if path.is_file():
            freed += path.stat().st_size
            path.unlink(missing_ok=True)
    if freed:
        log.warning("deleted the zips of invalid submissions kept by an older server: %.1f MB freed", freed / 1e6)

    def referenced(name: str) -> bool:
        with read_session(ctx.engine) as s:
            return s.scalar(select(Submission.id).where(Submission.file_name == name)) is not None

    for path in ctx.store.reconcile(referenced):
        log.warning("removed leftover of an interrupted upload: %s", path)
