"""Shared fixtures: tiny datasets from the kit's fixture builder and one tiny trained model."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerowaste.data.fixtures import make_dataset

TINY = "tiny/segformer_tiny_cpu.py"


def data_overrides(zwf: Path, synth: Path | None = None) -> dict:
    """cfg-options pointing the tiny configs at fixture datasets."""
    out = {f"{loader}.dataset.root": str(zwf) for loader in ("val_dataloader", "test_dataloader")}
    if synth is None:
        out["train_dataloader.dataset.root"] = str(zwf)
    else:
        out["train_dataloader.dataset.sources.0.root"] = str(zwf)
        out["train_dataloader.dataset.sources.1.root"] = str(synth)
    return out


@pytest.fixture(scope="session")
def data(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("data")
    return {
        "zwf": make_dataset(base / "zwf", "zerowaste-f", n=3, seed=1),
        "synth": make_dataset(base / "synth", "synthwaste", n=3, seed=2),
        "v2": make_dataset(base / "v2", "zerowaste-v2", n=2, seed=3),
    }


@pytest.fixture(scope="session")
def trained(tmp_path_factory, data) -> Path:
    """Work dir of the tiny SegFormer trained 4 iterations on the fixture ZeroWaste-f (checkpoints at 2, 4)."""
    from zerowaste.baselines.train import prepare_config, train

    work = tmp_path_factory.mktemp("tiny")
    options = {**data_overrides(data["zwf"]), "train_cfg.max_iters": 4, "train_cfg.val_interval": 4}
    train(prepare_config(TINY, work_dir=work, cfg_options=options, seed=0))
    return work
