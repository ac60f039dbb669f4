"""Benchmark the SynthWaste renderer: seconds per frame, and frames/min with 1 vs 2 shards.

Runs the real CLI path (`zerowaste synth render`: Blender child processes, validation, COCO merge)
on the default preset at 640x360, then the same number of frames split over 2 shards running
concurrently (each with half the CPU threads), side by side in one run. Also writes a contact
sheet of the rendered frames.

``--phases`` instead times the phases of a frame inside one render process (CPU s: process start,
scene sampling, meshes, settling, prints, materials, Blender objects, Cycles, post-processing);
``--base DIR`` runs the same frames on another checkout too (e.g. ``git archive HEAD | tar -x -C DIR``),
alternating, so a change is measured side by side with the same seeds under the same load.

Example:
    $ python bench/synth.py --frames 6 --sheet docs/img/synth_default.png
    $ python bench/synth.py --phases --frames 4 --rounds 2 --base /tmp/base
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def render(out: Path, n: int, shard: str, threads: int, args) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "zerowaste.cli", "synth", "render", "--out", str(out), "--n", str(n),
           "--preset", args.preset, "--resolution", args.resolution, "--seed", str(args.seed),
           "--shard", shard, "--threads", str(threads)]
    if args.samples:
        cmd += ["--samples", str(args.samples)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(out: Path, n: int, shards: int, args) -> tuple[float, list[float], float]:
    """Wall seconds for n frames over `shards` concurrent shards, per-frame render seconds, CPU seconds.

    CPU seconds (all processes, from getrusage) do not depend on how busy the machine is, so
    ``cpu / cores`` estimates the wall time on an otherwise idle machine.
    """
    shutil.rmtree(out, ignore_errors=True)
    threads = max(1, (os.cpu_count() or 2) // shards)
    cpu0 = _child_cpu()
    t0 = time.perf_counter()
    procs = [render(out, n, f"{i}/{shards}", threads, args) for i in range(shards)]
    for p in procs:
        log, _ = p.communicate()
        if p.returncode != 0:
            sys.exit(f"render failed:\n{log}")
    wall = time.perf_counter() - t0
    per_frame = [json.loads(m.read_text())["render_seconds"] for m in sorted((out / "train" / "meta").glob("*.json"))]
    if len(per_frame) != n:
        sys.exit(f"expected {n} frames, found {len(per_frame)} in {out}")
    return wall, per_frame, _child_cpu() - cpu0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--preset", default="default")
    ap.add_argument("--resolution", default="640x360")
    ap.add_argument("--samples", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/synth_bench")
    ap.add_argument("--sheet", default=None, help="write a contact sheet PNG of the 1-shard frames here")
    ap.add_argument("--phases", action="store_true", help="time the phases of a frame in one render process")
    ap.add_argument("--base", default=None, help="with --phases: also run this checkout (side by side)")
    ap.add_argument("--rounds", type=int, default=1, help="with --phases: alternate the checkouts this often")
    args = ap.parse_args()
    if args.phases:
        return phases_main(args)
    out = Path(args.out)
    rows = []
    cores = os.cpu_count() or 2
    load0 = os.getloadavg()[0]
    for shards in (1, 2):
        wall, per_frame, cpu = run(out / f"shards{shards}", args.frames, shards, args)
        rows.append((shards, wall, per_frame, cpu))
    print(f"SynthWaste render benchmark: preset {args.preset}, {args.resolution}, {args.frames} frames, "
          f"{cores} CPUs, load average {load0:.1f} -> {os.getloadavg()[0]:.1f}")
    print("| shards | wall s | frames/min | s/frame (wall) | render s/frame (median, in Blender) "
          "| CPU s/frame | idle-machine estimate s/frame (CPU s / cores) |")
    print("|---|---|---|---|---|---|---|")
    for shards, wall, per_frame, cpu in rows:
        print(f"| {shards} | {wall:.1f} | {60 * args.frames / wall:.2f} | {wall / args.frames:.2f} | "
              f"{statistics.median(per_frame):.2f} | {cpu / args.frames:.2f} | {cpu / args.frames / cores:.2f} |")
    print(f"2-shard speed-up: {rows[0][1] / rows[1][1]:.2f}x")
    if args.sheet:
        # this file is bench/synth.py: drop bench/ from the path so `synth` is the package
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
        sys.modules.pop("synth", None)
        from zerowaste.synth.preview import contact_sheet

        path = contact_sheet(out / "shards1" / "train", args.sheet, n=min(4, args.frames), width=400, max_colors=256)
        print(f"contact sheet: {path} ({path.stat().st_size / 1e6:.2f} MB)")


PHASE_CHILD = r"""
import json, sys, time
t_start = time.process_time()
from zerowaste.compat.blenderproc import import_blenderproc, init
bproc = import_blenderproc(); init()
from zerowaste.synth import materials as M, objects as O, prints as P, scene as S
from zerowaste.synth.params import frame_seed, sample_scene
from zerowaste.synth.post import postprocess
from zerowaste.synth.presets import load_preset
from zerowaste.synth.render import configure_renderer, render_frame
acc = {}
def timed(mod, name, key, also=()):
    f = getattr(mod, name)
    def g(*a, **k):
        c0 = time.process_time()
        try:
            return f(*a, **k)
        finally:
            acc[key] = acc.get(key, 0.0) + time.process_time() - c0
    for m in (mod, *also):
        setattr(m, name, g)
timed(P, "_cached", "prints")
timed(O, "build_mesh", "meshes", (S,))
timed(S, "settle_scene", "settle")
timed(S, "object_material", "materials")
timed(S, "mesh_object", "blender objects")
preset, n, seed, res = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
p = load_preset(preset, ["resolution=[%s]" % res.replace("x", ", ")])
configure_renderer(p["samples"], "cpu", 0, **({"denoise": p["denoise"]} if "denoise" in p else {}))  # (older trees: no key)
print(json.dumps({"process start": time.process_time() - t_start}), flush=True)
build = S.build_scene
def build_timed(scene):
    c0 = time.process_time()
    try:
        return build(scene)
    finally:
        acc["build"] = time.process_time() - c0
S.build_scene = build_timed
for i in range(n):
    acc.clear()
    c0 = time.process_time()
    scene = sample_scene(p, frame_seed(seed, i))
    c1 = time.process_time()
    data = render_frame(scene)
    c2 = time.process_time()
    postprocess(data["colors"][0][..., :3], scene["post"])
    c3 = time.process_time()
    acc["materials"] = acc.get("materials", 0.0) - acc.get("prints", 0.0)  # (prints are drawn inside materials)
    row = {"sample scene": c1 - c0, **acc, "build, other": 2 * acc["build"] - sum(acc.values()),
           "cycles": c2 - c1 - acc["build"], "post": c3 - c2, "frame": c3 - c0}
    del row["build"]
    print(json.dumps(row), flush=True)
sys.stdout.flush()
import os; os._exit(0)
"""


def phase_rows(tree: str | None, args) -> tuple[float, list[dict]]:
    """(process start CPU s, one dict of phase CPU s per frame) from one render process of ``tree``
    (None: the installed kit; a directory: that checkout, imported first)."""
    from zerowaste.synth.shards import child_env

    env = child_env()
    cwd = None
    if tree:
        env["PYTHONPATH"] = str(Path(tree).resolve())  # its zerowaste/ (with synth etc. linked in) first
        cwd = "/"  # not the kit's checkout: its zerowaste/ would shadow the other tree's
    proc = subprocess.run([sys.executable, "-c", PHASE_CHILD, args.preset, str(args.frames), str(args.seed),
                           args.resolution], capture_output=True, text=True, env=env, cwd=cwd)
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(rows) != args.frames + 1:
        sys.exit(f"phase run of {tree or 'this checkout'} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return rows[0]["process start"], rows[1:]


def link_parts(tree: Path) -> None:
    """Make a plain checkout importable as ``zerowaste.synth`` etc. (setup.py maps the folders)."""
    for part in ("synth", "submission", "baselines"):
        link = tree / "zerowaste" / part
        if (tree / part).is_dir() and not link.exists():
            link.symlink_to(Path("..") / part)


def phases_main(args) -> None:
    trees = {"this checkout": None}
    if args.base:
        link_parts(Path(args.base))
        trees = {"base": args.base, "this checkout": None}
    got: dict[str, list] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            got[name].append(phase_rows(tree, args))
    print(f"SynthWaste frame phases (CPU s/frame, mean of {args.frames} frames x {args.rounds} run(s)): preset "
          f"{args.preset}, {args.resolution}, seed {args.seed}, load average {os.getloadavg()[0]:.1f}")
    keys = list(got[next(iter(trees))][0][1][0])
    print("| phase | " + " | ".join(trees) + " |")
    print("|---|" + "---|" * len(trees))
    for key in keys:
        cells = [statistics.mean(r[key] for _, rows in got[name] for r in rows) for name in trees]
        print(f"| {key} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    starts = [statistics.mean(s for s, _ in got[name]) for name in trees]
    print("| process start (per process) | " + " | ".join(f"{c:.2f}" for c in starts) + " |")
    for name in trees:  # each process in the order run: the first one of a checkout fills its disk caches
        print(f"{name}, per process (start + mean frame, CPU s): " + ", ".join(
            f"{s:.2f} + {statistics.mean(r['frame'] for r in rows):.2f}" for s, rows in got[name]))


if __name__ == "__main__":
    main()
