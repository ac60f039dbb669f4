"""Model soup: uniform average of the weights of fine-tuned checkpoints (1st-place team's recipe).

All checkpoints must hold the same parameter names with the same shapes (same architecture);
otherwise :class:`SoupError` names the first differences. Floating-point tensors are averaged
(in float64, cast back); integer buffers (BatchNorm's ``num_batches_tracked``) are taken from
the first checkpoint. The soup keeps the first checkpoint's ``meta`` (config included), so
``zerowaste predict``/``eval`` read it like any checkpoint; optimizer state is dropped.

Example:
    >>> soup_checkpoints(["a.pth", "b.pth"], "soup.pth")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import torch

import zerowaste.compat.mmseg  # noqa: F401  (weights_only loads of mmengine checkpoints)
from zerowaste.compat.mmseg import atomic_put
from zerowaste.errors import ZeroWasteError

#: How many differences a mismatch error lists.
MAX_LISTED = 8


class SoupError(ZeroWasteError, ValueError):
    """Checkpoints that cannot be averaged (missing file, different keys or shapes)."""


def _load(path: Path) -> dict:
    if not path.is_file():
        raise SoupError(f"checkpoint {path} not found")
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001  (any unreadable file is the same user error)
        raise SoupError(f"checkpoint {path} cannot be read: {exc}") from None
    if not isinstance(ckpt, dict):
        raise SoupError(f"checkpoint {path} is not a dict")
    return ckpt if "state_dict" in ckpt else {"state_dict": ckpt, "meta": {}}


def check_compatible(states: Sequence[dict], names: Sequence[str]) -> None:
    """Raise :class:`SoupError` unless every state dict has the first one's keys and shapes."""
    ref, ref_name = states[0], names[0]
    for state, name in zip(states[1:], names[1:], strict=True):
        problems = [f"missing {k}" for k in ref if k not in state]
        problems += [f"extra {k}" for k in state if k not in ref]
        problems += [
            f"{k}: shape {tuple(state[k].shape)} vs {tuple(ref[k].shape)}"
            for k in ref
            if k in state and tuple(state[k].shape) != tuple(ref[k].shape)
        ]
        if problems:
            listed = "; ".join(problems[:MAX_LISTED]) + (f"; ... (+{len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else "")
            raise SoupError(f"{name} does not match {ref_name} ({len(problems)} differences): {listed}")


def average_state_dicts(states: Sequence[dict]) -> OrderedDict:
    """Uniform average of floating-point tensors; other tensors from the first state dict.

    >>> a, b = {"w": torch.tensor([1.0, 2.0])}, {"w": torch.tensor([3.0, 6.0])}
    >>> average_state_dicts([a, b])["w"].tolist()
    [2.0, 4.0]
    """
    out = OrderedDict()
    for key, first in states[0].items():
        if torch.is_floating_point(first):
            total = sum(s[key].to(torch.float64) for s in states)
            out[key] = (total / len(states)).to(first.dtype)
        else:
            out[key] = first.clone()
    return out


def soup_checkpoints(paths: Sequence[str | os.PathLike], out: str | os.PathLike) -> Path:
    """Average ``paths`` into ``out`` (written atomically); returns ``out``."""
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise SoupError("a soup needs at least two checkpoints")
    ckpts = [_load(p) for p in paths]
    states = [c["state_dict"] for c in ckpts]
    check_compatible(states, [str(p) for p in paths])
    meta = dict(ckpts[0].get("meta") or {})
    meta["soup_of"] = [str(p) for p in paths]
    buffer = io.BytesIO()
    torch.save({"state_dict": average_state_dicts(states), "meta": meta}, buffer)
    out = Path(out)
    atomic_put(buffer.getvalue(), out)
    return out
