"""DAFormer's context-aware fusion decoder (Hoyer et al., CVPR 2022) as an mmseg decode head.

Every selected backbone level is embedded to ``embed_dims`` channels by a per-pixel linear layer
(DAFormer's "MLP": a linear map of each feature vector, here a 1x1 convolution, no norm, no
activation), upsampled bilinearly to the size of the first selected level, and the embeddings are
concatenated. The stack is fused by an ASPP whose branches are a 1x1 convolution (rate 1) and
depthwise-separable 3x3 convolutions (rates 6, 12, 18), without image pooling; a 3x3 bottleneck
convolution brings the concatenated branches to ``channels``, then dropout and the 1x1 classifier.
This is DAFormer's ``daformer_sepaspp`` decoder (SPEC "Baseline recipes"), not SegFormer's MLP head.

With MiT-B5 (``in_channels=[64, 128, 320, 512]``, ``embed_dims=256``, ``channels=256``) the head
has 3.71M parameters and the whole model about 85.1M (``zerowaste check-model``).

Example:
    >>> import torch
    >>> head = DAFormerHead(in_channels=[8, 16], in_index=[0, 1], channels=12, embed_dims=6,
    ...                     num_classes=5, norm_cfg=dict(type="BN")).eval()
    >>> head([torch.zeros(1, 8, 16, 16), torch.zeros(1, 16, 8, 8)]).shape
    torch.Size([1, 5, 16, 16])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.decode_heads.sep_aspp_head import DepthwiseSeparableASPPModule
from mmseg.models.utils import resize
from torch import nn

#: DAFormer's ASPP rates (``daformer_sepaspp_mitb5.py``).
DAFORMER_DILATIONS: tuple[int, ...] = (1, 6, 12, 18)


class SeparableASPPFusion(nn.Module):
    """ASPP of depthwise-separable convolutions followed by a 3x3 bottleneck (DAFormer's fusion)."""

    def __init__(self, in_channels: int, channels: int, dilations: Sequence[int], norm_cfg: dict | None,
                 act_cfg: dict | None) -> None:
        super().__init__()
        self.branches = DepthwiseSeparableASPPModule(
            dilations=tuple(dilations), in_channels=in_channels, channels=channels, conv_cfg=None,
            norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.bottleneck = ConvModule(len(dilations) * channels, channels, kernel_size=3, padding=1,
                                     norm_cfg=norm_cfg, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bottleneck(torch.cat(self.branches(x), dim=1))


class DAFormerHead(BaseDecodeHead):
    """Context-aware fusion decoder (see the module docstring).

    Args:
        embed_dims: Channels of each level's embedding (DAFormer: 256).
        dilations: ASPP rates of the fusion (DAFormer: 1, 6, 12, 18).
        **kwargs: :class:`mmseg.models.decode_heads.decode_head.BaseDecodeHead` arguments
            (``in_channels`` and ``in_index`` lists, ``channels``, ``num_classes``, ``norm_cfg``...).
    """

    def __init__(self, embed_dims: int = 256, dilations: Sequence[int] = DAFORMER_DILATIONS, **kwargs) -> None:
        super().__init__(input_transform="multiple_select", **kwargs)
        if self.align_corners:
            raise ValueError("DAFormerHead: align_corners must be False (as in DAFormer)")
        self.embed_dims = int(embed_dims)
        self.embed_layers = nn.ModuleList(
            nn.Conv2d(c, self.embed_dims, kernel_size=1) for c in self.in_channels)
        self.fuse_layer = SeparableASPPFusion(len(self.in_channels) * self.embed_dims, self.channels, dilations,
                                              self.norm_cfg, self.act_cfg)

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        feats = self._transform_inputs(inputs)
        size = feats[0].shape[2:]
        embedded = [
            resize(embed(f), size=size, mode="bilinear", align_corners=self.align_corners)
            for embed, f in zip(self.embed_layers, feats, strict=True)
        ]
        return self.cls_seg(self.fuse_layer(torch.cat(embedded, dim=1)))
