"""`zerowaste demo`: the kit end to end, on embedded defaults, on one CPU machine.

render source + target scenes -> verify/stats -> train source-only and UDA -> select (SND) ->
predict the target -> pack a submission -> scoring server (SQLite) <- upload -> worker scores ->
leaderboard + plots, all under one output folder with an index printed at the end.

Every step is the same `zerowaste` command a user would type (printed before it runs), so any step
can be replaced by the real thing. A step whose outputs exist is skipped: a second run reuses them.

Example:
    $ zerowaste demo --out out/demo            # about 10-15 minutes on 2 CPU cores
    $ zerowaste demo --out /tmp/d --size ci    # the reduced size the test suite runs
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from zerowaste import contract as C
from zerowaste.cli import KitCommand

#: what each training run writes (zerowaste.baselines.hooks.PROGRESS_JSON; not imported: no torch here)
PROGRESS_JSON = "progress.json"

console = Console(stderr=True)

#: The demo's configs, named as `zerowaste train` resolves them (relative to the shipped config folder),
#: so the demo runs the same from a checkout and from an installed package.
SOURCE_CONFIG = "tiny/segformer_tiny_synth.py"
UDA_CONFIG = "uda/dacs_tiny_synth.py"


@dataclass(frozen=True)
class DemoSize:
    """How big the demo is: frames per domain, frame size, render samples, training iterations."""

    source_frames: int
    target_frames: int
    target_val_frames: int
    resolution: str
    samples: int
    iters: int
    uda_iters: int


SIZES: dict[str, DemoSize] = {
    "default": DemoSize(source_frames=24, target_frames=12, target_val_frames=8, resolution="320x180",
                        samples=8, iters=400, uda_iters=600),
    "ci": DemoSize(source_frames=4, target_frames=3, target_val_frames=2, resolution="160x90",
                   samples=4, iters=6, uda_iters=6),
}


@dataclass
class Step:
    """One demo step: a name, the files it must leave, and what it runs.

    A step counts as done when it finished once (a marker in ``<out>/.done/``) and its files are
    still there; a step that was interrupted or whose outputs were deleted runs again.
    """

    name: str
    outputs: Sequence[Path]
    run: Callable[[], None]

    def marker(self, out: Path) -> Path:
        slug = "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")
        return out / ".done" / slug

    def is_done(self, out: Path) -> bool:
        return self.marker(out).exists() and all(p.exists() for p in self.outputs)

    def mark_done(self, out: Path) -> None:
        self.marker(out).parent.mkdir(parents=True, exist_ok=True)
        self.marker(out).touch()


def zw(*args: str | Path, log: Path | None = None, progress: Path | None = None) -> str:
    """Run one `zerowaste` command as a user would, echoing it; raise with its output if it fails.

    ``progress``: a training run's ``progress.json`` (written by its ProgressHook), shown as a
    progress bar with the ETA while the command runs.
    """
    cmd = [sys.executable, "-m", "zerowaste", *map(str, args)]
    console.print(f"  [dim]$ zerowaste {' '.join(map(str, args))}[/dim]")
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()) as proc:
        stdout, stderr = proc.communicate() if progress is None else _wait_showing_progress(proc, progress)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(stdout + stderr)
    if proc.returncode != 0:
        tail = "\n".join((stdout + stderr).strip().splitlines()[-25:])
        raise click.ClickException(f"`zerowaste {' '.join(map(str, args))}` failed (exit {proc.returncode}):\n{tail}")
    return stdout


def _wait_showing_progress(proc: subprocess.Popen, progress_json: Path) -> tuple[str, str]:
    """Wait for ``proc`` showing a rich progress bar fed from ``progress_json``; return its stdout and
    stderr (drained by threads meanwhile, so a chatty child never blocks on a full pipe)."""
    import threading

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    chunks: dict[str, list[str]] = {"out": [], "err": []}
    readers = [threading.Thread(target=lambda s=s, k=k: chunks[k].append(s.read()), daemon=True)
               for s, k in ((proc.stdout, "out"), (proc.stderr, "err"))]
    for r in readers:
        r.start()
    columns = (TextColumn("  training"), BarColumn(), MofNCompleteColumn(), TextColumn("it"),
               TimeElapsedColumn(), TextColumn("{task.fields[eta]}"))
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("train", total=None, eta="")
        while proc.poll() is None:
            time.sleep(0.5)
            try:
                state = json.loads(progress_json.read_text())
            except (OSError, ValueError):
                continue  # not written yet
            eta = state.get("eta_s")
            bar.update(task, total=state["max_iters"], completed=state["iter"],
                       eta="" if eta is None else f"ETA {int(eta) // 60}:{int(eta) % 60:02d}")
    for r in readers:
        r.join()
    return "".join(chunks["out"]), "".join(chunks["err"])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise click.ClickException(f"the demo server did not answer at {url} within {timeout:.0f} s")


def build_steps(out: Path, size: DemoSize, seed: int) -> list[Step]:
    """The demo's steps, in order, with the folders they write under ``out``."""
    data, train, pred, plots, server = (out / d for d in ("data", "train", "predictions", "plots", "server"))
    source, target = data / "source", data / "target"
    gt = target / "val" / C.SEM_DIR
    target_images = target / "val" / C.IMAGE_DIR
    src_cfg, uda_cfg = SOURCE_CONFIG, UDA_CONFIG
    data_opts = [f"source_root={source}", f"target_root={target}"]
    sub = out / "submission.zip"
    render = ["--resolution", size.resolution, "--samples", str(size.samples)]

    def render_source() -> None:
        zw("synth", "render", "--out", source, "--n", size.source_frames, "--preset", "mrf-a",
           "--split", "train", *render, "--seed", str(seed), log=out / "logs" / "render_source.log")
        zw("synth", "render", "--out", source, "--n", max(2, size.source_frames // 4), "--preset", "mrf-a",
           "--split", "val", *render, "--seed", str(seed + 500), log=out / "logs" / "render_source_val.log")

    def render_target() -> None:
        # Target labels are for scoring only: paper is written as background, as the server expects.
        zw("synth", "render", "--out", target, "--n", size.target_frames, "--preset", "mrf-b",
           "--split", "train", *render, "--seed", str(seed + 1000), log=out / "logs" / "render_target.log")
        zw("synth", "render", "--out", target, "--n", size.target_val_frames, "--preset", "mrf-b",
           "--split", "val", "--paper-to", "0", *render, "--seed", str(seed + 2000),
           log=out / "logs" / "render_target_val.log")

    def inspect() -> None:
        w, h = size.resolution.split("x")
        zw("data", "verify", source, "--dataset", "synthwaste", "--size", f"{w}x{h}")
        zw("data", "stats", source, "--dataset", "synthwaste", "--out", plots / "source_stats")
        zw("synth", "preview", source / "train", "-o", plots / "source_contact_sheet.png")
        zw("synth", "preview", target / "val", "-o", plots / "target_contact_sheet.png")

    def train_source_only() -> None:
        zw("train", src_cfg, "--work-dir", train / "source_only", "--seed", str(seed), *data_opts,
           f"train_cfg.max_iters={size.iters}", log=out / "logs" / "train_source_only.log",
           progress=train / "source_only" / PROGRESS_JSON)

    def train_uda() -> None:
        every = max(1, size.uda_iters // 3)  # three checkpoints for SND to choose from
        zw("train", uda_cfg, "--work-dir", train / "uda", "--seed", str(seed), *data_opts,
           f"train_cfg.max_iters={size.uda_iters}", f"model.warmup_iters={size.uda_iters // 3}",
           f"default_hooks.checkpoint.interval={every}",
           "default_hooks.checkpoint.max_keep_ckpts=3", log=out / "logs" / "train_uda.log",
           progress=train / "uda" / PROGRESS_JSON)

    def select() -> None:
        ckpts = sorted((train / "uda").glob("iter_*.pth"))
        text = zw("select", *ckpts, "--images", target / "train" / C.IMAGE_DIR, "--json", train / "uda" / "snd.json")
        (train / "uda" / "snd.txt").write_text(text)

    def predict() -> None:
        best = json.loads((train / "uda" / "snd.json").read_text())[0]["checkpoint"]
        zw("predict", train / "source_only" / "last.pth", "--images", target_images, "--out", pred,
           "--track", "source_only", "--overlays", plots / "overlays_source_only")
        zw("predict", best, "--images", target_images, "--out", pred, "--track", "uda",
           "--overlays", plots / "overlays_uda")

    def pack_and_score() -> None:
        zw("submission", "pack", "--source-only", pred / "source_only", "--uda", pred / "uda",
           "--images", target_images, "-o", sub)
        text = zw("score", sub, "--gt", gt, "--json", out / "scores.json", "--plots", plots)
        (out / "scores.txt").write_text(text)

    def serve_and_upload() -> None:
        run_server_round(server, gt, sub, out / "leaderboard.json", out / "logs")

    return [
        Step("render source scenes (preset mrf-a)", [source / "train" / C.LABELS_JSON, source / "val" / C.LABELS_JSON],
             render_source),
        Step("render target scenes (preset mrf-b)", [target / "val" / C.LABELS_JSON, target / "train" / C.LABELS_JSON],
             render_target),
        Step("verify data, class statistics, contact sheets", [plots / "target_contact_sheet.png"], inspect),
        Step("train source-only", [train / "source_only" / "last.pth"], train_source_only),
        Step("train UDA (DACS)", [train / "uda" / "last.pth"], train_uda),
        Step("select the UDA checkpoint by SND", [train / "uda" / "snd.json"], select),
        Step("predict the target", [pred / "source_only", pred / "uda"], predict),
        Step("pack and score the submission", [out / "scores.json"], pack_and_score),
        Step("scoring server: upload, worker scores, leaderboard", [out / "leaderboard.json"], serve_and_upload),
    ]


def run_server_round(server: Path, gt: Path, sub: Path, leaderboard: Path, logs: Path) -> None:
    """Start the embedded server (SQLite + an in-process worker), register a team, upload, wait for
    the score, and save the leaderboard (JSON and the public page)."""
    server.mkdir(parents=True, exist_ok=True)
    db = ["--db", f"sqlite:///{server / 'server.db'}"]
    phases = [json.loads(line)["name"] for line in zw("server", "admin", *db, "phase", "list").splitlines()]
    if "val" not in phases:
        zw("server", "admin", *db, "phase", "create", "val")
    token_file = server / "team_token.txt"
    if not token_file.exists():
        if "demo-team" not in json.loads(zw("server", "admin", *db, "team", "list", "--json")):
            zw("server", "admin", *db, "team", "create", "demo-team")
        token = json.loads(zw("server", "admin", *db, "token", "issue", "--team", "demo-team", "--json"))["token"]
        token_file.write_text(token + "\n")
        token_file.chmod(0o600)
    token = token_file.read_text().strip()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    logs.mkdir(parents=True, exist_ok=True)
    serve = ["server", "serve", *db, "--store", str(server / "store"), "--gt", str(gt), "--port", str(port),
             "--workers", "1"]
    console.print(f"  [dim]$ zerowaste {' '.join(serve)} &[/dim]")
    with open(logs / "server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "zerowaste", *serve], stdout=log,
                                stderr=subprocess.STDOUT, env=_env(), start_new_session=True)
    try:
        _wait_http(f"{url}/api/health")
        zw("submission", "upload", sub, "--server", url, "--token", token, "--phase", "val",
           "--method-name", "demo: tiny SegFormer + DACS", "--wait")
        with urllib.request.urlopen(f"{url}/api/leaderboard/val", timeout=10) as resp:
            board = json.load(resp)
        with urllib.request.urlopen(f"{url}/", timeout=10) as resp:
            (server / "leaderboard.html").write_bytes(resp.read())
        leaderboard.write_text(json.dumps(board, indent=2))
        console.print(f"  leaderboard: {url}/ (saved to {server / 'leaderboard.html'})")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def print_index(out: Path) -> Path:
    """Print (and save as ``index.txt``) what the demo left, so people know where to look."""
    console.rule("[bold]zerowaste demo: outputs")
    scores = out / "scores.txt"
    if scores.exists():
        console.print(scores.read_text().split("\nwrote ")[0])
    lines = []
    for label, pattern in INDEX:
        for path in sorted(out.glob(pattern)):
            lines.append(f"{label:<28} {path.relative_to(out)}")
    index = out / "index.txt"
    index.write_text("\n".join(lines) + "\n")
    console.print("\n".join(lines))
    console.print(f"everything is under {out} (this list: {index})")
    return index


#: What the index lists: (label, glob under the output folder).
INDEX: tuple[tuple[str, str], ...] = (
    ("scores (JSON)", "scores.json"),
    ("submission", "submission.zip"),
    ("leaderboard (server JSON)", "leaderboard.json"),
    ("leaderboard (server page)", "server/leaderboard.html"),
    ("contact sheet", "plots/*contact_sheet.png"),
    ("class statistics", "plots/source_stats/*.png"),
    ("confusion matrix", "plots/*_confusion.png"),
    ("per-class IoU", "plots/*_iou.png"),
    ("training curves", "train/*/training_curves.png"),
    ("SND ranking", "train/uda/snd.txt"),
    ("prediction overlays", "plots/overlays_*"),
    ("logs", "logs"),
)


@click.command(cls=KitCommand)
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True,
              help="Output folder (reused by a second run).")
@click.option("--size", type=click.Choice(sorted(SIZES)), default="default", show_default=True,
              help="'ci' is the reduced size the test suite runs.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--fresh", is_flag=True, help="Delete the output folder first instead of reusing it.")
def demo(out: Path, size: str, seed: int, fresh: bool) -> None:
    """Run the end-to-end demo: synth -> train -> adapt -> predict -> submit -> server leaderboard."""
    from zerowaste.errors import require

    require(("bpy", "blenderproc", "torch", "mmseg", "sqlalchemy", "fastapi"), "zerowaste demo", extra="all")
    if fresh and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    steps = build_steps(out, SIZES[size], seed)
    t_all = time.monotonic()
    for i, step in enumerate(steps, 1):
        header = f"[{i}/{len(steps)}] {step.name}"
        if step.is_done(out):
            console.print(f"[green]✓[/green] {header} [dim](reused)[/dim]")
            continue
        console.print(f"[bold cyan]▶[/bold cyan] {header}")
        t0 = time.monotonic()
        step.run()
        step.mark_done(out)
        console.print(f"[green]✓[/green] {header} [dim]({time.monotonic() - t0:.0f} s)[/dim]")
    console.print(f"demo finished in {time.monotonic() - t_all:.0f} s")
    print_index(out)
