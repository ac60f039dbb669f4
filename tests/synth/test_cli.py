"""`zerowaste synth` bad input: clear messages and exit codes, never a traceback (no rendering)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from zerowaste.data.io import write_image
from zerowaste.synth.cli import synth


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resolution", "big"], "expected WIDTHxHEIGHT"),
        (["--shard", "2/2"], "need 0 <= i < n"),
        (["--preset", "nope"], "unknown preset 'nope'"),
        (["--set", "camera.zoom=2"], "unknown preset key 'camera.zoom'"),
        (["--assets", "/does/not/exist"], "not a directory"),
    ],
)
def test_render_rejects_bad_input(tmp_path, args, message):
    result = CliRunner().invoke(synth, ["render", "--out", str(tmp_path / "o"), "--n", "1", *args])
    assert result.exit_code != 0 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "o").exists()


def test_assets_folders_must_be_classes(tmp_path):
    (tmp_path / "glass").mkdir()
    (tmp_path / "glass" / "a.obj").write_text("v 0 0 0\n")
    result = CliRunner().invoke(synth, ["render", "--out", str(tmp_path / "o"), "--n", "1", "--assets", str(tmp_path)])
    assert result.exit_code == 1 and "'glass' is not a class" in result.output


def test_preview_of_a_folder_without_frames_or_masks(tmp_path):
    result = CliRunner().invoke(synth, ["preview", str(tmp_path), "-o", str(tmp_path / "s.png")])
    assert result.exit_code == 1 and "no data/*.png frames" in result.output
    write_image(tmp_path / "data" / "a.png", np.zeros((4, 4, 3), np.uint8))
    result = CliRunner().invoke(synth, ["preview", str(tmp_path), "-o", str(tmp_path / "s.png")])
    assert result.exit_code == 1 and "file not found" in result.output


def test_presets_lists_and_shows():
    runner = CliRunner()
    listing = runner.invoke(synth, ["presets"])
    assert listing.exit_code == 0 and all(n in listing.output for n in ("default", "mrf-a", "mrf-b", "tiny"))
    shown = runner.invoke(synth, ["presets", "tiny", "--set", "samples=2", "--json"])
    assert shown.exit_code == 0 and '"samples": 2' in shown.output and '"name": "tiny"' in shown.output
