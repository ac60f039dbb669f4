"""``zerowaste server``: serve, worker, admin.

Example:
    $ zerowaste server admin --db sqlite:///challenge.db phase create val
    $ zerowaste server admin --db sqlite:///challenge.db team create "Team A"
    $ zerowaste server admin --db sqlite:///challenge.db token issue --team "Team A"
    $ zerowaste server serve --db sqlite:///challenge.db --store store/ --gt gt/ --workers 1
"""

from __future__ import annotations

import logging
import threading

import click

from zerowaste.cli import KitGroup

from .admin import admin
from .worker import WorkerConfig

DEFAULT_DB = "sqlite:///zerowaste-server.db"
DEFAULT_STORE = "zerowaste-store"

db_option = click.option("--db", "db_url", default=DEFAULT_DB, show_default=True,
                         help="Database URL: sqlite:///FILE (embedded) or postgresql://user:pass@host/db.")
store_option = click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True,
                            type=click.Path(file_okay=False), help="Directory of stored submissions.")
gt_option = click.option("--gt", "gt_path", required=True, type=click.Path(exists=True),
                         help="Ground truth: a folder (or zip) with val/ and test/ masks, or one phase's masks.")


def _worker_options(f):
    for opt in reversed([
        click.option("--lease", "lease_seconds", default=60.0, show_default=True, help="Job lease, seconds."),
        click.option("--heartbeat", "heartbeat_seconds", default=10.0, show_default=True, help="Lease renewal period, seconds."),
        click.option("--time-limit", "time_limit_seconds", default=1800.0, show_default=True, help="Per-job time limit, seconds."),
        click.option("--max-attempts", default=3, show_default=True, help="Give up on a job after this many expired leases."),
        click.option("--poll", "poll_seconds", default=1.0, show_default=True, help="Idle queue polling period, seconds."),
    ]):
        f = opt(f)
    return f


def check_ground_truth(gt_path: str) -> list[str]:
    """Load the ground truth of every split once, so a misconfigured server fails at start."""
    from zerowaste.submission.groundtruth import GroundTruthError, available_phases

    from .worker import load_gt

    try:
        splits = list(available_phases(gt_path)) or ["(single phase)"]
        return [f"{s}: {len(load_gt(gt_path, s))} masks" for s in splits]
    except GroundTruthError as exc:
        raise click.ClickException(f"ground truth: {exc}") from None


def open_database(db_url: str):
    """The engine, schema upgraded; a bad URL or an unreachable database is one line and exit 1."""
    from zerowaste.errors import ZeroWasteError

    from .db import open_database as open_db

    try:
        return open_db(db_url)
    except ZeroWasteError as exc:
        raise click.ClickException(str(exc)) from None


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


@click.group(cls=KitGroup)
def server() -> None:
    """Scoring server: serve the API and pages, run scoring workers, administer the challenge."""


@server.command()
@db_option
@store_option
@gt_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(0, 64),
              help="Scoring workers inside this process (0: run `zerowaste server worker` separately).")
@click.option("--max-upload-mb", default=1024, show_default=True, type=click.IntRange(1), help="Upload size cap.")
@click.option("--upload-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Abort an upload that sends no data for this many seconds (408).")
@click.option("--uploads-per-team", default=2, show_default=True, type=click.IntRange(1),
              help="Uploads of one team in progress at once, per server process (more: 429).")
@_worker_options
def serve(db_url: str, store_dir: str, gt_path: str, host: str, port: int, workers: int, max_upload_mb: int,
          upload_timeout: float, uploads_per_team: int, **worker_opts) -> None:
    """Run the web server (schema migrations are applied at start)."""
    import uvicorn

    from .app import Settings, create_app

    _setup_logging()
    for line in check_ground_truth(gt_path):
        click.echo(f"ground truth {line}")
    open_database(db_url).dispose()  # fail here in one line, not in uvicorn's start-up traceback
    settings = Settings(db_url=db_url, store_dir=store_dir, gt_path=gt_path, max_upload_bytes=max_upload_mb * 1024**2,
                        upload_idle_timeout=upload_timeout, uploads_per_team=uploads_per_team,
                        workers=workers, worker=WorkerConfig(**worker_opts))
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)


@server.command()
@db_option
@store_option
@gt_option
@click.option("--once", is_flag=True, help="Process at most one job, then exit.")
@_worker_options
def worker(db_url: str, store_dir: str, gt_path: str, once: bool, **worker_opts) -> None:
    """Score queued submissions (run several, on several machines, against one PostgreSQL)."""
    from .store import SubmissionStore
    from .worker import run_worker, work_once

    _setup_logging()
    check_ground_truth(gt_path)
    engine = open_database(db_url)
    cfg = WorkerConfig(**worker_opts)
    store = SubmissionStore(store_dir)
    if once:
        done = work_once(engine, store, gt_path, cfg)
        click.echo("queue empty" if done is None else f"processed submission {done}")
        return
    stop = threading.Event()
    try:
        run_worker(engine, store, gt_path, cfg, stop)
    except KeyboardInterrupt:
        stop.set()


server.add_command(admin)
