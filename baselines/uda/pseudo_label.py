"""Pseudo-labels from a teacher's logits: confidence threshold, per-image weight, crop margins.

DACS/DAFormer train the student on the teacher's arg-max labels for *every* target pixel, weighted
per image by the fraction of pixels whose confidence exceeds the threshold (SPEC: 0.968). The top and
bottom rows of a crop are given weight 0 (SPEC: top 15 / bottom 120 rows of a 512-row crop, scaled to
the actual crop height).

For offline self-training rounds (``zerowaste pseudo-label``), unconfident pixels become
``IGNORE_INDEX`` instead (:func:`hard_pseudo_labels`).

Example:
    >>> import torch
    >>> logits = torch.tensor([[[[9.0, 0.0]], [[0.0, 0.1]]]])      # (B=1, C=2, H=1, W=2)
    >>> labels, weight = pseudo_labels(logits, threshold=0.9)
    >>> labels.tolist(), weight.tolist()
    ([[[0, 1]]], [0.5])
"""

from __future__ import annotations

import torch

from zerowaste.contract import IGNORE_INDEX

#: Crop height the SPEC's margins (top 15 / bottom 120 rows) refer to.
MARGIN_REFERENCE_HEIGHT: int = 512


def _check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"pseudo-label threshold must be in [0, 1), got {threshold}")


@torch.no_grad()
def pseudo_labels(logits: torch.Tensor, threshold: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Arg-max labels (B, H, W) and per-image weights (B,) = fraction of pixels with max prob > threshold."""
    _check_threshold(threshold)
    if logits.dim() != 4:
        raise ValueError(f"expected logits of shape (B, C, H, W), got {tuple(logits.shape)}")
    prob, labels = torch.softmax(logits.float(), dim=1).max(dim=1)
    weight = (prob > threshold).float().flatten(1).mean(dim=1)
    return labels, weight


def margin_rows(height: int, top: int, bottom: int, reference_height: int = MARGIN_REFERENCE_HEIGHT) -> tuple[int, int]:
    """The SPEC's margins (given for ``reference_height`` rows) scaled to a crop of ``height`` rows.

    >>> margin_rows(512, 15, 120), margin_rows(256, 15, 120), margin_rows(64, 15, 120)
    ((15, 120), (8, 60), (2, 15))
    """
    if top < 0 or bottom < 0:
        raise ValueError("crop margins must be >= 0")
    scale = height / reference_height
    t, b = int(round(top * scale)), int(round(bottom * scale))
    if t + b >= height:
        raise ValueError(f"crop margins {top}/{bottom} (scaled to {t}/{b}) leave nothing of {height} rows")
    return t, b


def pixel_weights(
    weight: torch.Tensor, height: int, width: int, top: int = 0, bottom: int = 0,
    reference_height: int = MARGIN_REFERENCE_HEIGHT,
) -> torch.Tensor:
    """Per-pixel weights (B, H, W): each image's weight everywhere, 0 in the top/bottom margins."""
    t, b = margin_rows(height, top, bottom, reference_height)
    out = weight.view(-1, 1, 1).expand(-1, height, width).clone()
    if t:
        out[:, :t] = 0
    if b:
        out[:, height - b:] = 0
    return out


@torch.no_grad()
def hard_pseudo_labels(probs: torch.Tensor, threshold: float) -> torch.Tensor:
    """Offline pseudo-labels (H, W) uint8 from class probabilities (C, H, W): unconfident -> IGNORE_INDEX.

    >>> probs = torch.tensor([[[0.99, 0.6]], [[0.01, 0.4]]])
    >>> hard_pseudo_labels(probs, 0.9).tolist()
    [[0, 255]]
    """
    _check_threshold(threshold)
    conf, labels = probs.max(dim=0)
    labels = labels.to(torch.uint8)
    labels[conf <= threshold] = IGNORE_INDEX
    return labels
