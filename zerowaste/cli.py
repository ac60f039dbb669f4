"""The `zerowaste` command: one thin layer over the kit's parts.

Each subcommand lives in its own part (``zerowaste.data.cli``, ``zerowaste.synth.cli``, ``zerowaste.baselines.cli``,
``zerowaste.submission.cli``, ``zerowaste.submission.server.cli``) and is imported only when it is run, so
``zerowaste --help`` and ``zerowaste score`` never import torch or bpy.

Example:
    $ zerowaste --help
    $ zerowaste data verify /data/zerowaste-f --dataset zerowaste-f
"""

from __future__ import annotations

import importlib
import sys
from types import TracebackType

import click

from zerowaste.errors import EXTRA_OF_MODULE, MissingExtraError, ZeroWasteError

#: name -> ("module:attribute", one-line help shown by `zerowaste --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("zerowaste.data.cli:data", "Datasets: fetch, verify, stats, COCO <-> mask conversion."),
    "synth": ("zerowaste.synth.cli:synth", "SynthWaste generator: render scenes with BlenderProc, presets, previews."),
    "train": ("zerowaste.baselines.cli:train", "Train a segmenter from an mmsegmentation config."),
    "eval": ("zerowaste.baselines.cli:evaluate", "Evaluate a checkpoint on a labeled split with the kit's scorer."),
    "predict": ("zerowaste.baselines.cli:predict", "Predict full-resolution masks for target images."),
    "soup": ("zerowaste.baselines.cli:soup", "Uniformly average fine-tuned checkpoints (model soup)."),
    "check-model": ("zerowaste.baselines.cli:check_model", "Count parameters per forward pass against the 300M rule."),
    "select": ("zerowaste.baselines.uda.cli:select", "Rank checkpoints by SND on unlabeled target images."),
    "pseudo-label": ("zerowaste.baselines.uda.cli:pseudo_label", "Write confident pseudo-labels for target images."),
    "recipe": ("zerowaste.baselines.recipe:recipe", "Run a multi-stage recipe (1st place: DACS, pseudo-labels, fine-tunes, soup)."),
    "submission": ("zerowaste.submission.cli:submission", "Pack, validate, upload submissions and check their status."),
    "score": ("zerowaste.submission.cli:score", "Score a submission zip against ground truth (official metric)."),
    "server": ("zerowaste.submission.server.cli:server", "Scoring server: serve, worker, admin."),
    "demo": ("zerowaste.demo:demo", "Run the end-to-end demo on embedded defaults."),
}


def _failed_command_path(tb: TracebackType | None, default: str) -> str:
    """``zerowaste synth fit``: the innermost click command running where the exception was raised."""
    path = default
    while tb is not None:
        ctx = tb.tb_frame.f_locals.get("ctx")
        if isinstance(ctx, click.Context):  # the program is `zerowaste`, whatever argv[0] was
            path = " ".join(["zerowaste", *ctx.command_path.split()[1:]])
        tb = tb.tb_next
    return path


def missing_extra_command(name: str, exc: ModuleNotFoundError, what: str) -> click.Command:
    """A stand-in for a subcommand whose module needs a missing extra (re-raises other missing modules).

    It is listed in ``--help`` with the line naming the extra; running it (``--help`` included)
    prints that line and exits 1, like every other command met without its extra.
    """
    if (exc.name or "").split(".")[0] not in EXTRA_OF_MODULE:
        raise exc
    error = MissingExtraError.for_module(exc.name, what)

    @click.command(name, help=str(error), add_help_option=False,
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def needs_extra() -> None:
        raise error

    return needs_extra


class KitErrors:
    """Mixin for click commands and groups: the kit's errors end a command in this one place."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; the kit's own errors become one line and an exit code, in this one place.

        A :class:`~zerowaste.errors.ZeroWasteError` prints ``Error: <message>`` and exits with its
        ``exit_code``; a missing optional dependency met while the command runs names the extra to
        install. Anything else is a bug and keeps its traceback.
        """
        try:
            return super().invoke(ctx)
        except ZeroWasteError as exc:
            error = click.ClickException(str(exc))
            error.exit_code = exc.exit_code
            raise error from None
        except FileNotFoundError as exc:  # a path the user gave that is not there
            raise click.ClickException(f"{exc.filename}: file not found" if exc.filename else str(exc)) from None
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in EXTRA_OF_MODULE:
                raise
            what = _failed_command_path(exc.__traceback__, f"zerowaste {ctx.invoked_subcommand or ''}".strip())
            raise click.ClickException(str(MissingExtraError.for_module(exc.name, what))) from None


class KitCommand(KitErrors, click.Command):
    """A click command that turns the kit's errors into one line (use ``@click.command(cls=KitCommand)``)."""


class KitGroup(KitErrors, click.Group):
    """A click group that turns the kit's errors into one line, for its subcommands too."""


class LazyGroup(KitGroup):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        target, _ = COMMANDS[cmd_name]
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            raise click.ClickException(str(MissingExtraError.for_module(exc.name, f"zerowaste {cmd_name}"))) from None
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Show the one-line help without importing every part.
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zerowaste-kit")
def cli() -> None:
    """zerowaste-kit: data, synthetic scenes, baselines and scoring for the ZeroWaste challenge."""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="zerowaste")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
