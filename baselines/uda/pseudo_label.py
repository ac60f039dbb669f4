"""Pseudo-labels from a teacher's logits: confidence threshold, pseudo-label weight, crop margins.

DACS/DAFormer train the student on the teacher's arg-max labels for *every* target pixel, weighted by
the fraction of pixels whose max probability reaches the threshold (``p >= 0.968``, SPEC). What
DAFormer's and MIC's code compute is **one number for the whole target batch** (confident pixels over
B·H·W; ``weighting="batch"``, the default). The top and bottom rows of a crop then get weight 0
(SPEC: top 15 / bottom 120 rows of a 512-row crop, scaled to the actual crop height).

Variants (:data:`PSEUDO_WEIGHTINGS`):

- ``weighting="image"``: one weight per image (each image's own confident fraction), as the DACS
  paper can be read; the kit's default before it followed DAFormer's code;
- ``weighting="pixel"``: confident pixels get weight 1 and the others 0 (FixMatch-style), for models
  that are never as confident as an ImageNet-initialised MiT-B5 (a small model trained from scratch,
  a short schedule);
- :class:`DistributionAlignment`: the teacher's target probabilities are re-weighted so that their
  class distribution matches the source labels' (ReMixMatch's distribution alignment, Berthelot et
  al., ICLR 2020), which counters a teacher that labels the target's unfamiliar background as one
  object class everywhere;
- :class:`AdaptiveThreshold`: class-wise self-adaptive thresholds (FreeMatch, Wang et al., ICLR 2023):
  the global threshold follows the teacher's mean confidence (an EMA), and each class's threshold is
  that times the class's mean predicted probability over the largest one's, so a class the teacher
  rarely predicts (and is less sure of) is not starved by a threshold set for the background.

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
#: How the confident fraction becomes pixel weights (see the module docstring); the first is DAFormer's.
PSEUDO_WEIGHTINGS = ("batch", "image", "pixel")


def check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"pseudo-label threshold must be in [0, 1), got {threshold}")


@torch.no_grad()
def pseudo_labels(logits: torch.Tensor, threshold: float | torch.Tensor,
                  weighting: str = "batch") -> tuple[torch.Tensor, torch.Tensor]:
    """Arg-max labels (B, H, W) and their weights (:func:`confidence_weights`) for ``threshold``.

    ``threshold`` is one number, or one per class (a (C,) tensor, e.g. :class:`AdaptiveThreshold`),
    compared (``>=``) with the probability of each pixel's arg-max class.
    """
    labels, confident = confident_pixels(logits, threshold)
    return labels, confidence_weights(confident, weighting)


def confidence_weights(confident: torch.Tensor, weighting: str = "batch") -> torch.Tensor:
    """Weights from the (B, H, W) mask of confident pixels.

    ``"batch"`` (DAFormer, MIC): (B,), every entry the batch's confident fraction; ``"image"``: (B,),
    each image's own fraction; ``"pixel"``: (B, H, W), 1 on confident pixels and 0 elsewhere.

    >>> mask = torch.tensor([[[True, False]], [[True, True]]])
    >>> [confidence_weights(mask, w).flatten().tolist() for w in PSEUDO_WEIGHTINGS]
    [[0.75, 0.75], [0.5, 1.0], [1.0, 0.0, 1.0, 1.0]]
    """
    if weighting not in PSEUDO_WEIGHTINGS:
        raise ValueError(f"pseudo-label weighting must be one of {PSEUDO_WEIGHTINGS}, got {weighting!r}")
    mask = confident.float()
    if weighting == "pixel":
        return mask
    if weighting == "batch":
        return mask.mean().expand(mask.shape[0]).clone()
    return mask.flatten(1).mean(dim=1)


@torch.no_grad()
def confident_pixels(logits: torch.Tensor, threshold: float | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Arg-max labels (B, H, W) and the boolean mask (B, H, W) of pixels at or above their class's threshold.

    >>> logits = torch.tensor([[[[9.0, 0.0]], [[0.0, 0.1]]]])
    >>> labels, mask = confident_pixels(logits, torch.tensor([0.99, 0.5]))
    >>> labels.tolist(), mask.tolist()
    ([[[0, 1]]], [[[True, True]]])
    """
    if logits.dim() != 4:
        raise ValueError(f"expected logits of shape (B, C, H, W), got {tuple(logits.shape)}")
    prob, labels = torch.softmax(logits.float(), dim=1).max(dim=1)
    if isinstance(threshold, torch.Tensor) and threshold.dim() == 1:
        if threshold.numel() != logits.shape[1]:
            raise ValueError(f"{threshold.numel()} class thresholds for {logits.shape[1]} classes")
        if not bool(((threshold >= 0) & (threshold < 1)).all()):
            raise ValueError(f"class thresholds must be in [0, 1), got {threshold.tolist()}")
        return labels, prob >= threshold.to(prob.device)[labels]
    check_threshold(float(threshold))
    return labels, prob >= float(threshold)


def _mean_over_ranks(stats: torch.Tensor) -> torch.Tensor:
    """``stats`` averaged over the ranks of a distributed run (unchanged otherwise), so that every rank
    keeps the same state."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        stats = stats.clone()
        torch.distributed.all_reduce(stats)
        stats /= torch.distributed.get_world_size()
    return stats


class AdaptiveThreshold(torch.nn.Module):
    """Class-wise self-adaptive confidence thresholds (FreeMatch) for a teacher's target predictions.

    Keeps two EMAs (``momentum``) of the teacher's softmax on the target: the mean max-probability
    ``global_conf`` and the mean probability of each class ``class_conf``. The threshold of class
    ``c`` is ``global_conf * class_conf[c] / max(class_conf)``, capped at ``ceiling`` (e.g. the
    SPEC's 0.968, so it is never stricter than the fixed recipe). Both start at ``1 / C``: a teacher
    that knows nothing yet keeps (almost) nothing back, and the thresholds rise as it grows sure.
    The state lives in buffers, so it is saved in checkpoints and restored on ``--resume``.

    >>> at = AdaptiveThreshold(num_classes=2, momentum=0.0)
    >>> at.update(torch.tensor([[[[4.0]], [[0.0]]]]))  # one pixel, class 0 at p = 0.982
    >>> [round(t, 3) for t in at.thresholds().tolist()]
    [0.968, 0.018]
    """

    def __init__(self, num_classes: int, momentum: float = 0.99, ceiling: float = 0.968) -> None:
        super().__init__()
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"adaptive threshold momentum must be in [0, 1), got {momentum}")
        check_threshold(ceiling)
        self.momentum, self.ceiling = float(momentum), float(ceiling)
        self.register_buffer("global_conf", torch.tensor(1.0 / num_classes))
        self.register_buffer("class_conf", torch.full((num_classes,), 1.0 / num_classes))

    @torch.no_grad()
    def update(self, logits: torch.Tensor) -> None:
        """Move the EMAs with a batch of teacher logits (B, C, H, W)."""
        prob = torch.softmax(logits.float(), dim=1)
        stats = _mean_over_ranks(torch.cat([prob.max(dim=1).values.mean().view(1), prob.mean(dim=(0, 2, 3))]))
        m = self.momentum
        self.global_conf.mul_(m).add_(stats[0], alpha=1 - m)
        self.class_conf.mul_(m).add_(stats[1:], alpha=1 - m)

    def thresholds(self) -> torch.Tensor:
        """The current per-class thresholds (C,)."""
        t = self.global_conf * self.class_conf / self.class_conf.max().clamp_min(1e-12)
        return t.clamp(max=self.ceiling)


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
    """Per-pixel weights (B, H, W): each image's weight (B,) everywhere, or the given per-pixel weights
    (B, H, W), with 0 in the top/bottom margins."""
    t, b = margin_rows(height, top, bottom, reference_height)
    if weight.dim() == 3:
        if tuple(weight.shape[1:]) != (height, width):
            raise ValueError(f"pixel weights {tuple(weight.shape)} do not match a {height}x{width} crop")
        out = weight.float().clone()
    else:
        out = weight.view(-1, 1, 1).expand(-1, height, width).clone()
    if t:
        out[:, :t] = 0
    if b:
        out[:, height - b:] = 0
    return out


@torch.no_grad()
def hard_pseudo_labels(probs: torch.Tensor, threshold: float) -> torch.Tensor:
    """Offline pseudo-labels (H, W) uint8 from class probabilities (C, H, W): max prob below the threshold
    -> IGNORE_INDEX (the same ``>=`` rule as training).

    >>> probs = torch.tensor([[[0.99, 0.6]], [[0.01, 0.4]]])
    >>> hard_pseudo_labels(probs, 0.9).tolist()
    [[0, 255]]
    """
    check_threshold(threshold)
    conf, labels = probs.max(dim=0)
    labels = labels.to(torch.uint8)
    labels[conf < threshold] = IGNORE_INDEX
    return labels


class DistributionAlignment(torch.nn.Module):
    """Align the teacher's target predictions with the source label distribution (ReMixMatch).

    Keeps EMAs (``momentum``) of the source label frequencies ``source_prior`` (from the ground truth
    of each source batch; 255 ignored) and of the teacher's mean class probabilities on the target
    ``target_mean``; :meth:`align` multiplies the probabilities by ``source_prior / target_mean`` and
    renormalises (in logit space: adds ``log`` of the ratio). Both start uniform, so the first
    alignment is the identity. Assumes the two domains hold the classes in similar proportions: it
    uses the source's labels only, never the target's. State in buffers (checkpoints, ``--resume``),
    averaged across ranks under DDP.

    >>> da = DistributionAlignment(num_classes=2, momentum=0.0)
    >>> logits = torch.zeros(1, 2, 1, 4)                       # the teacher is undecided ...
    >>> da.update(torch.tensor([[[0, 0, 0, 1]]]), logits)    # ... the source is 75 % class 0
    >>> [round(v, 4) for v in torch.softmax(da.align(logits), dim=1)[0, :, 0, 0].tolist()]
    [0.75, 0.25]
    """

    def __init__(self, num_classes: int, momentum: float = 0.99) -> None:
        super().__init__()
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"distribution alignment momentum must be in [0, 1), got {momentum}")
        self.num_classes, self.momentum = int(num_classes), float(momentum)
        self.register_buffer("source_prior", torch.full((num_classes,), 1.0 / num_classes))
        self.register_buffer("target_mean", torch.full((num_classes,), 1.0 / num_classes))

    @torch.no_grad()
    def update(self, source_labels: torch.Tensor, target_logits: torch.Tensor) -> None:
        """Move the EMAs with a source label batch (B, H, W) and teacher logits on the target (B, C, H, W)."""
        labels = source_labels[source_labels != IGNORE_INDEX].long()
        if labels.numel() and int(labels.max()) >= self.num_classes:
            raise ValueError(f"source label {int(labels.max())} outside 0..{self.num_classes - 1}")
        hist = torch.bincount(labels, minlength=self.num_classes).float().to(self.source_prior.device)
        hist = hist / hist.sum() if hist.sum() > 0 else self.source_prior.clone()
        mean = torch.softmax(target_logits.float(), dim=1).mean(dim=(0, 2, 3))
        stats = _mean_over_ranks(torch.cat([hist, mean.to(hist.device)]))
        m = self.momentum
        self.source_prior.mul_(m).add_(stats[: self.num_classes], alpha=1 - m)
        self.target_mean.mul_(m).add_(stats[self.num_classes:], alpha=1 - m)

    def align(self, logits: torch.Tensor) -> torch.Tensor:
        """Logits whose softmax is ``p * source_prior / target_mean``, renormalised."""
        ratio = self.source_prior.clamp_min(1e-6).log() - self.target_mean.clamp_min(1e-6).log()
        return logits.float() + ratio.to(logits.device).view(1, -1, 1, 1)
