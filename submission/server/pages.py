"""Server-rendered pages (Jinja2, autoescape on): leaderboard, team page, upload form, login.

Pages authenticate with the team token kept in an HttpOnly, SameSite=Strict cookie set by the
login form (so other sites cannot post forms on a team's behalf); the JSON API uses the
``Authorization`` header instead.

Example:
    $ zerowaste server serve ... && open http://127.0.0.1:8000/
"""

from __future__ import annotations

from importlib import resources

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from zerowaste import contract
from zerowaste.io import fmt_pct

from . import service
from .context import Context
from .service import Identity, ServiceError
from .uploads import accept_upload

COOKIE = "zw_token"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(resources.files("zerowaste.submission.server") / "templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


_env.filters["pct"] = fmt_pct  # 0..1 as a percentage with two decimals, n/a when undefined


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status)


def pages_router(ctx: Context) -> APIRouter:
    """The HTML routes, answering from ``ctx`` (the app's shared state); not part of the OpenAPI schema."""
    router = APIRouter(include_in_schema=False)

    def who(request: Request) -> Identity | None:
        ident = service.authenticate(ctx.engine, request.cookies.get(COOKIE))
        return ident if ident is not None and ident.team_id is not None else None

    default_phase: dict[str, str] = {}

    def leaderboard_sync(request: Request, phase: str | None, track: str) -> Response:
        names = [p.name for p in service.list_phases(ctx.engine)]
        phase = phase or (names[0] if names else None)
        team = who(request)
        if phase is None:
            return render("leaderboard.html", phases=names, phase=phase, track=track, tracks=contract.TRACKS,
                          board=None, message="No phase has been created yet.", team=team)
        try:
            entry = ctx.leaderboards.lookup(ctx.engine, phase, track)
        except ServiceError as exc:
            return render("leaderboard.html", exc.status, phases=names, phase=phase, track=track,
                          tracks=contract.TRACKS, board=None, message=str(exc), team=team)
        if team is None and entry.extras.get("phases") == names and "html" in entry.extras:
            return HTMLResponse(entry.extras["html"])
        page = render("leaderboard.html", phases=names, phase=phase, track=track, tracks=contract.TRACKS,
                      board=entry.board, message=None, team=team)
        if team is None:  # anonymous visitors share one rendering per change of the board
            entry.extras.update(phases=names, html=page.body.decode())
            default_phase["name"] = names[0]
        return page

    @router.get("/", response_class=HTMLResponse)
    async def leaderboard_page(request: Request, phase: str | None = None,
                               track: str = contract.RANKING_TRACK) -> Response:
        name = phase or default_phase.get("name")
        if COOKIE not in request.cookies and name:
            entry = ctx.leaderboards.recent(name, track, service.LEADERBOARD_MAX_AGE)
            if entry is not None and "html" in entry.extras:
                return HTMLResponse(entry.extras["html"])  # fast path: no database access
        return await run_in_threadpool(leaderboard_sync, request, phase, track)

    @router.get("/login", response_class=HTMLResponse)
    def login_page() -> Response:
        return render("login.html", error=None, team=None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=4, max_part_size=4096)
        token = str(form.get("token", "")).strip()
        ident = await run_in_threadpool(service.authenticate, ctx.engine, token)
        if ident is None or ident.team_id is None:
            return render("login.html", 401, error="Unknown or revoked team token.", team=None)
        resp = RedirectResponse("/team", status_code=303)
        resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=30 * 86400)
        return resp

    @router.post("/logout")
    def logout() -> Response:
        resp = RedirectResponse("/", status_code=303)
        resp.delete_cookie(COOKIE)
        return resp

    @router.get("/team", response_class=HTMLResponse)
    def team_page(request: Request) -> Response:
        ident = who(request)
        if ident is None:
            return RedirectResponse("/login", status_code=303)
        return render("team.html", team=ident, error=None,
                      submissions=service.team_submissions(ctx.engine, ident.team_id),
                      quotas=service.team_quotas(ctx.engine, ident.team_id), tracks=contract.TRACKS)

    @router.post("/team/select/{submission_id}")
    def select_page(submission_id: int, request: Request) -> Response:
        ident = who(request)
        if ident is None:
            return RedirectResponse("/login", status_code=303)
        try:
            service.select_submission(ctx.engine, submission_id, ident.team_id)
        except ServiceError as exc:
            return render("team.html", exc.status, team=ident, error=str(exc), tracks=contract.TRACKS,
                          submissions=service.team_submissions(ctx.engine, ident.team_id),
                          quotas=service.team_quotas(ctx.engine, ident.team_id))
        return RedirectResponse("/team", status_code=303)

    def upload_form(ident: Identity, error: str | None = None, status: int = 200) -> Response:
        return render("upload.html", status, team=ident, error=error,
                      quotas=service.team_quotas(ctx.engine, ident.team_id))

    @router.get("/upload", response_class=HTMLResponse)
    def upload_page(request: Request) -> Response:
        ident = who(request)
        return RedirectResponse("/login", status_code=303) if ident is None else upload_form(ident)

    @router.post("/upload")
    async def upload(request: Request) -> Response:
        ident = await run_in_threadpool(who, request)
        if ident is None:
            return RedirectResponse("/login", status_code=303)
        try:
            await accept_upload(request, ctx, ident)
        except ServiceError as exc:
            return await run_in_threadpool(upload_form, ident, str(exc), exc.status)
        return RedirectResponse("/team", status_code=303)

    return router
