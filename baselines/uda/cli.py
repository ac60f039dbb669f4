"""``zerowaste select`` (rank checkpoints by SND) and ``zerowaste pseudo-label`` (self-training rounds).

Example:
    $ zerowaste select work/iter_4000.pth work/iter_8000.pth --images data/zerowaste-v2/train/data
    $ zerowaste pseudo-label work/best_snd.pth --images data/zerowaste-v2/train/data --out data/pl1 \\
          --threshold 0.968
    $ zerowaste train uda/tiny_pseudo_label_finetune_cpu.py pl_root=data/pl1
"""

from __future__ import annotations

from pathlib import Path

import click

from zerowaste.cli import KitCommand


def _images(folder: str, limit: int | None) -> list[Path]:
    from zerowaste.baselines.uda.infer import list_images

    images = list_images(folder)  # a PredictError (a kit error) names a missing or empty folder
    return images[:limit] if limit else images


@click.command("select", cls=KitCommand)
@click.argument("checkpoints", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--images", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of unlabeled target images.")
@click.option("--pixels", default=100, show_default=True, type=click.IntRange(min=1),
              help="Random pixels sampled per image.")
@click.option("--max-images", default=None, type=click.IntRange(min=1), help="Use only the first N images.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the pixel sampling.")
@click.option("--pooling", default="image", show_default=True, type=click.Choice(["image", "pooled"]),
              help="image: score each image on its own and average (the SND authors' code); "
                   "pooled: all sampled pixels in one matrix.")
@click.option("--json", "json_out", default=None, type=click.Path(dir_okay=False), help="Also write the table as JSON.")
def select(checkpoints: tuple[str, ...], images: str, pixels: int, max_images: int | None, seed: int,
           pooling: str, json_out: str | None) -> None:
    """Rank CHECKPOINTS by soft neighbourhood density (SND) on unlabeled target images; higher is better."""
    from rich.console import Console
    from rich.table import Table

    from zerowaste.baselines.uda.selection import rank_checkpoints
    from zerowaste.io import write_json_atomic

    imgs = _images(images, max_images)
    if (pixels if pooling == "image" else len(imgs) * pixels) < 3:
        raise click.ClickException("SND needs at least 3 sampled pixels per score: raise --pixels")
    console = Console(stderr=True)
    with console.status("scoring") as status:
        rows = rank_checkpoints(list(checkpoints), imgs, pixels, seed, pooling=pooling,
                                progress=lambda ck: status.update(f"SND of {ck} on {len(imgs)} images"))
    table = Table(title=f"SND on {len(imgs)} images x {pixels} pixels (higher is better)")
    for col in ("rank", "checkpoint", "SND"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["rank"]), r["checkpoint"] + (" (warm-up)" if r["warmup"] else ""), f"{r['snd']:.4f}")
    Console().print(table)
    if any(r["warmup"] for r in rows):
        click.echo("checkpoints marked (warm-up) were taken before DACS adaptation started: SND rates such "
                   "undecided models high, so they rank after the adapted ones")
    click.echo(f"best: {rows[0]['checkpoint']}")
    if json_out:
        write_json_atomic(Path(json_out), rows, indent=2)


@click.command("pseudo-label", cls=KitCommand)
@click.argument("checkpoint", type=click.Path(exists=True, dir_okay=False))
@click.option("--images", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of unlabeled target images.")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Output root (ZeroWaste-v2 layout: OUT/<split>/data, OUT/<split>/sem_seg).")
@click.option("--threshold", default=0.968, show_default=True, type=click.FloatRange(0.0, 1.0, max_open=True),
              help="Pixels whose top probability is below it become 255 (ignored in training).")
@click.option("--split", default="train", show_default=True, help="Split folder to write under OUT.")
def pseudo_label(checkpoint: str, images: str, out: str, threshold: float, split: str) -> None:
    """Write confident pseudo-labels of CHECKPOINT for target images, as a labeled dataset to fine-tune on."""
    from tqdm import tqdm

    from zerowaste.baselines.uda.selection import write_pseudo_labels
    from zerowaste.contract import SPLITS

    if split not in SPLITS:
        raise click.ClickException(f"--split must be one of {', '.join(SPLITS)}")
    imgs = _images(images, None)
    with tqdm(total=len(imgs), desc="pseudo-labels", unit="img") as bar:
        summary = write_pseudo_labels(checkpoint, imgs, out, threshold, split, progress=lambda _: bar.update())
    click.echo(f"wrote {summary['images']} pseudo-label masks to {Path(out) / split}; "
               f"{100 * summary['mean_confident_fraction']:.1f}% of pixels confident (>= {threshold})")
