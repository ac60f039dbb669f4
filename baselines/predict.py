"""Full-resolution predictions from one or several checkpoints, with optional test-time augmentation.

Every checkpoint carries its own config (mmengine stores it in ``meta.cfg``), so a checkpoint
file is all :func:`load_model` needs. For each image and each model, the image is resized like the
model's test pipeline (``Resize`` keep-ratio, e.g. (1024, 512)), run through the network, the
logits resized back to the full input size and turned into softmax probabilities; probabilities
are averaged over TTA variants (``flip``: horizontal flip; ``ms``: scales x0.75, x1, x1.25) and
over checkpoints (softmax ensemble), then the arg-max is the predicted class id (0..4).

:func:`predict_folder` writes one single-channel 8-bit PNG per input image, named exactly like
it (same base name and extension), into ``out`` (with ``track``: ``out/<track>``, unless ``out``
is already named after the track): the folders ``zerowaste submission pack`` takes.

Example:
    >>> models = [load_model("work_dirs/tiny/iter_6.pth")]  # doctest: +SKIP
    >>> predict_folder(models, "v2/val/data", "preds", tta=("flip",), track="source_only")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

import zerowaste.compat.mmseg  # noqa: F401  (before mmseg; a checkpoint's config imports the registry: custom_imports)
from zerowaste import contract
from zerowaste.data.datasets import IMAGE_SUFFIXES
from zerowaste.data.io import read_image, write_mask
from zerowaste.errors import ZeroWasteError

#: Test-time augmentations ``--tta`` accepts.
TTA_CHOICES: tuple[str, ...] = ("flip", "ms")
#: Scale factors of the ``ms`` TTA, relative to the model's test scale.
MS_RATIOS: tuple[float, ...] = (0.75, 1.0, 1.25)
#: Test scale when a config's test pipeline has no ``Resize`` (mmseg's (w, h) convention).
DEFAULT_TEST_SCALE: tuple[int, int] = (1024, 512)


class PredictError(ZeroWasteError, ValueError):
    """A bad prediction request (unreadable checkpoint, empty folder, unknown TTA...)."""


@dataclass
class LoadedModel:
    """A segmentor in eval mode with the test scale of its config."""

    model: torch.nn.Module
    test_scale: tuple[int, int]
    checkpoint: Path


def checkpoint_config(path: str | os.PathLike):
    """The mmengine ``Config`` stored in a checkpoint's ``meta.cfg``."""
    from mmengine.config import Config

    path = Path(path)
    if not path.is_file():
        raise PredictError(f"checkpoint {path} not found")
    try:
        with zipfile.ZipFile(path):
            pass
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except (zipfile.BadZipFile, RuntimeError, EOFError) as exc:
        raise PredictError(f"checkpoint {path} is not a complete torch checkpoint ({exc})") from None
    cfg_text = ckpt.get("meta", {}).get("cfg") if isinstance(ckpt, dict) else None
    if not cfg_text:
        raise PredictError(f"checkpoint {path} carries no config (meta.cfg); was it written by `zerowaste train`?")
    return Config.fromstring(cfg_text, ".py")


def test_scale(cfg) -> tuple[int, int]:
    """The (w, h) scale of the ``Resize`` step of a config's test pipeline."""
    loader = cfg.get("test_dataloader") or cfg.get("val_dataloader") or {}
    pipeline = loader.get("dataset", {}).get("pipeline", [])
    for step in pipeline:
        if step.get("type") == "Resize" and step.get("scale"):
            return tuple(step["scale"])
    return DEFAULT_TEST_SCALE


def check_device(device: str) -> torch.device:
    """``device`` as a :class:`torch.device`, or :class:`PredictError` when this machine has no such device.

    >>> check_device("cpu")
    device(type='cpu')
    >>> check_device("gpu")
    Traceback (most recent call last):
    ...
    zerowaste.baselines.predict.PredictError: --device gpu: not a device; use cpu, cuda or cuda:N
    """
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise PredictError(f"--device {device}: not a device; use cpu, cuda or cuda:N") from None
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU-only build"
            raise PredictError(f"--device {device}: no CUDA device is available here (torch {torch.__version__}, "
                               f"{build}); use --device cpu")
        if dev.index is not None and dev.index >= count:
            raise PredictError(f"--device {device}: this machine has {count} CUDA device(s), cuda:0..cuda:{count - 1}")
    elif dev.type != "cpu":
        raise PredictError(f"--device {device}: only cpu and cuda devices are supported")
    return dev


def load_model(path: str | os.PathLike, device: str = "cpu") -> LoadedModel:
    """Build the model of a checkpoint and load its weights (eval mode) on ``device`` (:func:`check_device`)."""
    dev = check_device(device)
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    from mmseg.registry import MODELS

    cfg = checkpoint_config(path)
    init_default_scope(cfg.get("default_scope", "mmseg"))
    model_cfg = cfg.model
    model_cfg.pretrained = None
    model_cfg.train_cfg = None
    if model_cfg.get("backbone", {}).get("init_cfg"):
        model_cfg.backbone.init_cfg = None  # the checkpoint holds the trained weights
    model = MODELS.build(model_cfg)
    load_checkpoint(model, str(path), map_location="cpu", logger="silent")
    model.to(dev).eval()
    return LoadedModel(model=model, test_scale=test_scale(cfg), checkpoint=Path(path))


def parse_tta(tta: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"flip,ms"`` -> ``("flip", "ms")``; unknown names raise :class:`PredictError`.

    >>> parse_tta("flip,ms"), parse_tta(None)
    (('flip', 'ms'), ())
    """
    if not tta:
        return ()
    names = tuple(t.strip() for t in (tta.split(",") if isinstance(tta, str) else tta) if t.strip())
    unknown = [t for t in names if t not in TTA_CHOICES]
    if unknown:
        raise PredictError(f"unknown TTA {', '.join(unknown)}; choose from {', '.join(TTA_CHOICES)}")
    return names


def rescale_size(hw: tuple[int, int], scale: tuple[int, int], ratio: float = 1.0) -> tuple[int, int]:
    """(h, w) after mmcv's keep-ratio rescale to ``scale`` (long, short edge), times ``ratio``.

    >>> rescale_size((1080, 1920), (1024, 512))
    (512, 910)
    """
    h, w = hw
    long_edge, short_edge = max(scale) * ratio, min(scale) * ratio
    factor = min(long_edge / max(h, w), short_edge / min(h, w))
    return int(h * factor + 0.5), int(w * factor + 0.5)


@torch.no_grad()
def _probs_one(loaded: LoadedModel, image: torch.Tensor, size: tuple[int, int], flip: bool) -> torch.Tensor:
    """Softmax (C, H, W) at the image's full size for one resize/flip variant."""
    model = loaded.model
    device = next(model.parameters()).device
    full = image.shape[1:]
    x = F.interpolate(image[None].float(), size=size, mode="bilinear", align_corners=False)[0]
    if flip:
        x = x.flip(-1)
    data = model.data_preprocessor(dict(inputs=[x.to(device)], data_samples=None), False)
    meta = dict(img_shape=size, ori_shape=tuple(full), pad_shape=size)
    logits = model.inference(data["inputs"], [meta])
    if flip:
        logits = logits.flip(-1)
    logits = F.interpolate(logits, size=tuple(full), mode="bilinear", align_corners=False)
    return logits[0].softmax(0).cpu()


def predict_probs(models: Sequence[LoadedModel], image: np.ndarray, tta: Sequence[str] = ()) -> torch.Tensor:
    """Mean softmax (C, H, W) over models and TTA variants for one RGB image (H, W, 3) uint8."""
    if not models:
        raise PredictError("no model to predict with")
    tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)
    ratios = MS_RATIOS if "ms" in tta else (1.0,)
    flips = (False, True) if "flip" in tta else (False,)
    total, n = None, 0
    for loaded in models:
        for ratio in ratios:
            size = rescale_size(image.shape[:2], loaded.test_scale, ratio)
            for flip in flips:
                p = _probs_one(loaded, tensor, size, flip)
                total = p if total is None else total + p
                n += 1
    return total / n


def predict_mask(models: Sequence[LoadedModel], image: np.ndarray, tta: Sequence[str] = ()) -> np.ndarray:
    """Predicted class ids (H, W) uint8 in 0..4 for one RGB image."""
    probs = predict_probs(models, image, tta)
    if probs.shape[0] != contract.NUM_CLASSES:
        raise PredictError(f"model predicts {probs.shape[0]} classes, the challenge has {contract.NUM_CLASSES}")
    return probs.argmax(0).numpy().astype(np.uint8)


def list_images(folder: str | os.PathLike) -> list[Path]:
    """Image files of a folder (sorted), the same suffixes the data layer reads."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PredictError(f"image folder {folder} not found")
    images = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise PredictError(f"no images ({', '.join(IMAGE_SUFFIXES)}) in {folder}")
    return images


def output_folder(out: str | os.PathLike, track: str | None) -> Path:
    """Where masks go: ``out``, or ``out/<track>`` unless ``out`` is already named after the track.

    >>> output_folder("preds", "uda").as_posix(), output_folder("preds/uda", "uda").as_posix()
    ('preds/uda', 'preds/uda')
    """
    if track is not None and track not in contract.TRACKS:
        raise PredictError(f"unknown track {track!r}; choose from {', '.join(contract.TRACKS)}")
    out = Path(out)
    return out / track if track and out.name != track else out


def predict_folder(
    models: Sequence[LoadedModel],
    images: str | os.PathLike,
    out: str | os.PathLike,
    tta: Sequence[str] = (),
    track: str | None = None,
    overlays: str | os.PathLike | None = None,
    max_overlays: int = 8,
    progress: bool = True,
) -> list[Path]:
    """Predict every image of ``images`` into :func:`output_folder` ``(out, track)``; returns the
    written masks. With ``overlays`` (a folder), the first ``max_overlays`` images also get an
    overlay PNG there."""
    from zerowaste.baselines.plots import save_overlay

    target = output_folder(out, track)
    written = []
    for i, path in enumerate(tqdm(list_images(images), desc="predict", unit="img", disable=not progress)):
        image = read_image(path)
        mask = predict_mask(models, image, tta)
        dest = target / path.name
        if dest.suffix.lower() != contract.PREDICTION_EXT:
            dest = dest.with_suffix(contract.PREDICTION_EXT)
        write_mask(dest, mask)
        written.append(dest)
        if overlays is not None and i < max_overlays:
            save_overlay(image, mask, Path(overlays) / f"{path.stem}.png", title=path.name)
    return written
