"""zerowaste.baselines.convert_mit on a checkpoint written here with the original NVlabs MiT key names."""

from __future__ import annotations

import pytest
import torch

from zerowaste.baselines.convert_mit import ConvertError, convert_file, convert_mit

EMBED = (16, 32, 80, 128)
LAYERS = (1, 2, 1, 1)
PATCH = (7, 3, 3, 3)
SR = (8, 4, 2, 1)


def original_mit_state(seed: int = 0) -> dict[str, torch.Tensor]:
    """Random weights under the original MiT names and shapes (NVlabs/SegFormer mix_transformer.py)."""
    g = torch.Generator().manual_seed(seed)
    state, cin = {}, 3

    def put(name, *shape):
        state[name] = torch.randn(*shape, generator=g)

    for i, (c, n, k, sr) in enumerate(zip(EMBED, LAYERS, PATCH, SR, strict=True), start=1):
        put(f"patch_embed{i}.proj.weight", c, cin, k, k)
        put(f"patch_embed{i}.proj.bias", c)
        put(f"patch_embed{i}.norm.weight", c)
        put(f"patch_embed{i}.norm.bias", c)
        for j in range(n):
            b = f"block{i}.{j}."
            for norm in ("norm1", "norm2"):
                put(b + f"{norm}.weight", c)
                put(b + f"{norm}.bias", c)
            put(b + "attn.q.weight", c, c)
            put(b + "attn.q.bias", c)
            put(b + "attn.kv.weight", 2 * c, c)
            put(b + "attn.kv.bias", 2 * c)
            put(b + "attn.proj.weight", c, c)
            put(b + "attn.proj.bias", c)
            if sr > 1:
                put(b + "attn.sr.weight", c, c, sr, sr)
                put(b + "attn.sr.bias", c)
                put(b + "attn.norm.weight", c)
                put(b + "attn.norm.bias", c)
            put(b + "mlp.fc1.weight", 4 * c, c)
            put(b + "mlp.fc1.bias", 4 * c)
            put(b + "mlp.dwconv.dwconv.weight", 4 * c, 1, 3, 3)
            put(b + "mlp.dwconv.dwconv.bias", 4 * c)
            put(b + "mlp.fc2.weight", c, 4 * c)
            put(b + "mlp.fc2.bias", c)
        put(f"norm{i}.weight", c)
        put(f"norm{i}.bias", c)
        cin = c
    put("head.weight", 1000, EMBED[-1])
    put("head.bias", 1000)
    return state


def mmseg_mit():
    from mmseg.registry import MODELS

    from zerowaste.baselines.registry import register_all

    register_all()
    return MODELS.build(
        dict(type="MixVisionTransformer", in_channels=3, embed_dims=EMBED[0], num_stages=4, num_layers=list(LAYERS),
             num_heads=[1, 2, 5, 8], patch_sizes=list(PATCH), sr_ratios=list(SR), out_indices=(0, 1, 2, 3),
             mlp_ratio=4, qkv_bias=True)
    )


def test_converted_state_loads_strictly_with_the_right_values():
    original = original_mit_state()
    converted = convert_mit(original)
    model = mmseg_mit()
    model.load_state_dict(converted, strict=True)  # every key present, every shape right
    sd = model.state_dict()
    attn = "layers.1.1.1.attn.attn."
    assert torch.equal(sd[attn + "in_proj_weight"], torch.cat([original["block2.1.attn.q.weight"], original["block2.1.attn.kv.weight"]]))
    assert torch.equal(sd[attn + "out_proj.bias"], original["block2.1.attn.proj.bias"])
    assert torch.equal(sd["layers.0.1.0.ffn.layers.0.weight"][..., 0, 0], original["block1.0.mlp.fc1.weight"])
    assert torch.equal(sd["layers.0.1.0.ffn.layers.1.weight"], original["block1.0.mlp.dwconv.dwconv.weight"])
    assert torch.equal(sd["layers.3.0.projection.weight"], original["patch_embed4.proj.weight"])
    assert torch.equal(sd["layers.2.2.weight"], original["norm3.weight"])
    assert not any(k.startswith("head") for k in converted)


def test_pretrained_init_cfg_loads_the_converted_file(tmp_path):
    """The documented flow: convert, then `--pretrained` sets backbone.init_cfg to the file."""
    src, dst = tmp_path / "mit_original.pth", tmp_path / "mit_mmseg.pth"
    torch.save(original_mit_state(seed=3), src)
    convert_file(src, dst)
    model = mmseg_mit()
    model.init_cfg = dict(type="Pretrained", checkpoint=str(dst))
    model.init_weights()
    expected = torch.load(dst, weights_only=True)["state_dict"]
    for key, value in expected.items():
        assert torch.equal(model.state_dict()[key], value), key


def test_rejects_a_checkpoint_that_is_not_mit():
    with pytest.raises(ConvertError, match="not an original MiT"):
        convert_mit({"conv1.weight": torch.zeros(1)})
