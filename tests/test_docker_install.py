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
    probe = ("import importlib.util as u, submission.server.app, submission.scoring;"
             "print([m for m in ('torch', 'bpy', 'mmseg', 'albumentations') if u.find_spec(m)])")
    out = subprocess.run([str(py), "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
