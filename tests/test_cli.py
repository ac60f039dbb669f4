"""The `zerowaste` CLI: every command group answers --help, and the top level stays light."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from zerowaste.cli import COMMANDS, cli


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_help_and_score_do_not_import_torch_or_bpy():
    code = (
        "import sys; from zerowaste.cli import cli; from click.testing import CliRunner;"
        "r = CliRunner().invoke(cli, ['score', '--help']); assert r.exit_code == 0, r.output;"
        "heavy = [m for m in ('torch', 'bpy', 'mmseg', 'albumentations') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_command_is_a_clear_error():
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2 and "No such command" in result.output


def _error_probe_module(tmp_path, monkeypatch, body: str) -> None:
    """A real command module on sys.path, registered in COMMANDS for this test only."""
    (tmp_path / "zw_probe_cmd.py").write_text(
        "import click\nfrom zerowaste.errors import ZeroWasteError\n\n"
        "class ProbeError(ZeroWasteError, ValueError):\n    exit_code = 3\n\n"
        f"@click.command()\ndef probe():\n    {body}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "zw_probe_cmd", raising=False)
    monkeypatch.setitem(COMMANDS, "probe", ("zw_probe_cmd:probe", "test probe"))


def test_kit_errors_become_one_line_and_their_exit_code(tmp_path, monkeypatch):
    _error_probe_module(tmp_path, monkeypatch, "raise ProbeError('preset \"x\" has an unknown key clutter.cnt')")
    result = CliRunner().invoke(cli, ["probe"])
    assert result.exit_code == 3
    assert result.output.strip() == 'Error: preset "x" has an unknown key clutter.cnt'
    assert "Traceback" not in result.output


def test_missing_extra_met_at_run_time_names_the_extra(tmp_path, monkeypatch):
    _error_probe_module(tmp_path, monkeypatch, "raise ModuleNotFoundError(\"No module named 'bpy'\", name='bpy')")
    result = CliRunner().invoke(cli, ["probe"])
    assert result.exit_code == 1
    assert "pip install 'zerowaste-kit[synth]'" in result.output and "`zerowaste probe`" in result.output


def test_other_exceptions_keep_their_traceback(tmp_path, monkeypatch):
    _error_probe_module(tmp_path, monkeypatch, "raise KeyError('a bug')")
    result = CliRunner().invoke(cli, ["probe"])
    assert isinstance(result.exception, KeyError)
