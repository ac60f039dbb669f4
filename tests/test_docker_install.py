"""The server image installs with the same pip line as the Makefile, and stays free of torch and bpy.

No Docker engine runs on these machines, so the test replays the Dockerfile's install step in a
fresh virtual environment: the pip line is read from the Dockerfile itself, so the two cannot drift.
"""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIP_LINE = re.compile(r"pip install (?P<opts>[^&\\]*?)-e '\.\[(?P<extra>[\w,]+)\]'")


def dockerfile_extra(path: Path) -> str:
    code = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
    match = PIP_LINE.search(code)
    assert match, f"{path} has no `pip install -e '.[extra]'` line"
    return match["extra"]


def test_every_image_installs_the_kit_with_the_makefiles_pip_line():
    makefile = (REPO / "Makefile").read_text()
    assert PIP_LINE.search(makefile)["extra"] == "all"
    assert dockerfile_extra(REPO / "docker/server/Dockerfile") == "server"
    assert dockerfile_extra(REPO / "docker/participant/Dockerfile") == "train"
    no_deps = re.search(r"--no-deps (mmengine==[\d.]+)", makefile)[1]
    assert no_deps in (REPO / "docker/participant/Dockerfile").read_text()


def test_server_image_install_step_in_a_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    extra = dockerfile_extra(REPO / "docker/server/Dockerfile")
    subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", f".[{extra}]"],
                   cwd=REPO, check=True, capture_output=True, timeout=900)
    # The image's own check, then: the server app and the scorer import without torch, bpy or mmseg.
    subprocess.run([str(venv / "bin" / "zerowaste"), "server", "--help"], check=True, capture_output=True)
    probe = ("import importlib.util as u, zerowaste.submission.server.app, zerowaste.submission.scoring;"
             "print([m for m in ('torch', 'bpy', 'mmseg', 'albumentations') if u.find_spec(m)])")
    out = subprocess.run([str(py), "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def _replay_module():
    """``docker/participant/replay_install.py`` (a script, not a package module)."""
    import importlib.util

    path = REPO / "docker" / "participant" / "replay_install.py"
    spec = importlib.util.spec_from_file_location("replay_install", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _run_instructions(dockerfile: Path) -> list[str]:
    """The Dockerfile's RUN commands, continuations joined (parsed here independently of the script)."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    return [" ".join(line.split()[1:]) for line in text.splitlines() if line.startswith("RUN ")]


def test_participant_replay_runs_the_dockerfiles_own_lines(tmp_path, capsys):
    """The no-Docker replay of the participant image executes exactly the Dockerfile's RUN lines
    (bar the base image's apt-get and the venv creation), so the two cannot drift."""
    replay = _replay_module()
    dockerfile = REPO / "docker/participant/Dockerfile"
    runs = _run_instructions(dockerfile)
    executed = replay.run_lines(dockerfile)
    assert executed == [r for r in runs if "apt-get" not in r and not re.fullmatch(r"python3\.11 -m venv \S+", r)]
    joined = "\n".join(executed)
    assert PIP_LINE.search(joined)["extra"] == "train"
    assert "pip install --no-deps mmengine==0.10.7" in joined and "mmcv==2.1.0" in joined
    assert "python -m zerowaste.compat.check_install" in joined and "HAS_MMCV_OPS" in joined

    # a changed Dockerfile changes the replay: it is read, not copied
    changed = tmp_path / "Dockerfile"
    changed.write_text(dockerfile.read_text().replace("mmengine==0.10.7", "mmengine==9.9.9"))
    assert "pip install --no-deps mmengine==9.9.9" in "\n".join(replay.run_lines(changed))

    # the dry run maps the image's paths under the prefix; --cpu-only leaves FORCE_CUDA out
    prefix = tmp_path / "pimg"
    summary = replay.replay(prefix, cpu_only=True, dry_run=True)
    printed = capsys.readouterr().out
    assert f"-m venv {prefix / 'venv'}" in printed and f"WORKDIR {prefix / 'kit'}" in printed
    assert "/opt/venv" not in printed and " /kit" not in printed and "FORCE_CUDA" not in printed
    assert f"-w {prefix / 'wheels'}" in printed and summary["skipped"] and not prefix.exists()
    gpu = replay.replay(prefix, cuda_arch="8.0", dry_run=True)
    assert "FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST=8.0" in capsys.readouterr().out and not gpu["steps"]
