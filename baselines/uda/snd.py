"""Soft neighbourhood density (SND; Saito et al., "Tune it the Right Way", ICCV 2021).

Unsupervised model selection: a model whose target predictions form dense, well-separated
neighbourhoods scores high. For N sampled target pixels with class probabilities ``p_i``:
``p_i`` is L2-normalised, ``S_ij = <p_i, p_j> / tau`` (tau 0.05) with the diagonal excluded,
``P = row-softmax(S)`` and ``SND = mean_i entropy(P_i)``. Higher is better.

Known limit (from the paper): a model that predicts the *same* distribution everywhere (collapse)
gets the maximal value ``log(N - 1)``; rank checkpoints of one training run, not arbitrary models.

Example:
    >>> import torch
    >>> clustered = torch.eye(2).repeat_interleave(10, dim=0) * 0.9 + 0.05   # two tight clusters
    >>> scattered = torch.softmax(torch.randn(20, 2, generator=torch.Generator().manual_seed(0)) * 3, 1)
    >>> snd(clustered) > snd(scattered)
    True
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

DEFAULT_TAU: float = 0.05
DEFAULT_PIXELS: int = 100


def snd(probs: torch.Tensor, tau: float = DEFAULT_TAU, chunk: int = 4096) -> float:
    """SND of N probability vectors (N, C); rows are processed in chunks (memory O(chunk * N))."""
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
        idx = torch.arange(rows.shape[0])
        sim[idx, idx + start] = float("-inf")  # exclude the diagonal
        logp = torch.log_softmax(sim, dim=1)
        p = logp.exp()
        total += -(p * logp.masked_fill(p == 0, 0)).sum()
    return float(total / n)


def sample_pixels(probs: torch.Tensor, n: int = DEFAULT_PIXELS, generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` random pixels (without replacement) of one prediction (C, H, W) as an (n, C) matrix."""
    if probs.dim() != 3:
        raise ValueError(f"expected probabilities (C, H, W), got {tuple(probs.shape)}")
    flat = probs.flatten(1).T
    n = min(n, flat.shape[0])
    idx = torch.randperm(flat.shape[0], generator=generator)[:n]
    return flat[idx]
