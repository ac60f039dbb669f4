"""The JSON API as an ``APIRouter`` built on the app's :class:`~zerowaste.submission.server.context.Context`.

Every operation documents its answers in ``/openapi.json``: the bearer-token security scheme, the
response models of :mod:`~zerowaste.submission.server.schemas`, each error status it can answer,
the exports as ``text/csv`` (or JSON) and the upload as ``multipart/form-data`` carrying a zip.

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
    >>> from zerowaste.submission.server.context import Context, Settings
    >>> router = api_router(Context(Settings("sqlite:///:memory:", tempfile.mkdtemp(), "gt/")))
    >>> "/api/submissions/{submission_id}" in {r.path for r in router.routes}
    True
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from zerowaste import contract

from . import schemas, service
from .auth import bearer
from .context import Context
from .db import current_revision
from .schemas import error_responses
from .service import Identity, ServiceError
from .uploads import MAX_METHOD_NAME, accept_upload

#: The one security scheme: a team or admin token, ``Authorization: Bearer <token>``.
token_scheme = HTTPBearer(scheme_name="token", auto_error=False,
                          description="A team token (`zerowaste server admin token issue --team NAME`) "
                                      "or an admin token (`--admin`) for /api/admin/.")

ExportFormat = Literal["csv", "json"]

UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["phase", "file"], "properties": {
        "phase": {"type": "string", "example": "val", "maxLength": 50},
        "method_name": {"type": "string", "maxLength": MAX_METHOD_NAME},
        "file": {"type": "string", "format": "binary",
                 "description": "the submission zip (`zerowaste submission pack`)"}}},
    "encoding": {"file": {"contentType": "application/zip"}}}}}}

EXPORT_200 = {200: {"description": "The rows as CSV (default) or JSON.", "content": {
    "text/csv": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}


def export_response(rows: list[dict], fmt: str, name: str) -> Response:
    """CSV or JSON download of flat rows (CSV cells neutralised against formula injection)."""
    text = service.export_text(rows, fmt)
    media = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def api_router(ctx: Context) -> APIRouter:
    """The ``/api`` routes, answering from ``ctx`` (the app's shared state)."""
    # operationId = the handler's name (``submit``, ``my_submission``...): the method names of generated clients
    router = APIRouter(prefix="/api", generate_unique_id_function=lambda route: route.name)

    def identity(credentials: HTTPAuthorizationCredentials | None = Security(token_scheme)) -> Identity:
        ident = service.authenticate(ctx.engine, credentials.credentials if credentials else None)
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

    @router.get("/health", tags=["public"], response_model=schemas.Health)
    def health() -> dict:
        return {"ok": True, "schema_revision": current_revision(ctx.engine)}

    @router.get("/phases", tags=["public"], response_model=list[schemas.PhaseView])
    def phases() -> list[dict]:
        return [service.phase_view(p) for p in service.list_phases(ctx.engine)]

    @router.get("/leaderboard/{phase}", tags=["public"], response_model=schemas.Leaderboard,
                responses=error_responses(403, 404), openapi_extra={"security": [{}, {"token": []}]})
    async def leaderboard(phase: str, request: Request, track: str = contract.RANKING_TRACK) -> Response:
        """Public readers get a board at most ``service.LEADERBOARD_MAX_AGE`` s old; an admin token sees hidden ones, fresh."""
        token = bearer(request.headers.get("authorization"))
        entry = None if token else ctx.leaderboards.recent(phase, track, service.LEADERBOARD_MAX_AGE)
        if entry is None:
            ident = await run_in_threadpool(service.authenticate, ctx.engine, token)
            entry = await run_in_threadpool(ctx.leaderboards.lookup, ctx.engine, phase, track,
                                            host=bool(ident and ident.is_admin))
        return Response(entry.json, media_type="application/json")

    @router.post("/submissions", tags=["team"], status_code=201, response_model=schemas.Accepted,
                 openapi_extra=UPLOAD_BODY, responses=error_responses(400, 401, 403, 404, 408, 413, 415, 429))
    async def submit(request: Request, ident: Identity = Depends(identity)) -> dict:
        """Upload a submission zip (streamed; the quota is checked before the file is transferred)."""
        return await accept_upload(request, ctx, ident)

    @router.get("/submissions", tags=["team"], response_model=list[schemas.SubmissionView],
                responses=error_responses(401, 403, 404))
    def my_submissions(phase: str | None = None, ident: Identity = Depends(team)) -> list[dict]:
        return service.team_submissions(ctx.engine, ident.team_id, phase)

    @router.get("/submissions/{submission_id}", tags=["team"], response_model=schemas.SubmissionView,
                responses=error_responses(401, 404))
    def my_submission(submission_id: int, ident: Identity = Depends(identity)) -> dict:
        return service.get_submission(ctx.engine, submission_id, ident)

    @router.post("/submissions/{submission_id}/select", tags=["team"], response_model=schemas.SubmissionView,
                 responses=error_responses(401, 403, 404, 409))
    def select_one(submission_id: int, ident: Identity = Depends(team)) -> dict:
        return service.select_submission(ctx.engine, submission_id, ident.team_id)

    @router.get("/quota", tags=["team"], response_model=list[schemas.QuotaView], responses=error_responses(401, 403))
    def quota(ident: Identity = Depends(team)) -> list[dict]:
        return service.team_quotas(ctx.engine, ident.team_id)

    @router.get("/admin/submissions", tags=["host"], response_model=list[schemas.SubmissionView],
                responses=error_responses(401, 403))
    def admin_submissions(_: Identity = Depends(host)) -> list[dict]:
        return service.all_submissions(ctx.engine)

    @router.get("/admin/queue", tags=["host"], response_model=schemas.Queue, responses=error_responses(401, 403))
    def admin_queue(_: Identity = Depends(host)) -> dict:
        """Counts per status, and the failed jobs (the scorer crashed, timed out or was given up on)."""
        return service.queue_view(ctx.engine)

    @router.post("/admin/submissions/{submission_id}/rescore", tags=["host"], response_model=schemas.Rescored,
                 responses=error_responses(401, 403, 404, 409))
    def admin_rescore(submission_id: int, _: Identity = Depends(host)) -> dict:
        service.rescore(ctx.engine, submission_id)
        return {"id": submission_id, "status": "queued"}

    @router.post("/admin/submissions/{submission_id}/disqualify", tags=["host"],
                 response_model=schemas.Disqualified, responses=error_responses(401, 403, 404))
    def admin_disqualify(submission_id: int, reason: str = "", undo: bool = False,
                         _: Identity = Depends(host)) -> dict:
        service.disqualify(ctx.engine, submission_id, reason, undo=undo)
        return {"id": submission_id, "disqualified": not undo}

    @router.get("/admin/export/submissions", tags=["host"], response_class=Response,
                responses={**EXPORT_200, **error_responses(401, 403)})
    def admin_export_submissions(format: ExportFormat = "csv", _: Identity = Depends(host)) -> Response:
        return export_response([service.flat_submission(v) for v in service.all_submissions(ctx.engine)],
                               format, "submissions")

    @router.get("/admin/export/leaderboard/{phase}", tags=["host"], response_class=Response,
                responses={**EXPORT_200, **error_responses(401, 403, 404)})
    def admin_export_leaderboard(phase: str, track: str = contract.RANKING_TRACK, format: ExportFormat = "csv",
                                 _: Identity = Depends(host)) -> Response:
        board = ctx.leaderboards.get(ctx.engine, phase, track, host=True)
        return export_response(service.flat_leaderboard(board), format, f"leaderboard-{phase}-{track}")

    return router
