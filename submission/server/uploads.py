"""Receiving one submission upload: shared by the JSON API and the upload form of the pages.

:func:`accept_upload` holds one of the team's upload slots (``Settings.uploads_per_team``), streams
the multipart body into the store (aborting a body that stalls for ``Settings.upload_idle_timeout``
seconds, 408), checks the zip signature and inserts the row with the quota checked in the same
transaction. Whatever goes wrong, the partial file is deleted and the slot released.

Example (inside an ASGI handler):
    >>> # answer = await accept_upload(request, ctx, ident)
    >>> # answer["id"], answer["remaining"]
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from . import service
from .context import Context
from .service import Identity, ServiceError
from .store import UploadTooLarge
from .streaming import FormError, clean_text, receive_form

MAX_METHOD_NAME = 200
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


async def accept_upload(request: Request, ctx: Context, ident: Identity) -> dict:
    """Stream an upload into the store and insert its row; returns ``{"id", "status", "phase", "remaining"}``.

    Raises :class:`~zerowaste.submission.server.service.ServiceError` with the HTTP status to answer.
    """
    if ident.team_id is None:
        raise ServiceError("submissions are made with a team token", 403)
    team_id = ident.team_id

    async def precheck(fields: dict[str, str]) -> None:
        phase = clean_text(fields.get("phase", ""), 50)
        if phase:  # sent before the file (as our client and form do): refuse before the transfer
            await run_in_threadpool(service.precheck_submission, ctx.engine, team_id, phase)

    settings = ctx.settings
    with ctx.uploads.hold(team_id), ctx.store.upload(settings.max_upload_bytes) as up:
        try:
            form = await receive_form(request, up, before_file=precheck, idle_timeout=settings.upload_idle_timeout)
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
            service.insert_submission, ctx.engine, team_id, phase,
            method_name=clean_text(form.fields.get("method_name", ""), MAX_METHOD_NAME),
            original_filename=form.filename or "", size_bytes=up.size, publish=up.publish)
