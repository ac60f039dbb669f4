"""Database engine, transactions and schema migrations.

* SQLite (the embedded default): WAL journal, a busy timeout, and write transactions opened with
  ``BEGIN IMMEDIATE`` so a read-check-insert (the quota) cannot interleave with another writer.
* PostgreSQL (at scale): the same code; write transactions lock rows with ``SELECT ... FOR UPDATE``
  (``SKIP LOCKED`` for the job queue).
* The schema is owned by Alembic: :func:`upgrade` brings any older database to the newest revision.

Example:
    >>> engine = make_engine("sqlite:///:memory:")
    >>> is_sqlite(engine)
    True
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from zerowaste.errors import ZeroWasteError

SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK_ID = 727_274_001  # arbitrary, constant: the PostgreSQL advisory lock taken by upgrade()


class BadDatabaseURL(ZeroWasteError, ValueError):
    """The ``--db`` value is not a SQLite or PostgreSQL URL."""


class DatabaseUnavailable(ZeroWasteError, RuntimeError):
    """The database cannot be opened or reached (unwritable SQLite path, PostgreSQL down, bad password)."""


def unavailable(engine: Engine, exc: OperationalError) -> DatabaseUnavailable:
    """One line naming the database (password hidden) and the driver's reason, for the host.

    >>> import sqlite3
    >>> err = OperationalError(None, None, sqlite3.OperationalError("unable to open database file"))
    >>> print(unavailable(make_engine("sqlite:///no/x.db"), err))
    cannot open the database sqlite:///no/x.db: unable to open database file (is the folder there and writable?)
    """
    reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    hint = " (is the folder there and writable?)" if is_sqlite(engine) and "unable to open" in " ".join(reason) else ""
    statement = f" (running: {' '.join(exc.statement.split())[:80]})" if exc.statement else ""
    return DatabaseUnavailable(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                               f"{reason[0] if reason else type(exc.orig).__name__}{hint}{statement}")


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them.

    >>> normalize_url("postgresql://u@h/db")
    'postgresql+psycopg://u@h/db'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and controllable BEGIN modes."""
    url = normalize_url(url)
    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # sqlalchemy.exc.ArgumentError: not a URL at all
        backend = None
    if backend not in ("sqlite", "postgresql"):
        raise BadDatabaseURL(f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql://...")
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            _switch_to_wal(cur)
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _switch_to_wal(cur: sqlite3.Cursor) -> None:
    """Put the file in WAL mode, waiting out other writers for up to the busy timeout.

    The switch needs an exclusive lock, and SQLite answers "database is locked" at once, without
    its busy handler, while another connection holds a write lock (a new file whose first writer
    is migrating it). WAL mode is stored in the file, so once any connection has switched, the
    others' switch is a no-op.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError(f"{exc} (running: PRAGMA journal_mode = WAL)") from None
            time.sleep(0.01)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads (and simple writes): commits on success, rolls back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for read-check-write transactions.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (one writer at a time, so a check
    made inside it still holds at commit). On PostgreSQL, lock the rows you check with
    ``.with_for_update()``.
    """
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_immediate=True)
        with Session(bind=conn, expire_on_commit=False) as session, session.begin():
            yield session


def alembic_config(connection=None):
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("zerowaste.submission.server") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (idempotent; never drops data).

    Raises :class:`DatabaseUnavailable` (one line) when the database cannot be opened or reached.
    """
    try:
        _upgrade(engine, revision)
    except OperationalError as exc:  # cannot connect, cannot open or write the file, locked out...
        raise unavailable(engine, exc) from None


def _upgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as conn:
        # Servers and workers starting together must not migrate twice: take the database's write
        # lock (SQLite) or an advisory lock (PostgreSQL) for the whole migration.
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            if not is_sqlite(engine):
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
            command.upgrade(alembic_config(conn), revision)


def open_database(url: str) -> Engine:
    """An engine on ``url`` with the schema upgraded: what ``serve``, ``worker`` and ``admin`` start with.

    Raises :class:`BadDatabaseURL` or :class:`DatabaseUnavailable`, each with a one-line message.
    """
    engine = make_engine(url)
    try:
        upgrade(engine)
    except DatabaseUnavailable:
        engine.dispose()
        raise
    return engine


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
