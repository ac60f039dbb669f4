"""Client side: ``zerowaste submission upload`` and ``zerowaste submission status``.

The upload streams the zip as ``multipart/form-data`` (never loaded into memory) with a progress
bar; the token comes from ``--token`` or the ``ZEROWASTE_TOKEN`` environment variable.

Example:
    $ export ZEROWASTE_TOKEN=zw_...
    $ zerowaste submission upload sub.zip --server http://127.0.0.1:8000 --phase val --method-name "DAFormer" --wait
    $ zerowaste submission status --server http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import click
import httpx

from zerowaste import contract
from zerowaste.io import fmt_pct

CHUNK = 256 * 1024
FINAL = ("scored", "invalid", "failed")

server_option = click.option("--server", required=True, envvar="ZEROWASTE_SERVER", help="Server URL, e.g. http://host:8000.")
token_option = click.option("--token", required=True, envvar="ZEROWASTE_TOKEN", help="Team token (or $ZEROWASTE_TOKEN).")


def multipart_body(path: Path, fields: dict[str, str], boundary: str, progress=None) -> tuple[int, Iterator[bytes]]:
    """``(content_length, chunks)`` of a multipart body holding ``fields`` and the file, streamed.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.zip"; _ = p.write_bytes(b"PK")
    >>> n, chunks = multipart_body(p, {"phase": "val"}, "B")
    >>> n == len(b"".join(chunks))
    True
    """
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        for name, value in fields.items())
    safe_name = path.name.replace('"', "%22").replace("\r", "").replace("\n", "")
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
             "Content-Type: application/zip\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def chunks() -> Iterator[bytes]:
        yield head
        with open(path, "rb") as f:
            while block := f.read(CHUNK):
                if progress is not None:
                    progress.update(len(block))
                yield block
        yield tail

    return len(head) + size + len(tail), chunks()


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("detail", resp.text))
    except (ValueError, AttributeError):
        return resp.text[:500]


def _request(method: str, url: str, token: str, **kwargs) -> httpx.Response:
    try:
        resp = httpx.request(method, url, headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})},
                             timeout=httpx.Timeout(30.0, read=600.0), **kwargs)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach the server at {url}: {exc}") from None
    if resp.status_code >= 400:
        raise click.ClickException(f"the server refused the request ({resp.status_code}): {_detail(resp)}")
    return resp


def upload_file(server_url: str, token: str, path: str | Path, phase: str = "val", method_name: str = "",
                show_progress: bool = True) -> dict:
    """Upload a submission zip; returns the server's answer ``{"id", "status", "phase", "remaining"}``."""
    from tqdm import tqdm

    path = Path(path)
    if not path.is_file():
        raise click.ClickException(f"{path} is not a file")
    boundary = "zw" + secrets.token_hex(16)
    with tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=f"uploading {path.name}",
              disable=not show_progress, leave=False) as bar:
        length, body = multipart_body(path, {"phase": phase, "method_name": method_name}, boundary, bar)
        resp = _request("POST", server_url.rstrip("/") + "/api/submissions", token, content=body,
                        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                 "Content-Length": str(length)})
    return resp.json()


def wait_for(server_url: str, token: str, submission_id: int, timeout: float = 3600, poll: float = 2.0) -> dict:
    """Poll a submission until it is scored, invalid or failed."""
    deadline = time.monotonic() + timeout
    while True:
        sub = _request("GET", f"{server_url.rstrip('/')}/api/submissions/{submission_id}", token).json()
        if sub["status"] in FINAL or time.monotonic() > deadline:
            return sub
        time.sleep(poll)


def status_text(sub: dict) -> str:
    """The status as a team should read it: a disqualified submission is not just "scored".

    >>> status_text({"status": "scored", "disqualified": True, "selected": False})
    'disqualified (scored, but removed from the leaderboards by the organizers)'
    >>> status_text({"status": "queued", "disqualified": False, "selected": False, "scores": {"uda": {}}})
    'queued (re-scoring; the leaderboard keeps the previous score until then)'
    """
    if sub.get("disqualified"):
        return f"disqualified ({sub['status']}, but removed from the leaderboards by the organizers)"
    text = sub["status"]
    if text in ("queued", "running") and sub.get("scores"):
        text += " (re-scoring; the leaderboard keeps the previous score until then)"
    return text + (" (selected)" if sub.get("selected") else "")


def describe(sub: dict) -> str:
    """Human-readable lines for one submission."""
    lines = [f"submission {sub['id']} [{sub['phase']}] {sub['method_name']!r} ({sub['filename']}): {status_text(sub)}"]
    for track in contract.TRACKS:
        sc = (sub.get("scores") or {}).get(track)
        if sc:
            ious = ", ".join(f"{k} {fmt_pct(v)}" for k, v in sc["IoU"].items())
            lines.append(f"  {track}: mIoU {fmt_pct(sc['mIoU'])}  Acc {fmt_pct(sc['Acc'])}  ({ious})")
    if sub.get("error"):
        lines.append(f"  error: {sub['error']}")
    lines += [f"  problem: {p}" for p in sub.get("problems") or []]
    return "\n".join(lines)


@click.command()
@click.argument("zip_path", type=click.Path(exists=True, dir_okay=False))
@server_option
@token_option
@click.option("--phase", default="val", show_default=True, help="Phase to submit to.")
@click.option("--method-name", default="", help="Name shown on the leaderboard.")
@click.option("--wait/--no-wait", default=False, help="Wait until it is scored and print the scores.")
def upload(zip_path: str, server: str, token: str, phase: str, method_name: str, wait: bool) -> None:
    """Upload a submission zip to a scoring server."""
    answer = upload_file(server, token, zip_path, phase, method_name)
    left = "unlimited" if answer.get("remaining") is None else answer["remaining"]
    click.echo(f"accepted: submission {answer['id']} in phase {answer['phase']} ({answer['status']}); "
               f"remaining quota now: {left}")
    if wait:
        sub = wait_for(server, token, answer["id"])
        click.echo(describe(sub))
        if sub["status"] != "scored":
            raise SystemExit(1)


@click.command()
@click.argument("submission_id", type=int, required=False)
@server_option
@token_option
@click.option("--phase", default=None, help="Only this phase.")
@click.option("--wait", is_flag=True, help="With SUBMISSION_ID: wait until it is scored.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(submission_id: int | None, server: str, token: str, phase: str | None, wait: bool, as_json: bool) -> None:
    """Show your submissions (or one of them) and your remaining quota."""
    base = server.rstrip("/")
    if submission_id is not None:
        sub = (wait_for(server, token, submission_id) if wait
               else _request("GET", f"{base}/api/submissions/{submission_id}", token).json())
        click.echo(json.dumps(sub, indent=1) if as_json else describe(sub))
        return
    subs = _request("GET", f"{base}/api/submissions", token, params={"phase": phase} if phase else None).json()
    quotas = _request("GET", f"{base}/api/quota", token).json()
    if as_json:
        click.echo(json.dumps({"submissions": subs, "quota": quotas}, indent=1))
        return
    for q in quotas:
        left = "unlimited" if q["remaining"] is None else q["remaining"]
        click.echo(f"phase {q['phase']}: {left} submission(s) left now "
                   f"(used today {q['used_today']}, in total {q['used_total']}){'' if q['open'] else ' [closed]'}")
    for sub in subs:
        click.echo(describe(sub))
