"""Any timm model as an mmseg backbone: the feature maps of chosen stages or blocks, no download.

``timm.create_model(model_name, pretrained=False, num_classes=0, **model_kwargs)`` builds the
network with timm's own parameter names (so timm / Hugging Face ``model.safetensors`` files load as
they are, see :mod:`zerowaste.baselines.weights`); ``forward_intermediates`` returns the NCHW feature
maps of ``out_indices`` (ConvNeXt: stages 0..3 at strides 4..32; ViT: blocks, all at the patch
stride); parts after the last index, the classifier and (unless ``feature_norm``) the final norm are
pruned, so every parameter left is used by a forward pass.

Weights come only from ``init_cfg=dict(type="Pretrained", checkpoint=PATH)`` (``zerowaste train
--pretrained PATH``), which the kit's loader converts and checks; ``pretrained`` of timm is never
used (nothing is downloaded here).

Example:
    >>> import torch
    >>> net = TimmBackbone("convnext_atto")
    >>> [tuple(f.shape) for f in net(torch.zeros(1, 3, 64, 64))]
    [(1, 40, 16, 16), (1, 80, 8, 8), (1, 160, 4, 4), (1, 320, 2, 2)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from mmengine.model import BaseModule


class TimmBackbone(BaseModule):
    """Feature maps of a timm model (see the module docstring).

    Args:
        model_name: A timm architecture name (``convnext_large``, ``vit_base_patch14_dinov2``...).
        out_indices: Stages (ConvNeXt) or blocks (ViT) whose outputs are returned.
        feature_norm: Apply the model's final norm to every returned map (DINOv2's evaluation
            protocol does); otherwise the final norm is pruned.
        model_kwargs: Passed to ``timm.create_model`` (``drop_path_rate``, ``dynamic_img_size``...).
        init_cfg: ``dict(type="Pretrained", checkpoint=PATH)`` or None (random initialisation).
    """

    def __init__(self, model_name: str, out_indices: Sequence[int] = (0, 1, 2, 3), feature_norm: bool = False,
                 model_kwargs: Mapping | None = None, init_cfg: Mapping | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        import timm

        self.model_name = model_name
        self.out_indices = [int(i) for i in out_indices]
        self.feature_norm = bool(feature_norm)
        self.model = timm.create_model(model_name, pretrained=False, num_classes=0, **dict(model_kwargs or {}))
        self.model.prune_intermediate_layers(self.out_indices, prune_norm=not self.feature_norm, prune_head=True)

    @property
    def num_layers(self) -> int:
        """Transformer blocks (ViTs; 0 for models without ``blocks``), for layer-wise lr decay."""
        return len(getattr(self.model, "blocks", ()))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        feats = self.model.forward_intermediates(x, indices=self.out_indices, norm=self.feature_norm,
                                                 intermediates_only=True)
        return tuple(feats)
