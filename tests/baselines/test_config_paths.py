"""Config paths as the docs print them work from any folder (issue #18, item 8)."""

from __future__ import annotations

import pytest

from zerowaste.baselines.train import CONFIG_DIR, TrainError, resolve_config


def test_config_paths_from_any_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # not the repository root
    shipped = CONFIG_DIR / "uda" / "tiny_dacs_cpu.py"
    assert resolve_config("uda/tiny_dacs_cpu.py") == shipped
    assert resolve_config("baselines/configs/uda/tiny_dacs_cpu.py") == shipped
    assert resolve_config("./baselines/configs/uda/tiny_dacs_cpu.py") == shipped
    own = tmp_path / "baselines" / "configs" / "uda" / "tiny_dacs_cpu.py"  # a local file of that name wins
    own.parent.mkdir(parents=True)
    own.write_text("_base_ = []\n")
    assert resolve_config("baselines/configs/uda/tiny_dacs_cpu.py") == own.relative_to(tmp_path)
    with pytest.raises(TrainError, match="config baselines/configs/uda/nope.py not found"):
        resolve_config("baselines/configs/uda/nope.py")
