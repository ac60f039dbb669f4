"""Convert an original SegFormer MiT ImageNet checkpoint (NVlabs key names) to mmseg's names.

The original ``mit_b0.pth`` ... ``mit_b5.pth`` (NVlabs/SegFormer release) name the parts of stage
``i`` ``patch_embed{i}``, ``block{i}.{j}`` and ``norm{i}``; mmseg's ``MixVisionTransformer``
keeps them in ``layers.{i-1}.{0,1,2}``, fuses attention's ``q`` and ``kv`` into one
``in_proj`` (PyTorch ``MultiheadAttention``) and implements the MLP with 1x1 convolutions.
The classification ``head`` is dropped.

``zerowaste train --pretrained mit_b5.pth`` converts on the fly (:mod:`zerowaste.baselines.weights`
recognises these names); this command writes the converted file once, e.g. to inspect it.

    original                               mmseg
    patch_embed{i}.proj.*                  layers.{i-1}.0.projection.*
    patch_embed{i}.norm.*                  layers.{i-1}.0.norm.*
    block{i}.{j}.attn.q.* + attn.kv.*      layers.{i-1}.1.{j}.attn.attn.in_proj_*   (concatenated)
    block{i}.{j}.attn.proj.*               layers.{i-1}.1.{j}.attn.attn.out_proj.*
    block{i}.{j}.attn.sr.* / attn.norm.*   layers.{i-1}.1.{j}.attn.sr.* / attn.norm.*
    block{i}.{j}.mlp.fc1.* (W -> W[..., None, None])          layers.{i-1}.1.{j}.ffn.layers.0.*
    block{i}.{j}.mlp.dwconv.dwconv.*                          layers.{i-1}.1.{j}.ffn.layers.1.*
    block{i}.{j}.mlp.fc2.* (W -> W[..., None, None])          layers.{i-1}.1.{j}.ffn.layers.4.*
    block{i}.{j}.norm1.* / norm2.*         layers.{i-1}.1.{j}.norm1.* / norm2.*
    norm{i}.*                              layers.{i-1}.2.*

Example:
    $ python -m zerowaste.baselines.convert_mit mit_b5.pth mit_b5_mmseg.pth
    $ zerowaste train segformer/segformer_mit-b5_zerowaste-f.py --pretrained mit_b5_mmseg.pth
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from pathlib import Path

import torch

from zerowaste.baselines.weights import WeightsError, read_state_dict
from zerowaste.io import atomic_path

_STAGE = re.compile(r"^(patch_embed|block|norm)(\d+)\.(.*)$")


class ConvertError(WeightsError):
    """Not an original MiT checkpoint."""


def _block_key(stage: int, rest: str, state: dict, key: str) -> tuple[str, torch.Tensor] | None:
    """mmseg name and value of ``block{stage}.{rest}`` (None for the ``kv`` half merged into ``q``)."""
    j, sub = rest.split(".", 1)
    prefix = f"layers.{stage - 1}.1.{j}."
    value = state[key]
    if sub.startswith("attn.q."):
        kv_key = key.replace("attn.q.", "attn.kv.")
        if kv_key not in state:
            raise ConvertError(f"{key} has no matching {kv_key}")
        return prefix + "attn.attn.in_proj_" + sub.split(".")[-1], torch.cat([value, state[kv_key]], dim=0)
    if sub.startswith("attn.kv."):
        return None
    if sub.startswith("attn.proj."):
        return prefix + "attn.attn.out_proj." + sub.split(".")[-1], value
    if sub.startswith("mlp."):
        layer = {"fc1": "0", "dwconv": "1", "fc2": "4"}[sub.split(".")[1]]
        if layer in ("0", "4") and sub.endswith("weight"):
            value = value[..., None, None]
        return prefix + f"ffn.layers.{layer}." + sub.split(".")[-1], value
    return prefix + sub, value  # norm1, norm2, attn.sr, attn.norm


def convert_mit(state: dict) -> OrderedDict:
    """The mmseg ``MixVisionTransformer`` state dict of an original MiT state dict."""
    state = state.get("state_dict", state)
    if not any(k.startswith("block1.") for k in state):
        raise ConvertError("not an original MiT checkpoint (no `block1.*` keys)")
    out = OrderedDict()
    for key in state:
        if key.startswith("head."):
            continue
        match = _STAGE.match(key)
        if match is None:
            raise ConvertError(f"unexpected key {key!r} in an original MiT checkpoint")
        part, stage, rest = match.group(1), int(match.group(2)), match.group(3)
        if part == "patch_embed":
            out[f"layers.{stage - 1}.0." + rest.replace("proj.", "projection.")] = state[key]
        elif part == "norm":
            out[f"layers.{stage - 1}.2.{rest}"] = state[key]
        else:
            converted = _block_key(stage, rest, state, key)
            if converted is not None:
                out[converted[0]] = converted[1]
    return out


def convert_file(src: str | Path, dst: str | Path) -> Path:
    """Read an original MiT checkpoint, write mmseg's version atomically (``{"state_dict": ...}``).

    A missing, corrupt or foreign file is a :class:`~zerowaste.baselines.weights.WeightsError`.
    """
    state = read_state_dict(src)
    with atomic_path(dst) as tmp:
        torch.save({"state_dict": convert_mit(state)}, tmp)
    return Path(dst)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m zerowaste.baselines.convert_mit ORIGINAL.pth CONVERTED.pth", file=sys.stderr)
        return 2
    try:
        out = convert_file(*args)
    except WeightsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
