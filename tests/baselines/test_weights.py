"""--pretrained: random weights written in each format users download load back exactly; a file that
does not fit the backbone, or a corrupt one, is a one-line error.

Each writer below renames timm's (or mmseg's) parameters into the other format with its own table,
written from that format's published names, independently of the loader's conversion tables.
"""

from __future__ import annotations

import logging
import re

import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import save_file

import zerowaste.baselines.registry  # noqa: F401  (the kit's `Pretrained` initializer)
from zerowaste.baselines.models.timm_backbone import TimmBackbone
from zerowaste.baselines.weights import WeightsError, detect_format, main, require_loaded
from zerowaste.cli import cli

from .conftest import data_overrides
from .test_convert_mit import mmseg_mit, original_mit_state

VIT_KW = dict(embed_dim=32, depth=2, num_heads=2, img_size=56, dynamic_img_size=True, dynamic_img_pad=True)


def convnext() -> TimmBackbone:
    return TimmBackbone("convnext_atto")


def vit() -> TimmBackbone:
    return TimmBackbone("vit_small_patch14_dinov2", out_indices=(0, 1), feature_norm=True, model_kwargs=VIT_KW)


def random_timm_state(net: TimmBackbone, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random values under timm's names (what timm's / Hugging Face's timm `model.safetensors` hold)."""
    g = torch.Generator().manual_seed(seed)
    return {k.removeprefix("model."): torch.randn(v.shape, generator=g) for k, v in net.state_dict().items()}


def renamed(state: dict, rules: list[tuple[str, str]]) -> dict:
    out = {}
    for key, value in state.items():
        for pattern, replacement in rules:
            key = re.sub(pattern, replacement, key)
        out[key] = value
    return out


# ConvNeXt: timm -> facebookresearch/ConvNeXt (linear pointwise layers: 2-D weights)
TIMM_TO_FB_CONVNEXT = [(r"^stem\.", "downsample_layers.0."), (r"^stages\.(\d)\.downsample\.", r"downsample_layers.\1."),
                       (r"^stages\.(\d)\.blocks\.", r"stages.\1."), (r"conv_dw", "dwconv"), (r"mlp\.fc(\d)", r"pwconv\1"),
                       (r"^head\.norm\.", "norm.")]
FB_TO_MMPRETRAIN_CONVNEXT = [(r"dwconv", "depthwise_conv"), (r"pwconv(\d)", r"pointwise_conv\1"), (r"^norm\.", "norm3."),
                             (r"^", "backbone.")]
TIMM_TO_HF_CONVNEXT = [(r"^stem\.0\.", "embeddings.patch_embeddings."), (r"^stem\.1\.", "embeddings.layernorm."),
                       (r"^stages\.(\d)\.downsample\.", r"encoder.stages.\1.downsampling_layer."),
                       (r"^stages\.(\d)\.blocks\.(\d)\.conv_dw\.", r"encoder.stages.\1.layers.\2.dwconv."),
                       (r"^stages\.(\d)\.blocks\.(\d)\.norm\.", r"encoder.stages.\1.layers.\2.layernorm."),
                       (r"^stages\.(\d)\.blocks\.(\d)\.mlp\.fc(\d)\.", r"encoder.stages.\1.layers.\2.pwconv\3."),
                       (r"^stages\.(\d)\.blocks\.(\d)\.gamma$", r"encoder.stages.\1.layers.\2.layer_scale_parameter"),
                       (r"^head\.norm\.", "layernorm.")]
# ViT: timm -> mmpretrain (DINOv2 3rd-party checkpoints)
TIMM_TO_MMPRETRAIN_VIT = [(r"^patch_embed\.proj\.", "patch_embed.projection."), (r"^blocks\.(\d)\.norm(\d)\.", r"layers.\1.ln\2."),
                          (r"^blocks\.(\d)\.ls1\.gamma$", r"layers.\1.attn.gamma1.weight"),
                          (r"^blocks\.(\d)\.ls2\.gamma$", r"layers.\1.ffn.gamma2.weight"),
                          (r"^blocks\.(\d)\.attn\.", r"layers.\1.attn."), (r"^blocks\.(\d)\.mlp\.fc1\.", r"layers.\1.ffn.layers.0.0."),
                          (r"^blocks\.(\d)\.mlp\.fc2\.", r"layers.\1.ffn.layers.1."), (r"^norm\.", "ln1."), (r"^", "backbone.")]


def flat_linear(state: dict) -> dict:
    """1x1-convolution weights as linear (out, in) weights, as the original checkpoints store them."""
    return {k: v.flatten(1) if v.ndim == 4 and v.shape[-2:] == (1, 1) else v for k, v in state.items()}


def timm_to_hf_dinov2(state: dict) -> dict:
    out = {"embeddings.cls_token": state["cls_token"], "embeddings.position_embeddings": state["pos_embed"],
           "embeddings.mask_token": torch.zeros(1, state["cls_token"].shape[-1])}
    for key, value in state.items():
        m = re.match(r"^blocks\.(\d+)\.(.*)$", key)
        if key.startswith("patch_embed.proj."):
            out["embeddings.patch_embeddings.projection." + key.split(".")[-1]] = value
        elif key.startswith("norm."):
            out["layernorm." + key.split(".")[-1]] = value
        elif m:
            b, rest = f"encoder.layer.{m.group(1)}.", m.group(2)
            if rest.startswith("attn.qkv."):
                for part, chunk in zip(("query", "key", "value"), value.chunk(3), strict=True):
                    out[b + f"attention.attention.{part}." + rest.split(".")[-1]] = chunk
            elif rest.startswith("attn.proj."):
                out[b + "attention.output.dense." + rest.split(".")[-1]] = value
            elif rest in ("ls1.gamma", "ls2.gamma"):
                out[b + f"layer_scale{rest[2]}.lambda1"] = value
            else:
                out[b + rest] = value  # norm1/norm2, mlp.fc1/fc2
    return out


def load_via_init_cfg(make, path) -> TimmBackbone:
    net = make()
    net.init_cfg = dict(type="Pretrained", checkpoint=str(path), _scope_="mmseg")
    net.init_weights()
    return net


def assert_backbone_equals(net: TimmBackbone, expected: dict) -> None:
    for name, param in net.named_parameters():
        assert torch.equal(param.detach().reshape(-1), expected[name.removeprefix("model.")].reshape(-1)), name


FORMATS = {
    # format: (backbone, file name, writer from timm names -> what is saved)
    "timm-safetensors": (convnext, "model.safetensors", lambda s: s),
    "convnext-fb": (convnext, "convnext_22k_224.pth", lambda s: {"model": flat_linear(renamed(s, TIMM_TO_FB_CONVNEXT))}),
    "mmpretrain-convnext": (convnext, "convnext_mmpretrain.pth", lambda s: {
        "state_dict": {**renamed(flat_linear(renamed(s, TIMM_TO_FB_CONVNEXT)), FB_TO_MMPRETRAIN_CONVNEXT),
                       "head.fc.weight": torch.zeros(10, 320)}, "meta": {}}),
    "hf-convnext": (convnext, "hf_convnext.safetensors", lambda s: flat_linear(renamed(s, TIMM_TO_HF_CONVNEXT))),
    "timm-vit-pth": (vit, "pytorch_model.bin", lambda s: s),
    "dinov2-fb": (vit, "dinov2_vits14_pretrain.pth", lambda s: {**s, "mask_token": torch.zeros(1, 32)}),
    "mmpretrain-vit": (vit, "vit_dinov2_mmpretrain.pth", lambda s: {"state_dict": renamed(s, TIMM_TO_MMPRETRAIN_VIT)}),
    "hf-dinov2": (vit, "hf_dinov2.safetensors", timm_to_hf_dinov2),
}
EXPECTED_FORMAT = {"timm-safetensors": "native", "convnext-fb": "convnext-fb", "mmpretrain-convnext": "mmpretrain",
                   "hf-convnext": "hf-convnext", "timm-vit-pth": "native", "dinov2-fb": "dinov2-fb",
                   "mmpretrain-vit": "mmpretrain", "hf-dinov2": "hf-dinov2"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_loads_back_exactly(fmt, tmp_path):
    make, filename, write = FORMATS[fmt]
    state = random_timm_state(make(), seed=len(fmt))
    path = tmp_path / filename
    saved = write(state)
    if filename.endswith(".safetensors"):
        save_file({k: v.contiguous() for k, v in saved.items()}, str(path))
    else:
        torch.save(saved, path)
    net = load_via_init_cfg(make, path)
    assert net.pretrained_report.format == EXPECTED_FORMAT[fmt]
    assert net.pretrained_report.coverage == 1.0
    assert_backbone_equals(net, state)


def test_original_mit_converts_on_the_fly_and_a_kit_checkpoint_loads(tmp_path):
    original = original_mit_state(seed=5)
    torch.save(original, tmp_path / "mit_b0.pth")
    net = mmseg_mit()
    net.init_cfg = dict(type="Pretrained", checkpoint=str(tmp_path / "mit_b0.pth"), _scope_="mmseg")
    net.init_weights()
    assert net.pretrained_report.format == "nvlabs-mit" and net.pretrained_report.coverage == 1.0
    assert torch.equal(net.state_dict()["layers.2.2.weight"], original["norm3.weight"])
    # a whole-model checkpoint of the kit (mmengine layout, `backbone.` prefix) loads as the backbone
    whole = {"state_dict": {**{f"backbone.{k}": v for k, v in net.state_dict().items()},
                            "decode_head.conv_seg.weight": torch.zeros(5, 8, 1, 1)}, "meta": {}}
    torch.save(whole, tmp_path / "iter_4.pth")
    again = mmseg_mit()
    again.init_cfg = dict(type="Pretrained", checkpoint=str(tmp_path / "iter_4.pth"), _scope_="mmseg")
    again.init_weights()
    assert again.pretrained_report.format == "native"
    for k, v in net.state_dict().items():
        assert torch.equal(again.state_dict()[k], v), k


def test_a_file_of_another_architecture_is_refused_naming_its_format(tmp_path):
    torch.save(original_mit_state(), tmp_path / "mit_b5.pth")
    with pytest.raises(WeightsError, match=r"original SegFormer MiT checkpoint.*0\.0% .*TimmBackbone\(convnext_atto\)"):
        load_via_init_cfg(convnext, tmp_path / "mit_b5.pth")


def test_partly_matching_weights_are_refused(tmp_path):
    state = random_timm_state(convnext())
    del state["stages.2.blocks.0.mlp.fc1.weight"]  # one large tensor missing: under 99 % loaded
    save_file(state, str(tmp_path / "model.safetensors"))
    with pytest.raises(WeightsError, match=r"only 9\d\.\d% .*stages\.2\.blocks\.0\.mlp\.fc1\.weight"):
        load_via_init_cfg(convnext, tmp_path / "model.safetensors")


@pytest.mark.parametrize("name", ["broken.pth", "broken.safetensors"])
def test_corrupt_file_is_one_line(tmp_path, name):
    (tmp_path / name).write_bytes(b"\x00not a checkpoint" * 50)
    with pytest.raises(WeightsError) as info:
        load_via_init_cfg(convnext, tmp_path / name)
    assert "cannot read weights file" in str(info.value) and "\n" not in str(info.value)


def test_detect_format_on_key_names():
    z = torch.zeros(1)
    assert detect_format({"downsample_layers.0.0.weight": z, "stages.0.0.dwconv.weight": z}) == "convnext-fb"
    assert detect_format({"mask_token": z, "blocks.0.attn.qkv.weight": z}) == "dinov2-fb"
    assert detect_format({"stem.0.weight": z}) == "native"


def test_feature_distance_guard_looks_at_what_was_loaded(tmp_path):
    net = convnext()
    with pytest.raises(WeightsError, match="none were loaded"):
        require_loaded(net)
    save_file(random_timm_state(net), str(tmp_path / "model.safetensors"))
    assert require_loaded(load_via_init_cfg(convnext, tmp_path / "model.safetensors")).coverage == 1.0


def test_inspect_command(tmp_path, capsys):
    torch.save(original_mit_state(), tmp_path / "mit_b5.pth")
    assert main(["inspect", str(tmp_path / "mit_b5.pth")]) == 0
    assert "original SegFormer MiT" in capsys.readouterr().out
    (tmp_path / "bad.pth").write_bytes(b"junk")
    assert main(["inspect", str(tmp_path / "bad.pth")]) == 1
    # the coverage of a config's backbone: check-model builds the model
    result = CliRunner().invoke(cli, ["check-model", "tiny/daformer_convnext_tiny_cpu.py", "--pretrained",
                                      str(tmp_path / "mit_b5.pth")])
    assert result.exit_code == 0, result.output
    assert "original SegFormer MiT" in result.output and "covers 0.0%" in result.output


def test_train_with_unmatched_weights_exits_with_one_line(tmp_path, data):
    torch.save(original_mit_state(), tmp_path / "mit_b5.pth")
    options = [f"{k}={v}" for k, v in data_overrides(data["zwf"]).items()]
    result = CliRunner().invoke(cli, ["train", "tiny/daformer_convnext_tiny_cpu.py", "--pretrained",
                                      str(tmp_path / "mit_b5.pth"), "--work-dir", str(tmp_path / "w"), *options])
    assert result.exit_code == 1
    assert "original SegFormer MiT checkpoint" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "w" / "iter_2.pth").exists()


def test_load_from_does_not_claim_a_scratch_backbone(tmp_path):
    from mmengine.logging import MMLogger

    from zerowaste.baselines.train import FROM_SCRATCH, prepare_config

    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        prepare_config("tiny/segformer_tiny_cpu.py", work_dir=tmp_path, cfg_options={"load_from": "x.pth"})
        prepare_config("tiny/segformer_tiny_cpu.py", work_dir=tmp_path)
    finally:
        logger.removeHandler(handler)
    assert sum(FROM_SCRATCH in r for r in records) == 1  # only the second run starts from scratch
    assert any("load_from=x.pth" in r for r in records)
