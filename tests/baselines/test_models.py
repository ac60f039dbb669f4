"""The kit's models: DAFormer head (structure, hand count), timm backbones, layer-wise lr decay, and the
tiny ConvNeXt / ViT variants trained, resumed, used for prediction and packed on CPU."""

from __future__ import annotations

import pytest
import torch
from mmcv.cnn import DepthwiseSeparableConvModule

from zerowaste.baselines.check_model import build_model, count_model
from zerowaste.baselines.models.daformer_head import DAFormerHead
from zerowaste.baselines.models.layer_decay import layer_id
from zerowaste.baselines.models.timm_backbone import TimmBackbone
from zerowaste.baselines.predict import load_model, predict_folder
from zerowaste.baselines.train import find_resume_checkpoint, prepare_config, train
from zerowaste.data.io import read_image, read_mask
from zerowaste.submission.pack import pack_submission

from .conftest import data_overrides

TINY_MODELS = ["tiny/daformer_convnext_tiny_cpu.py", "tiny/daformer_vit_tiny_cpu.py"]


def daformer_head_params(in_channels: list[int], embed: int, channels: int, n_classes: int = 5,
                         dilations: int = 4) -> int:
    """Hand count of DAFormer's decoder: per-level linear embeddings, separable ASPP, 3x3 bottleneck, classifier."""
    cat = embed * len(in_channels)
    embeds = sum(c * embed + embed for c in in_channels)
    rate1 = cat * channels + 2 * channels  # 1x1 conv (no bias) + BN
    separable = cat * 9 + 2 * cat + cat * channels + 2 * channels  # depthwise 3x3 + BN, pointwise + BN
    bottleneck = dilations * channels * channels * 9 + 2 * channels
    return embeds + rate1 + (dilations - 1) * separable + bottleneck + channels * n_classes + n_classes


def test_daformer_head_structure_and_output():
    head = DAFormerHead(in_channels=[8, 16, 24], in_index=[0, 1, 2], channels=12, embed_dims=6, num_classes=5,
                        norm_cfg=dict(type="BN")).eval()
    branches = list(head.fuse_layer.branches)
    assert [b.conv.kernel_size for b in branches[:1]] == [(1, 1)]  # rate 1: a 1x1 convolution
    assert all(isinstance(b, DepthwiseSeparableConvModule) for b in branches[1:])
    assert [b.depthwise_conv.conv.dilation for b in branches[1:]] == [(6, 6), (12, 12), (18, 18)]
    assert all(b.depthwise_conv.conv.groups == 18 for b in branches[1:])  # depthwise over the 3x6 stack
    assert head.fuse_layer.bottleneck.conv.kernel_size == (3, 3)
    assert sum(p.numel() for p in head.parameters()) == daformer_head_params([8, 16, 24], 6, 12)
    feats = [torch.randn(2, 8, 16, 20), torch.randn(2, 16, 8, 10), torch.randn(2, 24, 4, 5)]
    assert head(feats).shape == (2, 5, 16, 20)  # at the first level's resolution
    # every level contributes: changing the coarsest one changes the output
    assert not torch.equal(head(feats), head([*feats[:2], torch.randn(2, 24, 4, 5)]))


def test_daformer_head_refuses_align_corners():
    with pytest.raises(ValueError, match="align_corners"):
        DAFormerHead(in_channels=[8], in_index=[0], channels=4, num_classes=5, align_corners=True)


def test_daformer_mit_b5_counts_about_85m():
    model = build_model("daformer/daformer_mit-b5_zerowaste-f.py")
    assert isinstance(model.decode_head, DAFormerHead)
    head = daformer_head_params([64, 128, 320, 512], 256, 256)
    assert sum(p.numel() for p in model.decode_head.parameters()) == head == 3_708_677
    backbone = sum(p.numel() for p in model.backbone.parameters())
    assert count_model(model) == backbone + head
    assert 84.5e6 < backbone + head < 85.5e6


def test_uda_daformer_and_mic_configs_use_the_daformer_head():
    from mmengine.config import Config

    from zerowaste.baselines.train import resolve_config

    for name in ("daformer_mitb5_zerowaste", "daformer_mitb5_mixed", "mic_mitb5_zerowaste", "mic_mitb5_mixed"):
        cfg = Config.fromfile(str(resolve_config(f"uda/{name}.py")))
        assert cfg.model.model.decode_head.type == "DAFormerHead", name


def test_timm_backbone_prunes_what_it_does_not_use():
    net = TimmBackbone("vit_small_patch14_dinov2", out_indices=(1,), model_kwargs=dict(
        embed_dim=32, depth=4, num_heads=2, img_size=56, dynamic_img_size=True, dynamic_img_pad=True))
    assert len(net.model.blocks) == 2  # blocks after the last index are gone
    assert isinstance(net.model.norm, torch.nn.Identity)  # feature_norm=False: final norm pruned
    (feat,) = net(torch.zeros(1, 3, 60, 90))  # not a multiple of 14: padded
    assert feat.shape == (1, 32, 5, 7)


def test_layer_decay_learning_rates():
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper

    from zerowaste.baselines.train import resolve_config

    cfg = Config.fromfile(str(resolve_config("tiny/daformer_vit_tiny_cpu.py")))
    model = build_model("tiny/daformer_vit_tiny_cpu.py")
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base = cfg.optim_wrapper.optimizer.lr
    lrs = {id(g["params"][0]): g["lr"] for g in wrapper.optimizer.param_groups}
    named = dict(model.named_parameters())
    n = 4  # blocks of the tiny ViT
    assert lrs[id(named["backbone.model.blocks.3.attn.qkv.weight"])] == pytest.approx(base * 0.9)
    assert lrs[id(named["backbone.model.blocks.0.attn.qkv.weight"])] == pytest.approx(base * 0.9 ** n)
    assert lrs[id(named["backbone.model.pos_embed"])] == pytest.approx(base * 0.9 ** (n + 1))
    assert lrs[id(named["backbone.model.norm.weight"])] == pytest.approx(base)
    assert lrs[id(named["decode_head.conv_seg.weight"])] == pytest.approx(base * 10)  # custom_keys head x10 kept
    assert layer_id("neck.convs.0.conv.weight", n) == n + 1


@pytest.mark.parametrize("config", TINY_MODELS)
def test_tiny_model_trains_resumes_predicts_and_packs(config, tmp_path, data):
    work = tmp_path / "work"
    options = {**data_overrides(data["zwf"]), "train_cfg.max_iters": 4, "train_cfg.val_interval": 100,
               "default_hooks.checkpoint.interval": 2, "default_hooks.checkpoint.max_keep_ckpts": 5}
    train(prepare_config(config, work_dir=work, cfg_options=options, seed=0))
    first = torch.load(work / "iter_2.pth", map_location="cpu", weights_only=True)
    assert first["meta"]["iter"] == 2
    for name in ("iter_4.pth", "last_checkpoint", "last.pth"):  # as if the run had died after iteration 2
        (work / name).unlink()

    train(prepare_config(config, work_dir=work, cfg_options=options, seed=0, resume=True))
    assert find_resume_checkpoint(work) == work / "iter_4.pth"
    final = torch.load(work / "iter_4.pth", map_location="cpu", weights_only=True)
    assert final["meta"]["iter"] == 4
    changed = [k for k, v in final["state_dict"].items()
               if v.is_floating_point() and not torch.equal(v, first["state_dict"][k])]
    assert any(k.startswith("backbone.model.") for k in changed)  # the resumed run trained the backbone

    images = data["v2"] / "val" / "data"
    model = load_model(work / "last.pth")
    for track in ("source_only", "uda"):
        written = predict_folder([model], images, tmp_path / "preds", (), track=track)
        assert sorted(p.name for p in written) == sorted(p.name for p in images.iterdir())
        for path in written:
            mask = read_mask(path)
            assert mask.shape == read_image(images / path.name).shape[:2] and mask.max() <= 4
    zip_path = pack_submission(tmp_path / "preds" / "source_only", tmp_path / "preds" / "uda", images,
                               tmp_path / "submission.zip")
    assert zip_path.stat().st_size > 0
