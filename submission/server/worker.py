"""The scoring worker: takes queued submissions from the database itself (no broker).

One job, step by step:

1. :func:`claim` leases the oldest ``queued`` submission (or a ``running`` one whose lease expired,
   i.e. its worker died): ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, a ``BEGIN IMMEDIATE``
   transaction on SQLite. The row gets a random ``lease_token`` and ``lease_expires``.
2. :func:`run_job` scores it in a child process (forked from a fork server) (``zerowaste.submission.scoring.score_submission``) while the
   parent renews the lease (:func:`heartbeat`) and enforces the time limit by killing the child.
3. :func:`finish` writes the outcome with ``UPDATE ... WHERE id = ? AND lease_token = ?``: only the
   current lease holder can write, so a result is written exactly once even if a slow worker wakes
   up after its lease was taken over.

A job whose lease expired ``max_attempts`` times is marked ``failed`` (it never counts against the
team's quota); the give-up is logged at ERROR level, written to the ``events`` table and listed in
``/api/admin/queue``. An ``invalid`` submission's zip is deleted once its report is stored (the
report is all the team and the host need; invalid uploads cost no quota, so they must not cost disk).

Example:
    $ zerowaste server worker --db sqlite:///challenge.db --store store/ --gt gt/
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing as mp
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, and_, or_, select, update

from .db import write_session
from .models import FAILED, INVALID, QUEUED, RUNNING, SCORED, Event, Phase, Submission, utcnow
from .service import clean_json
from .store import SubmissionStore

log = logging.getLogger("zerowaste.server.worker")


@dataclass(frozen=True)
class WorkerConfig:
    lease_seconds: float = 60.0
    heartbeat_seconds: float = 10.0
    time_limit_seconds: float = 1800.0
    max_attempts: int = 3
    poll_seconds: float = 1.0
    #: Threads the scorer may use inside its child process (None: all cores).
    score_workers: int | None = None


@dataclass(frozen=True)
class Claim:
    submission_id: int
    lease_token: str
    file_name: str
    split: str
    attempt: int


@dataclass(frozen=True)
class Outcome:
    status: str  # SCORED | INVALID | FAILED
    result: dict | None = None
    problems: list[str] | None = None
    error: str | None = None


def worker_id() -> str:
    """``host:pid:thread`` — shown to the host next to each job."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def give_up(engine: Engine, cfg: WorkerConfig, now: dt.datetime | None = None) -> list[int]:
    """Mark ``failed`` the jobs whose lease expired ``cfg.max_attempts`` times; log each one and write a
    ``give-up`` event (the host is told in the log, in ``events`` and in ``/api/admin/queue``).

    Returns their submission ids. Such jobs never count against the team's quota.
    """
    now = now or utcnow()
    expired = and_(Submission.status == RUNNING, Submission.lease_expires < now)
    with write_session(engine) as s:
        subs = list(s.scalars(select(Submission).where(expired, Submission.attempts >= cfg.max_attempts)
                              .order_by(Submission.id).with_for_update(skip_locked=True)))
        given_up = [(sub.id, sub.team.name, sub.attempts, sub.worker) for sub in subs]
        for sub in subs:
            sub.status, sub.lease_token, sub.lease_expires, sub.updated_at = FAILED, None, None, now
            sub.error = f"scoring did not finish after {sub.attempts} attempts; the host has been notified"
            s.add(Event(action="give-up", submission_id=sub.id, at=now,
                        detail=f"{sub.attempts} expired leases, last worker {sub.worker}"))
    for sid, team, attempts, last in given_up:
        log.error("gave up on submission %s of team %r: %s expired leases (last worker %s); "
                  "see /api/admin/queue, then `zerowaste server admin rescore %s`", sid, team, attempts, last, sid)
    return [sid for sid, *_ in given_up]


def claim(engine: Engine, who: str, cfg: WorkerConfig, now: dt.datetime | None = None) -> Claim | None:
    """Lease the next job, or return None when the queue is empty (after :func:`give_up` on dead ones)."""
    now = now or utcnow()
    give_up(engine, cfg, now)
    expired = and_(Submission.status == RUNNING, Submission.lease_expires < now, Submission.attempts < cfg.max_attempts)
    with write_session(engine) as s:
        sub = s.scalar(select(Submission).where(or_(Submission.status == QUEUED, expired))
                       .order_by(Submission.id).limit(1).with_for_update(skip_locked=True))
        if sub is None:
            return None
        sub.status, sub.lease_token = RUNNING, uuid.uuid4().hex
        sub.lease_expires = now + dt.timedelta(seconds=cfg.lease_seconds)
        sub.attempts += 1
        sub.worker = who
        split = s.scalar(select(Phase.split).where(Phase.id == sub.phase_id))
        return Claim(sub.id, sub.lease_token, sub.file_name, split, sub.attempts)


def heartbeat(engine: Engine, job: Claim, cfg: WorkerConfig) -> bool:
    """Extend the lease; False if it was lost (expired and taken over, or the job was reset)."""
    with engine.begin() as conn:
        res = conn.execute(update(Submission).where(
            Submission.id == job.submission_id, Submission.lease_token == job.lease_token,
            Submission.status == RUNNING).values(lease_expires=utcnow() + dt.timedelta(seconds=cfg.lease_seconds)))
        return res.rowcount == 1


def finish(engine: Engine, job: Claim, outcome: Outcome) -> bool:
    """Write the outcome if this worker still holds the lease; True if it was written."""
    now = utcnow()
    values = {"status": outcome.status, "lease_token": None, "lease_expires": None, "updated_at": now,
              "result": json.dumps(clean_json(outcome.result), allow_nan=False) if outcome.result else None,
              "problems": json.dumps(outcome.problems) if outcome.problems else None,
              "error": outcome.error, "scored_at": now if outcome.status == SCORED else None}
    with engine.begin() as conn:
        res = conn.execute(update(Submission).where(
            Submission.id == job.submission_id, Submission.lease_token == job.lease_token,
            Submission.status == RUNNING).values(**values))
        return res.rowcount == 1


# ------------------------------------------------------------------------------------------ scoring


def load_gt(gt_path: str | Path, split: str):
    """Ground truth of one split: ``<gt>/<split>/`` when the GT holds phase folders, else the whole GT."""
    from zerowaste.submission.groundtruth import available_phases, load_ground_truth

    return load_ground_truth(gt_path, phase=split if available_phases(gt_path) else None)


def score_outcome(zip_path: str | Path, gt_path: str | Path, split: str, workers: int | None = None) -> Outcome:
    """Validate and score one zip (no database): the body of the child process."""
    from zerowaste.submission.groundtruth import GroundTruthError
    from zerowaste.submission.scoring import score_submission
    from zerowaste.submission.validate import SubmissionInvalid

    try:
        gt = load_gt(gt_path, split)
        return Outcome(SCORED, result=score_submission(zip_path, gt, workers=workers))
    except SubmissionInvalid as exc:
        return Outcome(INVALID, problems=list(exc.report.problems))
    except GroundTruthError as exc:
        log.error("ground truth problem: %s", exc)
        return Outcome(FAILED, error="the server's ground truth is misconfigured; the host has been notified")


def _child(conn, zip_path: str, gt_path: str, split: str, workers: int | None) -> None:
    try:
        outcome = score_outcome(zip_path, gt_path, split, workers)
        conn.send(("ok", outcome.status, clean_json(outcome.result), outcome.problems, outcome.error))
    except BaseException as exc:  # report, never hang the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def scoring_context() -> mp.context.BaseContext:
    """Processes for scoring: forked from a clean single-threaded fork server that has the scorer
    imported already (each job starts in milliseconds; no fork of the threaded server process)."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["zerowaste.submission.server.worker", "zerowaste.submission.scoring", "zerowaste.submission.validate"])
    return ctx


def run_job(engine: Engine, store: SubmissionStore, gt_path: str | Path, job: Claim, cfg: WorkerConfig) -> Outcome | None:
    """Score a claimed job in a child process with heartbeats and a time limit.

    Returns the outcome, or None when the lease was lost (another worker owns the job now).
    """
    if not store.path(job.file_name).is_file():
        # A mis-mounted store on this worker: leave the job to its lease expiry (another worker
        # retries it) rather than blaming the team's submission.
        log.error("stored file of submission %s is missing under %s", job.submission_id, store.subs_dir)
        return None
    ctx = scoring_context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, daemon=True,
                       args=(child, str(store.path(job.file_name)), str(gt_path), job.split, cfg.score_workers))
    proc.start()
    child.close()
    start = last_beat = time.monotonic()
    deadline = start + cfg.time_limit_seconds
    try:
        while True:
            if parent.poll(max(0.0, min(cfg.heartbeat_seconds, 0.5, deadline - time.monotonic()))):
                try:
                    msg = parent.recv()
                except EOFError:
                    msg = None
                break
            if not proc.is_alive() and not parent.poll(0):
                msg = None
                break
            now = time.monotonic()
            if now >= deadline:
                return Outcome(FAILED, error=f"scoring exceeded the time limit of {cfg.time_limit_seconds:g} s")
            if now - last_beat >= cfg.heartbeat_seconds:
                last_beat = now
                if not heartbeat(engine, job, cfg):
                    log.warning("lost the lease of submission %s; abandoning it", job.submission_id)
                    return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if msg is None:
        return Outcome(FAILED, error=f"the scoring process died (exit code {proc.exitcode})")
    if msg[0] == "error":
        log.error("scoring submission %s crashed: %s", job.submission_id, msg[1])
        return Outcome(FAILED, error="the scorer crashed on this submission; the host has been notified")
    _, status, result, problems, error = msg
    return Outcome(status, result=result, problems=problems, error=error)


def work_once(engine: Engine, store: SubmissionStore, gt_path: str | Path, cfg: WorkerConfig,
              who: str | None = None) -> int | None:
    """Claim and process one job; returns its submission id, or None if the queue was empty."""
    job = claim(engine, who or worker_id(), cfg)
    if job is None:
        return None
    log.info("scoring submission %s (attempt %s)", job.submission_id, job.attempt)
    outcome = run_job(engine, store, gt_path, job, cfg)
    if outcome is None:
        return job.submission_id
    if not finish(engine, job, outcome):
        log.warning("result of submission %s not written: lease lost", job.submission_id)
    elif outcome.status == INVALID:  # the report is stored: the zip is no longer needed
        store.path(job.file_name).unlink(missing_ok=True)
    return job.submission_id


def run_worker(engine: Engine, store: SubmissionStore, gt_path: str | Path, cfg: WorkerConfig,
               stop: threading.Event | None = None) -> None:
    """Process jobs until ``stop`` is set (poll the queue every ``cfg.poll_seconds`` when idle)."""
    stop = stop or threading.Event()
    who = worker_id()
    while not stop.is_set():
        try:
            if work_once(engine, store, gt_path, cfg, who) is None:
                stop.wait(cfg.poll_seconds)
        except Exception:  # a database hiccup must not kill the worker
            log.exception("worker loop error; retrying")
            stop.wait(cfg.poll_seconds)
