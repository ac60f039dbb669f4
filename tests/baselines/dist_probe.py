"""A test-only mmengine hook that records what each rank of a torchrun job trained on and ended with.

Imported by the run's config (``custom_imports``, with this folder on ``PYTHONPATH``), never by the
kit. Each rank writes ``<out>/rank<r>.pt`` after training:

With ``stop_at=N`` the run stops after N iterations of a longer schedule (an interrupted job, which
``--resume`` continues under the same schedule).

- ``rank``, ``world_size``, ``backend`` (of the process group, ``None`` in a single process);
- ``iters``: the iterations it ran, ``paths``: the image paths of each of its batches (the source
  half for a UDA batch);
- ``state``: the final ``state_dict`` of the unwrapped model;
- for a DACS model: ``teacher0`` (the teacher's parameters before the run's first update),
  ``local_iter0`` and ``students`` (the student's parameters before every iteration, i.e. what
  the EMA update of that iteration reads).
"""

from __future__ import annotations

from pathlib import Path

import torch
from mmengine.hooks import Hook
from mmseg.registry import HOOKS


def _unwrap(model: torch.nn.Module) -> torch.nn.Module:
    return model.module if hasattr(model, "module") else model


def _params(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def _paths(data_batch) -> list[str]:
    batch = data_batch.get("source", data_batch)
    return [s.metainfo["img_path"] for s in batch["data_samples"]]


@HOOKS.register_module()
class RankProbeHook(Hook):
    """Record each rank's batches and final weights into ``out/rank<r>.pt`` (see module doc)."""

    priority = "LOWEST"

    def __init__(self, out: str, stop_at: int | None = None) -> None:
        self.out = Path(out)
        self.stop_at = stop_at
        self.record: dict = {"iters": [], "paths": [], "students": []}

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """``stop_at``: end the run after that many iterations, as a killed job would, with the
        schedule of the full run (mmengine's loop checks ``stop_training``)."""
        if self.stop_at is not None and runner.iter + 1 >= self.stop_at:
            runner.train_loop.stop_training = True

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        model = _unwrap(runner.model)
        self.record["iters"].append(runner.iter)
        self.record["paths"].append(_paths(data_batch))
        if hasattr(model, "ema_model"):
            if "teacher0" not in self.record:
                self.record["teacher0"] = _params(model.ema_model)
                self.record["local_iter0"] = int(model.local_iter)
            self.record["students"].append(_params(model.model))

    def after_train(self, runner) -> None:
        import torch.distributed as dist

        model = _unwrap(runner.model)
        self.record.update(
            rank=runner.rank, world_size=runner.world_size,
            backend=dist.get_backend() if dist.is_initialized() else None,
            state={k: v.detach().clone() for k, v in model.state_dict().items()},
        )
        self.out.mkdir(parents=True, exist_ok=True)
        torch.save(self.record, self.out / f"rank{runner.rank}.pt")
