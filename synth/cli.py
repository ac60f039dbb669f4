"""``zerowaste synth``: render SynthWaste scenes, preview them, list presets.

Example:
    $ zerowaste synth presets
    $ zerowaste synth render --out out/synth --n 100 --preset default --resolution 640x360 --samples 6
    $ zerowaste synth render --out out/synth --n 1000 --shard 3/8          # one of 8 shards
    $ zerowaste synth preview out/synth/train -o sheet.png
"""

from __future__ import annotations

import json

import click
import yaml

from zerowaste import contract as C
from zerowaste.cli import KitGroup
from zerowaste.synth.presets import list_presets, load_preset


def _resolution(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"expected WIDTHxHEIGHT (e.g. 1920x1080), got {text!r}") from None
    if w < 8 or h < 8:
        raise click.BadParameter(f"resolution {text} is too small")
    return [w, h]


@click.group(cls=KitGroup)
def synth() -> None:
    """SynthWaste generator: procedural conveyor-belt scenes rendered with BlenderProc."""


@synth.command()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Dataset root to write.")
@click.option("--n", "n_frames", required=True, type=click.IntRange(min=1), help="Frames in the whole run (all shards).")
@click.option("--preset", default="default", show_default=True, help="Preset name or .yaml path.")
@click.option("--seed", default=0, show_default=True, type=int, help="Base seed; frame seeds derive from it.")
@click.option("--resolution", default=None, help="WIDTHxHEIGHT (default: the preset's, 1920x1080).")
@click.option("--samples", default=None, type=click.IntRange(min=1), help="Cycles samples (default: the preset's).")
@click.option("--split", default="train", show_default=True, type=click.Choice(["train", "val", "test"]))
@click.option("--shard", default=None, help="i/n: render only shard i of n (default: from SLURM/JOB_COMPLETION_INDEX).")
@click.option("--num-shards", default=None, type=click.IntRange(min=1), help="Shard count for JOB_COMPLETION_INDEX.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Blender processes at once.")
@click.option("--per-process", default=20, show_default=True, type=click.IntRange(min=1),
              help="Restart the Blender process every K scenes (bounded memory).")
@click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda", "optix"]),
              help="Cycles device; a GPU type without such a GPU here is an error (no silent CPU fall-back).")
@click.option("--threads", default=0, show_default=True, type=click.IntRange(min=0), help="CPU threads (0: all).")
@click.option("--paper-to", default=str(C.PAPER_ID), show_default=True,
              type=click.Choice([str(v) for v in C.GENERATOR_PAPER_TARGETS]),
              help=f"The id paper pixels are written as: {C.PAPER_ID} keeps paper as its own class, 0 makes it "
                   "background (the same meaning as the loaders' paper_to).")
@click.option("--assets", default=None, type=click.Path(file_okay=False), help="DIR/<class>/*.obj|*.glb|*.gltf|*.blend to mix in.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a preset value (dotted path).")
def render(out, n_frames, preset, seed, resolution, samples, split, shard, num_shards, workers, per_process,
           device, threads, paper_to, assets, overrides) -> None:
    """Render N frames (only the missing ones of this shard), validate them, merge COCO and manifest."""
    from rich.progress import Progress

    from zerowaste.synth.render import existing_conflict, probe_device
    from zerowaste.synth.scene import find_assets
    from zerowaste.synth.shards import (
        parse_shard,
        pending_frames,
        run_shard,
        shard_frames,
        shard_from_env,
    )

    extra = list(overrides)
    if resolution:
        extra.append(f"resolution={_resolution(resolution)}")
    if samples:
        extra.append(f"samples={samples}")
    cfg = load_preset(preset, extra)
    shard_ij = parse_shard(shard) if shard else shard_from_env(count=num_shards)
    asset_files = find_assets(assets)
    conflict = existing_conflict(out, split, cfg)
    if conflict:
        raise click.ClickException(conflict)
    todo = len(pending_frames(out, split, shard_frames(n_frames, shard_ij)))
    used = probe_device(device) if todo else device
    click.echo(f"shard {shard_ij[0]}/{shard_ij[1]}: {todo} frame(s) to render, preset {cfg['name']}, "
               f"{cfg['resolution'][0]}x{cfg['resolution'][1]}, {cfg['samples']} samples, device {used}")
    with Progress() as bar:
        task = bar.add_task("rendering", total=todo)
        info = run_shard(out, split, n_frames, cfg, seed=seed, shard=shard_ij, workers=workers,
                         per_process=per_process, device=device, threads=threads, paper_to=int(paper_to),
                         assets=asset_files, progress=lambda k: bar.advance(task, k))
    click.echo(f"done {len(info['done'])}, failed {len(info['failed'])}, rendered now {info['rendered_now']}, "
               f"{info['seconds']} s; labels: {out}/{split}/labels.json")
    for stem, fail in info["failed"].items():
        click.echo(f"  failed {stem} (seed {fail['seed']}): {fail['error']}", err=True)
    problems = info["validation"]["problems"]
    if problems:
        raise click.ClickException("validation failed:\n  " + "\n  ".join(problems[:20]))


@synth.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="PNG to write.")
@click.option("--n", "n", default=6, show_default=True, type=click.IntRange(min=1), help="Frames on the sheet.")
@click.option("--width", default=480, show_default=True, type=click.IntRange(min=64), help="Pixel width per panel.")
@click.option("--colors", default=None, type=click.IntRange(2, 256), help="Palette PNG with this many colours (smaller).")
def preview(folder, output, n, width, colors) -> None:
    """Contact sheet: frames beside their coloured mask overlays."""
    from zerowaste.synth.preview import contact_sheet

    path = contact_sheet(folder, output, n=n, width=width, max_colors=colors)
    click.echo(f"wrote {path}")


@synth.command()
@click.argument("synth_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--real", "real_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of real frames (plain images, a split with data/, or a dataset root).")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--sheet", default=None, type=click.Path(dir_okay=False),
              help="Write a shuffled, numbered sheet of real and rendered thumbnails (key at the bottom).")
@click.option("--n", "n", default=6, show_default=True, type=click.IntRange(min=1), help="Thumbnails per folder.")
@click.option("--limit", default=300, show_default=True, type=click.IntRange(min=2),
              help="Measure at most this many frames per folder (evenly spread).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the sheet's shuffle.")
def compare(synth_dirs, real_dir, as_json, sheet, n, limit, seed) -> None:
    """Image statistics of rendered frames (SYNTH_DIRS) beside real frames, and one distance figure.

    Each SYNTH_DIR may be a dataset root, a split folder or a plain image folder. The distance is
    the mean over statistics of |median_synth - median_real| / real spread (0 = same medians).
    """
    from zerowaste.synth.compare import compare_folders, format_report

    report = compare_folders(real_dir, list(synth_dirs), limit=limit, sheet=sheet, n=n, seed=seed)
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))
    if sheet and not as_json:
        click.echo(f"sheet: {sheet} (key at its bottom)")


@synth.command()
@click.option("--real", "real_dir", required=True, type=click.Path(file_okay=False),
              help="Folder of real frames of the facility (plain images, a split with data/, or a dataset root).")
@click.option("--preset", "base", default="default", show_default=True, help="Preset to start from (name or .yaml).")
@click.option("-o", "--output", required=True, type=click.Path(), help="Fitted preset to write (.yaml).")
@click.option("--trials", default=None, type=click.IntRange(min=1), help="Stop after this many finished trials.")
@click.option("--minutes", default=None, type=click.FloatRange(min=0, min_open=True),
              help="Stop starting trials after this long (default 12 when --trials is not given).")
@click.option("--resolution", default="320x180", show_default=True, help="WIDTHxHEIGHT of the trial renders.")
@click.option("--frames", default=4, show_default=True, type=click.IntRange(min=1), help="Frames rendered per trial.")
@click.option("--samples", default=None, type=click.IntRange(min=1), help="Cycles samples of trial renders (default: the preset's).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the search and of the trial frames.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Trials rendered at once.")
@click.option("--threads", default=0, show_default=True, type=click.IntRange(min=0),
              help="CPU threads per Blender process (0: cores / workers).")
@click.option("--params", default=None, help="Comma-separated keys or key prefixes to fit (default: all declared).")
@click.option("--resume", is_flag=True, help="Continue the fit stored next to -o (OUT.fit/study.db).")
def fit(real_dir, base, output, trials, minutes, resolution, frames, samples, seed, workers, threads, params,
        resume) -> None:
    """Tune a preset so its renders match a folder of real frames (the `synth compare` distance).

    Writes OUT.yaml (a normal preset), OUT.trials.png (distance per trial), OUT.sheet.png (real vs
    base vs fitted, shuffled) and OUT.fit/ (the optuna study in SQLite: --resume continues it).
    Ctrl-C stops and keeps the best preset found.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from zerowaste.synth.fit import FitOptions
    from zerowaste.synth.fit import fit as run_fit

    opts = FitOptions(real=real_dir, base=base, out=output, trials=trials, minutes=minutes,
                      resolution=tuple(_resolution(resolution)), frames=frames, seed=seed, workers=workers,
                      resume=resume, samples=samples, threads=threads,
                      params=[p.strip() for p in params.split(",") if p.strip()] if params else ())
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns) as bar:
        task = bar.add_task("fitting (first trial = the base preset)", total=trials)

        def progress(done: int, best: float | None, before: float | None) -> None:
            text = f"fit: best {best:.3f}" + (f" (base {before:.3f})" if before is not None else "")
            bar.update(task, completed=done, description=text)

        result = run_fit(opts, progress)
    stopped = " (stopped by Ctrl-C: best so far)" if result.interrupted else ""
    click.echo(f"distance {result.before:.3f} -> {result.after:.3f} after {result.trials} trials, "
               f"{result.seconds:.0f} s{stopped}")
    for key in ("preset", "trials_png", "sheet_png"):
        click.echo(f"wrote {result.files[key]}")
    click.echo(f"render it: zerowaste synth render --preset {result.files['preset']} --out OUT --n N")


@synth.command()
@click.argument("name", required=False)
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Show the preset with overrides.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of YAML.")
def presets(name, overrides, as_json) -> None:
    """List presets, or show one fully resolved."""
    if not name:
        for p in list_presets():
            click.echo(f"{p:10s} {load_preset(p)['description']}")
        return
    cfg = load_preset(name, overrides)
    click.echo(json.dumps(cfg, indent=2) if as_json else yaml.safe_dump(cfg, sort_keys=False))
