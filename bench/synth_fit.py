"""Benchmark `zerowaste synth fit`: from the `mrf-a` preset to the real reference frames.

Crops the raw-input panels of the reference figures (``../shared/reference/*.png``; never
shipped) into a scratch folder at run time, runs the real CLI with its default budget (12
minutes of trials; the issue's budget is at most 15), and prints the distance before and after,
the number of trials, the wall and CPU time and the load average. With ``--docs-prefix`` the
trials plot and a base-vs-fitted sheet (renders only: the reference frames are never shipped) are
written for the docs.

A panel is a maximal block of rows/columns whose pixels vary (figure margins and separators are
flat); only the first column of each figure holds the raw frames (the others are annotated).

Example:
    $ python bench/synth_fit.py --real-dir /tmp/h5/real --out /tmp/h5/fit --workers 2
    $ python bench/synth_fit.py --minutes 2 --frames 2      # a quick check
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def _runs(varies: np.ndarray, min_len: int = 50) -> list[tuple[int, int]]:
    """[start, end) of the runs of True at least ``min_len`` long."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], varies.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= min_len]


def crop_raw_panels(figure: Path, out_dir: Path, min_height: int = 150) -> list[Path]:
    """Save the panels of the first column of ``figure`` as PNGs; returns their paths."""
    rgb = np.asarray(Image.open(figure).convert("RGB"))
    grey = rgb.astype(np.float32).mean(axis=2)
    cols, rows = _runs(grey.std(axis=0) > 12), _runs(grey.std(axis=1) > 12)
    x0, x1 = cols[0]
    paths = []
    for k, (y0, y1) in enumerate(rows):
        if y1 - y0 >= min_height:
            path = out_dir / f"{figure.stem}_{k}.png"
            Image.fromarray(rgb[y0:y1, x0:x1]).save(path)
            paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    ap.add_argument("--real-dir", type=Path, default=Path("/tmp/h5/real"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/h5/fit"))
    ap.add_argument("--preset", default="mrf-a")
    ap.add_argument("--minutes", type=float, default=None, help="default: the command's own default budget")
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--frames", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reuse", action="store_true", help="only redo the docs figures of an earlier run in --out")
    ap.add_argument("--docs-prefix", type=Path, default=None, help="copy the report PNGs to PREFIX_trials.png, ...")
    args = ap.parse_args()

    figures = sorted(args.reference.glob("*.png"))
    if not figures:
        sys.exit(f"no reference figures in {args.reference}")
    shutil.rmtree(args.real_dir, ignore_errors=True)
    args.real_dir.mkdir(parents=True)
    frames = [p for fig in figures for p in crop_raw_panels(fig, args.real_dir)]
    print(f"real frames: {len(frames)} panels cropped into {args.real_dir}")
    target = args.out / "fitted.yaml"
    if args.reuse and target.is_file():
        print("\n".join(line[2:] for line in target.read_text().splitlines() if line.startswith("# ")))
        docs_figures(target, args)
        return
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    cmd = [sys.executable, "-m", "zerowaste", "synth", "fit", "--real", str(args.real_dir), "--preset", args.preset,
           "-o", str(target), "--frames", str(args.frames), "--workers", str(args.workers), "--seed", str(args.seed)]
    if args.minutes:
        cmd += ["--minutes", str(args.minutes)]
    if args.trials:
        cmd += ["--trials", str(args.trials)]
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"fit failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    header = [line[2:] for line in target.read_text().splitlines() if line.startswith("# ")]
    print("\n".join(header))
    print(next((line for line in proc.stdout.splitlines() if line.startswith("distance")), ""))
    print(f"wall {wall / 60:.1f} min, CPU {(usage.ru_utime + usage.ru_stime) / 60:.1f} min on {os.cpu_count()} cores, "
          f"load average {load0[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end")
    docs_figures(target, args)


def docs_figures(target: Path, args) -> None:
    """The trials plot and a base-vs-fitted sheet for the docs (renders only: the reference frames
    are never shipped)."""
    if args.docs_prefix:
        from zerowaste.synth.compare import find_frames, shuffled_sheet

        work = target.with_suffix(".fit")
        sources = {args.preset: find_frames(work / "trials" / "0000" / "train"), "fitted": find_frames(work / "fitted")}
        sheet = args.docs_prefix.with_name(f"{args.docs_prefix.name}_sheet.png")
        key = shuffled_sheet(sources, sheet, n=4, seed=args.seed)
        shutil.copyfile(target.with_suffix(".trials.png"), args.docs_prefix.with_name(f"{args.docs_prefix.name}_trials.png"))
        print(f"wrote {sheet} (key {key}) and the trials plot beside it")


if __name__ == "__main__":
    main()
