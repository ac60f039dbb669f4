"""Bounded load on the scoring server over loopback (embedded default: SQLite + local store).

Starts `zerowaste server serve` in a subprocess on 127.0.0.1 with a leaderboard of ``--teams`` teams
(3 scored submissions each), then measures, side by side in one run:

1. leaderboard latency with ``--readers`` concurrent readers, each issuing at most ``--rate``
   requests per second (bounded load) for ``--seconds``: the public JSON (served from memory), the
   same with a host token (a database version check on every request) and the public HTML page;
   the server's CPU time per request is read from /proc (stable when the machine is busy);
2. uploads accepted per second with ``--uploaders`` concurrent clients (a 45 kB sample zip each;
   scoring workers off, so this is acceptance: stream + quota transaction + atomic store).

The client runs on the same 2 cores as the server, so latencies include client overhead.

    python bench/server_load.py [--db postgresql://...] [--readers 50] [--rate 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from zerowaste import contract
from zerowaste.submission.server import service
from zerowaste.submission.server.db import make_engine, upgrade, write_session
from zerowaste.submission.server.models import SCORED, Submission
from zerowaste.submission.server.sample import write_sample_gt, write_sample_submission


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(db_url: str, teams: int) -> dict[str, str]:
    """Phase val (no quota), ``teams`` teams with 3 scored submissions each; returns an uploader token."""
    engine = make_engine(db_url)
    upgrade(engine)
    service.create_phase(engine, "val", per_day=None)
    ids = [service.create_team(engine, f"team-{i:03d}").id for i in range(teams)]
    now = dt.datetime.now(dt.UTC)
    with write_session(engine) as s:
        for n, team_id in enumerate(ids):
            for k in range(3):
                miou = 0.3 + 0.4 * ((n * 7 + k * 3) % 97) / 97
                track = {"mIoU": miou, "Acc": 0.9, "aAcc": 0.9, "IoU": {c: miou for c in contract.CLASS_NAMES}}
                s.add(Submission(team_id=team_id, phase_id=1, method_name=f"method {k}", original_filename="s.zip",
                                 file_name=f"bench-{team_id}-{k}.zip", size_bytes=1, created_at=now, status=SCORED,
                                 result=json.dumps({t: track for t in contract.TRACKS}), scored_at=now))
    service.create_team(engine, "uploader")
    tokens = {"uploader": service.issue_token(engine, "uploader"), "admin": service.issue_token(engine, admin=True)}
    engine.dispose()
    return tokens


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to report server CPU per request."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def read_load(url: str, readers: int, rate: float, seconds: float, headers: dict | None = None) -> dict:
    """``readers`` tasks, each at most ``rate`` requests/s; latency of every request in ms."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:
        stop = time.monotonic() + seconds

        async def reader(i: int) -> None:
            nonlocal errors
            await asyncio.sleep(i / (readers * rate))  # spread the starts
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = await client.get(url)
                latencies.append(1000 * (time.perf_counter() - t0))
                errors += r.status_code != 200
                await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - t0)))

        t0 = time.monotonic()
        await asyncio.gather(*(reader(i) for i in range(readers)))
        wall = time.monotonic() - t0
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / wall,
            "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95), "p99": percentile(latencies, 0.99)}


async def upload_load(url: str, token: str, zip_path: Path, uploaders: int, total: int) -> dict:
    data = zip_path.read_bytes()
    codes: list[int] = []
    async with httpx.AsyncClient(timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
        queue = list(range(total))

        async def uploader() -> None:
            while queue:
                queue.pop()
                r = await client.post(url, data={"phase": "val", "method_name": "bench"},
                                      files={"file": ("s.zip", data, "application/zip")})
                codes.append(r.status_code)

        t0 = time.monotonic()
        await asyncio.gather(*(uploader() for _ in range(uploaders)))
        wall = time.monotonic() - t0
    return {"uploads": len(codes), "accepted": codes.count(201), "per_second": codes.count(201) / wall,
            "zip_kB": len(data) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file, the embedded default)")
    ap.add_argument("--teams", type=int, default=100)
    ap.add_argument("--readers", type=int, default=50)
    ap.add_argument("--rate", type=float, default=4.0, help="max requests per second per reader")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--uploaders", type=int, default=8)
    ap.add_argument("--uploads", type=int, default=200)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="zw-bench-server-"))
    db_url = args.db or f"sqlite:///{tmp / 'server.db'}"
    gt = write_sample_gt(tmp / "gt")
    zip_path = write_sample_submission(tmp / "sub.zip")
    tokens = populate(db_url, args.teams)
    port = free_port()
    log = open(tmp / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "zerowaste.cli", "server", "serve", "--db", db_url,
                             "--store", str(tmp / "store"), "--gt", str(gt), "--port", str(port), "--workers", "0",
                             "--uploads-per-team", str(args.uploaders)],  # one team uploads from all clients
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        httpx.get(base + "/api/leaderboard/val")  # warm the cache
        kind = "PostgreSQL" if db_url.startswith("postgres") else "SQLite (embedded default)"
        print(f"server: {kind}, {args.teams} teams x 3 scored submissions, {os.cpu_count()} CPUs (client shares them)")
        results = {}
        scenarios = [("leaderboard JSON", "/api/leaderboard/val", None),
                     ("  same, host token", "/api/leaderboard/val", {"Authorization": f"Bearer {tokens['admin']}"}),
                     ("leaderboard page", "/?phase=val", None)]
        for name, path, headers in scenarios:
            cpu0 = cpu_seconds(proc.pid)
            r = asyncio.run(read_load(base + path, args.readers, args.rate, args.seconds, headers))
            r["server_cpu_ms"] = 1000 * (cpu_seconds(proc.pid) - cpu0) / max(r["requests"], 1)
            results[name] = r
            print(f"{name:18s} {args.readers} readers x <= {args.rate:g} req/s: {r['requests']:5d} requests "
                  f"({r['rps']:.0f}/s, {r['errors']} errors)  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  "
                  f"p99 {r['p99']:6.1f} ms  server CPU {r['server_cpu_ms']:.2f} ms/request")
        cpu0 = cpu_seconds(proc.pid)
        up = asyncio.run(upload_load(base + "/api/submissions", tokens["uploader"], zip_path, args.uploaders, args.uploads))
        up_cpu = 1000 * (cpu_seconds(proc.pid) - cpu0) / max(up["accepted"], 1)
        print(f"uploads            {args.uploaders} concurrent clients: {up['accepted']}/{up['uploads']} accepted, "
              f"{up['per_second']:.1f} uploads/s ({up['zip_kB']:.0f} kB zip each)  server CPU {up_cpu:.2f} ms/upload")
        load = os.getloadavg()[0]
        target = results["leaderboard JSON"]["p95"] < 50
        print(f"target p95 < 50 ms on the leaderboard JSON: {'met' if target else 'NOT met'} "
              f"(1-min load average during the run: {load:.1f} on {os.cpu_count()} CPUs)")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


if __name__ == "__main__":
    main()
