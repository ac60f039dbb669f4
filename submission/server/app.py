"""The web app: the JSON API (OpenAPI docs at ``/docs``) and the server-rendered pages.

:func:`create_app` builds one :class:`~zerowaste.submission.server.context.Context` from the
:class:`~zerowaste.submission.server.context.Settings` and mounts two routers on it: the API
(:func:`~zerowaste.submission.server.api.api_router`) and the pages
(:func:`~zerowaste.submission.server.pages.pages_router`); both receive uploads through
:func:`~zerowaste.submission.server.uploads.accept_upload`. At start-up it upgrades the database schema
(Alembic), deletes leftovers of uploads interrupted by a crash, and optionally runs scoring workers in
threads (``--workers N``, the embedded default).

Example:
    >>> import tempfile
    >>> app = create_app(Settings(db_url="sqlite:///:memory:", store_dir=tempfile.mkdtemp(), gt_path="gt/"))
    >>> app.title, app.openapi()["components"]["securitySchemes"]["token"]["scheme"]
    ('zerowaste-kit scoring server', 'bearer')
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match

from .api import api_router
from .context import Context, Settings, startup
from .pages import pages_router
from .service import ServiceError
from .worker import run_worker

__all__ = ["Settings", "create_app"]


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

    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
        # Starlette names only the first matching route's methods; a path served by several
        # routes (GET and POST /api/submissions) must list them all in Allow.
        allowed = {m for router in routers for route in router.routes
                   if route.matches(request.scope)[0] != Match.NONE for m in getattr(route, "methods", None) or ()}
        return JSONResponse({"detail": exc.detail}, status_code=405, headers={"Allow": ", ".join(sorted(allowed))})

    routers = [api_router(ctx), pages_router(ctx)]
    for router in routers:
        app.include_router(router)
    return app
