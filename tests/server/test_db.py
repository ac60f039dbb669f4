"""Database layer on real SQLite and PostgreSQL: migrations keep data, schema matches the models,
tokens are stored hashed, the store cleans up after dead uploads."""

import datetime as dt
import fcntl

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from zerowaste.submission.server import service
from zerowaste.submission.server.auth import hash_token
from zerowaste.submission.server.db import current_revision, make_engine, upgrade
from zerowaste.submission.server.models import Base, Token
from zerowaste.submission.server.store import SubmissionStore, UploadTooLarge


def test_upgrade_from_base_revision_keeps_data(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    t = dt.datetime(2026, 1, 1, 12)
    with engine.begin() as c:
        c.execute(text("INSERT INTO teams (id, name, created_at) VALUES (1, 'old team', :t)"), {"t": t})
        c.execute(text("INSERT INTO phases (id, name, split, per_day, total, rule, hidden_until_close, updated_at) "
                       "VALUES (1, 'val', 'val', 5, NULL, 'best', false, :t)"), {"t": t})
        c.execute(text("INSERT INTO submissions (id, team_id, phase_id, method_name, original_filename, file_name, "
                       "size_bytes, created_at, updated_at, status, result, selected, disqualified, attempts) VALUES "
                       "(7, 1, 1, 'm', 'a.zip', 'f.zip', 10, :t, :t, 'scored', '{\"uda\": {\"mIoU\": 0.5}}', "
                       "false, false, 1)"), {"t": t})
    upgrade(engine)
    assert current_revision(engine) == "0003"
    with engine.connect() as c:
        assert c.execute(text("SELECT name FROM teams")).scalars().all() == ["old team"]
        row = c.execute(text("SELECT id, status, result, file_name FROM submissions")).one()
        assert tuple(row) == (7, "scored", '{"uda": {"mIoU": 0.5}}', "f.zip")
        assert c.execute(text("SELECT count_rejected FROM phases")).scalar() in (False, 0)
        assert c.execute(text("SELECT count(*) FROM events")).scalar() == 0
    upgrade(engine)  # idempotent
    assert service.list_phases(engine)[0].count_rejected is False
    engine.dispose()


def test_migrations_match_the_models(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    engine.dispose()


def test_tokens_are_stored_hashed_and_revocable(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    service.create_team(engine, "a")
    plain = service.issue_token(engine, "a")
    with service.read_session(engine) as s:
        stored = s.query(Token).one()
    assert stored.token_hash == hash_token(plain) and plain not in (stored.token_hash, stored.prefix)
    assert service.authenticate(engine, plain).team_name == "a"
    assert service.authenticate(engine, plain + "x") is None
    assert service.revoke_token(engine, stored.prefix) == 1
    assert service.authenticate(engine, plain) is None
    with pytest.raises(service.ServiceError, match="unknown team"):
        service.issue_token(engine, "nobody")


def test_bad_database_url_is_a_clear_error():
    with pytest.raises(ValueError, match="unsupported database URL"):
        make_engine("mysql://x/y")
    with pytest.raises(ValueError, match="unsupported database URL"):
        make_engine("not a url")


def test_store_cap_and_reconcile(tmp_path):
    store = SubmissionStore(tmp_path)
    with pytest.raises(UploadTooLarge), store.upload(max_bytes=5) as up:
        up.write(b"123")
        up.write(b"456")
    assert list(store.tmp_dir.iterdir()) == [] and list(store.subs_dir.iterdir()) == []
    with store.upload(max_bytes=100) as up:
        up.write(b"PK\x03\x04")
        kept = up.publish()
    # Leftovers of dead processes: an unlocked .part, an unreferenced zip; a live (locked) upload.
    (store.tmp_dir / "dead.part").write_bytes(b"x")
    (store.subs_dir / "orphan.zip").write_bytes(b"x")
    live = store.tmp_dir / "live.part"
    with open(live, "wb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        removed = store.reconcile(lambda name: name == kept)
    assert sorted(p.name for p in removed) == ["dead.part", "orphan.zip"]
    assert live.exists() and store.path(kept).read_bytes() == b"PK\x03\x04"
    with pytest.raises(ValueError):
        store.path("../etc/passwd")


def test_concurrent_upgrades_are_serialized(db_url):
    """Servers and workers starting together all run the migrations; exactly one applies them."""
    from concurrent.futures import ThreadPoolExecutor

    engines = [make_engine(db_url) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(upgrade, engines))
    assert {current_revision(e) for e in engines} == {"0003"}
    for e in engines:
        e.dispose()


def _hold_write_lock(path):
    """A plain sqlite3 connection (rollback journal, like the sqlite3 shell) holding the write lock."""
    import sqlite3

    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO scratch VALUES (1)")
    return holder


def test_switch_to_wal_waits_for_a_writer(tmp_path):
    """SQLite refuses the WAL switch at once (no busy handler) while another connection writes:
    opening the server's database must wait for that writer like any other statement."""
    import threading

    path = tmp_path / "server.db"
    holder = _hold_write_lock(path)
    releaser = threading.Timer(0.5, holder.commit)
    releaser.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)  # connects while the lock is held
        assert current_revision(engine) == "0003"
        with engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        releaser.join()
        holder.close()
        engine.dispose()


def test_locked_database_names_the_statement(tmp_path, monkeypatch):
    from zerowaste.submission.server import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "server.db"
    holder = _hold_write_lock(path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(db.DatabaseUnavailable) as err:
            upgrade(engine)
        msg = str(err.value)
        assert "\n" not in msg
        assert msg.startswith(f"cannot open the database sqlite:///{path}: database is locked")
        assert "PRAGMA journal_mode = WAL" in msg
    finally:
        holder.close()
        engine.dispose()
