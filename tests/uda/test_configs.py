"""The shipped UDA recipes carry the SPEC's values, refuse the feature distance without ImageNet
weights, and the mixed-source sampler runs on a UDA dataset."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import zerowaste.baselines.registry  # noqa: F401  (registers DACS, UDADataset, ... like a config's custom_imports)
import zerowaste.baselines.uda.dacs as dacs
from zerowaste.baselines.uda.fdist import PretrainedRequiredError
from zerowaste.data.fixtures import make_dataset

CONFIGS = Path(__file__).resolve().parents[2] / "baselines" / "configs" / "uda"


def _cfg(name: str):
    from mmengine.config import Config

    return Config.fromfile(str(CONFIGS / name))


@pytest.mark.parametrize("name,mic", [("daformer_mitb5_zerowaste.py", False), ("mic_mitb5_zerowaste.py", True),
                                      ("daformer_mitb5_mixed.py", False), ("mic_mitb5_mixed.py", True)])
def test_gpu_recipes_follow_the_spec(name: str, mic: bool) -> None:
    m = _cfg(name).model
    assert (m.type, m.model.type, m.model.backbone.type) == ("DACS", "EncoderDecoder", "MixVisionTransformer")
    assert m.model.backbone.num_layers == [3, 6, 40, 3]  # MiT-B5
    assert (m.alpha, m.pseudo_threshold, tuple(m.pseudo_margins), m.mix) == (0.999, 0.968, (15, 120), "class")
    # what DAFormer's and MIC's code do (SPEC "Baseline recipes"), spelled out in the recipe
    assert (m.pseudo_weighting, m.classmix_scope) == ("batch", "batch")
    assert (m.color_jitter, m.color_jitter_p, m.color_jitter_strength, m.blur) == (True, 0.8, 0.2, True)
    hooks = {h.type: h for h in _cfg(name).custom_hooks}
    assert "images" not in hooks["BestSNDHook"]  # scores the train dataloader's target images
    assert (m.fdist_lambda, tuple(m.fdist_classes)) == (0.005, (1, 2, 3, 4))
    assert m.mic.enabled is mic and (m.mic.mask_ratio, m.mic.mask_block_size) == (0.7, 64)


@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.py") if p.name.startswith(("daformer_", "mic_"))))
def test_every_daformer_and_mic_recipe_trains_as_daformers_code(name: str) -> None:
    """Whatever the network, the DACS settings of every GPU recipe are the reference's (SPEC)."""
    cfg = _cfg(name)
    m = cfg.model
    assert (m.alpha, m.pseudo_threshold, m.pseudo_weighting, tuple(m.pseudo_margins)) == (0.999, 0.968, "batch", (15, 120))
    assert (m.mix, m.classmix_scope, m.color_jitter, m.color_jitter_p, m.color_jitter_strength, m.blur) == \
        ("class", "batch", True, 0.8, 0.2, True)
    assert cfg.train_dataloader.dataset.type == "UDADataset"
    assert cfg.train_dataloader.dataset.get("rcs_min_crop_ratio", 0.5) == 0.5


def test_recipe_refuses_feature_distance_without_pretrained_weights() -> None:
    from mmengine.registry import init_default_scope

    init_default_scope("mmseg")
    m = _cfg("daformer_mitb5_zerowaste.py").model
    m.pop("type")
    model = dacs.DACS(**m)  # building is fine (e.g. to load a trained checkpoint for inference)...
    with pytest.raises(PretrainedRequiredError, match="starts from scratch"):
        model.init_weights()  # ...starting to train is not


def test_mixed_source_sampler_runs_on_the_uda_dataset(tmp_path: Path) -> None:
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATA_SAMPLERS, DATASETS

    init_default_scope("mmseg")
    zwf = make_dataset(tmp_path / "zwf", "zerowaste-f", n={"train": 4, "val": 0, "test": 0}, seed=1)
    syn = make_dataset(tmp_path / "syn", "synthwaste", n={"train": 4, "val": 0, "test": 0}, seed=2)
    tgt = make_dataset(tmp_path / "tgt", "zerowaste-v2", n={"train": 2, "val": 0, "test": 0}, seed=3)
    ds = DATASETS.build(dict(
        type="UDADataset",
        source=dict(type="MixedSegDataset", sources=[dict(kind="zerowaste-f", root=str(zwf), split="train"),
                                                     dict(kind="synthwaste", root=str(syn), split="train")],
                    pipeline=[]),
        target=dict(type="KitSegDataset", kind="zerowaste-v2", root=str(tgt), split="train", pipeline=[]),
    ))
    sampler = DATA_SAMPLERS.build(
        dict(type="UDASourceSampler", sampler=dict(type="MixedSourceSampler", batch_size=2, weights=[0.5, 0.5])),
        default_args=dict(dataset=ds, seed=0),
    )
    indices = list(itertools.islice(iter(sampler), 40))
    assert all(0 <= i < len(ds) == 8 for i in indices)
    domains = {ds[i]["source"]["domain"] for i in indices}
    assert domains == {"source", "synthetic"}
    assert ds[indices[0]]["target"]["domain"] == "target"
    with pytest.raises(TypeError, match="UDADataset"):
        dacs.UDASourceSampler(ds.source, sampler=dict(type="MixedSourceSampler"))


def _batch(n: int, size: int = 32, labeled: bool = True):
    import torch
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    samples = []
    for _ in range(n):
        s = SegDataSample(metainfo=dict(img_shape=(size, size), ori_shape=(size, size), pad_shape=(size, size)))
        if labeled:
            s.gt_sem_seg = PixelData(data=torch.randint(0, 5, (1, size, size)))
        samples.append(s)
    return torch.randn(n, 3, size, size), samples


def test_dacs_loss_terms_follow_the_switches() -> None:
    import torch
    from mmengine.registry import init_default_scope

    init_default_scope("mmseg")
    m = _cfg("tiny_dacs_cpu.py").model
    m.pop("type")
    torch.manual_seed(0)
    model = dacs.DACS(**{**m, "warmup_iters": 1, "mic": dict(enabled=True, mask_block_size=8)})
    src, src_samples = _batch(2)
    tgt, tgt_samples = _batch(2, labeled=False)
    first = model.loss(src, src_samples, tgt, tgt_samples)
    assert set(first) == {"src.decode.loss_ce", "src.decode.acc_seg"}  # warm-up: source only
    second = model.loss(src, src_samples, tgt, tgt_samples)
    assert {"mix.loss_ce", "mic.loss_ce", "pseudo_weight"} <= set(second)
    no_mix = dacs.DACS(**{**m, "mix": None})
    assert "tgt.loss_ce" in no_mix.loss(src, src_samples, tgt, tgt_samples)
    with pytest.raises(ValueError, match="UDADataset"):
        model.loss(src, src_samples)
    with pytest.raises(ValueError, match="crop"):
        model.loss(src, src_samples, *_batch(2, size=64, labeled=False))
    with pytest.raises(ValueError, match="mix"):
        dacs.DACS(**{**m, "mix": "cut"})
    assert (m.pseudo_threshold, m.pseudo_weighting) == ("adaptive", "pixel")  # the tiny CPU recipe
    assert "pseudo_threshold" in second and 0.0 < float(second["pseudo_threshold"]) <= 0.968
    with pytest.raises(ValueError, match="pseudo_threshold must be a number in \\[0, 1\\) or 'adaptive'"):
        dacs.DACS(**{**m, "pseudo_threshold": "auto"})
    with pytest.raises(ValueError, match="threshold must be in"):
        dacs.DACS(**{**m, "pseudo_threshold": 1.2})
