"""Every shipped config (found by glob, not a hand list) builds, predicts the contract's classes, and
passes `check-model` -- except the DINOv2 ViT-L config, which the 300M rule refuses with a clear message.
Each model is built once (the big UDA ones hold three copies of a network)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from zerowaste import contract
from zerowaste.baselines.check_model import CheckReport, ModelCount, build_model, count_parts
from zerowaste.baselines.train import CONFIG_DIR

CONFIGS = sorted(str(p.relative_to(CONFIG_DIR)) for p in CONFIG_DIR.rglob("*.py") if "_base_" not in p.parts)
#: Configs over the challenge's 300M parameters per forward pass, shipped to show the rule.
OVER_THE_LIMIT = {"dinov2/daformer_dinov2-vit-l_zerowaste-f.py": "backbone 304.4M"}
#: Backbones as published (M parameters): ConvNeXt-L is 197.8M with its 1000-class classifier, which a
#: segmenter drops; DINOv2 ViT-B/14 86.6M, ViT-S/14 22.1M.
PUBLISHED_BACKBONES = {
    "convnext/daformer_convnext-l_zerowaste-f.py": 196.2,
    "uda/daformer_convnext-l_zerowaste.py": 196.2,
    "dinov2/daformer_dinov2-vit-b_zerowaste-f.py": 86.6,
    "dinov2/daformer_dinov2-vit-s_zerowaste-f.py": 22.1,
    "daformer/daformer_mit-b5_zerowaste-f.py": 81.4,
}
#: A small counting pass: the count does not depend on the input size.
INPUT_HW = (64, 112)


def test_the_glob_finds_every_family():
    families = {Path(c).parts[0] for c in CONFIGS}
    assert {"segformer", "deeplabv3plus", "daformer", "convnext", "dinov2", "recipes", "tiny", "uda"} <= families
    assert set(OVER_THE_LIMIT) | set(PUBLISHED_BACKBONES) <= set(CONFIGS)


@pytest.mark.parametrize("config", CONFIGS)
def test_config_builds_with_the_contract_classes_and_passes_check_model(config):
    model = build_model(config)
    head = getattr(model, "model", model).decode_head  # a UDA wrapper's student
    assert head.num_classes == contract.NUM_CLASSES
    assert head.ignore_index == contract.IGNORE_INDEX
    parts = count_parts(model, INPUT_HW)
    total = sum(p.numel() for p in model.parameters())
    del model, head
    gc.collect()
    count = ModelCount(config=Path(config).name, used=sum(parts.values()), total=total, parts=parts)
    report = CheckReport(models=[count])
    assert 0 < count.used <= count.total
    assert parts.get("backbone", 0) > 0 and parts.get("decode_head", 0) > 0
    assert report.ok == (config not in OVER_THE_LIMIT)
    if config in OVER_THE_LIMIT:
        assert "exceed the challenge's limit of 300,000,000" in report.refusal()
        assert OVER_THE_LIMIT[config] in report.refusal()
    if config in PUBLISHED_BACKBONES:
        assert round(parts["backbone"] / 1e6, 1) == PUBLISHED_BACKBONES[config]
