"""ClassMix and DACS's strong augmentation, as DAFormer's and MIC's code do them.

**ClassMix.** For each source image, half (rounded up) of a set of classes form a binary mask; the mixed
image is ``mask * source + (1 - mask) * target``, the mixed label takes the source label under the mask
and the target pseudo-label elsewhere, and the pixel weight is 1 under the mask (real labels) and the
target's pseudo-label weight elsewhere. Which classes (``scope``):

- ``"batch"`` (default; DAFormer's ``get_class_masks``, kept by MIC): the classes present in the *whole
  source batch* (``torch.unique`` over the batch), the ignore value 255 included, a fresh choice per
  image. A class absent from an image simply pastes nothing there.
- ``"image"`` (the DACS paper): the classes present in that image, 255 never chosen.

**Strong augmentation** (DAFormer's ``strong_transform``) on the mixed images, decided once per
iteration for the whole batch (:func:`draw_plan`):

- colour jitter when U(0, 1) > 0.2, i.e. in 80 % of the iterations (DAFormer's
  ``color_jitter_probability=0.2`` is that threshold), with kornia's ``ColorJiggle`` (kornia's old
  ``ColorJitter`` semantics: additive brightness, the four steps in random order, hue ±0.2 of a turn)
  at brightness = contrast = saturation = hue = 0.2; factors and order drawn per image, as DAFormer
  calls it once per mixed image;
- Gaussian blur when U > 0.5, sigma ~ U(0.15, 1.15) per image, kernel per axis the odd size at or just
  below ``ceil(0.1 * side)`` (:func:`blur_kernel_size`).

Example:
    >>> import torch
    >>> lab = torch.tensor([[[0, 1], [2, 3]]])
    >>> m = class_masks(lab, generator=torch.Generator().manual_seed(0))
    >>> int(m.sum())      # 2 of the 4 classes of the batch are pasted
    2
    >>> blur_kernel_size(512), blur_kernel_size(64), blur_kernel_size(90)
    (51, 7, 9)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import kornia
import torch

from zerowaste.contract import IGNORE_INDEX

#: Which classes ClassMix chooses from (see the module docstring).
CLASSMIX_SCOPES = ("batch", "image")
#: DAFormer's defaults: jitter in 80 % of the iterations at strength 0.2, blur in 50 %.
JITTER_P, JITTER_STRENGTH, BLUR_P = 0.8, 0.2, 0.5
#: Range of the blur's sigma.
BLUR_SIGMA = (0.15, 1.15)


def class_masks(labels: torch.Tensor, generator: torch.Generator | None = None, scope: str = "batch") -> torch.Tensor:
    """Binary masks (B, 1, H, W): per image, half (rounded up) of the candidate classes, chosen at random.

    The candidates are the classes of the whole batch, 255 included (``scope="batch"``, DAFormer), or
    those of the image itself without 255 (``scope="image"``).
    """
    if scope not in CLASSMIX_SCOPES:
        raise ValueError(f"ClassMix scope must be one of {CLASSMIX_SCOPES}, got {scope!r}")
    if labels.dim() == 4:
        labels = labels.squeeze(1)
    batch_classes = torch.unique(labels)
    masks = []
    for lab in labels:
        classes = batch_classes
        if scope == "image":
            classes = torch.unique(lab)
            classes = classes[classes != IGNORE_INDEX]
        n = (len(classes) + 1) // 2
        chosen = classes[torch.randperm(len(classes), generator=generator)[:n].to(classes.device)]
        masks.append(torch.isin(lab, chosen))
    return torch.stack(masks).unsqueeze(1).float()


def mix(mask: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``mask * source + (1 - mask) * target`` with broadcasting over channels (any dtype)."""
    if source.dim() == 3:  # labels (B, H, W)
        m = mask.squeeze(1).bool()
        return torch.where(m, source, target)
    return mask * source + (1 - mask) * target


def blur_kernel_size(side: int) -> int:
    """DAFormer's blur kernel along an axis of ``side`` pixels: ``ceil(0.1 * side)``, minus one when even."""
    k = math.ceil(0.1 * side)
    return k if k % 2 else k - 1


@dataclass(frozen=True)
class StrongPlan:
    """What the strong augmentation does to one batch: jitter or not, blur or not, one sigma per image."""

    jitter: bool
    blur: bool
    sigmas: tuple[float, ...] = ()


def draw_plan(batch: int, generator: torch.Generator | None = None, jitter_p: float = JITTER_P,
              blur_p: float = BLUR_P) -> StrongPlan:
    """Draw once for the batch: jitter when U > 1 - ``jitter_p``, blur when U > 1 - ``blur_p`` (DAFormer:
    U > 0.2 and U > 0.5); with blur, one sigma ~ U(0.15, 1.15) per image.

    >>> draw_plan(2, jitter_p=0.0, blur_p=0.0)
    StrongPlan(jitter=False, blur=False, sigmas=())
    """
    for name, p in (("jitter_p", jitter_p), ("blur_p", blur_p)):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {p}")
    u = torch.rand(2, generator=generator).tolist()
    blur = u[1] > 1.0 - blur_p
    sigmas = ()
    if blur:
        lo, hi = BLUR_SIGMA
        sigmas = tuple((lo + (hi - lo) * torch.rand(batch, generator=generator)).tolist())
    return StrongPlan(jitter=u[0] > 1.0 - jitter_p, blur=blur, sigmas=sigmas)


def strong_augment(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor, plan: StrongPlan,
                   jitter_strength: float = JITTER_STRENGTH) -> torch.Tensor:
    """Apply ``plan`` to normalised images (B, 3, H, W); returns normalised images.

    ``mean``/``std`` are the data preprocessor's (0..255 scale). Jitter factors come from torch's global
    random generator (kornia draws them there; seed it with ``torch.manual_seed``).
    """
    if not (plan.jitter or plan.blur):
        return images
    if plan.blur and len(plan.sigmas) != images.shape[0]:
        raise ValueError(f"the plan has {len(plan.sigmas)} blur sigmas for {images.shape[0]} images")
    mean = mean.view(1, -1, 1, 1).to(images)
    std = std.view(1, -1, 1, 1).to(images)
    x = images * std + mean  # 0..255
    out = []
    kernel = (blur_kernel_size(images.shape[-2]), blur_kernel_size(images.shape[-1]))
    jiggle = kornia.augmentation.ColorJiggle(*[jitter_strength] * 4, p=1.0)
    for i in range(images.shape[0]):
        img = x[i:i + 1]
        if plan.jitter:  # DAFormer jitters each mixed image on its own: factors and order per image
            img = jiggle(img / 255.0) * 255.0
        if plan.blur:
            sigma = plan.sigmas[i]
            img = kornia.filters.gaussian_blur2d(img, kernel, (sigma, sigma))
        out.append(img)
    return (torch.cat(out) - mean) / std
