"""Parameters used per forward pass, against the challenge's limit (300M; ensembles summed).

The count is measured, not read off the config: during one inference pass (the path
``zerowaste predict`` uses), forward hooks record which modules actually run and a torch function
mode records parameters used functionally; those parameters are counted once each (shared
weights once). Training-only parts, such as DeepLabV3+'s
auxiliary FCN head or a UDA teacher, do not count. An ensemble counts each member.

Example:
    >>> report = check_models(["baselines/configs/tiny/segformer_tiny_cpu.py"])  # doctest: +SKIP
    >>> report.total <= report.limit  # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

import zerowaste.baselines.registry  # noqa: F401  (compat + registrations)
from zerowaste import contract

#: Input size (h, w) of the counting pass: small, same aspect ratio as ZeroWaste frames.
DEFAULT_INPUT_HW: tuple[int, int] = (256, 448)


class _ParameterUse(TorchFunctionMode):
    """Records every parameter passed to a torch function (catches weights used functionally)."""

    def __init__(self, parameter_ids: set[int]) -> None:
        super().__init__()
        self.parameter_ids, self.used = parameter_ids, set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        for leaf in tree_flatten((args, kwargs or {}))[0]:
            if id(leaf) in self.parameter_ids:
                self.used.add(id(leaf))
        return func(*args, **(kwargs or {}))


def used_parameters(module: torch.nn.Module, run: Callable[[], object]) -> dict[str, int]:
    """``{name: numel}`` of the parameters of ``module`` that take part in ``run()`` (shared weights once).

    A parameter counts when the submodule owning it is called (forward pre-hooks) or when it is
    passed to a torch function directly: ``nn.MultiheadAttention`` uses its ``out_proj`` weights
    through ``F.multi_head_attention_forward`` without calling ``out_proj``.
    """
    names = {id(p): n for n, p in module.named_parameters()}
    params = {id(p): p for p in module.parameters()}
    called: list[torch.nn.Module] = []
    hooks = [m.register_forward_pre_hook(lambda mod, args: called.append(mod)) for m in module.modules()]
    tracker = _ParameterUse(set(params))
    try:
        with torch.no_grad(), tracker:
            run()
    finally:
        for h in hooks:
            h.remove()
    used = set(tracker.used)
    for mod in called:
        used.update(id(p) for p in mod.parameters(recurse=False))
    return {names[i]: params[i].numel() for i in used}


def params_used(module: torch.nn.Module, run: Callable[[], object]) -> int:
    """Parameters of ``module`` that take part in ``run()``, each counted once (see :func:`used_parameters`).

    >>> net = torch.nn.ModuleDict(dict(a=torch.nn.Linear(3, 2), unused=torch.nn.Linear(9, 9)))
    >>> params_used(net, lambda: net["a"](torch.zeros(1, 3)))
    8
    """
    return sum(used_parameters(module, run).values())


def part_of(name: str) -> str:
    """The model part a parameter belongs to: ``backbone``, ``neck``, ``decode_head``... (a UDA wrapper's
    student ``model.`` prefix is dropped).

    >>> part_of("model.backbone.model.blocks.0.attn.qkv.weight"), part_of("decode_head.conv_seg.bias")
    ('backbone', 'decode_head')
    """
    return name.removeprefix("model.").split(".")[0]


@dataclass
class ModelCount:
    config: str
    used: int
    total: int
    parts: dict[str, int] = field(default_factory=dict)  #: used per forward, by part (backbone, decode_head...)

    def summary(self) -> str:
        """``name: 311.2M (backbone 304.4M, neck 3.1M, ...)``."""
        parts = ", ".join(f"{k} {v / 1e6:.1f}M" for k, v in sorted(self.parts.items(), key=lambda kv: -kv[1]))
        return f"{self.config}: {self.used / 1e6:.1f}M ({parts})"


@dataclass
class CheckReport:
    models: list[ModelCount] = field(default_factory=list)
    limit: int = contract.MAX_PARAMS_PER_FORWARD

    @property
    def total(self) -> int:
        """Parameters per forward pass of the whole ensemble."""
        return sum(m.used for m in self.models)

    @property
    def ok(self) -> bool:
        return self.total <= self.limit

    def refusal(self) -> str:
        """The one-line reason a too-large model or ensemble is refused (empty when ``ok``)."""
        if self.ok:
            return ""
        return (f"{self.total:,} parameters per forward pass exceed the challenge's limit of {self.limit:,}: "
                + "; ".join(m.summary() for m in self.models))


def build_model(config: str | os.PathLike) -> torch.nn.Module:
    """The model of a config (no weights loaded, eval mode)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from zerowaste.baselines.train import resolve_config

    cfg = Config.fromfile(str(resolve_config(config)))
    init_default_scope(cfg.get("default_scope", "mmseg"))
    cfg.model.pretrained = None
    if cfg.model.get("backbone", {}).get("init_cfg"):
        cfg.model.backbone.init_cfg = None
    return MODELS.build(cfg.model).eval()


def count_parts(model: torch.nn.Module, input_hw: tuple[int, int] = DEFAULT_INPUT_HW) -> dict[str, int]:
    """Parameters used by one inference pass of an mmseg segmentor on a (1, 3, h, w) input, by part."""
    h, w = input_hw
    inputs = torch.zeros(1, 3, h, w)
    meta = dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w))
    parts: dict[str, int] = {}
    for name, n in used_parameters(model, lambda: model.inference(inputs, [meta])).items():
        parts[part_of(name)] = parts.get(part_of(name), 0) + n
    return parts


def count_model(model: torch.nn.Module, input_hw: tuple[int, int] = DEFAULT_INPUT_HW) -> int:
    """Parameters used by one inference pass of an mmseg segmentor on a (1, 3, h, w) input."""
    return sum(count_parts(model, input_hw).values())


def check_models(configs: Sequence[str | os.PathLike], input_hw: tuple[int, int] = DEFAULT_INPUT_HW) -> CheckReport:
    """Count every config (an ensemble when several) against ``contract.MAX_PARAMS_PER_FORWARD``."""
    report = CheckReport()
    for config in configs:
        model = build_model(config)
        total = sum(p.numel() for p in model.parameters())
        parts = count_parts(model, input_hw)
        report.models.append(ModelCount(config=Path(config).name, used=sum(parts.values()), total=total, parts=parts))
        del model
    return report
