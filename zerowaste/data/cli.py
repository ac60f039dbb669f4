"""``zerowaste data``: verify, stats, coco2mask, mask2coco, fetch, fixture.

A thin click layer: every command calls one function of :mod:`zerowaste.data`; a
:class:`~zerowaste.data.io.DataError` ends it with a clear message and exit code 1, never a traceback
(the group is a :class:`~zerowaste.cli.KitGroup`).

Example:
    $ zerowaste data verify /data/zerowaste-f --dataset zerowaste-f
    $ zerowaste data stats /data/zerowaste-f --dataset zerowaste-f --out out/stats
    $ zerowaste data mask2coco train/sem_seg --out train/labels.json --mode rle
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from zerowaste import contract
from zerowaste.cli import KitGroup
from zerowaste.data.io import DataError

KIND = click.Choice(contract.DATASET_KINDS)
#: verify prints at most this many errors (then a count).
MAX_PRINTED = 100


def _parse_size(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None or value.lower() == "any":
        return None
    try:
        w, h = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"expected WIDTHxHEIGHT such as 1920x1080 (or 'any'), got {value!r}") from None
    return w, h


@click.group(cls=KitGroup)
def data() -> None:
    """Datasets: fetch, verify, stats, COCO <-> mask conversion, fixtures."""


@data.command()
@click.argument("root", type=click.Path(path_type=Path))
@click.option("--dataset", "kind", type=KIND, required=True, help="Dataset kind (layout and classes).")
@click.option("--size", default=f"{contract.IMAGE_WIDTH}x{contract.IMAGE_HEIGHT}", show_default=True,
              callback=_parse_size, help="Expected image size WxH, or 'any'.")
@click.option("--no-coco", is_flag=True, help="Skip re-rasterizing labels.json (faster).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def verify(root: Path, kind: str, size: tuple[int, int] | None, no_coco: bool, quiet: bool) -> None:
    """Check ROOT against the layout of --dataset; exit 1 with a list of problems."""
    from zerowaste.data.verify import verify_dataset

    report = verify_dataset(root, kind, size=size, check_coco=not no_coco, progress=not quiet)
    counts = ", ".join(f"{s}: {n}" for s, n in report.counts.items()) or "no images"
    click.echo(f"{kind} at {root}: {counts}")
    for w in report.warnings:
        click.echo(f"warning: {w}")
    for e in report.errors[:MAX_PRINTED]:
        click.echo(f"error: {e}", err=True)
    if len(report.errors) > MAX_PRINTED:
        click.echo(f"... and {len(report.errors) - MAX_PRINTED} more errors", err=True)
    if not report.ok:
        click.echo(f"{len(report.errors)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("OK" + (f" ({len(report.warnings)} warning(s))" if report.warnings else ""))


@data.command()
@click.argument("root", type=click.Path(path_type=Path))
@click.option("--dataset", "kind", type=KIND, required=True, help="Dataset kind (layout and classes).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for stats.json and the plot.")
@click.option("--recompute", is_flag=True, help="Ignore a cached stats.json.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def stats(root: Path, kind: str, out: Path, recompute: bool, quiet: bool) -> None:
    """Class pixel frequencies and per-image presence of ROOT, cached in OUT/stats.json, plotted."""
    from zerowaste.data import stats as st

    cache = out / st.STATS_FILE
    if recompute:
        cache.unlink(missing_ok=True)
    result, from_cache = st.cached_stats(root, kind, cache, progress=not quiet)
    png = st.plot_stats(result, out / st.PLOT_FILE)
    click.echo(f"{'cached' if from_cache else 'computed'}: {cache}\nplot: {png}")
    names = result["class_names"]
    click.echo(f"{'split':<8}{'images':>8}  " + "".join(f"{n[:12]:>13}" for n in names))
    for split, s in result["splits"].items():
        freqs = "".join(f"{100 * f:>12.2f}%" for f in s["frequencies"]) if s.get("labeled") else "   (unlabeled)"
        click.echo(f"{split:<8}{s['num_images']:>8}  {freqs}")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON ({exc})") from exc


@data.command()
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for the semantic masks.")
@click.option("--instances", type=click.Path(path_type=Path), help="Also write 16-bit instance masks here.")
def coco2mask(labels: Path, out: Path, instances: Path | None) -> None:
    """Rasterize a COCO LABELS file into one id mask per image (overlaps: larger id wins)."""
    from tqdm import tqdm

    from zerowaste.data.coco import CocoIndex, instances_from_coco, semantic_from_coco
    from zerowaste.data.io import write_instance_mask, write_mask

    index = CocoIndex(_read_json(labels))
    for name in tqdm(sorted(index.images), desc="coco2mask", unit="img"):
        file_name = Path(name).name
        write_mask(out / file_name, semantic_from_coco(index, name))
        if instances is not None:
            write_instance_mask(instances / file_name, instances_from_coco(index, name))
    click.echo(f"wrote {len(index.images)} masks to {out}")


@data.command()
@click.argument("sem_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="COCO JSON to write.")
@click.option("--instances", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Instance masks (same names); without them each connected region is one object.")
@click.option("--mode", type=click.Choice(["polygon", "rle"]), default="polygon", show_default=True,
              help="Polygons (regions with holes fall back to RLE) or RLE for everything.")
@click.option("--synthetic", is_flag=True, help="SynthWaste classes (adds paper = 5).")
def mask2coco(sem_dir: Path, out: Path, instances: Path | None, mode: str, synthetic: bool) -> None:
    """Convert the id masks in SEM_DIR (+ instance masks) to a COCO file; the round trip is exact."""
    from tqdm import tqdm

    from zerowaste.data.coco import coco_from_masks
    from zerowaste.data.io import read_instance_mask, read_mask, write_json

    files = sorted(p for p in sem_dir.iterdir() if p.suffix.lower() == ".png" and not p.name.startswith("."))
    if not files:
        raise DataError(f"{sem_dir}: no PNG masks")

    def entries():
        for path in tqdm(files, desc="mask2coco", unit="img"):
            inst = read_instance_mask(instances / path.name) if instances is not None else None
            yield path.name, read_mask(path), inst

    coco = coco_from_masks(entries(), synthetic=synthetic, mode=mode)
    write_json(out, coco)
    click.echo(f"wrote {len(coco['images'])} images, {len(coco['annotations'])} annotations to {out}")


@data.command()
@click.argument("root", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dataset", "kind", type=KIND, required=True, help="Dataset kind (layout, names, classes).")
@click.option("--n", "n", default=3, show_default=True, type=click.IntRange(min=1), help="Frames per split.")
@click.option("--split", "splits", multiple=True, help="Only these splits (repeatable; default: all of the kind).")
@click.option("--size", default="160x90", show_default=True, callback=_parse_size, help="Image size WIDTHxHEIGHT.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same files.")
@click.option("--labeled", is_flag=True, help="Write sem_seg/ in every split (e.g. ZeroWaste v2 with its val/test labels).")
@click.option("--archive-root", is_flag=True, help="Put the splits under the archive's top folder (splits_final_deblurred/...).")
def fixture(root: Path, kind: str, n: int, splits: tuple[str, ...], size: tuple[int, int] | None, seed: int,
            labeled: bool, archive_root: bool) -> None:
    """Write a small synthetic dataset in the exact layout of --dataset into ROOT (for trying commands, tests, demos).

    Example: zerowaste data fixture data/zerowaste-v2 --dataset zerowaste-v2 --n 4 --size 1920x1080 --labeled
    """
    from zerowaste.data.fixtures import make_dataset

    if size is None:
        raise click.BadParameter("give a size such as 1920x1080", param_hint="--size")
    lay = contract.layout(kind)
    unknown = sorted(set(splits) - set(lay.splits))
    if unknown:
        raise click.BadParameter(f"{kind} has splits {', '.join(lay.splits) or '(none: flat data/)'}, "
                                 f"not {', '.join(unknown)}", param_hint="--split")
    if archive_root and not lay.archive_roots:
        raise click.BadParameter(f"{kind} archives have no extra top folder", param_hint="--archive-root")
    if root.exists() and any(root.iterdir()):
        raise DataError(f"{root} is not empty; choose a new folder")
    counts = {s: n for s in splits} if splits else n
    make_dataset(root, kind, n=counts, size=(size[1], size[0]), seed=seed, archive_root=archive_root,
                 labeled=True if labeled else None)
    click.echo(f"wrote a {kind} fixture ({size[0]}x{size[1]}, {n} per split) to {root}")


@data.command()
@click.argument("name", required=False)
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the archive; the dataset lands in DEST/<dataset> (e.g. data/zerowaste-f).")
@click.option("--from", "from_path", type=click.Path(path_type=Path),
              help="Use this local archive (any part of a multi-part zip) instead of downloading.")
@click.option("--url", help="Download from this URL instead of the known one.")
@click.option("--password", envvar="ZEROWASTE_ZIP_PASSWORD", help="Zip password (or $ZEROWASTE_ZIP_PASSWORD).")
@click.option("--md5", help="Expected md5 (replaces the known one).")
@click.option("--no-check", is_flag=True, help="Skip the size/md5 check.")
@click.option("--list", "list_", is_flag=True, help="List the known archives and exit.")
def fetch(name: str | None, dest: Path | None, from_path: Path | None, url: str | None, password: str | None,
          md5: str | None, no_check: bool, list_: bool) -> None:
    """Download (resumably) or take --from a local file, check md5, and safely unpack archive NAME.

    The dataset lands in DEST/<dataset> whatever the archive's top folder: `fetch zerowaste-f --dest data/`
    gives data/zerowaste-f; both ZeroWaste v2 archives fill data/zerowaste-v2.
    """
    from zerowaste.data import fetch as fe

    if list_ or name is None:
        for a in fe.ARCHIVES.values():
            size = f"{a.size / 1e9:.2f} GB" if a.size else "size ?"
            click.echo(f"{a.name:<24}{a.kind:<14}{a.file:<28}{size:<11}md5 {a.md5 or '?':<34}{a.note}")
        if name is None and not list_:
            raise click.UsageError("give an archive NAME (listed above)")
        return
    if dest is None:
        raise click.UsageError("--dest is required")
    folder = fe.fetch(name, dest, from_path=from_path, url=url, password=password, md5=md5, check=not no_check)
    if name in fe.ARCHIVES:
        kind = fe.ARCHIVES[name].kind
        click.echo(f"{kind} dataset: {folder} (check it: zerowaste data verify {folder} --dataset {kind})")
    else:
        click.echo(f"unpacked into {folder}")
