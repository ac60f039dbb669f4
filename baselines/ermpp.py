"""ERM++ (Teterwak et al., "ERM++: An Improved Baseline for Domain Generalization") for the
source-only / domain-generalization track: three switchable pieces.

1. **Warm start** (:class:`BackboneWarmStartHook`): the first ``iters`` iterations train the neck and
   decode head on a frozen backbone, so a randomly initialised head does not push large gradients
   into the pretrained features; then everything trains.
2. **Model parameter averaging**: mmengine's ``EMAHook`` with ``ema_type="StochasticWeightAverage"``
   and ``begin_iter``: the uniform average of the weights after every iteration from ``begin_iter``
   on. It is the model that validation sees and that checkpoints hold under ``state_dict`` (the raw
   weights go to ``ema_state_dict``), so ``zerowaste eval/predict/soup`` use the average.
3. **Train + val**: once the iteration count is chosen on val, train on all labelled source data
   (a ``MixedSegDataset`` of the train and val splits) for that many iterations.

Configs: ``segformer/segformer_mit-b5_zerowaste-f_ermpp.py`` and
``dinov2/daformer_dinov2-vit-b_zerowaste-f_ermpp.py`` (train split, validated on val: choose the
iteration count), their ``*_ermpp_trainval.py`` children (train + val), and the CPU-sized
``tiny/segformer_tiny_ermpp_cpu.py``. Switch a piece off with ``custom_hooks.1.iters=0`` (no warm
start) or ``custom_hooks.2.begin_iter=<max_iters>`` (the average of the last weights only, i.e. no
averaging).

Example:
    >>> hook = BackboneWarmStartHook(iters=2)
    >>> hook.frozen_at(0), hook.frozen_at(1), hook.frozen_at(2)
    (True, True, False)
"""

from __future__ import annotations

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


def backbone_of(model: torch.nn.Module) -> torch.nn.Module:
    """The backbone of an mmseg segmentor (unwrapping DDP and a UDA wrapper's student)."""
    model = model.module if is_model_wrapper(model) else model
    model = getattr(model, "model", model) if not hasattr(model, "backbone") else model
    return model.backbone


class BackboneWarmStartHook(Hook):
    """Freeze the backbone for the first ``iters`` training iterations (``iters=0``: off).

    Frozen parameters get no gradient, so the optimizer leaves them (and their weight decay) alone.
    Several processes: DDP needs ``find_unused_parameters=True`` while the backbone is frozen.
    """

    priority = "NORMAL"

    def __init__(self, iters: int = 0) -> None:
        if iters < 0:
            raise ValueError(f"BackboneWarmStartHook: iters must be >= 0, got {iters}")
        self.iters = int(iters)

    def frozen_at(self, iteration: int) -> bool:
        """Whether the backbone is frozen during (0-based) ``iteration``."""
        return iteration < self.iters

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        frozen = self.frozen_at(runner.iter)
        for p in backbone_of(runner.model).parameters():
            p.requires_grad_(not frozen)

    def after_train(self, runner) -> None:
        for p in backbone_of(runner.model).parameters():
            p.requires_grad_(True)
