"""Fixtures of the server tests: a throwaway PostgreSQL cluster, small ground truth and submissions,
and real `zerowaste server serve` processes on 127.0.0.1.

PostgreSQL comes from Debian's packages (``make sysdeps``); when it is missing the tests FAIL with
a clear message instead of skipping.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from zerowaste.submission.server.sample import write_sample_gt, write_sample_submission


@pytest.fixture(scope="session")
def gt_dir(tmp_path_factory) -> Path:
    return write_sample_gt(tmp_path_factory.mktemp("gt"))


@pytest.fixture(scope="session")
def sub_zips(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("subs")
    return {"good": write_sample_submission(d / "good.zip", 0.9, 1),
            "better": write_sample_submission(d / "better.zip", 0.95, 2),
            "bad": write_sample_submission(d / "bad.zip", 0.9, 3, invalid=True)}


# ------------------------------------------------------------------------------------------ PostgreSQL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install Debian's "
                    "`postgresql` package (`make sysdeps`); the server tests need a real PostgreSQL.")
    return found[-1]


@pytest.fixture(scope="session")
def pg_cluster():
    """Start a throwaway cluster on 127.0.0.1:<free port>; yields the base URL (no database)."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    data = Path(tempfile.mkdtemp(prefix="zw-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root but there is no `postgres` user to run PostgreSQL as")
        os.chown(data, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*run_as, initdb, "-D", str(data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    opts = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run([*run_as, pg_ctl, "-D", str(data / "db"), "-o", opts, "-l", str(data / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data / "db"), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def create_pg_database(base_url: str) -> str:
    import psycopg

    name = "zw_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base_url.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return f"{base_url}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return create_pg_database(request.getfixturevalue("pg_cluster"))


# ------------------------------------------------------------------------------------------ servers


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    db_url: str
    store: Path
    log: Path

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def zerowaste_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "zerowaste.cli", *args]


def start_server(db_url: str, store: Path, gt: Path, log: Path, *extra: str) -> Server:
    """Run `zerowaste server serve` in its own process group and wait until it answers."""
    port = free_port()
    cmd = zerowaste_cmd("server", "serve", "--db", db_url, "--store", str(store), "--gt", str(gt),
                        "--port", str(port), *extra)
    proc = subprocess.Popen(cmd, stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)  # noqa: SIM115
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                return Server(url, proc, db_url, store, log)
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"server did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture
def server_factory(tmp_path, gt_dir):
    """``factory(db_url, *extra_args, store=None) -> Server``; every server is stopped at the end."""
    started: list[Server] = []

    def factory(db_url: str, *extra: str, store: Path | None = None) -> Server:
        server = start_server(db_url, store or tmp_path / "store", gt_dir, tmp_path / "server.log", *extra)
        started.append(server)
        return server

    yield factory
    for s in started:
        s.stop()


def setup_challenge(db_url: str, teams: tuple[str, ...] = ("alpha", "beta"), **phase_opts) -> dict[str, str]:
    """Phases val and test, teams with tokens, one admin token: returns {team or 'admin': token}."""
    from zerowaste.submission.server import service
    from zerowaste.submission.server.db import make_engine, upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    service.create_phase(engine, "val", **phase_opts)
    service.create_phase(engine, "test")
    tokens = {}
    for t in teams:
        service.create_team(engine, t)
        tokens[t] = service.issue_token(engine, t)
    tokens["admin"] = service.issue_token(engine, admin=True)
    engine.dispose()
    return tokens


def upload(url: str, token: str, path: Path, phase: str = "val", method_name: str = "m",
           filename: str | None = None) -> httpx.Response:
    with open(path, "rb") as f:
        return httpx.post(f"{url}/api/submissions", headers={"Authorization": f"Bearer {token}"},
                          data={"phase": phase, "method_name": method_name},
                          files={"file": (filename or path.name, f, "application/zip")}, timeout=60)


def wait_status(url: str, token: str, sid: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        sub = httpx.get(f"{url}/api/submissions/{sid}", headers={"Authorization": f"Bearer {token}"}).json()
        if sub["status"] in ("scored", "invalid", "failed") or time.monotonic() > deadline:
            return sub
        time.sleep(0.1)


def partial_upload(url: str, token: str, phase: str, declared: int, sent: int) -> socket.socket:
    """Send the headers (Content-Length ``declared``) and the first ``sent`` file bytes of an upload."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    head = (f'--B\r\nContent-Disposition: form-data; name="phase"\r\n\r\n{phase}\r\n'
            '--B\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n\r\nPK\x03\x04').encode()
    request = (f"POST /api/submissions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {declared}\r\n\r\n").encode()
    sock.sendall(request + head + bytes(sent))
    return sock


def eventually(check, timeout: float = 30):
    """Call ``check()`` until it returns something truthy (public leaderboards may lag by 0.5 s)."""
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


@pytest.fixture(scope="session")
def kit():
    """The helpers above, for test modules (conftest is not importable with --import-mode=importlib)."""
    return sys.modules[__name__]
