"""Sharding and the render loop of one shard: which frames, in which Blender processes.

A shard ``i/n`` owns frames ``i, i+n, i+2n, ...`` of ``0..N-1``. Without ``--shard``, the index
comes from the scheduler: ``SLURM_ARRAY_TASK_ID`` / ``SLURM_ARRAY_TASK_COUNT`` (Slurm job array)
or ``JOB_COMPLETION_INDEX`` (Kubernetes Indexed Job) with the count from ``--num-shards`` or
``SYNTH_NUM_SHARDS``. Frames are rendered by ``python -m zerowaste.synth.render`` child processes, K frames
each (restart every K scenes: bounded memory, a crash loses one batch), W of them at a time.

Failures are never reported as success: a frame whose render process died (segfault, killed for
memory) or exited non-zero before reaching it is recorded as failed, naming the exit code and the
shard's log; :func:`run_shard` then writes the manifest and raises :class:`RenderFailed` (one line:
counts, exit codes, log), so ``zerowaste synth render`` exits non-zero and a rerun retries exactly
the failed frames. Without bpy/BlenderProc installed it stops before starting any process, naming
the ``synth`` extra.

Example:
    >>> parse_shard("1/4"), shard_from_env({"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"})
    ((1, 4), (2, 3))
    >>> shard_frames(10, (1, 4))
    [1, 5, 9]
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zerowaste import contract as C
from zerowaste.errors import ZeroWasteError, require
from zerowaste.synth import writer
from zerowaste.synth.params import frame_seed

#: modules a render process imports (the ``synth`` extra)
RENDER_MODULES: tuple[str, ...] = ("bpy", "blenderproc")


class ShardError(ZeroWasteError, ValueError):
    """A shard specification that cannot be used."""


class RenderFailed(ZeroWasteError, RuntimeError):
    """Frames of a shard failed; the manifest and the log say which and why."""


def describe_exit(rc: int) -> str:
    """``1 -> 'exit code 1'``, ``-9 -> 'killed by SIGKILL (out of memory?)'``.

    >>> describe_exit(-6), describe_exit(-9), describe_exit(3)
    ('killed by SIGABRT', 'killed by SIGKILL (out of memory?)', 'exit code 3')
    """
    if rc >= 0:
        return f"exit code {rc}"
    try:
        name = signal.Signals(-rc).name
    except ValueError:
        name = f"signal {-rc}"
    return f"killed by {name}" + (" (out of memory?)" if rc == -signal.SIGKILL else "")


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> (i, n) with 0 <= i < n."""
    try:
        i, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise ShardError(f"--shard must look like i/n (e.g. 0/4), got {text!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ShardError(f"--shard {text}: need 0 <= i < n")
    return i, n


def shard_from_env(env: Mapping[str, str] | None = None, count: int | None = None) -> tuple[int, int]:
    """The shard given by a scheduler's environment, or (0, 1) when none is set.

    Slurm: ``SLURM_ARRAY_TASK_ID`` (minus ``SLURM_ARRAY_TASK_MIN`` when set) and
    ``SLURM_ARRAY_TASK_COUNT``. Kubernetes Indexed Job: ``JOB_COMPLETION_INDEX`` with ``count``
    or ``SYNTH_NUM_SHARDS`` (the Job's ``completions``).
    """
    env = os.environ if env is None else env
    if "SLURM_ARRAY_TASK_ID" in env:
        i = int(env["SLURM_ARRAY_TASK_ID"]) - int(env.get("SLURM_ARRAY_TASK_MIN", 0))
        n = count or int(env.get("SLURM_ARRAY_TASK_COUNT", 0))
        if not n:
            raise ShardError("SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: pass --num-shards")
        return parse_shard(f"{i}/{n}")
    if "JOB_COMPLETION_INDEX" in env:
        n = count or int(env.get("SYNTH_NUM_SHARDS", 0))
        if not n:
            raise ShardError("JOB_COMPLETION_INDEX is set: pass --num-shards (or SYNTH_NUM_SHARDS) = completions")
        return parse_shard(f"{env['JOB_COMPLETION_INDEX']}/{n}")
    return (0, count or 1) if (count or 1) == 1 else parse_shard(f"0/{count}")


def shard_frames(n_frames: int, shard: tuple[int, int]) -> list[int]:
    """Frame indices owned by ``shard`` (round robin, so shards get equal work)."""
    return list(range(shard[0], n_frames, shard[1]))


def pending_frames(out, split: str, indices: list[int]) -> list[int]:
    """Frames that are not done yet (a rerun renders only these)."""
    return [i for i in indices if not writer.is_done(out, split, writer.frame_stem(i))]


def _batches(items: list, k: int) -> list[list]:
    return [items[i : i + k] for i in range(0, len(items), k)]


#: Thread caps for the render processes' numpy BLAS. Scene building is many small array operations;
#: an idle BLAS pool spins between them and, while another worker's Cycles holds the cores, made
#: building a default scene 10-25x slower (1.4 s -> 17-40 s on 2 busy cores). Cycles and its
#: denoiser use their own (TBB) threads, set by ``--threads`` and untouched by these.
CHILD_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def child_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a render process: ``base`` (default ``os.environ``) with the numpy thread caps.

    A cap the user set explicitly is kept.

    >>> child_env({"OPENBLAS_NUM_THREADS": "4"})["OPENBLAS_NUM_THREADS"], child_env({})["OPENBLAS_NUM_THREADS"]
    ('4', '1')
    """
    env = dict(os.environ if base is None else base)
    for key, value in CHILD_THREAD_ENV.items():
        env.setdefault(key, value)
    return env


def _run_child(job: dict, log: Path | None) -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(job, f)
        job_path = f.name
    try:
        stdout = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115
        try:
            return subprocess.call([sys.executable, "-m", "zerowaste.synth.render", job_path], stdout=stdout,
                                   stderr=subprocess.STDOUT if log else subprocess.DEVNULL, env=child_env())
        finally:
            if log:
                stdout.close()
    finally:
        os.unlink(job_path)


def run_batch(job: dict, log: Path | None = None) -> list[int]:
    """Render a job's frames in Blender child processes; returns their exit codes.

    When a child dies (segfault, out of memory), the frame it was rendering (its ``.started``
    marker) is recorded as failed and a fresh child continues with the frames after it. When it
    exits non-zero outside a frame (a broken install, a bad job), every frame it left unrendered
    is recorded as failed: retrying would fail the same way.
    """
    codes = []
    frames = list(job["frames"])
    meta = writer.split_dir(job["out"], job["split"]) / writer.META_DIR
    while frames:
        rc = _run_child({**job, "frames": frames}, log)
        codes.append(rc)
        if rc == 0:
            break
        where = f"; see {log}" if log else ""
        crashed = [f for f in frames if (meta / f".{f[2]}.started").exists()]
        for index, seed, stem in crashed:
            writer.record_failure(job["out"], job["split"], stem,
                                  {"index": index, "seed": seed, "exit_code": rc,
                                   "error": f"render process died ({describe_exit(rc)}){where}"})
            (meta / f".{stem}.started").unlink()
        if not crashed:  # died outside a frame (bad install, bad job): retrying would not help
            for index, seed, stem in frames:
                if not writer.is_done(job["out"], job["split"], stem):
                    writer.record_failure(job["out"], job["split"], stem, {
                        "index": index, "seed": seed, "exit_code": rc,
                        "error": f"not rendered: the render process ended ({describe_exit(rc)}) before this frame{where}"})
            break
        last = max(frames.index(f) for f in crashed)
        frames = [f for f in frames[last + 1 :] if not writer.is_done(job["out"], job["split"], f[2])]
    return codes


def rendered_devices(out, split: str, indices: list[int]) -> list[str]:
    """The devices the frames ``indices`` were really rendered on (their metadata), e.g. ``["cpu"]``."""
    found = set()
    for i in indices:
        meta = writer.frame_paths(out, split, writer.frame_stem(i))["meta"]
        if meta.is_file():
            found.add(str(json.loads(meta.read_text()).get("device", "?")))
    return sorted(found)


def run_shard(
    out: str,
    split: str,
    n_frames: int,
    preset: dict,
    *,
    seed: int = 0,
    shard: tuple[int, int] = (0, 1),
    workers: int = 1,
    per_process: int = 20,
    device: str = "cpu",
    threads: int = 0,
    paper_to: int = C.PAPER_ID,
    assets: dict[str, list[str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Render this shard's missing frames, then validate, write its COCO part, merge, manifest.

    Returns the shard's manifest entry (frames done / failed / rendered now, seconds, validation).
    Raises :class:`RenderFailed` after writing the manifest when a frame of the shard failed or a
    render process exited non-zero, and ``MissingExtraError`` before any work without bpy.
    """
    from zerowaste.synth.validate import validate_frames

    t0 = time.perf_counter()
    mine = shard_frames(n_frames, shard)
    todo = pending_frames(out, split, mine)
    if todo:
        require(RENDER_MODULES, "zerowaste synth render")  # before any process: one clear line
    for i in todo:
        writer.clear_failure(out, split, writer.frame_stem(i))
    frames = [[i, frame_seed(seed, i), writer.frame_stem(i)] for i in todo]
    jobs = [{"out": str(out), "split": split, "preset": preset, "frames": batch, "device": device,
             "threads": threads, "paper_to": paper_to, "assets": assets or {}} for batch in _batches(frames, per_process)]
    log = writer.split_dir(out, split) / writer.MANIFEST_DIR / f"{writer.shard_tag(shard)}.log"
    log.parent.mkdir(parents=True, exist_ok=True)

    def one(job: dict) -> list[int]:
        rcs = run_batch(job, log)
        if progress:
            progress(len(job["frames"]))
        return rcs

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        codes = [rc for rcs in pool.map(one, jobs) for rc in rcs]
    stems = [writer.frame_stem(i) for i in mine]
    done = [s for s in stems if writer.is_done(out, split, s)]
    failed = {k: v for k, v in writer.failures(out, split).items() if k in set(stems)}
    coco_path = writer.write_shard_coco(out, split, shard, done)
    report = validate_frames(out, split, done, coco_path)
    writer.merge_labels(out, split)
    info = {"shard": list(shard), "seed": seed, "preset": preset["name"], "n_frames": n_frames,
            "device": rendered_devices(out, split, todo) or [device], "done": done, "failed": failed,
            "rendered_now": sum(writer.is_done(out, split, writer.frame_stem(i)) for i in todo),
            "process_exit_codes": codes, "seconds": round(time.perf_counter() - t0, 2), "validation": report}
    writer.write_manifest(out, split, shard, info)
    bad_exits = [rc for rc in codes if rc != 0]
    if failed or bad_exits:
        exits = f"; {len(bad_exits)} render process(es) {', '.join(sorted({describe_exit(rc) for rc in bad_exits}))}" if bad_exits else ""
        raise RenderFailed(
            f"shard {shard[0]}/{shard[1]}: done {len(done)}, failed {len(failed)} of {len(mine)} frame(s){exits}; "
            f"see {log} and {writer.split_dir(out, split) / writer.MANIFEST_JSON} (a rerun retries the failed frames)")
    return info
