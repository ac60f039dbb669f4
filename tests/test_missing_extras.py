"""In an install without an extra, every command that needs it says which extra, in one line, and fails.

The environment is real: a fresh virtual environment with only the core install
(``pip install -e <repo>``, no extras, no system site-packages), created once per session. Every
command runs there as a user would run it; the render accounting runs there too, where a render
process really dies for lack of bpy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOT_IN_CORE = ("torch", "mmseg", "mmcv", "bpy", "blenderproc", "optuna", "sqlalchemy", "fastapi", "httpx")


@pytest.fixture(scope="session")
def core(tmp_path_factory) -> Path:
    """The ``bin/`` folder of a venv holding the kit's core install only."""
    venv = tmp_path_factory.mktemp("core") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-e", str(REPO)], check=True, capture_output=True, timeout=900)
    return venv / "bin"


def run(core: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(core / "zerowaste"), *map(str, args)], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def test_the_core_install_has_no_optional_module(core):
    probe = f"import importlib.util as u; print([m for m in {NOT_IN_CORE!r} if u.find_spec(m)])"
    out = subprocess.run([str(core / "python"), "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("args")
    (d / "images").mkdir()
    for name in ("a.pth", "b.pth", "sub.zip"):
        (d / name).write_bytes(b"x")
    return d


COMMANDS = [  # (arguments, the command named in the message, extra)
    (["train", REPO / "baselines/configs/tiny/segformer_tiny_cpu.py", "--work-dir", "{d}/w"], "zerowaste train", "train"),
    (["eval", "{d}/a.pth", "--data", "{d}", "--dataset", "zerowaste-f"], "zerowaste eval", "train"),
    (["predict", "{d}/a.pth", "--images", "{d}/images", "--out", "{d}/p"], "zerowaste predict", "train"),
    (["soup", "{d}/a.pth", "{d}/b.pth", "-o", "{d}/c.pth"], "zerowaste soup", "train"),
    (["check-model", REPO / "baselines/configs/tiny/segformer_tiny_cpu.py"], "zerowaste check-model", "train"),
    (["select", "{d}/a.pth", "--images", "{d}/images"], "zerowaste select", "train"),
    (["pseudo-label", "{d}/a.pth", "--images", "{d}/images", "--out", "{d}/pl"], "zerowaste pseudo-label", "train"),
    (["synth", "render", "--out", "{d}/synth", "--n", "2"], "zerowaste synth render", "synth"),
    (["synth", "fit", "--real", "{d}/images", "-o", "{d}/fit.yaml", "--trials", "1"], "zerowaste synth fit", "synth"),
    (["server", "serve"], "zerowaste server", "server"),
    (["submission", "upload", "{d}/sub.zip"], "zerowaste submission upload", "server"),
    (["submission", "status"], "zerowaste submission status", "server"),
    (["demo", "--out", "{d}/demo"], "zerowaste demo", "all"),
]


@pytest.mark.parametrize(("args", "what", "extra"), COMMANDS, ids=[" ".join(map(str, c[0][:2])) for c in COMMANDS])
def test_a_command_without_its_extra_names_it_in_one_line(core, files, args, what, extra):
    proc = run(core, *(str(a).format(d=files) for a in args))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"Error: `{what}` needs '")
    assert lines[0].endswith(f", which is not installed: pip install 'zerowaste-kit[{extra}]'")


def test_core_commands_work_and_help_lists_what_needs_an_extra(core, tmp_path):
    assert run(core, "--help").returncode == 0
    assert run(core, "score", "--help").returncode == 0
    sub = run(core, "submission", "--help")
    assert sub.returncode == 0 and "pack" in sub.stdout and "`zerowaste submission upload` needs 'httpx'" in sub.stdout
    presets = run(core, "synth", "presets")
    assert presets.returncode == 0 and "tiny" in presets.stdout
    make = (f"from zerowaste.data.fixtures import make_dataset; "
            f"print(make_dataset({str(tmp_path)!r}, 'zerowaste-f', n=1))")
    root = subprocess.run([str(core / "python"), "-c", make], check=True, capture_output=True, text=True).stdout.strip()
    verify = run(core, "data", "verify", root, "--dataset", "zerowaste-f", "--size", "160x90", "--quiet")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_render_process_that_dies_counts_its_frames_as_failed(core, tmp_path):
    """Where the render process really fails (no bpy): every frame it left is a failure naming the log."""
    script = """
import json, sys
from pathlib import Path
from zerowaste.synth import writer
from zerowaste.synth.presets import load_preset
from zerowaste.synth.shards import run_batch
out = Path(sys.argv[1])
log = out / "render.log"
job = {"out": str(out), "split": "train", "preset": load_preset("tiny"), "device": "cpu", "threads": 1,
       "paper_to": 5, "assets": {}, "frames": [[0, 11, "synth_000000"], [1, 12, "synth_000001"]]}
print(json.dumps({"codes": run_batch(job, log), "failed": writer.failures(out, "train")}))
"""
    proc = subprocess.run([str(core / "python"), "-c", script, str(tmp_path)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    log = tmp_path / "render.log"
    assert result["codes"] == [1]  # one process: retrying a broken install would fail the same way
    assert sorted(result["failed"]) == ["synth_000000", "synth_000001"]
    for stem, seed in (("synth_000000", 11), ("synth_000001", 12)):
        failure = result["failed"][stem]
        assert failure["seed"] == seed and failure["exit_code"] == 1
        assert failure["error"] == f"not rendered: the render process ended (exit code 1) before this frame; see {log}"
    assert "No module named 'bpy'" in log.read_text()
