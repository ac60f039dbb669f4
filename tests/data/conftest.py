"""Shared fixtures of the data-layer tests: tiny datasets written by the kit's own fixture builder."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerowaste.data.fixtures import make_dataset


@pytest.fixture(scope="session")
def zwf_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only ZeroWaste-f fixture (3 frames per split) inside its archive top folder."""
    return make_dataset(tmp_path_factory.mktemp("zwf"), "zerowaste-f", n=3, archive_root=True)


@pytest.fixture(scope="session")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only SynthWaste fixture (paper = 5, instance masks)."""
    return make_dataset(tmp_path_factory.mktemp("synth"), "synthwaste", n=3)


@pytest.fixture
def fresh_zwf(tmp_path: Path) -> Path:
    """A ZeroWaste-f fixture the test may break."""
    return make_dataset(tmp_path / "zwf", "zerowaste-f", n=2)
