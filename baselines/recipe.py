"""Multi-stage recipes run in order, each stage's output the next one's input, resumable.

``first-place`` is the VisDA 2022 winner's pipeline (SI Analytics, 59.42 mIoU; SPEC "Reference
numbers"): ConvNeXt-L + DAFormer head

1. ``dacs``: DACS self-training ZeroWaste-f -> ZeroWaste v2, 40k iterations
   (``uda/daformer_convnext-l_zerowaste.py``);
2. ``pseudo-labels``: the student's predictions on the target's train images, pixels below the
   confidence threshold ignored (255), and the student's weights as ``init.pth`` -- the
   ``zerowaste pseudo-label`` code;
3. ``finetune-photometric``, ``finetune-noise``, ``finetune-grid-shuffle``: three 10k-iteration
   fine-tunes of the student on source labels + pseudo-labels, each with one extra augmentation
   (``recipes/first-place_finetune.py``);
4. ``soup``: the uniform average of the three fine-tunes and the student (``zerowaste soup``).

``first-place-tiny`` is the same chain with the tiny CPU models and a few iterations per stage (the
test runs it end to end). Every stage writes into its own folder of the work dir and is recorded in
``<work>/recipe.json``; running again skips finished stages and resumes an interrupted training
stage from its newest complete checkpoint.

Example:
    $ zerowaste recipe run first-place --work-dir work/first --source data/zerowaste-f \\
          --target data/zerowaste-v2 --pretrained convnext_large_22k_224.pth
    $ zerowaste recipe run first-place-tiny --work-dir /tmp/fp --source tiny/zwf --target tiny/v2
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from zerowaste.cli import KitGroup
from zerowaste.errors import ZeroWasteError
from zerowaste.io import write_json_atomic

#: What ``<work>/recipe.json`` is called.
STATE_FILE = "recipe.json"


class RecipeError(ZeroWasteError, ValueError):
    """An unknown recipe or a stage input that is missing."""


@dataclass(frozen=True)
class Recipe:
    """The configs and settings of the 1st-place chain (see the module docstring)."""

    name: str
    dacs_config: str
    finetune_config: str
    threshold: float
    augmentations: tuple[str, ...] = ("photometric", "noise", "grid-shuffle")
    dacs_options: tuple[str, ...] = ()
    finetune_options: tuple[str, ...] = ()
    summary: str = ""

    def stages(self) -> list[str]:
        return ["dacs", "pseudo-labels", *(f"finetune-{a}" for a in self.augmentations), "soup"]


RECIPES: dict[str, Recipe] = {
    "first-place": Recipe(
        name="first-place", dacs_config="uda/daformer_convnext-l_zerowaste.py",
        finetune_config="recipes/first-place_finetune.py", threshold=0.968,
        summary="ConvNeXt-L + DAFormer head: DACS 40k, pseudo-labels, 3 x 10k fine-tunes, uniform soup (GPU)"),
    "first-place-tiny": Recipe(
        name="first-place-tiny", dacs_config="uda/tiny_dacs_convnext_cpu.py",
        finetune_config="recipes/tiny_first-place_finetune_cpu.py",
        threshold=0.5,  # a few CPU iterations from scratch are rarely above 0.968
        dacs_options=("train_cfg.max_iters=4", "train_cfg.val_interval=4", "default_hooks.checkpoint.interval=2"),
        finetune_options=("default_hooks.checkpoint.interval=2",),
        summary="the same chain with the tiny CPU ConvNeXt, a few iterations per stage (tests)"),
}


def get_recipe(name: str) -> Recipe:
    if name not in RECIPES:
        raise RecipeError(f"unknown recipe {name!r}; known: {', '.join(RECIPES)}")
    return RECIPES[name]


@dataclass
class RecipeRun:
    """Inputs of one run and where its stages write."""

    recipe: Recipe
    work_dir: Path
    source: Path  #: labeled source (ZeroWaste-f layout)
    target: Path  #: unlabeled target (ZeroWaste v2 layout: ``train/data``)
    pretrained: str | None = None
    options: tuple[str, ...] = ()  #: extra ``key=value`` options for every training stage
    state: dict = field(default_factory=dict)

    def stage_dir(self, stage: str) -> Path:
        return self.work_dir / stage

    @property
    def state_path(self) -> Path:
        return self.work_dir / STATE_FILE

    def record(self, stage: str, **info) -> None:
        self.state.setdefault("stages", {})[stage] = info
        write_json_atomic(self.state_path, self.state, indent=2)


def _train(config: str, work: Path, options: Sequence[str], pretrained: str | None = None) -> Path:
    """Train (or resume) one stage; returns its final checkpoint."""
    from zerowaste.baselines.train import LAST_CHECKPOINT, prepare_config, train

    cfg = prepare_config(config, work_dir=work, resume=True, cfg_options=list(options), pretrained=pretrained)
    train(cfg)
    return work / LAST_CHECKPOINT


def run_stage(run: RecipeRun, stage: str) -> Path:
    """Run one stage from the outputs of the earlier ones; returns its output."""
    r, src, out = run.recipe, str(run.source), run.stage_dir(stage)
    val = (f"val_dataloader.dataset.root={src}", f"test_dataloader.dataset.root={src}")
    if stage == "dacs":
        options = (f"train_dataloader.dataset.source.root={src}",
                   f"train_dataloader.dataset.target.root={run.target}", *val, *r.dacs_options, *run.options)
        return _train(r.dacs_config, out, options, run.pretrained)
    if stage == "pseudo-labels":
        from zerowaste.baselines.uda.infer import list_images
        from zerowaste.baselines.uda.selection import write_pseudo_labels

        images = list_images(run.target / "train" / "data")
        write_pseudo_labels(run.stage_dir("dacs") / "last.pth", images, out, r.threshold)
        return out / "init.pth"  # the student's weights, where the fine-tunes start
    if stage.startswith("finetune-"):
        aug = stage.removeprefix("finetune-")
        options = (f"pl_root={run.stage_dir('pseudo-labels')}", f"train_dataloader.dataset.sources.0.root={src}",
                   f"train_dataloader.dataset.pipeline.1.preset={aug}", *val, *r.finetune_options, *run.options)
        return _train(r.finetune_config, out, options)
    if stage == "soup":
        from zerowaste.baselines.soup import soup_checkpoints

        ingredients = [run.stage_dir(f"finetune-{a}") / "last.pth" for a in r.augmentations]
        ingredients.append(run.stage_dir("pseudo-labels") / "init.pth")  # the DACS student; last: the soup
        # keeps the first checkpoint's config
        out.mkdir(parents=True, exist_ok=True)
        return soup_checkpoints(ingredients, out / "soup.pth")
    raise RecipeError(f"{r.name}: unknown stage {stage!r}")


def run_recipe(run: RecipeRun, progress: Callable[[str], None] = print) -> dict[str, str]:
    """Run every stage not finished yet, in order; returns ``{stage: output}``."""
    if not (run.source / "train" / "sem_seg").is_dir():
        raise RecipeError(f"--source {run.source}: no train/sem_seg folder (expected the labeled ZeroWaste-f layout)")
    if not (run.target / "train" / "data").is_dir():
        raise RecipeError(f"--target {run.target}: no train/data folder (expected the ZeroWaste v2 layout)")
    run.work_dir.mkdir(parents=True, exist_ok=True)
    if run.state_path.is_file():
        import json

        run.state = json.loads(run.state_path.read_text())
        if run.state.get("recipe") != run.recipe.name:
            raise RecipeError(f"{run.work_dir} holds a run of recipe {run.state.get('recipe')!r}, not {run.recipe.name!r}")
    run.state.update(recipe=run.recipe.name, source=str(run.source), target=str(run.target))
    outputs = {}
    stages = run.recipe.stages()
    for i, stage in enumerate(stages, start=1):
        done = run.state.get("stages", {}).get(stage, {})
        if done.get("status") == "done" and Path(done["output"]).exists():
            progress(f"[{i}/{len(stages)}] {stage}: done earlier ({done['output']})")
            outputs[stage] = done["output"]
            continue
        progress(f"[{i}/{len(stages)}] {stage} ...")
        start = time.monotonic()
        output = run_stage(run, stage)
        run.record(stage, status="done", output=str(output), seconds=round(time.monotonic() - start, 1))
        outputs[stage] = str(output)
    progress(f"done: {outputs['soup']}")
    return outputs


# --- command line -----------------------------------------------------------------------------


@click.group("recipe", cls=KitGroup)
def recipe() -> None:
    """Multi-stage training recipes (the VisDA 2022 winners')."""


@recipe.command("list")
def list_recipes() -> None:
    """The recipes and their stages."""
    for r in RECIPES.values():
        click.echo(f"{r.name}: {r.summary}\n  stages: {' -> '.join(r.stages())}")


@recipe.command("run")
@click.argument("name")
@click.option("--work-dir", required=True, type=click.Path(file_okay=False), help="One folder per stage + recipe.json.")
@click.option("--source", required=True, type=click.Path(exists=True, file_okay=False), help="ZeroWaste-f root.")
@click.option("--target", required=True, type=click.Path(exists=True, file_okay=False), help="ZeroWaste v2 root.")
@click.option("--pretrained", type=click.Path(exists=True, dir_okay=False), help="Backbone weights for stage 1.")
@click.option("--option", "options", multiple=True, help="key=value for every training stage (repeatable).")
def run_command(name, work_dir, source, target, pretrained, options) -> None:
    """Run recipe NAME (see `zerowaste recipe list`); run again to resume."""
    run = RecipeRun(recipe=get_recipe(name), work_dir=Path(work_dir), source=Path(source), target=Path(target),
                    pretrained=pretrained, options=tuple(options))
    run_recipe(run, progress=click.echo)
