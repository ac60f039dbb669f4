"""ClassMix (DACS): paste half of the classes of a source image onto a target image.

For each source image, half of the classes present in its label (rounded up; the ignore value is
never chosen) form a binary mask; the mixed image is ``mask * source + (1 - mask) * target`` and the
mixed label takes the source label under the mask and the target pseudo-label elsewhere. The pixel
weight is 1 under the mask (real labels) and the target's pseudo-label weight elsewhere. The mixed
images then get colour jitter and Gaussian blur (each with probability 0.5, strength as in DACS).

Example:
    >>> import torch
    >>> lab = torch.tensor([[[0, 1], [2, 3]]])
    >>> m = class_masks(lab, generator=torch.Generator().manual_seed(0))
    >>> int(m.sum())      # 2 of the 4 classes present are pasted
    2
"""

from __future__ import annotations

import torch
import torchvision.transforms.v2.functional as TF

from zerowaste.contract import IGNORE_INDEX


def class_masks(labels: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Binary masks (B, 1, H, W): per image, half (rounded up) of its present classes, chosen at random."""
    if labels.dim() == 4:
        labels = labels.squeeze(1)
    masks = []
    for lab in labels:
        classes = torch.unique(lab)
        classes = classes[classes != IGNORE_INDEX]
        n = (len(classes) + 1) // 2
        chosen = classes[torch.randperm(len(classes), generator=generator)[:n]].to(lab.device)
        masks.append(torch.isin(lab, chosen))
    return torch.stack(masks).unsqueeze(1).float()


def mix(mask: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``mask * source + (1 - mask) * target`` with broadcasting over channels (any dtype)."""
    if source.dim() == 3:  # labels (B, H, W)
        m = mask.squeeze(1).bool()
        return torch.where(m, source, target)
    return mask * source + (1 - mask) * target


def strong_augment(
    images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor, generator: torch.Generator | None = None,
    jitter_p: float = 0.5, jitter_strength: float = 0.2, blur_p: float = 0.5,
) -> torch.Tensor:
    """Colour jitter and Gaussian blur on normalised images (B, 3, H, W); returns normalised images.

    ``mean``/``std`` are the data preprocessor's (0..255 scale). Each image independently gets
    brightness/contrast/saturation/hue jitter with probability ``jitter_p`` and a Gaussian blur
    (sigma in [0.15, 1.15], kernel ~10 % of the shorter side) with probability ``blur_p``.
    """
    mean = mean.view(1, -1, 1, 1).to(images)
    std = std.view(1, -1, 1, 1).to(images)
    out = []
    for img in images:
        x = ((img.unsqueeze(0) * std + mean) / 255.0).clamp(0, 1)
        r = torch.rand(6, generator=generator).tolist()
        if r[0] < jitter_p:
            s = jitter_strength
            x = TF.adjust_brightness(x, 1 + s * (2 * r[1] - 1))
            x = TF.adjust_contrast(x, 1 + s * (2 * r[2] - 1))
            x = TF.adjust_saturation(x, 1 + s * (2 * r[3] - 1))
            x = TF.adjust_hue(x, s / 4 * (2 * r[4] - 1))
        if r[5] < blur_p:
            sigma = 0.15 + torch.rand(1, generator=generator).item()
            k = int(round(0.1 * min(x.shape[-2:])))
            k = max(3, k + (k + 1) % 2)  # odd, >= 3
            x = TF.gaussian_blur(x, [k, k], [sigma, sigma])
        out.append((x * 255.0 - mean) / std)
    return torch.cat(out)
