"""Every workaround the mmseg stack needs here, in one place. Import this module before mmseg.

Pinned stack: torch 2.14.1, mmengine 0.10.7, mmcv-lite 2.1.0 (or full mmcv 2.1.0), mmsegmentation
1.2.2. Importing this module applies, once and idempotently:

1. **mmcv-lite has no compiled ``mmcv._ext``** (mmcv 2.1.0 "lite" wheels). ``mmseg.utils`` imports
   ``mmcv.ops.point_sample`` at import time, so ``import mmseg.models`` fails. When ``mmcv._ext``
   is missing we install a small ``mmcv.ops`` package object whose ``__path__`` is mmcv's own ops
   folder: pure-PyTorch submodules (``point_sample``) import from it unchanged, and any compiled
   op (``sigmoid_focal_loss``, ``CrissCrossAttention``, ``PSAMask``, deformable convs...) raises
   a clear error naming the fix (install full mmcv, as the participant Docker image does).
   SegFormer, DeepLabV3+, UPerNet and PSPNet never call a compiled op. Drop when mmcv-lite ships
   ops-free imports, or when the full mmcv is installed (then nothing is patched).
2. **torch >= 2.6 loads with ``weights_only=True``**, which rejects the objects mmengine pickles
   into checkpoints (``HistoryBuffer`` in the message hub, numpy scalars/arrays of the logged
   values). We allow-list exactly those types with ``torch.serialization.add_safe_globals``
   instead of switching the check off, and stop ``HistoryBuffer`` from pickling its class-level
   functions (they would need ``builtins.getattr`` allowed, which defeats the check).
3. **Atomic checkpoints**: mmengine's local file backend writes files in place, so a run killed
   while saving leaves a truncated ``.pth``. We register an ``atomic_local`` file backend (tmp
   file + ``os.replace``) that the kit's configs name in ``default_hooks.checkpoint.backend_args``.
4. **torchrun without GPUs**: mmengine's ``_init_dist_pytorch`` calls ``torch.cuda.set_device``
   before ``init_process_group``, which raises on a machine without a CUDA driver. When no
   accelerator is available it now only creates the process group (the backend, ``gloo`` on CPU,
   is chosen by ``zerowaste.baselines.train.prepare_config``); with CUDA mmengine's function runs unchanged.
5. **Mixed precision on CPU**: mmengine's ``AmpOptimWrapper`` asserts a GPU in ``__init__``,
   although its ``autocast`` supports CPU with ``bfloat16``. ``CPUAmpOptimWrapper`` (registered in
   mmengine's ``OPTIM_WRAPPERS``) is the same wrapper without that assert: bf16 autocast and no loss
   scaling (bf16 has float32's exponent range, so gradients do not underflow the way fp16's do).

Pretrained downloads are impossible here: the kit's configs set ``init_cfg=None`` and take a local
file through ``zerowaste train --pretrained PATH`` (see docs/baselines.md).

Example:
    >>> import zerowaste.compat.mmseg as compat
    >>> compat.apply()  # idempotent
    >>> import mmseg.models  # works on mmcv-lite
    >>> compat.HAS_MMCV_OPS in (True, False)
    True
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
import warnings
from pathlib import Path

from zerowaste.errors import ZeroWasteError

#: True when the compiled ``mmcv._ext`` is importable (full mmcv); set by :func:`apply`.
HAS_MMCV_OPS: bool = False
_APPLIED = False

#: Pure-PyTorch modules of ``mmcv.ops`` that mmseg imports eagerly.
_PURE_OPS = {"point_sample": ("point_sample", "bilinear_grid_sample")}


class MissingCompiledOp(ZeroWasteError, ModuleNotFoundError):
    """An mmcv op that needs the compiled ``mmcv._ext`` (not shipped by mmcv-lite).

    A ``ModuleNotFoundError`` because mmseg guards its optional ops with ``except ModuleNotFoundError``.
    """


def _missing_op(name: str):
    message = (
        f"mmcv.ops.{name} needs mmcv's compiled ops, which mmcv-lite does not ship. "
        "Use a model without it (SegFormer, DeepLabV3+ need none) or install the full mmcv 2.1.0 "
        "(docker/participant/Dockerfile builds it with MMCV_WITH_OPS=1)."
    )

    def _raise(*args, **kwargs):
        raise MissingCompiledOp(message)

    _raise.__name__ = name
    _raise.__doc__ = message
    return _raise


def _install_mmcv_ops_shim() -> None:
    """Install the pure-PyTorch ``mmcv.ops`` package object (only when ``mmcv._ext`` is missing)."""
    import mmcv

    ops_dir = Path(mmcv.__file__).parent / "ops"
    shim = types.ModuleType("mmcv.ops")
    shim.__path__ = [str(ops_dir)]
    shim.__file__ = str(ops_dir / "__init__.py")
    shim.__doc__ = "mmcv.ops without compiled ops (installed by zerowaste.compat.mmseg)."
    sys.modules["mmcv.ops"] = shim
    mmcv.ops = shim
    for module_name, names in _PURE_OPS.items():
        module = importlib.import_module(f"mmcv.ops.{module_name}")
        for name in names:
            setattr(shim, name, getattr(module, name))
    # mmseg imports this one at module level and only calls it on CUDA tensors.
    shim.sigmoid_focal_loss = _missing_op("sigmoid_focal_loss")

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        # `from mmcv.ops import X` inside try/except ImportError (cc_head, psa_head) keeps working.
        raise MissingCompiledOp(_missing_op(name).__doc__)

    shim.__getattr__ = __getattr__


def _allow_mmengine_pickles() -> None:
    """Let ``weights_only`` loads read mmengine checkpoints, without allow-listing ``getattr``.

    mmengine's ``HistoryBuffer.__getstate__`` also pickles its class-level statistics functions,
    which pickle as ``getattr(HistoryBuffer, "min")``; allowing ``builtins.getattr`` would defeat
    ``weights_only``. Those functions are registered on the class at import time anyway, so the
    buffer is pickled without them; the remaining types are allow-listed.
    """
    import numpy as np
    import torch
    from mmengine.logging.history_buffer import HistoryBuffer

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "statistics_methods"}

    HistoryBuffer.__getstate__ = __getstate__
    multiarray = np._core.multiarray if hasattr(np, "_core") else np.core.multiarray
    safe: list = [HistoryBuffer, np.ndarray, np.dtype, multiarray.scalar, multiarray._reconstruct]
    # numpy pickles dtypes by class (np.dtypes.Float64DType, ...) and logged values as scalars.
    safe += [type(np.dtype(t)) for t in ("f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u8", "b1")]
    torch.serialization.add_safe_globals(safe)


def atomic_put(obj: bytes, filepath: str | Path) -> None:
    """Write ``obj`` to ``filepath`` through a temporary file in the same folder + ``os.replace``."""
    from zerowaste.io import atomic_path

    with atomic_path(filepath) as tmp, open(tmp, "wb") as f:
        f.write(obj)
        f.flush()
        os.fsync(f.fileno())


def _register_atomic_backend() -> None:
    from mmengine.fileio import LocalBackend, register_backend

    class AtomicLocalBackend(LocalBackend):
        """mmengine's local backend whose ``put`` is atomic (tmp file + ``os.replace``)."""

        def put(self, obj: bytes, filepath: str | Path) -> None:
            atomic_put(obj, filepath)

    register_backend("atomic_local", AtomicLocalBackend, force=True)


def _init_dist_without_cuda() -> None:
    """Let mmengine's ``pytorch`` launcher create a process group on a machine without CUDA (item 4)."""
    import torch
    import torch.distributed as torch_dist
    from mmengine.device import is_mlu_available, is_musa_available, is_npu_available
    from mmengine.dist import utils as dist_utils

    original = dist_utils._init_dist_pytorch
    if getattr(original, "__wrapped__", None) is not None:
        return

    def _init_dist_pytorch(backend: str, init_backend: str = "torch", **kwargs) -> None:
        if (torch.cuda.is_available() or init_backend != "torch"
                or is_npu_available() or is_mlu_available() or is_musa_available()):
            return original(backend, init_backend=init_backend, **kwargs)
        torch_dist.init_process_group(backend=backend, **kwargs)  # no torch.cuda.set_device

    _init_dist_pytorch.__wrapped__ = original
    _init_dist_pytorch.__doc__ = original.__doc__
    dist_utils._init_dist_pytorch = _init_dist_pytorch


def _register_cpu_amp() -> None:
    """Register ``CPUAmpOptimWrapper`` (item 5)."""
    import torch
    from mmengine.optim import AmpOptimWrapper, OptimWrapper
    from mmengine.registry import OPTIM_WRAPPERS

    class CPUAmpOptimWrapper(AmpOptimWrapper):
        """``AmpOptimWrapper`` for CPUs: ``bfloat16`` autocast, no loss scaling (a disabled scaler).

        The checkpoint's ``loss_scaler`` entry is empty; weights stay float32.
        """

        def __init__(self, dtype: str | torch.dtype = "bfloat16", loss_scale: str | float | dict | None = None,
                     **kwargs) -> None:
            OptimWrapper.__init__(self, **kwargs)
            dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype
            if dtype != torch.bfloat16:
                raise ValueError(f"CPU autocast supports torch.bfloat16 only, got {dtype}")
            self._scale_update_param = None
            self.loss_scaler = torch.amp.GradScaler("cpu", enabled=False)
            self.cast_dtype = dtype

    OPTIM_WRAPPERS.register_module(name="CPUAmpOptimWrapper", module=CPUAmpOptimWrapper, force=True)


def apply() -> None:
    """Apply every workaround once (safe to call many times)."""
    global _APPLIED, HAS_MMCV_OPS
    if _APPLIED:
        return
    HAS_MMCV_OPS = importlib.util.find_spec("mmcv._ext") is not None
    if not HAS_MMCV_OPS and "mmcv.ops" not in sys.modules:
        _install_mmcv_ops_shim()
        # mmcv.cnn warns on import that deformable attention is missing; nothing of ours uses it.
        warnings.filterwarnings("ignore", message="Fail to import ``MultiScaleDeformableAttention``")
    _allow_mmengine_pickles()
    _register_atomic_backend()
    _init_dist_without_cuda()
    _register_cpu_amp()
    _APPLIED = True


apply()
