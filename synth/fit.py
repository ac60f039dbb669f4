"""``zerowaste synth fit``: tune a preset so that its renders look like a folder of real frames.

The objective is :func:`zerowaste.synth.compare.distance` between the real frames and a few small
frames rendered with a candidate preset. Every trial renders the *same* frame seeds, so trials
differ by their parameters rather than by luck of the scene. The search is optuna's TPE sampler
over the parameters declared in :data:`zerowaste.synth.params.FIT_RANGES`, each inside its
declared range, in two levels: each trial (a Blender render) sets the scene parameters (belt,
light, camera, clutter, surfaces); the camera's post-processing (``post.*``: exposure, blur,
noise, white balance, JPEG...) is then searched on that trial's raw renders without rendering
again (:func:`search_post`, :data:`POST_EVALS` settings, starting from the base's and the best
so far). Trial 0 is the base preset itself; its distance *as given* is the "distance before". The study lives in
SQLite next to the output, so a killed fit continues with ``--resume``; trials render in parallel
Blender processes (``--workers``); Ctrl-C stops the running trials and keeps the best preset found.

Files, for ``-o fitted.yaml``::

    fitted.yaml          the fitted preset: complete, no ``base:``, comment block with the figures
    fitted.trials.png    distance of every trial and the best so far
    fitted.sheet.png     real, base and fitted thumbnails, shuffled and numbered (key at the bottom)
    fitted.fit/          study.db (optuna, SQLite) and trials/NNNN (renders of the base and best trials)

Example:
    >>> from zerowaste.synth.presets import load_preset
    >>> base = load_preset("default", ["belt.grey=[0.025, 0.055]"])
    >>> [r.path for r in searchable(base, ["belt.grey", "lighting.bar_power"])]
    ['belt.grey', 'lighting.bar_power']
    >>> moved = apply_values(base, {"belt.grey": 0.1, "clutter.class_mix.metal": 0.2})
    >>> moved["belt"]["grey"], moved["clutter"]["class_mix"]["metal"], base["belt"]["grey"]
    ([0.085, 0.115], 0.2, [0.025, 0.055])
"""

from __future__ import annotations

import copy
import fcntl
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from zerowaste import contract as C
from zerowaste.errors import MissingExtraError, ZeroWasteError
from zerowaste.synth import writer
from zerowaste.synth.compare import (
    CompareError,
    distance,
    find_frames,
    folder_stats,
    frame_stats,
    shuffled_sheet,
    summarize,
    to_analysis,
)
from zerowaste.synth.params import FIT_RANGES, FitRange, frame_seed
from zerowaste.synth.presets import PresetError, load_preset

#: Trial renders go to ``<out>.fit/trials/NNNN/<SPLIT>/data``.
SPLIT = "train"
#: Default time budget when neither ``--trials`` nor ``--minutes`` is given.
DEFAULT_MINUTES = 12.0


class FitError(ZeroWasteError, ValueError):
    """A fit that cannot start or finish; the message names the problem."""


@dataclass
class FitOptions:
    """Everything ``synth fit`` needs; see ``zerowaste synth fit --help``."""

    real: Path
    base: str
    out: Path
    trials: int | None = None
    minutes: float | None = None
    resolution: tuple[int, int] = (320, 180)
    frames: int = 4
    seed: int = 0
    workers: int = 1
    resume: bool = False
    params: Sequence[str] = ()
    samples: int | None = None
    threads: int = 0
    real_limit: int = 300

    def __post_init__(self) -> None:
        self.real, self.out = Path(self.real), Path(self.out)
        self.resolution = tuple(self.resolution)


@dataclass
class FitResult:
    """What a fit found: the preset written, the figures and the files."""

    preset: dict
    before: float
    after: float
    trials: int
    best_trial: int
    interrupted: bool
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)


def work_dir(out: Path) -> Path:
    """The folder of the study and the trial renders (``fitted.yaml`` -> ``fitted.fit``)."""
    return out.with_suffix(".fit")


def report_paths(out: Path) -> dict[str, Path]:
    """The report PNGs written next to the fitted preset."""
    return {"trials_png": out.with_suffix(".trials.png"), "sheet_png": out.with_suffix(".sheet.png")}


# --------------------------------------------------------------------------------------------
# Parameters: pure functions over preset dicts
# --------------------------------------------------------------------------------------------
def _get(preset: dict, path: str):
    node = preset
    for part in path.split("."):
        node = node[part]
    return node


def _has(preset: dict, path: str) -> bool:
    try:
        _get(preset, path)
    except (KeyError, TypeError):
        return False
    return True


def _matches(fr: FitRange, key: str) -> bool:
    return fr.path == key or fr.path.startswith(key + ".")


def searchable(base: dict, only: Sequence[str] = ()) -> list[FitRange]:
    """The declared ranges that apply to ``base``, restricted to the keys or key prefixes in ``only``."""
    ranges = [r for r in FIT_RANGES if _has(base, r.path)]
    unknown = [key for key in only if not any(_matches(r, key) for r in ranges)]
    if unknown:
        raise FitError(f"--params {', '.join(unknown)}: not a fitted parameter; known: "
                       + ", ".join(r.path for r in ranges))
    return [r for r in ranges if not only or any(_matches(r, key) for key in only)]


def current_value(preset: dict, fr: FitRange) -> float:
    """The searched number of one parameter (a span's centre), clipped into its declared range."""
    v = _get(preset, fr.path)
    centre = (float(v[0]) + float(v[1])) / 2 if fr.span else float(v)
    return min(max(centre, fr.low), fr.high)


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def apply_values(base: dict, values: dict[str, float]) -> dict:
    """A copy of ``base`` with the searched numbers set; a span keeps its width, clipped to its range."""
    by_path = {r.path: r for r in FIT_RANGES}
    out = copy.deepcopy(base)
    for path, value in values.items():
        fr = by_path[path]
        if fr.span:
            lo, hi = (float(v) for v in _get(base, path))
            half = (hi - lo) / 2
            pair = [max(fr.low, value - half), min(fr.high, value + half)]
            new = [round(v) for v in pair] if fr.integer else [_round(v) for v in pair]
        else:
            new = round(value) if fr.integer else _round(value)
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node[part]
        node[last] = new
    return out


def _suggest(trial, ranges: list[FitRange]) -> dict[str, float]:
    return {r.path: trial.suggest_float(r.path, r.low, r.high, log=r.log and r.low > 0) for r in ranges}


# --------------------------------------------------------------------------------------------
# Checks before anything is written
# --------------------------------------------------------------------------------------------
def check_options(opts: FitOptions) -> tuple[dict, dict]:
    """Validate every input; returns (base preset, real summary). Writes nothing."""
    if opts.out.is_dir():
        raise FitError(f"-o {opts.out}: is a folder; give the path of the .yaml preset to write")
    if opts.out.suffix not in (".yaml", ".yml"):
        raise FitError(f"-o {opts.out}: the fitted preset must be a .yaml file")
    if not opts.out.parent.is_dir():
        raise FitError(f"-o {opts.out}: folder {opts.out.parent} does not exist")
    if opts.frames < 1 or opts.workers < 1:
        raise FitError("--frames and --workers must be at least 1")
    if opts.trials is not None and opts.trials < 1:
        raise FitError("--trials must be at least 1")
    if opts.minutes is not None and opts.minutes <= 0:
        raise FitError("--minutes must be positive")
    try:
        base = load_preset(str(opts.base))
    except PresetError as exc:
        raise FitError(f"--preset: {exc}") from None
    searchable(base, opts.params)
    try:
        real = summarize(folder_stats(opts.real, limit=opts.real_limit, min_frames=2))
    except CompareError as exc:
        raise FitError(f"--real: {exc}") from None
    db = work_dir(opts.out) / "study.db"
    if db.exists() and not opts.resume:
        raise FitError(f"{db} exists from an earlier fit: pass --resume to continue it, or remove "
                       f"{work_dir(opts.out)} to start over")
    if opts.resume and not db.exists():
        raise FitError(f"--resume: no earlier fit at {work_dir(opts.out)}")
    return base, real


# --------------------------------------------------------------------------------------------
# Rendering one trial
# --------------------------------------------------------------------------------------------
class _Children:
    """The Blender processes of running trials, so that Ctrl-C can stop them at once."""

    def __init__(self) -> None:
        self.lock, self.procs, self.stop = threading.Lock(), set(), threading.Event()

    def run(self, cmd: list[str], log: Path) -> int:
        with open(log, "a") as out, self.lock:
            if self.stop.is_set():
                return -1
            # Own session: a terminal's Ctrl-C reaches only the fit, which then stops the children.
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            self.procs.add(proc)
        try:
            return proc.wait()
        finally:
            with self.lock:
                self.procs.discard(proc)

    def stop_all(self) -> None:
        with self.lock:
            self.stop.set()
            for proc in self.procs:
                proc.terminate()


def trial_preset(base: dict, values: dict[str, float], resolution: Sequence[int], samples: int | None) -> dict:
    """The preset a trial renders: the candidate values at the fit's (small) resolution."""
    preset = apply_values(base, values)
    preset["resolution"] = list(resolution)
    if samples:
        preset["samples"] = int(samples)
    return preset


def render_trial(preset: dict, folder: Path, frames: int, seed: int, threads: int, children: _Children) -> Path:
    """Render ``frames`` frames of ``preset`` into ``folder`` in one Blender process; returns the image folder."""
    if folder.exists():
        shutil.rmtree(folder)
    images = writer.split_dir(folder, SPLIT) / "data"
    images.parent.mkdir(parents=True)
    job = {"out": str(folder), "split": SPLIT, "preset": preset, "device": "cpu", "threads": threads,
           "paper_to": C.PAPER_ID, "assets": {}, "raw": True,
           "frames": [[i, frame_seed(seed, i), writer.frame_stem(i)] for i in range(frames)]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=folder, delete=False) as f:
        json.dump(job, f)
    children.run([sys.executable, "-m", "zerowaste.synth.render", f.name], folder / "render.log")
    os.unlink(f.name)
    return images


# --------------------------------------------------------------------------------------------
# The camera's post-processing: searched on the raw renders, without rendering again
# --------------------------------------------------------------------------------------------
#: Post-processing settings tried on each trial's raw renders (cheap: no rendering).
POST_EVALS = 24


def is_post(fr: FitRange) -> bool:
    """Post-processing keys change the image after rendering: they are searched on the raw renders."""
    return fr.path.startswith("post.")


def load_raws(folder: Path, frames: int, seed: int) -> list[tuple[int, np.ndarray]]:
    """(frame seed, raw render) of every frame a trial rendered (``{split}/raw/``)."""
    from zerowaste.data.io import read_image
    from zerowaste.synth.render import RAW_DIR

    out = []
    for i in range(frames):
        path = writer.split_dir(folder, SPLIT) / RAW_DIR / f"{writer.frame_stem(i)}.png"
        if path.is_file():
            out.append((frame_seed(seed, i), read_image(path)))
    return out


def post_frames(preset: dict, raws: list[tuple[int, np.ndarray]], values: dict[str, float]) -> list[np.ndarray]:
    """The frames a preset with post values ``values`` makes of the raw renders (as the renderer would)."""
    from zerowaste.synth.params import sample_scene
    from zerowaste.synth.post import postprocess

    candidate = apply_values(preset, values)
    return [postprocess(raw, sample_scene(candidate, seed)["post"]) for seed, raw in raws]


def search_post(preset: dict, raws, real: dict, ranges: list[FitRange], starts: list[dict[str, float]],
                seed: int, evals: int = POST_EVALS, stop: threading.Event | None = None) -> tuple[float, dict, float]:
    """TPE over the post-processing ranges on fixed raw renders, starting from ``starts``.

    Returns (best distance, its post values, distance with ``starts[0]``).
    """
    import optuna

    def objective(trial) -> float:
        if stop is not None and stop.is_set():
            raise optuna.TrialPruned("stopped")
        frames = post_frames(preset, raws, _suggest(trial, ranges))
        return distance(real, summarize([frame_stats(to_analysis(f)) for f in frames]))

    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(
        seed=seed, multivariate=True, n_startup_trials=max(len(starts), evals // 3)))
    for values in starts:
        study.enqueue_trial(values, skip_if_exists=True)
    study.optimize(objective, n_trials=evals)
    first = study.trials[0].value
    if first is None:
        raise optuna.TrialPruned("stopped")
    return float(study.best_value), dict(study.best_params), float(first)


# --------------------------------------------------------------------------------------------
# The study
# --------------------------------------------------------------------------------------------
def _fingerprint(opts: FitOptions, ranges: list[FitRange]) -> dict:
    """What must not change between a fit and its resumption."""
    return {"real": str(opts.real.resolve()), "base": str(opts.base), "resolution": list(opts.resolution),
            "frames": opts.frames, "seed": opts.seed, "params": [r.path for r in ranges], "samples": opts.samples}


def _open_study(opts: FitOptions, ranges: list[FitRange], base_values: dict[str, float]):
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = optuna.storages.RDBStorage(f"sqlite:///{work_dir(opts.out) / 'study.db'}")
    budget = opts.trials or 24
    sampler = optuna.samplers.TPESampler(seed=opts.seed, multivariate=True,
                                         n_startup_trials=max(3, min(10, budget // 4)))
    study = optuna.create_study(study_name="synth-fit", storage=storage, sampler=sampler, direction="minimize",
                                load_if_exists=opts.resume)
    finger = _fingerprint(opts, ranges)
    if opts.resume:
        old = study.user_attrs.get("fingerprint") or {}
        changed = sorted(k for k in finger if old.get(k) != finger[k])
        if changed:
            raise FitError(f"--resume: this fit differs from the earlier one in {', '.join(changed)}; "
                           "use the same options, or another -o")
        for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            storage.set_trial_state_values(t._trial_id, TrialState.FAIL)  # killed mid-trial (the lock: one fit)
    else:
        study.set_user_attr("fingerprint", finger)
        study.enqueue_trial(base_values, user_attrs={"base": True})
    return study


def _completed(study) -> list:
    from optuna.trial import TrialState

    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def fit(opts: FitOptions, progress: Callable[[int, float | None, float | None], None] | None = None) -> FitResult:
    """Run (or resume) a fit and write the fitted preset and its report; Ctrl-C keeps the best found.

    ``progress(finished_trials, best_distance, base_distance)`` is called after every trial.
    """
    try:
        import optuna
        from optuna.study import MaxTrialsCallback
        from optuna.trial import TrialState
    except ModuleNotFoundError as exc:
        raise MissingExtraError.for_module(exc.name, "zerowaste synth fit") from None

    base, real = check_options(opts)
    ranges = searchable(base, opts.params)
    base_values = {r.path: current_value(base, r) for r in ranges}
    wd = work_dir(opts.out)
    wd.mkdir(exist_ok=True)
    lock = open(wd / "lock", "w")  # noqa: SIM115 - held for the whole fit
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise FitError(f"another fit is running on {wd}") from None
    t0 = time.perf_counter()
    children = _Children()
    threads = opts.threads or max(1, (os.cpu_count() or 1) // opts.workers)
    minutes = opts.minutes if (opts.minutes or opts.trials) else DEFAULT_MINUTES

    scene_ranges = [r for r in ranges if not is_post(r)]
    post_ranges = [r for r in ranges if is_post(r)]
    base_post = {r.path: base_values[r.path] for r in post_ranges}

    def objective(trial) -> float:
        values = _suggest(trial, scene_ranges)
        preset = trial_preset(base, {**values, **base_post}, opts.resolution, opts.samples)
        folder = wd / "trials" / f"{trial.number:04d}"
        base_folder = wd / "trials" / "0000"
        if scene_ranges or not base_folder.is_dir() or trial.user_attrs.get("base"):
            images = render_trial(preset, folder, opts.frames, opts.seed, threads, children)
        else:  # only post-processing is searched: every trial starts from the base trial's renders
            folder, images = base_folder, base_folder / SPLIT / "data"
        if children.stop.is_set():
            raise optuna.TrialPruned("stopped by Ctrl-C")
        if not post_ranges:
            try:
                return distance(real, summarize(folder_stats(images)))
            except CompareError:
                raise FitError(f"trial {trial.number} rendered no frame; see {folder / 'render.log'}") from None
        raws = load_raws(folder, opts.frames, opts.seed)
        if not raws:
            raise FitError(f"trial {trial.number} rendered no frame; see {folder / 'render.log'}")
        starts = [base_post]
        best = min((t for t in _completed(trial.study) if "post" in t.user_attrs), key=lambda t: t.value, default=None)
        if best is not None:
            starts.append(best.user_attrs["post"])
        value, post, as_given = search_post(preset, raws, real, post_ranges, starts, seed=opts.seed + trial.number,
                                            stop=children.stop)
        trial.set_user_attr("post", post)
        trial.set_user_attr("as_given", as_given)
        trial.set_user_attr("frames_from", folder.name)
        return value

    def after_trial(study, trial) -> None:
        done = _completed(study)
        if children.stop.is_set():
            study.stop()
        failed = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
        if not done and len(failed) >= opts.workers + 1:
            study.stop()  # rendering itself is broken: no point in trying more
        if progress:
            best = min((t.value for t in done), default=None)
            base_t = next((t for t in done if t.user_attrs.get("base")), None)
            progress(len(done), best, base_t.user_attrs.get("as_given", base_t.value) if base_t else None)

    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame) -> None:
        signal.signal(signal.SIGINT, previous)  # a second Ctrl-C aborts at once
        children.stop_all()

    try:
        study = _open_study(opts, ranges, {r.path: base_values[r.path] for r in scene_ranges})
        callbacks = [after_trial]
        if opts.trials:
            callbacks.append(MaxTrialsCallback(opts.trials, states=(TrialState.COMPLETE,)))
        if not (opts.trials and len(_completed(study)) >= opts.trials):
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, on_sigint)
            study.optimize(objective, timeout=minutes * 60 if minutes else None, n_jobs=opts.workers,
                           callbacks=callbacks, catch=(FitError,))
        return _finish(opts, study, base, ranges, children.stop.is_set(), time.perf_counter() - t0)
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------
def write_preset(path: Path, preset: dict, header: list[str]) -> None:
    """Write a preset YAML with a ``#`` comment block on top, atomically."""
    from zerowaste.io import write_text_atomic

    write_text_atomic(path, "".join(f"# {line}\n" for line in header) + yaml.safe_dump(preset, sort_keys=False, default_flow_style=None))


def plot_trials(study, path: Path, before: float | None) -> Path:
    """PNG of the distance of every finished trial and the best so far."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zerowaste.io import save_figure

    done = sorted(_completed(study), key=lambda t: t.number)
    xs, ys = [t.number for t in done], [t.value for t in done]
    best = [min(ys[: i + 1]) for i in range(len(ys))]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(xs, ys, "o", ms=4, color="tab:blue", alpha=0.6, label="trial")
    ax.step(xs, best, where="post", color="tab:red", label="best so far")
    if before is not None:
        ax.axhline(before, color="0.5", ls="--", lw=1, label=f"base preset ({before:.3g})")
    ax.set_xlabel("trial")
    ax.set_ylabel("distance to the real frames")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)


def _trial_frames(wd: Path, number: int) -> list[str]:
    try:
        return [str(p) for p in find_frames(wd / "trials" / f"{number:04d}" / SPLIT)]
    except CompareError:
        return []


def _fitted_frames(wd: Path, best, base: dict, values: dict[str, float], opts: FitOptions) -> list[str]:
    """The best trial's frames with its fitted post-processing (``<out>.fit/fitted/``) for the sheet."""
    from zerowaste.data.io import write_image

    folder = wd / "trials" / best.user_attrs.get("frames_from", f"{best.number:04d}")
    raws = load_raws(folder, opts.frames, opts.seed)
    if not raws:
        return _trial_frames(wd, best.number)
    preset = trial_preset(base, values, opts.resolution, opts.samples)
    out = wd / "fitted"
    shutil.rmtree(out, ignore_errors=True)
    paths = []
    for i, frame in enumerate(post_frames(preset, raws, {})):
        paths.append(out / f"{writer.frame_stem(i)}.png")
        write_image(paths[-1], frame)
    return [str(p) for p in paths]


def _finish(opts: FitOptions, study, base: dict, ranges: list[FitRange], interrupted: bool, seconds: float) -> FitResult:
    done = _completed(study)
    wd = work_dir(opts.out)
    if not done:
        raise FitError(f"no trial finished; nothing written (render logs: {wd}/trials/*/render.log)")
    best = min(done, key=lambda t: t.value)
    base_t = next((t for t in done if t.user_attrs.get("base")), None)
    before = base_t.user_attrs.get("as_given", base_t.value) if base_t else math.nan
    values = {r.path: float(best.params[r.path]) for r in ranges if r.path in best.params}
    values.update(best.user_attrs.get("post", {}))
    preset = apply_values(base, values)
    preset["name"] = opts.out.stem
    preset["description"] = f"Fitted by synth fit to the frames in {opts.real.name}/ from preset {opts.base}."
    header = [
        f"{opts.out.stem}: written by `zerowaste synth fit` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"real frames: {opts.real.resolve()}",
        f"base preset: {opts.base}; searched: {', '.join(r.path for r in ranges)}",
        f"trials: {len(done)} finished ({opts.resolution[0]}x{opts.resolution[1]}, {opts.frames} frames each, "
        f"seed {opts.seed}){', stopped by Ctrl-C' if interrupted else ''}",
        f"distance to the real frames: before {before:.4f}, after {best.value:.4f} (trial {best.number})",
    ]
    files = report_paths(opts.out)
    plot_trials(study, files["trials_png"], None if math.isnan(before) else before)
    sources = {"real": [str(p) for p in find_frames(opts.real)]}
    if base_t is not None:
        sources["base"] = _trial_frames(wd, base_t.number)
    sources["fitted"] = _fitted_frames(wd, best, base, values, opts)
    shuffled_sheet({k: v for k, v in sources.items() if v}, files["sheet_png"], n=4, seed=opts.seed)
    write_preset(opts.out, preset, header)
    keep = {f"{best.number:04d}", best.user_attrs.get("frames_from", "")} | ({f"{base_t.number:04d}"} if base_t else set())
    for folder in (wd / "trials").glob("[0-9]*"):
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    return FitResult(preset=preset, before=before, after=float(best.value), trials=len(done),
                     best_trial=best.number, interrupted=interrupted, seconds=round(seconds, 1),
                     files={"preset": opts.out, **files, "work": wd})
