"""Train any mmseg config with mmengine's Runner (single process CPU/GPU, or torchrun: several GPUs or CPU processes).

:func:`prepare_config` turns a config file and the command-line choices into the final config;
:func:`train` runs it. Both are generic: the UDA configs (``baselines/configs/uda``) go through the
same entry point.

- Checkpoints are written atomically (``atomic_local`` backend, :mod:`zerowaste.compat.mmseg`).
- ``resume=True`` continues from the newest complete checkpoint of the work dir
  (:func:`find_resume_checkpoint`: ``last_checkpoint`` if it points at a complete file, otherwise
  the newest complete ``iter_*.pth``), restoring the optimizer, schedulers, iteration and RNG seed.
- Without ``pretrained`` the backbone starts from scratch, and the log says so.
- Multi-process runs (``torchrun ... --launcher pytorch``) use ``nccl`` with CUDA and ``gloo`` on
  CPU-only machines (:func:`distributed_backend`, said in the log); every rank keeps the same
  buffers (:class:`zerowaste.baselines.hooks.RankBufferSyncHook`); rank 0 alone writes checkpoints and PNGs.
- ``amp=True``: fp16 autocast + dynamic loss scale on CUDA (mmengine's ``AmpOptimWrapper``),
  bf16 autocast on CPU (``CPUAmpOptimWrapper``, :mod:`zerowaste.compat.mmseg`).

Example:
    >>> cfg = prepare_config("baselines/configs/tiny/segformer_tiny_cpu.py", work_dir="/tmp/w")  # doctest: +SKIP
    >>> train(cfg)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import re
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from mmengine.config import Config, DictAction
from mmengine.logging import print_log

import zerowaste.baselines.registry  # noqa: F401  (compat + registrations before any mmseg build)
from zerowaste.errors import ZeroWasteError
from zerowaste.io import atomic_path

#: Where the shipped configs live (``zerowaste train segformer/segformer_mit-b5_zerowaste-f.py`` works).
CONFIG_DIR = Path(__file__).parent / "configs"

FROM_SCRATCH = (
    "backbone starts from scratch (no --pretrained given): expect far lower mIoU than the official "
    "ImageNet-initialised baselines. Pass --pretrained PATH (a local, converted checkpoint; see docs/baselines.md)."
)


class TrainError(ZeroWasteError, ValueError):
    """A bad training request (missing config or checkpoint, malformed option)."""


def resolve_config(config: str | os.PathLike) -> Path:
    """A config path as given, or relative to the shipped ``baselines/configs`` (``uda/x.py``); a path
    written from the repository root (``baselines/configs/uda/x.py``) works from any folder too."""
    candidates = [Path(config), CONFIG_DIR / config]
    repo_relative = Path(config).as_posix().removeprefix("./")
    if repo_relative.startswith("baselines/configs/"):
        candidates.append(CONFIG_DIR / repo_relative.removeprefix("baselines/configs/"))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise TrainError(f"config {config} not found (looked here and under {CONFIG_DIR})")


def parse_cfg_options(options: Sequence[str]) -> dict:
    """``["a.b=1", "c=[1,2]"]`` -> ``{"a.b": 1, "c": [1, 2]}`` (mmengine's ``--cfg-options`` syntax).

    >>> parse_cfg_options(["train_cfg.max_iters=4", "model.decode_head.num_classes=5"])
    {'train_cfg.max_iters': 4, 'model.decode_head.num_classes': 5}
    """
    out: dict = {}
    for option in options:
        if "=" not in option:
            raise TrainError(f"--cfg-options expects key=value, got {option!r}")
        key, value = option.split("=", 1)
        try:
            out[key] = DictAction._parse_iterable(value)
        except (AssertionError, RecursionError, ValueError) as exc:
            raise TrainError(f"--cfg-options {option!r}: cannot parse the value ({exc or 'unbalanced brackets'})") from None
    return out


def is_complete_checkpoint(path: Path) -> bool:
    """True if ``path`` is a complete ``torch.save`` file (a readable zip archive)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return bool(zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _iteration(path: Path) -> int:
    match = re.search(r"(\d+)", path.stem)
    return int(match.group(1)) if match else -1


def find_resume_checkpoint(work_dir: str | os.PathLike) -> Path | None:
    """The newest complete checkpoint of ``work_dir`` (None when there is none)."""
    work_dir = Path(work_dir)
    pointer = work_dir / "last_checkpoint"
    if pointer.is_file():
        last = Path(pointer.read_text().strip())
        if last.is_file() and is_complete_checkpoint(last):
            return last
    candidates = sorted(work_dir.glob("iter_*.pth"), key=_iteration, reverse=True)
    candidates += sorted(work_dir.glob("epoch_*.pth"), key=_iteration, reverse=True)
    return next((p for p in candidates if is_complete_checkpoint(p)), None)


def _set_pretrained(cfg: Config, pretrained: str | None) -> None:
    backbone = cfg.model.get("backbone")
    if pretrained is not None:
        path = Path(pretrained)
        if not path.is_file():
            raise TrainError(f"--pretrained {pretrained}: file not found (weights cannot be downloaded here)")
        if backbone is None:
            raise TrainError("--pretrained needs a model with a `backbone`")
        # the kit's `Pretrained` (zerowaste.baselines.weights): converts known formats, fails on a mismatch
        backbone.init_cfg = dict(type="Pretrained", checkpoint=str(path.resolve()), _scope_="mmseg")
        cfg.model.pretrained = None
        print_log(f"backbone weights: {path} (converted and checked when the model is initialised)", logger="current")
    elif cfg.get("load_from"):
        print_log(f"weights from load_from={cfg.load_from} (the whole model)", logger="current")
    elif backbone is not None and not backbone.get("init_cfg") and not cfg.model.get("pretrained"):
        print_log(FROM_SCRATCH, logger="current", level=logging.WARNING)


def root_variables(cfg: Config) -> dict[str, str]:
    """The config's data-folder variables: top-level string keys ending in ``_root``."""
    return {k: v for k, v in cfg.items() if k.endswith("_root") and isinstance(v, str)}


def _replace_strings(node, old: str, new: str):
    """``node`` with every string equal to ``old`` or starting with ``old + "/"`` re-pointed at ``new``."""
    if isinstance(node, str):
        return new + node[len(old):] if node == old or node.startswith(old + "/") else node
    if isinstance(node, dict):
        return type(node)({k: _replace_strings(v, old, new) for k, v in node.items()})
    if isinstance(node, list | tuple):
        return type(node)(_replace_strings(v, old, new) for v in node)
    return node


def _repoint_roots(cfg: Config, old_roots: dict[str, str]) -> None:
    """Overriding a ``*_root`` variable (``source_root=/data/x``) re-points every path built from it.

    mmengine substitutes Python variables when it reads a config, so a later override of the
    variable alone would change nothing; this keeps the one-option override working.
    """
    for key, old in old_roots.items():
        new = cfg.get(key)
        if isinstance(new, str) and new != old:
            for name in list(cfg.keys()):
                if name != key:
                    cfg[name] = _replace_strings(cfg[name], old, new)


def _stretch_schedulers(cfg: Config, old_max: int | None) -> None:
    """After ``train_cfg.max_iters=N``: schedulers that ended at the old ``max_iters`` end at ``N``;
    schedulers that would start at or after ``N`` never run and are dropped (said in the log)."""
    new_max = cfg.get("train_cfg", {}).get("max_iters")
    schedulers = cfg.get("param_scheduler")
    if old_max is None or new_max == old_max or not isinstance(schedulers, list):
        return
    kept = []
    for scheduler in schedulers:
        if scheduler.get("begin", 0) >= new_max:
            print_log(f"{scheduler.get('type')} starts at iteration {scheduler.begin} >= max_iters {new_max}: "
                      "dropped (it would never run)", logger="current", level=logging.WARNING)
            continue
        if scheduler.get("end") == old_max:
            scheduler.end = new_max
        kept.append(scheduler)
    cfg.param_scheduler = kept


def _fill_sampler_batch_size(cfg: Config) -> None:
    """The mixed sampler schedules per iteration: give it the loader's batch size."""
    loader = cfg.get("train_dataloader")
    if loader and loader.get("sampler", {}).get("type") == "MixedSourceSampler":
        loader.sampler.batch_size = loader.batch_size


def _set_amp(cfg: Config) -> None:
    """``--amp``: fp16 autocast + dynamic loss scale on CUDA, bf16 autocast on CPU (said in the log)."""
    import torch

    wrapper = cfg.get("optim_wrapper")
    if not wrapper or wrapper.get("type", "OptimWrapper") not in ("OptimWrapper", "AmpOptimWrapper", "CPUAmpOptimWrapper"):
        raise TrainError(f"--amp: the config's optim_wrapper {wrapper and wrapper.get('type')!r} is not an OptimWrapper")
    if torch.cuda.is_available():
        wrapper.type = "AmpOptimWrapper"
        wrapper.setdefault("loss_scale", "dynamic")
        print_log("--amp: float16 autocast with dynamic loss scaling (AmpOptimWrapper, CUDA)", logger="current")
    else:
        wrapper.type = "CPUAmpOptimWrapper"
        wrapper.pop("loss_scale", None)
        wrapper.dtype = "bfloat16"
        print_log("--amp on CPU: bfloat16 autocast, no loss scaling (CPUAmpOptimWrapper)", logger="current")


def distributed_backend() -> str:
    """The process-group backend of multi-process runs: ``nccl`` with CUDA, ``gloo`` without."""
    import torch

    return "nccl" if torch.cuda.is_available() else "gloo"


def _set_distributed(cfg: Config) -> None:
    """Multi-process runs (``--launcher pytorch|slurm|mpi``): pick the backend, and without CUDA let
    DDP wrap a CPU model; every rank keeps the same buffers (:class:`zerowaste.baselines.hooks.RankBufferSyncHook`)."""
    if cfg.launcher == "none":
        return
    env_cfg = cfg.setdefault("env_cfg", {})
    dist_cfg = env_cfg.setdefault("dist_cfg", {})
    backend = distributed_backend()
    configured = dist_cfg.get("backend", "nccl")
    if backend == "gloo" and cfg.launcher != "pytorch":
        raise TrainError(f"--launcher {cfg.launcher} needs CUDA devices (mmengine assigns one per process); "
                         "CPU processes: torchrun ... --launcher pytorch")
    if backend == "gloo" and configured == "nccl":
        dist_cfg["backend"] = "gloo"
        print_log("no CUDA device: distributed backend gloo (CPU processes) instead of the config's nccl",
                  logger="current")
        # mmengine passes device_ids=[LOCAL_RANK] to DDP, which DDP refuses for a CPU model.
        wrapper = dict(type="MMDistributedDataParallel", broadcast_buffers=False,
                       find_unused_parameters=cfg.get("find_unused_parameters", False))
        wrapper.update(cfg.get("model_wrapper_cfg") or {})
        wrapper["device_ids"] = None
        cfg.model_wrapper_cfg = wrapper
    else:
        dist_cfg.setdefault("backend", configured)
        print_log(f"distributed backend {dist_cfg['backend']}", logger="current")
    hooks = list(cfg.get("custom_hooks") or [])
    if not any(h.get("type") == "RankBufferSyncHook" for h in hooks):
        cfg.custom_hooks = [*hooks, dict(type="RankBufferSyncHook")]


def prepare_config(
    config: str | os.PathLike,
    *,
    work_dir: str | os.PathLike | None = None,
    resume: bool = False,
    amp: bool = False,
    cfg_options: Sequence[str] | dict = (),
    pretrained: str | None = None,
    seed: int | None = None,
    deterministic: bool = False,
    launcher: str = "none",
) -> Config:
    """The final training config (see module docs); raises :class:`TrainError` on bad input."""
    path = resolve_config(config)
    cfg = Config.fromfile(str(path))
    options = cfg_options if isinstance(cfg_options, dict) else parse_cfg_options(cfg_options)
    if options:
        old_max = cfg.get("train_cfg", {}).get("max_iters")
        old_roots = root_variables(cfg)
        cfg.merge_from_dict(options)
        _repoint_roots(cfg, old_roots)
        _stretch_schedulers(cfg, old_max)
    cfg.launcher = launcher
    cfg.work_dir = str(work_dir or Path("work_dirs") / path.stem)
    if cfg.get("visualizer"):
        # mmengine keeps one Visualizer per name for the whole process: a second run in the same
        # process (tests, notebooks) would write its scalars into the first run's folder.
        cfg.visualizer.name = f"visualizer-{os.getpid()}-{time.time_ns()}"
    if seed is not None or deterministic:
        randomness = dict(cfg.get("randomness") or {})
        randomness.update(deterministic=deterministic, **({"seed": seed} if seed is not None else {}))
        cfg.randomness = randomness
    if amp:
        _set_amp(cfg)
    _set_distributed(cfg)
    _set_pretrained(cfg, pretrained)
    _fill_sampler_batch_size(cfg)
    cfg.resume = False
    if resume:
        last = find_resume_checkpoint(cfg.work_dir)
        if last is None:
            print_log(f"--resume: no checkpoint in {cfg.work_dir} yet, starting from iteration 0", logger="current")
        else:
            check_resume_schedule(cfg, last)
            print_log(f"resuming from {last}", logger="current")
            cfg.load_from, cfg.resume = str(last), True
    return cfg


def check_resume_schedule(cfg: Config, checkpoint: str | os.PathLike) -> None:
    """Refuse to resume ``checkpoint`` under a schedule other than the one it was trained with.

    mmengine restores every parameter scheduler's state -- its ``end`` included -- from the
    checkpoint, while the loop runs to the config's ``max_iters``: resuming a finished 40k run with
    ``train_cfg.max_iters=80000`` would train 40k more iterations at the schedule's final learning
    rate (0 for the poly schedule), silently. A :class:`TrainError` says so and what to do instead.
    """
    import torch

    try:
        saved = torch.load(checkpoint, map_location="cpu", weights_only=True).get("param_schedulers")
    except Exception as exc:  # noqa: BLE001 -- any unreadable checkpoint: a clear message, not a traceback
        raise TrainError(f"--resume: cannot read {checkpoint} ({exc})") from None
    configured = cfg.get("param_scheduler")
    configured = [configured] if isinstance(configured, dict) else list(configured or [])
    if not isinstance(saved, list):  # several optimizers (a dict of lists) or no schedulers: nothing to compare
        return
    old = [s.get("end") for s in saved if isinstance(s, dict)]
    new = [c.get("end") for c in configured]
    if old == new:
        return
    max_iters = cfg.get("train_cfg", {}).get("max_iters")
    last_end = max((e for e in old if isinstance(e, int) and e < 2**31), default=None)
    raise TrainError(
        f"--resume: {checkpoint} was trained with schedules ending at {old}, the config now ends them at {new} "
        f"(max_iters {max_iters}); resuming restores the saved schedule, so iterations past {last_end} would run "
        f"at its final learning rate (0 for poly). To train longer, start a new run from these weights "
        f"(load_from={checkpoint}, a fresh schedule); to finish the run, resume with its original max_iters."
    )


def build_runner(cfg: Config):
    """mmengine's Runner for ``cfg`` (mmseg's default scope).

    A config whose model cannot be built (a bad option value: mmengine's registry names the class and
    the file) is the user's error: :class:`TrainError`, not a traceback.
    """
    from mmengine.runner import Runner

    try:
        return Runner.from_cfg(cfg)
    except (ValueError, TypeError, KeyError) as exc:
        raise TrainError(f"invalid config: {exc}") from None


LAST_CHECKPOINT = "last.pth"


def publish_last_checkpoint(work_dir: str | os.PathLike) -> Path | None:
    """Make ``<work_dir>/last.pth`` the final checkpoint of the run (hard link, or copy), atomically."""
    import shutil

    final = find_resume_checkpoint(work_dir)
    if final is None:
        return None
    out = Path(work_dir) / LAST_CHECKPOINT
    with atomic_path(out) as tmp:
        tmp.unlink()
        try:
            os.link(final, tmp)
        except OSError:
            shutil.copyfile(final, tmp)
    return out


def train(cfg: Config):
    """Train ``cfg``; returns the Runner. Its ``work_dir`` holds the checkpoints (the final one also
    as ``last.pth``), logs, ``training_curves.png`` and ``progress.json`` (iteration and ETA, also shown
    as a progress bar on a terminal: :class:`~zerowaste.baselines.hooks.ProgressHook`)."""
    hooks = list(cfg.get("custom_hooks") or [])
    if not any(h.get("type") == "ProgressHook" for h in hooks):
        cfg.custom_hooks = [*hooks, dict(type="ProgressHook")]
    runner = build_runner(cfg)
    runner.train()
    from mmengine.dist import is_main_process

    if is_main_process():
        publish_last_checkpoint(runner.work_dir)
    return runner
