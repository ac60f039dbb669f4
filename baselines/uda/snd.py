"""Soft neighbourhood density (SND; Saito et al., "Tune it the Right Way", ICCV 2021).

Unsupervised model selection: a model whose target predictions form dense, well-separated
neighbourhoods scores high. For N sampled target pixels with class probabilities ``p_i``:
``p_i`` is L2-normalised, ``S_ij = <p_i, p_j> / tau`` (tau 0.05) with the diagonal excluded,
``P = row-softmax(S)`` and ``SND = mean_i entropy(P_i)``. Higher is better.

For segmentation the authors' code (``eval_siment`` in their AdaptSegNet experiments) scores **each
target image on its own** -- 100 random pixels of that image, entropy of ``row-softmax(20 · P Pᵀ)``
(the full matrix, diagonal included) -- and averages over images: :func:`snd_score` with
``pooling="image"``, the kit's default. ``pooling="pooled"`` puts the pixels of all images into one
matrix (diagonal excluded), the kit's earlier reading, which ranks checkpoints differently. Two
details of ``eval_siment`` are not copied: it adds 1e-5 inside the logarithm (shifting a 100-pixel
score by about 1e-3) and divides the sum by the number of images minus one (a constant factor).

Known limit (from the paper): a model that predicts the *same* distribution everywhere (collapse)
gets the maximal value ``log(N - 1)`` (``log(N)`` with the diagonal); rank checkpoints of one training
run, not arbitrary models.

Example:
    >>> import torch
    >>> clustered = torch.eye(2).repeat_interleave(10, dim=0) * 0.9 + 0.05   # two tight clusters
    >>> scattered = torch.softmax(torch.randn(20, 2, generator=torch.Generator().manual_seed(0)) * 3, 1)
    >>> snd(clustered) > snd(scattered)
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

DEFAULT_TAU: float = 0.05
DEFAULT_PIXELS: int = 100
#: How pixels of several images are scored (see the module docstring); the first is the authors'.
POOLINGS = ("image", "pooled")


def snd(probs: torch.Tensor, tau: float = DEFAULT_TAU, chunk: int = 4096, exclude_diagonal: bool = True) -> float:
    """SND of N probability vectors (N, C); rows are processed in chunks (memory O(chunk * N)).

    ``exclude_diagonal=False`` keeps each vector's similarity with itself, as ``eval_siment`` does.
    """
    if probs.dim() != 2 or probs.shape[0] < 3:
        raise ValueError(f"SND needs a (N>=3, C) matrix of probabilities, got {tuple(probs.shape)}")
    if tau <= 0:
        raise ValueError(f"tau must be > 0, got {tau}")
    x = F.normalize(probs.double(), dim=1)
    n = x.shape[0]
    total = x.new_zeros(())
    for start in range(0, n, chunk):
        rows = x[start:start + chunk]
        sim = rows @ x.T / tau
        if exclude_diagonal:
            idx = torch.arange(rows.shape[0])
            sim[idx, idx + start] = float("-inf")
        logp = torch.log_softmax(sim, dim=1)
        p = logp.exp()
        total += -(p * logp.masked_fill(p == 0, 0)).sum()
    return float(total / n)


def snd_score(samples: Sequence[torch.Tensor], tau: float = DEFAULT_TAU, pooling: str = "image") -> float:
    """SND of pixels sampled from several images (one (n_i, C) matrix per image).

    ``"image"``: each image scored on its own (diagonal included) and the scores averaged, as the
    authors' ``eval_siment``; ``"pooled"``: all pixels in one matrix (diagonal excluded).

    >>> a, b = torch.eye(3), torch.full((3, 3), 1 / 3)       # three distinct pixels; three identical ones
    >>> [round(snd(x, exclude_diagonal=False), 4) for x in (a, b)]     # 0 and log(3)
    [0.0, 1.0986]
    >>> round(snd_score([a, b]), 4), round(snd_score([a, b], pooling="pooled"), 4)
    (0.5493, 0.8974)
    """
    if pooling not in POOLINGS:
        raise ValueError(f"SND pooling must be one of {POOLINGS}, got {pooling!r}")
    if not samples:
        raise ValueError("SND needs pixels of at least one image")
    if pooling == "pooled":
        return snd(torch.cat(list(samples)), tau=tau)
    return sum(snd(s, tau=tau, exclude_diagonal=False) for s in samples) / len(samples)


def sample_pixels(probs: torch.Tensor, n: int = DEFAULT_PIXELS, generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` random pixels (without replacement) of one prediction (C, H, W) as an (n, C) matrix."""
    if probs.dim() != 3:
        raise ValueError(f"expected probabilities (C, H, W), got {tuple(probs.shape)}")
    flat = probs.flatten(1).T
    n = min(n, flat.shape[0])
    idx = torch.randperm(flat.shape[0], generator=generator)[:n]
    return flat[idx]
