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
