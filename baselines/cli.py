"""``zerowaste train | eval | predict | soup | check-model``: thin click layer over :mod:`baselines`.

Bad input (missing file, malformed option, incompatible checkpoints...) ends with a one-line
error and exit code 1, never a traceback.

Example:
    $ zerowaste train tiny/segformer_tiny_cpu.py --work-dir out/tiny train_dataloader.dataset.root=data/zwf
    $ zerowaste eval out/tiny/iter_6.pth --data data/zwf --dataset zerowaste-f --split val
    $ zerowaste predict out/tiny/iter_6.pth --images v2/val/data --out preds --track source_only --tta flip
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from zerowaste import contract
from zerowaste.cli import KitCommand
from zerowaste.io import fmt_pct, write_json_atomic

console = Console()


def metrics_table(metrics: dict, title: str) -> Table:
    """Per-class IoU, mIoU, Acc and aAcc (percent) as a rich table."""
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("%", justify="right")
    for name, value in metrics["IoU"].items():
        table.add_row(f"IoU {name}", fmt_pct(value))
    for key in ("mIoU", "Acc", "aAcc"):
        table.add_row(key, fmt_pct(metrics[key]), style="bold" if key == "mIoU" else None)
    return table


@click.command(cls=KitCommand, context_settings={"ignore_unknown_options": False})
@click.argument("config")
@click.argument("overrides", nargs=-1)
@click.option("--work-dir", type=click.Path(file_okay=False), help="Checkpoints and logs (default work_dirs/<config>).")
@click.option("--resume", is_flag=True, help="Continue from the newest complete checkpoint of the work dir.")
@click.option("--amp", is_flag=True, help="Mixed precision: float16 + loss scaling on CUDA, bfloat16 on CPU.")
@click.option("--cfg-options", "cfg_options", multiple=True, help="key=value config override (repeatable; "
              "bare key=value arguments after CONFIG work too).")
@click.option("--pretrained", type=click.Path(dir_okay=False), help="Local backbone weights as downloaded (NVlabs MiT, timm/HF safetensors, official ConvNeXt/DINOv2, "
              "mmpretrain): converted, and refused if they do not fit the backbone.")
@click.option("--seed", type=int, help="Random seed.")
@click.option("--deterministic", is_flag=True, help="Deterministic cuDNN / torch algorithms.")
@click.option("--launcher", type=click.Choice(["none", "pytorch", "slurm", "mpi"]), default="none",
              show_default=True, help="`pytorch` under torchrun: several GPUs (nccl) or CPU processes (gloo).")
def train(config, overrides, work_dir, resume, amp, cfg_options, pretrained, seed, deterministic, launcher) -> None:
    """Train a segmenter from an mmsegmentation CONFIG (a path, or relative to baselines/configs).

    Extra KEY=VALUE arguments override the config, e.g. train_dataloader.dataset.root=/data/zerowaste-f.
    Multi-GPU: torchrun --nproc-per-node 4 -m zerowaste train CONFIG --launcher pytorch
    """
    from zerowaste.baselines.train import prepare_config
    from zerowaste.baselines.train import train as run_training

    cfg = prepare_config(
        config,
        work_dir=work_dir,
        resume=resume,
        amp=amp,
        cfg_options=[*cfg_options, *overrides],
        pretrained=pretrained,
        seed=seed,
        deterministic=deterministic,
        launcher=launcher,
    )
    runner = run_training(cfg)
    if runner.rank == 0:  # torchrun: every rank returns here, rank 0 wrote the files
        console.print(f"done: checkpoints (final one as last.pth) and training_curves.png in {runner.work_dir}")


def _load_models(checkpoints: tuple[str, ...], device: str):
    from zerowaste.baselines.predict import load_model

    if not checkpoints:
        raise click.ClickException("give at least one checkpoint")
    return [load_model(c, device) for c in checkpoints]


_tta_option = click.option("--tta", default="", help="Test-time augmentation: flip, ms or flip,ms.")
_device_option = click.option("--device", default="cpu", show_default=True, help="cpu, cuda, cuda:1 ...")


@click.command(cls=KitCommand)
@click.argument("checkpoints", nargs=-1, required=True)
@click.option("--data", "root", required=True, type=click.Path(exists=True, file_okay=False), help="Dataset folder.")
@click.option("--dataset", "kind", type=click.Choice(contract.DATASET_KINDS), default="zerowaste-f", show_default=True)
@click.option("--split", default="val", show_default=True)
@_tta_option
@_device_option
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Also write the metrics as JSON.")
def evaluate(checkpoints, root, kind, split, tta, device, json_out) -> None:
    """Score CHECKPOINTS (averaged when several) on a labeled split with the kit's scorer."""
    from zerowaste.baselines.evaluate import evaluate_models
    from zerowaste.baselines.predict import parse_tta

    models = _load_models(checkpoints, device)
    metrics = evaluate_models(models, root, kind, split, parse_tta(tta))
    console.print(metrics_table(metrics, f"{kind} {split} ({metrics['n_images']} images)"))
    if json_out:
        write_json_atomic(Path(json_out), {"checkpoints": list(checkpoints), "dataset": kind, "split": split, **metrics})
        console.print(f"wrote {json_out}")


@click.command(cls=KitCommand)
@click.argument("checkpoints", nargs=-1, required=True)
@click.option("--images", required=True, type=click.Path(exists=True, file_okay=False), help="Folder of input images.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@_tta_option
@click.option("--track", type=click.Choice(contract.TRACKS),
              help="Write into OUT/<track>/ (unless OUT is already named so): the folders `submission pack` takes.")
@click.option("--overlays", type=click.Path(file_okay=False), help="Also save overlay PNGs (image + prediction) here.")
@click.option("--max-overlays", default=8, show_default=True, help="How many images get an overlay.")
@_device_option
def predict(checkpoints, images, out, tta, track, overlays, max_overlays, device) -> None:
    """Predict full-resolution masks, named like the input images, with CHECKPOINTS (softmax ensemble)."""
    from zerowaste.baselines.predict import parse_tta, predict_folder

    models = _load_models(checkpoints, device)
    written = predict_folder(models, images, out, parse_tta(tta), track=track, overlays=overlays,
                             max_overlays=max_overlays)
    console.print(f"wrote {len(written)} masks to {written[0].parent}")


@click.command(cls=KitCommand)
@click.argument("checkpoints", nargs=-1, required=True)
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="Output checkpoint.")
def soup(checkpoints, out) -> None:
    """Uniformly average the weights of fine-tuned CHECKPOINTS (same architecture) into OUT."""
    from zerowaste.baselines.soup import soup_checkpoints

    path = soup_checkpoints(checkpoints, out)
    console.print(f"wrote {path} (uniform soup of {len(checkpoints)} checkpoints)")


def _parse_hw(value: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"expected HxW, e.g. 256x448, got {value!r}") from None
    return h, w


@click.command("check-model", cls=KitCommand)
@click.argument("configs", nargs=-1, required=True)
@click.option("--input-size", default="256x448", show_default=True, help="HxW of the counting pass.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Also write the counts as JSON.")
@click.option("--pretrained", type=click.Path(exists=True, dir_okay=False),
              help="Also say which format this weights file is and how much of each config's backbone it covers.")
def check_model(configs, input_size, json_out, pretrained) -> None:
    """Count parameters used per forward pass of CONFIGS (an ensemble: summed) against the 300M rule."""
    from zerowaste.baselines.check_model import build_model, check_models
    from zerowaste.baselines.weights import coverage_line

    for config in configs if pretrained else ():
        click.echo(coverage_line(pretrained, build_model(config).backbone, config))

    report = check_models(configs, _parse_hw(input_size))
    table = Table(title="parameters per forward pass")
    for col in ("config", "used per forward", "all parameters"):
        table.add_column(col, justify="left" if col == "config" else "right")
    for m in report.models:
        table.add_row(m.config, f"{m.used:,}", f"{m.total:,}")
    table.add_row("total", f"{report.total:,}", f"limit {report.limit:,}", style="bold")
    console.print(table)
    if json_out:
        data = {"models": [vars(m) for m in report.models], "total": report.total, "limit": report.limit, "ok": report.ok}
        write_json_atomic(Path(json_out), data)
    if not report.ok:
        raise click.ClickException(report.refusal())
    console.print(f"ok: {report.total:,} <= {report.limit:,}")
