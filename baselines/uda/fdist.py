"""ImageNet feature distance (DAFormer): keep the student's source features close to a frozen
ImageNet-pretrained copy of the backbone, on pixels of the "thing" classes only.

The label is downscaled to the feature resolution by majority with a minimum ratio: a feature cell
gets class ``c`` only if at least ``min_ratio`` (DAFormer: 0.75) of its pixels are ``c``; otherwise it
is ignored. The loss is ``lambda * mean ||f_student - f_imagenet||_2`` over the cells whose class is in
``classes`` (SPEC: 1..4, lambda 0.005). It only makes sense with ImageNet weights:
:func:`require_pretrained` refuses a backbone that starts from scratch.

Example:
    >>> import torch
    >>> lab = torch.zeros(1, 4, 4, dtype=torch.long); lab[0, :2, :2] = 3
    >>> downscale_label_ratio(lab, (2, 2), min_ratio=0.75, num_classes=5).tolist()
    [[[3, 0], [0, 0]]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import torch
import torch.nn.functional as F

from zerowaste.contract import IGNORE_INDEX, NUM_CLASSES
from zerowaste.errors import ZeroWasteError

#: The SPEC's classes for the feature distance: every class but background.
THING_CLASSES: tuple[int, ...] = tuple(range(1, NUM_CLASSES))


class PretrainedRequiredError(ZeroWasteError, ValueError):
    """The feature distance was switched on for a backbone without ImageNet weights."""


def pretrained_checkpoint(backbone_cfg: Mapping) -> str | None:
    """The local checkpoint path a backbone config loads (``init_cfg=dict(type='Pretrained', checkpoint=...)``)."""
    init = backbone_cfg.get("init_cfg") or {}
    if isinstance(init, Mapping) and init.get("type") == "Pretrained" and init.get("checkpoint"):
        return str(init["checkpoint"])
    pretrained = backbone_cfg.get("pretrained")
    return str(pretrained) if pretrained else None


def require_pretrained(backbone_cfg: Mapping) -> Path:
    """Return the backbone's ImageNet checkpoint, or raise a clear error if there is none."""
    ckpt = pretrained_checkpoint(backbone_cfg)
    if ckpt is None:
        raise PretrainedRequiredError(
            "ImageNet feature distance (fdist_lambda > 0) needs a backbone with ImageNet weights, but "
            f"the backbone ({backbone_cfg.get('type')}) starts from scratch. Pass --pretrained PATH "
            "(or set model.backbone.init_cfg=dict(type='Pretrained', checkpoint=PATH)), or set "
            "fdist_lambda=0."
        )
    if "://" not in ckpt and not Path(ckpt).is_file():
        raise PretrainedRequiredError(f"ImageNet feature distance: backbone checkpoint {ckpt} does not exist")
    return Path(ckpt)


def downscale_label_ratio(
    label: torch.Tensor, size: tuple[int, int], min_ratio: float, num_classes: int,
    ignore_index: int = IGNORE_INDEX,
) -> torch.Tensor:
    """Downscale a label map (B, H, W) to ``size`` (h, w): majority class if it covers >= ``min_ratio``.

    Each output cell covers ``ceil(H / h) x ceil(W / w)`` pixels; a label that does not divide
    evenly is padded with ``ignore_index`` at the bottom/right (as padded convolutions see it).
    """
    if label.dim() == 4:
        label = label.squeeze(1)
    h, w = size
    fh, fw = -(-label.shape[-2] // h), -(-label.shape[-1] // w)
    lab = label.long()
    lab = F.pad(lab, (0, w * fw - lab.shape[-1], 0, h * fh - lab.shape[-2]), value=ignore_index)
    lab = lab.masked_fill((lab < 0) | (lab >= num_classes), num_classes)  # ignore -> an extra bin
    onehot = F.one_hot(lab, num_classes + 1).permute(0, 3, 1, 2).float()
    counts = F.avg_pool2d(onehot, (fh, fw))
    ratio, cls = counts.max(dim=1)
    cls[(ratio < min_ratio) | (cls == num_classes)] = ignore_index
    return cls


def feature_distance_loss(
    feat: torch.Tensor, imnet_feat: torch.Tensor, label: torch.Tensor, *, lam: float,
    classes: Iterable[int] = THING_CLASSES, min_ratio: float = 0.75, num_classes: int = NUM_CLASSES,
) -> torch.Tensor:
    """``lam * mean ||feat - imnet_feat||_2`` over feature cells whose (downscaled) class is in ``classes``.

    ``feat``/``imnet_feat`` are (B, C, h, w); ``label`` is (B, H, W) at image resolution. Returns a
    zero (still differentiable) loss when no cell qualifies.
    """
    small = downscale_label_ratio(label, tuple(feat.shape[-2:]), min_ratio, num_classes)
    mask = torch.isin(small, torch.tensor(list(classes), device=small.device))
    dist = torch.norm(feat - imnet_feat.detach(), dim=1)
    if not mask.any():
        return dist.sum() * 0.0
    return lam * dist[mask].mean()
