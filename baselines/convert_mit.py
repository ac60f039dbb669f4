"""Convert an original SegFormer MiT ImageNet checkpoint (NVlabs key names) to mmseg's names.

The original ``mit_b0.pth`` ... ``mit_b5.pth`` (NVlabs/SegFormer release) name the parts of stage
``i`` ``patch_embed{i}``, ``block{i}.{j}`` and ``norm{i}``; mmseg's ``MixVisionTransformer``
keeps them in ``layers.{i-1}.{0,1,2}``, fuses attention's ``q`` and ``kv`` into one
``in_proj`` (PyTorch ``MultiheadAttention``) and implements the MLP with 1x1 convolutions.
The classification ``head`` is dropped.

``zerowaste train --pretrained mit_b5.pth`` converts on the fly (:func:`zerowaste.baselines.weights.convert_mit`,
the mapping below); this command writes the converted file once, e.g. to inspect it.

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

import sys
from pathlib import Path

import torch

from zerowaste.baselines.weights import ConvertError, WeightsError, convert_mit, read_state_dict

__all__ = ["ConvertError", "convert_file", "convert_mit", "main"]
from zerowaste.io import atomic_path


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
