"""``zerowaste submission pack|validate|upload|status`` and ``zerowaste score``.

Thin click layer: the work happens in ``zerowaste.submission.pack``, ``zerowaste.submission.validate`` and
``zerowaste.submission.scoring``, imported inside each command so ``zerowaste score --help`` stays fast.
``upload`` and ``status`` belong to the scoring-server client: they are listed here lazily from
``submission/server/client.py`` (click commands named ``upload`` and ``status``) when it exists.

Example:
    $ zerowaste submission validate sub.zip --gt gt.zip --phase val
    $ zerowaste score sub.zip --gt gt.zip --phase val --json out/score.json --plots out/plots
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from zerowaste import contract as C
from zerowaste.cli import KitCommand, KitGroup
from zerowaste.io import write_json_atomic

#: Subcommands provided by the server client (module:attribute), added when the module exists.
SERVER_COMMANDS: dict[str, str] = {
    "upload": "zerowaste.submission.server.client:upload",
    "status": "zerowaste.submission.server.client:status",
}
_CLIENT_FILE = Path(__file__).parent / "server" / "client.py"


class SubmissionGroup(KitGroup):
    """A click group that also offers the server client's commands, imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        extra = list(SERVER_COMMANDS) if _CLIENT_FILE.exists() else []
        return [*super().list_commands(ctx), *(n for n in extra if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in SERVER_COMMANDS or not _CLIENT_FILE.exists():
            return super().get_command(ctx, cmd_name)
        module_name, attr = SERVER_COMMANDS[cmd_name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # the client needs httpx (an extra): say so, keep the rest working
            from zerowaste.cli import missing_extra_command

            return missing_extra_command(cmd_name, exc, f"zerowaste submission {cmd_name}")
        return getattr(module, attr, None)


#: An existing folder, as a Path.
FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


def gt_options(command):
    """The ``--gt`` and ``--phase`` options shared by ``validate`` and ``score``."""
    command = click.option(
        "--phase", type=click.Choice(C.PHASES), help="Phase folder of the ground truth (val or test)."
    )(command)
    return click.option(
        "--gt",
        "gt_path",
        required=True,
        type=click.Path(exists=True, path_type=Path),
        help="Ground-truth masks: a folder, or the organizers' zip with val/ and test/.",
    )(command)


def _load_gt(gt: Path, phase: str | None):
    from zerowaste.submission.groundtruth import load_ground_truth

    return load_ground_truth(gt, phase)  # a GroundTruthError is one line (zerowaste.cli)


def _print_problems(report) -> None:
    for p in report.problems:
        click.echo(f"  - {p}", err=True)


@click.group(cls=SubmissionGroup)
def submission() -> None:
    """Pack, validate, upload submissions and check their status."""


@submission.command()
@click.argument("zip_path", metavar="SUB.zip", type=click.Path(path_type=Path))
@gt_options
@click.option("--max-problems", default=50, show_default=True, help="Report at most this many problems.")
def validate(zip_path: Path, gt_path: Path, phase: str | None, max_problems: int) -> None:
    """Validate SUB.zip (exit 0 if valid, 1 if not)."""
    from zerowaste.submission.validate import validate_submission

    gt = _load_gt(gt_path, phase)
    report = validate_submission(zip_path, gt, max_problems=max_problems)
    if report.ok:
        click.echo(f"{zip_path}: {report.summary()}")
        return
    click.echo(f"{zip_path}: {report.summary()}", err=True)
    _print_problems(report)
    raise SystemExit(1)


@submission.command()
@click.option(
    "--source-only", required=True, type=FOLDER, help="Source-only predictions (ids or palette PNGs)."
)
@click.option("--uda", required=True, type=FOLDER, help="UDA predictions (ids or palette PNGs).")
@click.option(
    "--images", required=True, type=FOLDER, help="Target images (names and sizes of the predictions)."
)
@click.option(
    "-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Zip to write."
)
def pack(source_only: Path, uda: Path, images: Path, out: Path) -> None:
    """Build the official submission zip (validated before it is written)."""
    from zerowaste.submission.pack import pack_submission
    from zerowaste.submission.validate import SubmissionInvalid

    try:
        pack_submission(source_only, uda, images, out)
    except SubmissionInvalid as exc:  # list the problems before the one-line error
        _print_problems(exc.report)
        raise click.ClickException(f"the packed zip does not validate: {exc.report.summary()}") from exc
    click.echo(f"wrote {out}")


@submission.command("gt")
@click.argument("root", type=FOLDER)
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Zip to write.")
@click.option("--phase", "phases", multiple=True, type=click.Choice(C.PHASES),
              help="Only this phase (repeatable; default: every phase folder ROOT has).")
def gt(root: Path, out: Path, phases: tuple[str, ...]) -> None:
    """Organizers: build gt.zip (val/*.png, test/*.png) from ROOT/{val,test}/sem_seg, checked.

    ROOT is the labeled copy of the target data (ZeroWaste v2 with its val/test labels); masks must be
    8-bit class ids 0..4 or 255, named and sized like ROOT/<phase>/data/ images when those are there.
    """
    from zerowaste.submission.groundtruth import build_ground_truth_zip

    counts = build_ground_truth_zip(root, out, phases or None)
    click.echo(f"wrote {out}: " + ", ".join(f"{phase}/ {n} masks" for phase, n in counts.items()))


def _print_table(result: dict[str, dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    from zerowaste.io import fmt_pct as format_percent

    table = Table(title="ZeroWaste score (%)")
    table.add_column("metric")
    for track in result:
        table.add_column(track, justify="right")
    rows = [("mIoU", "mIoU"), ("Acc (official, per image)", "Acc"), ("Acc_labelled (255 left out)", "Acc_labelled"),
            ("aAcc (pixel)", "aAcc")]
    for label, key in rows:
        table.add_row(label, *(format_percent(m[key]) for m in result.values()))
    for name in C.CLASS_NAMES:
        table.add_row(f"IoU {name}", *(format_percent(m["IoU"][name]) for m in result.values()))
    Console().print(table)
    if any(m["mIoU"] is None for m in result.values()):
        Console().print(
            "[yellow]n/a: a class has an empty union (absent from the ground truth and never "
            "predicted); its IoU and the mIoU are undefined.[/]"
        )


@click.command(cls=KitCommand)
@click.argument("zip_path", metavar="SUB.zip", type=click.Path(path_type=Path))
@gt_options
@click.option(
    "--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the scores as JSON."
)
@click.option(
    "--plots",
    "plots_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a confusion heatmap and an IoU bar chart per track (PNG).",
)
@click.option("--workers", type=int, default=None, help="Decoding threads (default: all cores).")
def score(
    zip_path: Path,
    gt_path: Path,
    phase: str | None,
    json_out: Path | None,
    plots_dir: Path | None,
    workers: int | None,
) -> None:
    """Score SUB.zip against ground truth with the official metric (fractions in the JSON)."""
    from zerowaste.submission.scoring import score_submission
    from zerowaste.submission.validate import SubmissionInvalid

    gt = _load_gt(gt_path, phase)
    try:
        result = score_submission(zip_path, gt, workers=workers, progress=True)
    except SubmissionInvalid as exc:  # list the problems before the one-line error
        _print_problems(exc.report)
        raise click.ClickException(f"{zip_path}: {exc.report.summary()}") from exc
    _print_table(result)
    if json_out:
        write_json_atomic(json_out, result, indent=2)
        click.echo(f"wrote {json_out}")
    if plots_dir:
        from zerowaste.submission.plots import write_plots

        for p in write_plots(result, plots_dir):
            click.echo(f"wrote {p}")
