"""The scoring queue on real databases: leases, exactly-once results, time limit, killed workers."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from zerowaste.submission.server import service, worker
from zerowaste.submission.server.db import make_engine, read_session
from zerowaste.submission.server.models import FAILED, RUNNING, SCORED, Submission, utcnow
from zerowaste.submission.server.store import SubmissionStore
from zerowaste.submission.server.worker import Claim, Outcome, WorkerConfig


def queue_jobs(engine, store, zip_path, n):
    service.create_phase(engine, "val", per_day=None)
    team_id = service.create_team(engine, "a").id
    ids = []
    for _ in range(n):
        with store.upload(10**8) as up:
            up.write(zip_path.read_bytes())
            ids.append(service.insert_submission(engine, team_id, "val", method_name="m", original_filename="s.zip",
                                                 size_bytes=up.size, publish=up.publish)["id"])
    return ids


@pytest.fixture
def queue(db_url, tmp_path, sub_zips):
    from zerowaste.submission.server.db import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    store = SubmissionStore(tmp_path / "store")
    yield engine, store, lambda n: queue_jobs(engine, store, sub_zips["good"], n)
    engine.dispose()


def status_of(engine, sid):
    with read_session(engine) as s:
        return s.get(Submission, sid)


def test_lease_expiry_and_exactly_once(queue):
    engine, _, make = queue
    (sid,) = make(1)
    # The clock is passed explicitly (claim's `now`): the outcome never depends on how busy the machine is.
    cfg = WorkerConfig(lease_seconds=60)
    first = worker.claim(engine, "w1", cfg)
    assert first.submission_id == sid and first.attempt == 1
    assert worker.claim(engine, "w2", cfg, now=utcnow() + dt.timedelta(seconds=30)) is None  # leased
    assert worker.heartbeat(engine, first, cfg)  # extends the lease to now + 60 s
    second = worker.claim(engine, "w2", cfg, now=utcnow() + dt.timedelta(seconds=120))  # expired: retried
    assert second.submission_id == sid and second.attempt == 2 and second.lease_token != first.lease_token
    assert not worker.heartbeat(engine, first, cfg)
    assert not worker.finish(engine, first, Outcome(SCORED, result={"uda": {"mIoU": 0.1}}))  # stale lease
    assert worker.finish(engine, second, Outcome(SCORED, result={"uda": {"mIoU": 0.9, "x": float("nan")}}))
    assert not worker.finish(engine, second, Outcome(SCORED, result={"uda": {"mIoU": 0.5}}))  # only once
    sub = status_of(engine, sid)
    assert sub.status == SCORED and sub.result == '{"uda": {"mIoU": 0.9, "x": null}}' and sub.lease_token is None


def test_concurrent_claims_take_each_job_once(queue):
    engine, _, make = queue
    ids = make(8)
    cfg = WorkerConfig(lease_seconds=60)

    def drain(name):
        got = []
        while (c := worker.claim(engine, name, cfg)) is not None:
            got.append(c.submission_id)
        return got

    with ThreadPoolExecutor(4) as pool:
        claimed = [sid for got in pool.map(drain, ["a", "b", "c", "d"]) for sid in got]
    assert sorted(claimed) == ids


def test_gives_up_after_max_attempts(queue):
    engine, _, make = queue
    (sid,) = make(1)
    cfg = WorkerConfig(lease_seconds=60, max_attempts=2)
    t0 = utcnow()
    for k in range(2):  # each lease expires before the next claim (explicit clock, no sleeping)
        assert worker.claim(engine, "w", cfg, now=t0 + dt.timedelta(seconds=61 * k)) is not None
    assert worker.claim(engine, "w", cfg, now=t0 + dt.timedelta(seconds=122)) is None
    sub = status_of(engine, sid)
    assert sub.status == FAILED and "2 attempts" in sub.error


def test_time_limit_kills_the_scorer(queue, gt_dir):
    engine, store, make = queue
    (sid,) = make(1)
    cfg = WorkerConfig(time_limit_seconds=0.001)
    job = worker.claim(engine, "w", cfg)
    outcome = worker.run_job(engine, store, gt_dir, job, cfg)
    assert outcome.status == FAILED and "time limit" in outcome.error
    assert worker.finish(engine, job, outcome)
    assert status_of(engine, sid).status == FAILED


def test_worker_killed_holding_a_job_is_scored_once_after_lease_expiry(queue, gt_dir, tmp_path, kit):
    """A worker SIGKILLed while it holds a job: a real worker takes it over after the lease, exactly once.

    The dead worker is a real process that claimed the job with the worker's own ``claim()`` and
    keeps it, as a worker does while scoring: the job is certainly RUNNING when it dies. (Killing a
    real ``server worker`` once the job was seen RUNNING failed by chance on a busy machine: the
    tiny job could be scored between two looks.)
    """
    engine, store, make = queue
    (sid,) = make(1)
    db = engine.url.render_as_string(hide_password=False)
    args = ["--db", db, "--store", str(store.root), "--gt", str(gt_dir), "--lease", "2", "--heartbeat", "0.5",
            "--poll", "0.1"]
    holder = ("import sys, time\n"
              "from zerowaste.submission.server import worker\n"
              "from zerowaste.submission.server.db import make_engine\n"
              f"job = worker.claim(make_engine({db!r}), 'dead-worker', worker.WorkerConfig(lease_seconds=2))\n"
              "print(job.lease_token, flush=True)\n"
              "time.sleep(3600)\n")
    w1 = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, start_new_session=True)
    token = w1.stdout.readline().strip()  # returns once the claim is committed
    stale = status_of(engine, sid)
    assert stale.status == RUNNING and stale.attempts == 1 and stale.lease_token == token
    os.killpg(w1.pid, signal.SIGKILL)
    w1.wait()
    w1.stdout.close()
    assert status_of(engine, sid).status == RUNNING  # nothing written by the dead worker

    log = open(tmp_path / "w2.log", "wb")  # noqa: SIM115
    w2 = subprocess.Popen(kit.zerowaste_cmd("server", "worker", *args), stdout=log, stderr=subprocess.STDOUT,
                          start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while status_of(engine, sid).status != SCORED and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(w2.pid, signal.SIGTERM)
        w2.wait(10)
    sub = status_of(engine, sid)
    assert sub.status == SCORED and sub.attempts == 2 and sub.worker != stale.worker
    # A late write from the dead worker's lease is refused: the result stays the one written once.
    late = Claim(sid, stale.lease_token, stale.file_name, "val", 1)
    assert not worker.finish(engine, late, Outcome(SCORED, result={"uda": {"mIoU": 0.0}}))
    assert status_of(engine, sid).result == sub.result
    with read_session(engine) as s:
        assert s.scalar(select(Submission.status).where(Submission.id == sid)) == SCORED


def test_missing_stored_file_is_not_blamed_on_the_team(queue, gt_dir, tmp_path):
    engine, store, make = queue
    (sid,) = make(1)
    cfg = WorkerConfig(lease_seconds=60)
    elsewhere = SubmissionStore(tmp_path / "wrong-mount")
    assert worker.work_once(engine, elsewhere, gt_dir, cfg) == sid
    sub = status_of(engine, sid)
    assert sub.status == RUNNING and sub.problems is None  # left to lease expiry and a retry elsewhere
