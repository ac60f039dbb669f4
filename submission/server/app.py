"""The web app: JSON API (OpenAPI docs at ``/docs``) and server-rendered pages.

:func:`create_app` builds a FastAPI app from :class:`Settings`. At start-up it upgrades the
database schema (Alembic), deletes leftovers of uploads interrupted by a crash, and optionally runs
scoring workers in threads (``--workers N``, the embedded default).

API (a team token goes in ``Authorization: Bearer <token>``):

=======  =====================================  ===========================================
GET      /api/health                            liveness and schema revision
GET      /api/phases                            phases, their windows, quotas and rules
GET      /api/leaderboard/{phase}?track=uda     public leaderboard (hidden ones: host only)
POST     /api/submissions                       multipart: ``phase``, ``method_name``, ``file``
GET      /api/submissions[?phase=val]           the caller's submissions
GET      /api/submissions/{id}                  one of the caller's submissions
POST     /api/submissions/{id}/select           choose it for the ``selected`` rule
GET      /api/quota                             the caller's remaining quota per phase
GET      /api/admin/...                         host endpoints (admin token)
=======  =====================================  ===========================================

Example:
    >>> import tempfile
    >>> app = create_app(Settings(db_url="sqlite:///:memory:", store_dir=tempfile.mkdtemp(), gt_path="gt/"))
    >>> app.title
    'zerowaste-kit scoring server'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool

from zerowaste import contract

from . import service
from .auth import bearer
from .db import current_revision, make_engine, read_session, upgrade
from .models import Submission
from .service import Identity, ServiceError
from .store import SubmissionStore, UploadTooLarge
from .streaming import FormError, clean_text, receive_form
from .worker import WorkerConfig, run_worker

log = logging.getLogger("zerowaste.server")

DEFAULT_MAX_UPLOAD_BYTES = 1024**3
MAX_METHOD_NAME = 200
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class Settings:
    db_url: str
    store_dir: str | Path
    gt_path: str | Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    #: Scoring workers run as threads inside the server (0: run `zerowaste server worker` separately).
    workers: int = 0
    worker: WorkerConfig = field(default_factory=WorkerConfig)


class Context:
    """What every request handler needs: engine, store, settings, leaderboard cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine = make_engine(settings.db_url)
        self.store = SubmissionStore(settings.store_dir)
        self.leaderboards = service.LeaderboardCache()


def startup(ctx: Context) -> None:
    """Upgrade the schema and remove leftovers of interrupted uploads."""
    upgrade(ctx.engine)

    def referenced(name: str) -> bool:
        with read_session(ctx.engine) as s:
            return s.scalar(select(Submission.id).where(Submission.file_name == name)) is not None

    for path in ctx.store.reconcile(referenced):
        log.warning("removed leftover of an interrupted upload: %s", path)


async def accept_upload(request: Request, ctx: Context, ident: Identity) -> dict:
    """Stream an upload into the store and insert its row (quota checked in the same transaction)."""
    if ident.team_id is None:
        raise ServiceError("submissions are made with a team token", 403)

    async def precheck(fields: dict[str, str]) -> None:
        phase = clean_text(fields.get("phase", ""), 50)
        if phase:  # sent before the file (as our client and form do): refuse before the transfer
            await run_in_threadpool(service.precheck_submission, ctx.engine, ident.team_id, phase)

    with ctx.store.upload(ctx.settings.max_upload_bytes) as up:
        try:
            form = await receive_form(request, up, before_file=precheck)
        except UploadTooLarge as exc:
            raise ServiceError(str(exc), 413) from None
        except FormError as exc:
            raise ServiceError(str(exc), exc.status) from None
        if up.size == 0:
            raise ServiceError("the uploaded file is empty")
        if up.head(4) not in ZIP_SIGNATURES:
            raise ServiceError("the uploaded file is not a zip archive (build it with `zerowaste submission pack`)")
        phase = clean_text(form.fields.get("phase", ""), 50)
        if not phase:
            raise ServiceError("missing form field 'phase'")
        return await run_in_threadpool(
            service.insert_submission, ctx.engine, ident.team_id, phase,
            method_name=clean_text(form.fields.get("method_name", ""), MAX_METHOD_NAME),
            original_filename=form.filename or "", size_bytes=up.size, publish=up.publish)


def export_response(rows: list[dict], fmt: str, name: str) -> Response:
    """CSV or JSON download of flat rows."""
    text = service.export_text(rows, fmt)
    media = "application/json" if fmt == "json" else "text/csv"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def create_app(settings: Settings) -> FastAPI:
    """Build the app (API + pages). Nothing touches the database until start-up."""
    ctx = Context(settings)
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(startup, ctx)
        threads = [threading.Thread(target=run_worker, args=(ctx.engine, ctx.store, settings.gt_path, settings.worker, stop),
                                    name=f"scoring-worker-{i}", daemon=True) for i in range(settings.workers)]
        for t in threads:
            t.start()
        yield
        stop.set()
        for t in threads:
            t.join(timeout=10)
        ctx.engine.dispose()

    app = FastAPI(title="zerowaste-kit scoring server", version="1", lifespan=lifespan,
                  description="Submissions, quotas, scoring queue and leaderboards of the ZeroWaste challenge.")
    app.state.ctx = ctx

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    def identity(request: Request) -> Identity:
        ident = service.authenticate(ctx.engine, bearer(request.headers.get("authorization")))
        if ident is None:
            raise ServiceError("missing, invalid or revoked token (send Authorization: Bearer <token>)", 401)
        return ident

    def team(ident: Identity = Depends(identity)) -> Identity:
        if ident.team_id is None:
            raise ServiceError("this endpoint needs a team token", 403)
        return ident

    def host(ident: Identity = Depends(identity)) -> Identity:
        if not ident.is_admin:
            raise ServiceError("this endpoint needs an admin token", 403)
        return ident

    @app.get("/api/health", tags=["public"])
    def health() -> dict:
        return {"ok": True, "schema_revision": current_revision(ctx.engine)}

    @app.get("/api/phases", tags=["public"])
    def phases() -> list[dict]:
        return [service.phase_view(p) for p in service.list_phases(ctx.engine)]

    @app.get("/api/leaderboard/{phase}", tags=["public"])
    async def leaderboard(phase: str, request: Request, track: str = contract.RANKING_TRACK) -> Response:
        """Public readers get a board at most ``service.LEADERBOARD_MAX_AGE`` s old; an admin token sees hidden ones, fresh."""
        token = bearer(request.headers.get("authorization"))
        entry = None if token else ctx.leaderboards.recent(phase, track, service.LEADERBOARD_MAX_AGE)
        if entry is None:
            ident = await run_in_threadpool(service.authenticate, ctx.engine, token)
            entry = await run_in_threadpool(ctx.leaderboards.lookup, ctx.engine, phase, track,
                                            host=bool(ident and ident.is_admin))
        return Response(entry.json, media_type="application/json")

    upload_body = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["phase", "file"], "properties": {
            "phase": {"type": "string", "example": "val"},
            "method_name": {"type": "string", "maxLength": MAX_METHOD_NAME},
            "file": {"type": "string", "format": "binary", "description": "the submission zip"}}}}}}}

    @app.post("/api/submissions", tags=["team"], status_code=201, openapi_extra=upload_body)
    async def submit(request: Request) -> dict:
        ident = await run_in_threadpool(identity, request)
        return await accept_upload(request, ctx, ident)

    @app.get("/api/submissions", tags=["team"])
    def my_submissions(phase: str | None = None, ident: Identity = Depends(team)) -> list[dict]:
        return service.team_submissions(ctx.engine, ident.team_id, phase)

    @app.get("/api/submissions/{submission_id}", tags=["team"])
    def my_submission(submission_id: int, ident: Identity = Depends(identity)) -> dict:
        return service.get_submission(ctx.engine, submission_id, ident)

    @app.post("/api/submissions/{submission_id}/select", tags=["team"])
    def select_one(submission_id: int, ident: Identity = Depends(team)) -> dict:
        return service.select_submission(ctx.engine, submission_id, ident.team_id)

    @app.get("/api/quota", tags=["team"])
    def quota(ident: Identity = Depends(team)) -> list[dict]:
        return service.team_quotas(ctx.engine, ident.team_id)

    @app.get("/api/admin/submissions", tags=["host"])
    def admin_submissions(_: Identity = Depends(host)) -> list[dict]:
        return service.all_submissions(ctx.engine)

    @app.get("/api/admin/queue", tags=["host"])
    def admin_queue(_: Identity = Depends(host)) -> dict:
        return service.queue_counts(ctx.engine)

    @app.post("/api/admin/submissions/{submission_id}/rescore", tags=["host"])
    def admin_rescore(submission_id: int, _: Identity = Depends(host)) -> dict:
        service.rescore(ctx.engine, submission_id)
        return {"id": submission_id, "status": "queued"}

    @app.post("/api/admin/submissions/{submission_id}/disqualify", tags=["host"])
    def admin_disqualify(submission_id: int, reason: str = "", undo: bool = False,
                         _: Identity = Depends(host)) -> dict:
        service.disqualify(ctx.engine, submission_id, reason, undo=undo)
        return {"id": submission_id, "disqualified": not undo}

    @app.get("/api/admin/export/submissions", tags=["host"])
    def admin_export_submissions(format: str = "csv", _: Identity = Depends(host)) -> Response:
        return export_response([service.flat_submission(v) for v in service.all_submissions(ctx.engine)],
                               format, "submissions")

    @app.get("/api/admin/export/leaderboard/{phase}", tags=["host"])
    def admin_export_leaderboard(phase: str, track: str = contract.RANKING_TRACK, format: str = "csv",
                                 _: Identity = Depends(host)) -> Response:
        board = ctx.leaderboards.get(ctx.engine, phase, track, host=True)
        return export_response(service.flat_leaderboard(board), format, f"leaderboard-{phase}-{track}")

    from .pages import add_pages

    add_pages(app, ctx)
    return app
