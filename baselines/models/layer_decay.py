"""Layer-wise learning-rate decay for ViT backbones (BEiT / DINOv2 fine-tuning practice).

Block ``i`` of an ``n``-block ViT trains at ``lr * rate ** (n - i)``: the last block at ``lr * rate``,
the patch embedding, class token and position embedding (layer 0) at ``lr * rate ** (n + 1)``, and
everything after the blocks (final norm, neck, decode head) at the full ``lr``. It multiplies what
mmengine's :class:`~mmengine.optim.DefaultOptimWrapperConstructor` already sets per parameter
(``custom_keys`` such as ``head`` lr x10 and no weight decay on norms), so both compose.

Config::

    optim_wrapper = dict(type="OptimWrapper", constructor="LayerDecayOptimWrapperConstructor",
                         optimizer=dict(type="AdamW", lr=1e-4, weight_decay=0.05),
                         paramwise_cfg=dict(layer_decay_rate=0.9, custom_keys=dict(head=dict(lr_mult=10.0))))

Example:
    >>> layer_id("backbone.model.blocks.3.attn.qkv.weight", 12), layer_id("backbone.model.pos_embed", 12)
    (4, 0)
    >>> layer_id("backbone.model.norm.weight", 12), layer_id("decode_head.conv_seg.weight", 12)
    (13, 13)
    >>> round(lr_scale("model.backbone.model.blocks.11.mlp.fc1.weight", 12, 0.9), 4)  # DACS student
    0.9
"""

from __future__ import annotations

import re

import torch
from mmengine.optim import DefaultOptimWrapperConstructor

_BLOCK = re.compile(r"(?:^|\.)backbone\.(?:model\.)?blocks\.(\d+)\.")
_EMBEDDING = re.compile(r"(?:^|\.)backbone\.(?:model\.)?(patch_embed|cls_token|pos_embed|reg_token|mask_token)")


def layer_id(name: str, num_layers: int) -> int:
    """0 for the embeddings, ``i + 1`` for block ``i``, ``num_layers + 1`` for everything after."""
    block = _BLOCK.search(name)
    if block:
        return int(block.group(1)) + 1
    if _EMBEDDING.search(name):
        return 0
    return num_layers + 1


def lr_scale(name: str, num_layers: int, rate: float) -> float:
    """The factor on the learning rate of parameter ``name`` (1 after the last block)."""
    return rate ** (num_layers + 1 - layer_id(name, num_layers))


def _num_blocks(module: torch.nn.Module) -> int:
    blocks = {int(m.group(1)) for name, _ in module.named_parameters() if (m := _BLOCK.search(name))}
    return max(blocks) + 1 if blocks else 0


class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """mmengine's default constructor, then ``lr *= layer_decay_rate ** (n + 1 - layer_id)`` per parameter.

    ``paramwise_cfg.layer_decay_rate`` (default 0.9) sets the rate; the number of blocks ``n`` is
    read off the model (the largest ``backbone...blocks.<i>`` index + 1).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        paramwise_cfg = dict(paramwise_cfg or {})
        self.layer_decay_rate = float(paramwise_cfg.pop("layer_decay_rate", 0.9))
        if not 0.0 < self.layer_decay_rate <= 1.0:
            raise ValueError(f"layer_decay_rate must be in (0, 1], got {self.layer_decay_rate}")
        paramwise_cfg.setdefault("custom_keys", {})  # non-empty: mmengine then builds per-parameter groups
        super().__init__(optim_wrapper_cfg, paramwise_cfg)

    def add_params(self, params: list[dict], module: torch.nn.Module, prefix: str = "", is_dcn_module=None) -> None:
        super().add_params(params, module, prefix, is_dcn_module)
        if prefix:  # the recursion's inner calls: scale once, at the top
            return
        names = {id(p): n for n, p in module.named_parameters()}
        num_layers = _num_blocks(module)
        for group in params:
            name = names[id(group["params"][0])]
            group["lr"] = group.get("lr", self.base_lr) * lr_scale(name, num_layers, self.layer_decay_rate)
