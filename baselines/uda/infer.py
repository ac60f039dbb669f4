"""Load a checkpoint and get class probabilities for images: what ``select``, ``pseudo-label``, the
best-SND hook and the proxy benchmark share.

The config comes from the checkpoint itself (mmengine stores it in ``meta['cfg']``) unless one is
given. Inference is whole-image: the image is resized to the config's test scale (the ``scale`` of
the first ``Resize`` in the test pipeline; none -> native size), normalised by the model's data
preprocessor, and the logits are resized back to the full input size before the softmax.

Example:
    >>> model, cfg = load_model("work_dirs/tiny_dacs/iter_200.pth")  # doctest: +SKIP
    >>> probs = predict_probs(model, read_image("frame.png"), test_scale(cfg))  # doctest: +SKIP
    >>> probs.shape  # (classes, H, W)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import zerowaste.compat.mmseg  # noqa: F401  (must precede mmseg)

#: Image extensions ``--images DIR`` picks up (the contract's ``.PNG``/``.png`` and common others).
IMAGE_EXTS: tuple[str, ...] = (".png", ".jpg", ".jpeg")


class ModelLoadError(ValueError):
    """A checkpoint (or config) that cannot be turned into a model."""


def list_images(folder: str | os.PathLike) -> list[Path]:
    """Image files directly inside ``folder``, sorted by name (error if there are none)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"image folder {folder} does not exist")
    images = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTS)
    if not images:
        raise FileNotFoundError(f"no images ({', '.join(IMAGE_EXTS)}) in {folder}")
    return images


def _config_from_checkpoint(ckpt: dict, path: Path):
    from mmengine.config import Config

    text = (ckpt.get("meta") or {}).get("cfg")
    if not text:
        raise ModelLoadError(f"{path} stores no config (meta['cfg']); pass the config with --config")
    return Config.fromstring(text, file_format=".py")


def load_model(checkpoint: str | os.PathLike, config: str | os.PathLike | None = None, device: str = "cpu"):
    """Build the model of ``checkpoint`` (config from the checkpoint or ``config``) in eval mode.

    Returns ``(model, cfg)``. Raises :class:`ModelLoadError` with a readable message on a missing,
    truncated or foreign file.
    """
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.utils import import_modules_from_strings
    from mmseg.registry import MODELS

    path = Path(checkpoint)
    if not path.is_file():
        raise ModelLoadError(f"checkpoint {path} does not exist")
    try:
        # mmengine pickles HistoryBuffer's statistics methods as ``getattr(HistoryBuffer, "min")``;
        # everything else it stores is allow-listed by zerowaste.compat.mmseg.
        with torch.serialization.safe_globals([getattr]):
            ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated / not a torch file / foreign pickle
        raise ModelLoadError(
            f"cannot read checkpoint {path}: not a readable PyTorch checkpoint (truncated, or not written "
            f"by torch.save; {type(exc).__name__})"
        ) from exc
    if not isinstance(ckpt, dict) or "state_dict" not in ckpt:
        raise ModelLoadError(f"{path} is not an mmengine checkpoint (no 'state_dict')")
    cfg = Config.fromfile(str(config)) if config else _config_from_checkpoint(ckpt, path)
    imports = (cfg.get("custom_imports") or {}).get("imports", [])
    import_modules_from_strings(list(imports) + ["baselines.uda.dacs"])
    init_default_scope(cfg.get("default_scope", "mmseg"))
    model_cfg = cfg.model.copy()
    model = MODELS.build(model_cfg)
    missing, unexpected = model.load_state_dict(ckpt["state_dict"], strict=False)
    if missing or unexpected:
        raise ModelLoadError(
            f"{path} does not match its config: missing {list(missing)[:3]}, unexpected {list(unexpected)[:3]}"
        )
    return model.to(device).eval(), cfg


def test_scale(cfg) -> tuple[int, int] | None:
    """(width, height) of the first ``Resize`` in the config's test pipeline, or None."""
    loader = cfg.get("test_dataloader") or cfg.get("val_dataloader") or {}
    pipeline = (loader.get("dataset") or {}).get("pipeline") or cfg.get("test_pipeline") or []
    for step in pipeline:
        if step.get("type", "").endswith("Resize") and step.get("scale"):
            return tuple(step["scale"])
    return None


def _resized_shape(h: int, w: int, scale: tuple[int, int] | None) -> tuple[int, int]:
    """mmcv's keep-ratio rescale: fit the long/short sides into ``scale`` (either orientation)."""
    if scale is None:
        return h, w
    long_edge, short_edge = max(scale), min(scale)
    factor = min(long_edge / max(h, w), short_edge / min(h, w))
    return int(h * factor + 0.5), int(w * factor + 0.5)


@torch.no_grad()
def predict_probs(model, image: np.ndarray, scale: tuple[int, int] | None = None) -> torch.Tensor:
    """Class probabilities (C, H, W) at the image's full size for one RGB image (H, W, 3) uint8."""
    h, w = image.shape[:2]
    x = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float()
    rh, rw = _resized_shape(h, w, scale)
    if (rh, rw) != (h, w):
        x = F.interpolate(x, size=(rh, rw), mode="bilinear", align_corners=False)
    dp = model.data_preprocessor
    x = (x - dp.mean.view(1, -1, 1, 1)) / dp.std.view(1, -1, 1, 1)
    meta = dict(img_shape=(rh, rw), ori_shape=(h, w), pad_shape=(rh, rw))
    logits = model.encode_decode(x.to(dp.mean.device), [meta])
    logits = F.interpolate(logits, size=(h, w), mode="bilinear", align_corners=False)
    return torch.softmax(logits[0].float(), dim=0).cpu()


def iter_probs(model, images: Sequence[Path], scale: tuple[int, int] | None) -> Iterator[tuple[Path, torch.Tensor]]:
    """(path, probabilities) for every image, read with the kit's data layer."""
    from zerowaste.data.io import read_image

    for path in images:
        yield path, predict_probs(model, read_image(path), scale)
