"""MIC: masked image consistency (Hoyer et al., CVPR 2023).

Target images are masked in random square blocks (SPEC: block 64 px, ratio 0.7 of blocks hidden);
the student must predict the teacher's pseudo-labels of the *unmasked* image from the masked one.

Example:
    >>> import torch
    >>> m = block_mask(2, 128, 128, ratio=0.7, block=64, generator=torch.Generator().manual_seed(0))
    >>> tuple(m.shape), sorted(set(m.unique().tolist())) <= [0.0, 1.0]
    ((2, 1, 128, 128), True)
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def block_mask(
    batch: int, height: int, width: int, ratio: float = 0.7, block: int = 64,
    generator: torch.Generator | None = None, device: torch.device | str = "cpu",
) -> torch.Tensor:
    """A (B, 1, H, W) float mask: 1 = visible, 0 = hidden; each block is hidden with probability ``ratio``."""
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"MIC mask ratio must be in [0, 1], got {ratio}")
    if block < 1:
        raise ValueError(f"MIC block size must be >= 1, got {block}")
    gh, gw = math.ceil(height / block), math.ceil(width / block)
    keep = (torch.rand(batch, 1, gh, gw, generator=generator) >= ratio).float()
    mask = F.interpolate(keep, size=(gh * block, gw * block), mode="nearest")
    return mask[:, :, :height, :width].to(device)


def mask_images(images: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Hide the masked blocks (set them to 0, i.e. the dataset mean after normalisation)."""
    return images * mask
