"""``zerowaste server admin``: the host's commands, run on the server machine against the database.

Phases, teams, tokens (shown once, stored hashed), rescore, disqualify, and exports of the
leaderboard and of all submissions to CSV or JSON. The same actions exist over HTTP under
``/api/admin/`` for an admin token.

Example:
    $ zerowaste server admin --db sqlite:///challenge.db phase create test --closes "$(date -u -d '+30 days' +%FT%R)" --hidden
    $ zerowaste server admin --db sqlite:///challenge.db token issue --admin
    $ zerowaste server admin --db sqlite:///challenge.db export leaderboard --phase test --out board.csv
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import click

from zerowaste import contract
from zerowaste.cli import KitGroup
from zerowaste.errors import ZeroWasteError
from zerowaste.io import write_text_atomic

from . import service
from .models import RULES
from .rules import DEFAULT_INVALID_PER_DAY
from .service import ServiceError


def _engine(ctx: click.Context):
    from .db import open_database

    obj = ctx.find_root().ensure_object(dict)
    if "engine" not in obj:
        try:
            obj["engine"] = open_database(ctx.find_object(AdminOptions).db_url)
        except ZeroWasteError as exc:  # bad URL, unreachable PostgreSQL, unwritable SQLite path
            raise click.ClickException(str(exc)) from None
    return obj["engine"]


class AdminOptions:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url


def host_command(f):
    """Pass the engine as first argument; turn rule violations into clean CLI errors."""

    @functools.wraps(f)
    @click.pass_context
    def wrapper(ctx: click.Context, *args, **kwargs):
        try:
            return f(_engine(ctx), *args, **kwargs)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def parse_time(value: str | None) -> dt.datetime | None:
    """ISO date/time; a time without zone is UTC.

    >>> parse_time("2026-12-01T00:00").isoformat()
    '2026-12-01T00:00:00+00:00'
    """
    if value is None or value == "":
        return None
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date/time (e.g. 2026-12-01T00:00)") from None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def _write(text: str, out: str | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    path = Path(out)
    write_text_atomic(path, text)
    click.echo(f"wrote {path}", err=True)


@click.group(cls=KitGroup)
@click.option("--db", "db_url", default="sqlite:///zerowaste-server.db", show_default=True, help="Database URL.")
@click.pass_context
def admin(ctx: click.Context, db_url: str) -> None:
    """Host commands: phases, teams, tokens, rescore, disqualify, export."""
    ctx.obj = AdminOptions(db_url)


# ------------------------------------------------------------------------------------------ phases


@admin.group()
def phase() -> None:
    """Create, change and list phases."""


def _quota(value: str | None) -> int | None:
    if value is None:
        return -1  # contract default
    if value.lower() in ("none", "unlimited"):
        return None
    if not value.isdigit():
        raise click.BadParameter(f"{value!r}: give a number or 'none'")
    return int(value)


phase_options = [
    click.option("--opens", help="Opening time (ISO; UTC unless a zone is given)."),
    click.option("--closes", help="Closing time (ISO; UTC unless a zone is given)."),
    click.option("--per-day", help="Submissions per team per UTC day, or 'none'."),
    click.option("--total", help="Submissions per team in the phase, or 'none'."),
    click.option("--rule", type=click.Choice(RULES), help="Which submission of a team is ranked."),
    click.option("--hidden/--visible", "hidden", default=None, help="Hide the leaderboard until the phase closes."),
    click.option("--count-rejected/--no-count-rejected", "count_rejected", default=None,
                 help="Whether submissions failing validation count against the quota (default: no)."),
    click.option("--invalid-per-day",
                 help=f"Submissions failing validation a team may make per UTC day, or 'none' "
                      f"(default {DEFAULT_INVALID_PER_DAY})."),
]


def warn_if_past(what: str, when: dt.datetime | None) -> None:
    """Warn on stderr when a phase is given a closing time that has already passed."""
    if when is not None and when <= dt.datetime.now(dt.UTC):
        click.echo(f"warning: --closes {when.isoformat()} is in the past: phase {what!r} is closed "
                   "(no uploads) and a --hidden board is public", err=True)


def _phase_options(f):
    for opt in reversed(phase_options):
        f = opt(f)
    return f


@phase.command("create")
@click.argument("name")
@click.option("--split", type=click.Choice(contract.PHASES), help="Ground-truth split (default: NAME).")
@_phase_options
@host_command
def phase_create(engine, name, split, opens, closes, per_day, total, rule, hidden, count_rejected,
                 invalid_per_day) -> None:
    """Create phase NAME (quotas default to the challenge rules: 5/day on val, 5 in total on test)."""
    closes_at = parse_time(closes)
    warn_if_past(name, closes_at)
    invalid = _quota(invalid_per_day)
    p = service.create_phase(engine, name, split=split, opens_at=parse_time(opens), closes_at=closes_at,
                             per_day=_quota(per_day), total=_quota(total), rule=rule or "best",
                             hidden_until_close=bool(hidden), count_rejected=bool(count_rejected),
                             invalid_per_day=DEFAULT_INVALID_PER_DAY if invalid == -1 else invalid)
    click.echo(json.dumps(service.phase_view(p)))


@phase.command("update")
@click.argument("name")
@_phase_options
@host_command
def phase_update(engine, name, opens, closes, per_day, total, rule, hidden, count_rejected, invalid_per_day) -> None:
    """Change phase NAME (only the options given; use '' for no opening/closing time)."""
    changes = {"opens_at": opens, "closes_at": closes, "rule": rule, "hidden_until_close": hidden,
               "count_rejected": count_rejected}
    changes = {k: v for k, v in changes.items() if v is not None}
    for key in ("opens_at", "closes_at"):
        if key in changes:
            changes[key] = parse_time(changes[key])
    if changes.get("closes_at"):
        warn_if_past(name, changes["closes_at"])
    for key, value in (("per_day", per_day), ("total", total), ("invalid_per_day", invalid_per_day)):
        if value is not None:
            changes[key] = _quota(value)
    click.echo(json.dumps(service.phase_view(service.update_phase(engine, name, **changes))))


@phase.command("list")
@host_command
def phase_list(engine) -> None:
    """List phases as JSON lines."""
    for p in service.list_phases(engine):
        click.echo(json.dumps(service.phase_view(p)))


# ------------------------------------------------------------------------------------------ teams and tokens


@admin.group()
def team() -> None:
    """Create and list teams."""


@team.command("create")
@click.argument("name")
@host_command
def team_create(engine, name) -> None:
    """Create team NAME."""
    click.echo(f"created team {service.create_team(engine, name).name!r}")


@team.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of team names (for scripts).")
@host_command
def team_list(engine, as_json) -> None:
    """List teams, one name per line."""
    names = [t.name for t in service.list_teams(engine)]
    click.echo(json.dumps(names) if as_json else "\n".join(names), nl=bool(names) or as_json)


@admin.group()
def token() -> None:
    """Issue, revoke and list tokens."""


@token.command("issue")
@click.option("--team", "team_name", help="Team the token submits for.")
@click.option("--admin", "is_admin", is_flag=True, help="A host token for /api/admin/ instead.")
@click.option("--json", "as_json", is_flag=True, help='Print {"token": ..., "team": ..., "admin": ...} (for scripts).')
@host_command
def token_issue(engine, team_name, is_admin, as_json) -> None:
    """Issue a token. It is printed once: only its hash is stored."""
    if bool(team_name) == is_admin:
        raise click.UsageError("give exactly one of --team NAME or --admin")
    plain = service.issue_token(engine, team_name, admin=is_admin)
    click.echo(json.dumps({"token": plain, "team": team_name, "admin": is_admin}) if as_json else plain)
    click.echo("(shown once: only its hash is stored; revoke it with `token revoke "
               f"{plain[:8]}`)", err=True)


@token.command("revoke")
@click.argument("token_or_prefix")
@host_command
def token_revoke(engine, token_or_prefix) -> None:
    """Revoke a token by its listed prefix (or the full token)."""
    n = service.revoke_token(engine, token_or_prefix)
    if n == 0:
        raise click.ClickException(f"no token matches {token_or_prefix!r}")
    click.echo(f"revoked {n} token(s)")


@token.command("list")
@host_command
def token_list(engine) -> None:
    """List tokens (prefix, team, revoked) as JSON lines."""
    for t in service.list_tokens(engine):
        click.echo(json.dumps(t))


# ------------------------------------------------------------------------------------------ submissions


@admin.command()
@click.argument("submission_id", type=int)
@host_command
def rescore(engine, submission_id) -> None:
    """Queue a submission for scoring again."""
    service.rescore(engine, submission_id)
    click.echo(f"submission {submission_id} queued for rescoring")


@admin.command()
@click.argument("submission_id", type=int)
@click.option("--reason", default="", help="Recorded in the audit log.")
@click.option("--undo", is_flag=True, help="Put the submission back on the leaderboard.")
@host_command
def disqualify(engine, submission_id, reason, undo) -> None:
    """Remove a submission from the leaderboards."""
    service.disqualify(engine, submission_id, reason, undo=undo)
    click.echo(f"submission {submission_id} {'requalified' if undo else 'disqualified'}")


@admin.group()
def export() -> None:
    """Export the leaderboard or all submissions to CSV or JSON."""


format_option = click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
out_option = click.option("--out", type=click.Path(dir_okay=False), help="Output file (default: stdout).")


@export.command("leaderboard")
@click.option("--phase", "phase_name", required=True)
@click.option("--track", type=click.Choice(contract.TRACKS), default=contract.RANKING_TRACK, show_default=True)
@format_option
@out_option
@host_command
def export_leaderboard(engine, phase_name, track, fmt, out) -> None:
    """The leaderboard of a phase and track (hidden ones included: this is the host)."""
    board = service.LeaderboardCache().get(engine, phase_name, track, host=True)
    _write(service.export_text(service.flat_leaderboard(board), fmt), out)


@export.command("submissions")
@format_option
@out_option
@host_command
def export_submissions(engine, fmt, out) -> None:
    """Every submission with status, scores of both tracks and per-class IoU."""
    rows = [service.flat_submission(v) for v in service.all_submissions(engine)]
    _write(service.export_text(rows, fmt), out)
