"""Class probabilities of a model on target images: what ``select``, ``pseudo-label``, the best-SND
hook and the proxy benchmark share. A thin layer over :mod:`zerowaste.baselines.predict` (checkpoint loading
with the config stored in the checkpoint, the test-pipeline resize, full-resolution softmax), so UDA
scores exactly what ``zerowaste predict`` would predict.

Example:
    >>> loaded = load_model("work_dirs/tiny_dacs/iter_200.pth")  # doctest: +SKIP
    >>> for path, probs in iter_probs(loaded, list_images("v2/train/data")):  # doctest: +SKIP
    ...     probs.shape  # (classes, H, W) at the image's full size
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import torch

from zerowaste.baselines.predict import (
    LoadedModel,
    PredictError,
    list_images,
    load_model,
    predict_probs,
    test_scale,
)

__all__ = ["LoadedModel", "PredictError", "iter_probs", "list_images", "load_model", "live_model"]


def live_model(model: torch.nn.Module, cfg) -> LoadedModel:
    """Wrap a model being trained (e.g. ``runner.model``, unwrapped) like a loaded checkpoint."""
    return LoadedModel(model=model, test_scale=test_scale(cfg), checkpoint=Path("<training>"))


def iter_probs(loaded: LoadedModel, images: Sequence[Path]) -> Iterator[tuple[Path, torch.Tensor]]:
    """(path, softmax (C, H, W) at full size) for every image, read with the kit's data layer."""
    from zerowaste.data.io import read_image

    for path in images:
        yield path, predict_probs([loaded], read_image(path))
