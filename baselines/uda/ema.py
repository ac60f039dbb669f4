"""Exponential-moving-average (EMA) teacher, as in DACS / DAFormer.

The teacher's weights follow the student's: ``t = a * t + (1 - a) * s`` with
``a = min(1 - 1 / (iteration + 1), alpha)`` so that the teacher warms up quickly in the first
iterations. Buffers (e.g. BatchNorm running statistics) are copied, not averaged.

Under DistributedDataParallel (or mmengine's wrappers) the student is unwrapped first, so the teacher
(a plain module, identical on every rank because every rank applies the same update to the same
synchronised student weights) never sees the ``module.`` prefix.

Example:
    >>> import torch
    >>> student, teacher = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    >>> _ = ema_update(teacher, student, alpha=0.999, iteration=0)   # first step: plain copy
    >>> bool(torch.equal(teacher.weight, student.weight))
    True
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def unwrap(module: nn.Module) -> nn.Module:
    """Return the model inside DDP / mmengine wrappers (anything exposing ``.module``)."""
    while hasattr(module, "module") and isinstance(module.module, nn.Module):
        module = module.module
    return module


def make_teacher(student: nn.Module) -> nn.Module:
    """A frozen deep copy of the (unwrapped) student, in eval-free train mode, without gradients."""
    teacher = copy.deepcopy(unwrap(student))
    for p in teacher.parameters():
        p.requires_grad_(False)
    return teacher


def ema_alpha(alpha: float, iteration: int) -> float:
    """The effective EMA factor at ``iteration`` (0-based): ``min(1 - 1/(iteration+1), alpha)``.

    >>> ema_alpha(0.999, 0), ema_alpha(0.999, 1), ema_alpha(0.999, 10_000)
    (0.0, 0.5, 0.999)
    """
    if not 0.0 <= alpha < 1.0:
        raise ValueError(f"EMA alpha must be in [0, 1), got {alpha}")
    if iteration < 0:
        raise ValueError(f"iteration must be >= 0, got {iteration}")
    return min(1.0 - 1.0 / (iteration + 1), alpha)


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, alpha: float, iteration: int) -> float:
    """Move the teacher towards the student in place; return the factor used.

    Parameters are averaged, buffers are copied. Both models must have the same structure
    (the teacher comes from :func:`make_teacher`).
    """
    a = ema_alpha(alpha, iteration)
    student = unwrap(student)
    t_params = dict(teacher.named_parameters())
    s_params = dict(student.named_parameters())
    if t_params.keys() != s_params.keys():
        missing = sorted(set(s_params) ^ set(t_params))[:5]
        raise ValueError(f"teacher and student differ in parameters (e.g. {missing})")
    for name, s in s_params.items():
        t = t_params[name]
        if a == 0.0:
            t.copy_(s)
        else:
            t.mul_(a).add_(s.detach(), alpha=1.0 - a)
    t_bufs = dict(teacher.named_buffers())
    for name, b in student.named_buffers():
        t_bufs[name].copy_(b)
    return a
