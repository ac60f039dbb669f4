"""Replay the participant image's install steps without Docker, in a fresh venv outside the repo.

No Docker engine runs on the project's machines, so this script reads ``docker/participant/Dockerfile``
itself and carries out, in order, what the image build would do after its system packages:

- ``RUN python3.11 -m venv /opt/venv``: a venv at ``PREFIX/venv`` (this Python, 3.11);
- ``ENV``: the variables, with ``/opt/venv``, ``/kit``, ``/tmp/wheels`` and ``/tmp/mmcv`` mapped
  under ``PREFIX``;
- ``WORKDIR /kit`` + ``COPY``: the same files copied from the repo into ``PREFIX/kit``;
- every other ``RUN`` (the pip lines, the mmcv build, the checks), verbatim under ``/bin/sh -c``.

``RUN`` lines with ``apt-get`` (system packages of the CUDA base image) are skipped and listed.
``--cpu-only`` drops ``FORCE_CUDA`` and ``TORCH_CUDA_ARCH_LIST`` (mmcv then compiles its CPU ops
only); ``--cuda-arch 8.0`` keeps the CUDA build but for one architecture. Because the commands come
from the Dockerfile, the replay and the image cannot drift (``tests/test_docker_install.py``).

Example (the mmcv build took 65 minutes on 2 shared cores, see docs/baselines.md; ``nice`` leaves
the machine to other jobs)::

    nice -n 19 python docker/participant/replay_install.py --prefix /tmp/pimg --cpu-only
    /tmp/pimg/venv/bin/python -m pytest tests/baselines -q
    python docker/participant/replay_install.py --prefix /tmp/pimg --dry-run   # print the plan only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DOCKERFILE = HERE / "Dockerfile"
#: Image paths and where the replay puts them (relative to ``--prefix``).
IMAGE_PATHS = {"/opt/venv": "venv", "/tmp/wheels": "wheels", "/tmp/mmcv": "mmcv-src", "/kit": "kit"}
#: Variables that make mmcv compile CUDA ops (dropped by ``--cpu-only``).
CUDA_VARS = ("FORCE_CUDA", "TORCH_CUDA_ARCH_LIST")


@dataclass
class Instruction:
    """One Dockerfile instruction: keyword (upper case) and its argument text (continuations joined)."""

    keyword: str
    args: str


@dataclass
class Step:
    """One replayed action: ``kind`` is venv, env, workdir, copy, run or skip."""

    kind: str
    text: str
    env: dict[str, str] = field(default_factory=dict)


def instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """The Dockerfile's instructions, comments dropped and ``\\`` continuations joined."""
    out: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        text = (pending + line).strip()
        pending = ""
        keyword, _, args = text.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip()))
    if pending:
        raise ValueError(f"{path}: the last instruction ends with a continuation")
    return out


def parse_env(args: str) -> dict[str, str]:
    """``ENV A=1 B="x;y"`` -> ``{"A": "1", "B": "x;y"}`` (the key=value form only)."""
    env = {}
    for token in shlex.split(args):
        key, sep, value = token.partition("=")
        if not sep:
            raise ValueError(f"ENV {args!r}: only the KEY=VALUE form is supported")
        env[key] = value
    return env


def plan(path: Path = DOCKERFILE) -> list[Step]:
    """What the replay does, instruction by instruction (image paths not yet mapped)."""
    steps: list[Step] = []
    for ins in instructions(path):
        if ins.keyword == "RUN":
            if "apt-get" in ins.args:
                steps.append(Step("skip", ins.args))
            elif re.fullmatch(r"python3(\.\d+)? -m venv \S+", ins.args):
                steps.append(Step("venv", ins.args.split()[-1]))
            else:
                steps.append(Step("run", ins.args))
        elif ins.keyword == "ENV":
            steps.append(Step("env", ins.args, parse_env(ins.args)))
        elif ins.keyword == "WORKDIR":
            steps.append(Step("workdir", ins.args))
        elif ins.keyword == "COPY":
            steps.append(Step("copy", ins.args))
        # FROM, ARG, ENTRYPOINT, CMD: nothing to replay
    return steps


def run_lines(path: Path = DOCKERFILE) -> list[str]:
    """The ``RUN`` commands the replay executes verbatim (pip installs, the mmcv build, the checks)."""
    return [s.text for s in plan(path) if s.kind == "run"]


def map_paths(text: str, prefix: Path) -> str:
    """Replace the image's absolute paths (:data:`IMAGE_PATHS`) with ``prefix/...``."""
    for image_path, local in IMAGE_PATHS.items():
        text = re.sub(rf"(?<![\w.-]){re.escape(image_path)}(?=/|\s|:|$|\")", str(prefix / local), text)
    return text


def _expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)


def _copy(args: str, workdir: Path) -> None:
    *sources, dest = shlex.split(args)
    target = Path(dest) if Path(dest).is_absolute() else workdir / dest
    for source in sources:
        src = REPO / source
        if src.is_dir():
            shutil.copytree(src, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / src.name)


def replay(prefix: Path, *, cpu_only: bool = False, cuda_arch: str | None = None, dry_run: bool = False,
           dockerfile: Path = DOCKERFILE) -> dict:
    """Carry out :func:`plan` under ``prefix``; returns a summary (per-step seconds, skipped lines)."""
    env = dict(os.environ)
    workdir = prefix
    summary: dict = {"prefix": str(prefix), "cpu_only": cpu_only, "cuda_arch": cuda_arch, "steps": [], "skipped": []}
    if not dry_run:
        prefix.mkdir(parents=True, exist_ok=True)
    for step in plan(dockerfile):
        if step.kind == "skip":
            summary["skipped"].append(step.text)
            print(f"# skipped (system packages of the image): {step.text[:100]}...", flush=True)
            continue
        if step.kind == "env":
            values = {k: _expand(map_paths(v, prefix), env) for k, v in step.env.items()}
            if cpu_only:
                values = {k: v for k, v in values.items() if k not in CUDA_VARS}
                for key in CUDA_VARS:
                    env.pop(key, None)
            elif cuda_arch and "TORCH_CUDA_ARCH_LIST" in values:
                values["TORCH_CUDA_ARCH_LIST"] = cuda_arch
            env.update(values)
            print(f"# ENV {' '.join(f'{k}={v}' for k, v in values.items())}", flush=True)
            continue
        if step.kind == "workdir":
            workdir = Path(map_paths(step.text, prefix))
            print(f"# WORKDIR {workdir}", flush=True)
            if not dry_run:
                workdir.mkdir(parents=True, exist_ok=True)
            continue
        if step.kind == "copy":
            print(f"# COPY {step.text} -> {workdir}", flush=True)
            if not dry_run:
                _copy(step.text, workdir)
            continue
        command = (f"{shlex.quote(sys.executable)} -m venv {shlex.quote(map_paths(step.text, prefix))}"
                   if step.kind == "venv" else map_paths(step.text, prefix))
        print(f"$ {command}", flush=True)
        if dry_run:
            continue
        start = time.monotonic()
        result = subprocess.run(["/bin/sh", "-c", command], cwd=workdir, env=env)
        seconds = round(time.monotonic() - start, 1)
        summary["steps"].append({"command": command, "seconds": seconds, "returncode": result.returncode})
        print(f"# {seconds} s, exit {result.returncode}", flush=True)
        if result.returncode:
            summary["failed"] = command
            break
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", type=Path, required=True, help="Folder for venv/, kit/ and wheels/ (outside the repo).")
    parser.add_argument("--cpu-only", action="store_true", help="Unset FORCE_CUDA / TORCH_CUDA_ARCH_LIST: CPU ops only.")
    parser.add_argument("--cuda-arch", help="Build the CUDA ops for this TORCH_CUDA_ARCH_LIST only (e.g. 8.0).")
    parser.add_argument("--dry-run", action="store_true", help="Print the commands, run nothing.")
    parser.add_argument("--json", type=Path, help="Write the summary (seconds per step) here.")
    args = parser.parse_args(argv)
    prefix = args.prefix.resolve()
    if prefix == REPO or REPO in prefix.parents:
        parser.error("--prefix must be outside the repository")
    summary = replay(prefix, cpu_only=args.cpu_only, cuda_arch=args.cuda_arch, dry_run=args.dry_run)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if "failed" in summary else 0


if __name__ == "__main__":
    sys.exit(main())
