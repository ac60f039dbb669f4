"""Benchmark the SynthWaste renderer: seconds per frame, and frames/min with 1 vs 2 shards.

Runs the real CLI path (`zerowaste synth render`: Blender child processes, validation, COCO merge)
on the default preset at 640x360, then the same number of frames split over 2 shards running
concurrently (each with half the CPU threads), side by side in one run. Also writes a contact
sheet of the rendered frames.

Example:
    $ python bench/synth.py --frames 6 --sheet docs/img/synth_default.png
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
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
