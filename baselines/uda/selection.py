"""SND model selection over checkpoints and during training, and offline pseudo-label rounds.

- :func:`snd_of_model`: SND of one model on unlabeled target images (``pixels`` random pixels per
  image, the same pixels for every model thanks to a fixed seed), each image scored on its own and
  the scores averaged, as the SND authors' ``eval_siment`` (``pooling="pooled"``: one matrix).
- :func:`rank_checkpoints`: SND of several checkpoints, best first (``zerowaste select``).
- :class:`BestSNDHook`: an mmengine hook that scores the student every ``interval`` iterations on the
  images of the train dataloader's target dataset (one source of truth for the target folder) and
  keeps the best-SND checkpoint as ``best_snd.pth`` (+ ``best_snd.json``) in the work dir.

Both leave out DACS checkpoints taken during the source-only warm-up (``warmup_iters``): a model
that has not adapted yet makes soft, undecided predictions, which SND scores *high* (every
neighbour looks alike), so it would win against every adapted checkpoint. The proxy benchmark
(docs/benchmarks.md) measured exactly that: SND picked a warm-up checkpoint in 6 of 6 runs.
``zerowaste select`` still lists them, ranked after the adapted ones and marked.
- :func:`write_pseudo_labels`: confident pseudo-labels of a checkpoint for a folder of images, written
  as a labeled ZeroWaste-v2-layout root (``OUT/train/data`` links to the images, ``OUT/train/sem_seg``
  masks, unconfident pixels = 255) that ``KitSegDataset(kind="zerowaste-v2", root=OUT, split="train")``
  reads as labeled data, plus ``OUT/init.pth``, the student's weights to start fine-tuning from
  (``zerowaste pseudo-label``; fine-tune with ``baselines/configs/uda/tiny_pseudo_label_finetune_cpu.py``).

Example:
    >>> rows = rank_checkpoints(["a.pth", "b.pth"], list_images("target/train/data"))  # doctest: +SKIP
    >>> rows[0]["checkpoint"]  # the highest SND  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

import zerowaste.compat.mmseg  # noqa: F401  (must precede mmseg)

# isort: split
from mmengine.hooks import Hook

from zerowaste import contract
from zerowaste.baselines.uda import snd as snd_lib
from zerowaste.baselines.uda.ema import unwrap
from zerowaste.baselines.uda.infer import LoadedModel, iter_probs, list_images, live_model, load_model
from zerowaste.baselines.uda.pseudo_label import hard_pseudo_labels
from zerowaste.io import atomic_path, write_json_atomic


def snd_of_model(
    loaded: LoadedModel, images: Sequence[Path], pixels: int = snd_lib.DEFAULT_PIXELS, seed: int = 0,
    tau: float = snd_lib.DEFAULT_TAU, pooling: str = "image",
) -> float:
    """SND of a model on ``images``: ``pixels`` random pixels per image (fixed by ``seed``), scored per
    image and averaged (``pooling="image"``) or in one matrix (``"pooled"``), see :func:`snd_lib.snd_score`."""
    g = torch.Generator().manual_seed(seed)
    samples = [snd_lib.sample_pixels(p, pixels, g) for _, p in iter_probs(loaded, images)]
    return snd_lib.snd_score(samples, tau=tau, pooling=pooling)


def rank_checkpoints(
    checkpoints: Sequence[str | os.PathLike], images: Sequence[Path], pixels: int = snd_lib.DEFAULT_PIXELS,
    seed: int = 0, progress: Callable[[str], None] | None = None, pooling: str = "image",
) -> list[dict]:
    """``[{"checkpoint", "snd", "warmup", "rank"}]``: adapted checkpoints by SND (highest first), then
    the ones taken during a DACS source-only warm-up (``warmup`` True), also by SND."""
    rows = []
    for ck in checkpoints:
        if progress:
            progress(str(ck))
        loaded = load_model(ck)
        rows.append({"checkpoint": str(ck), "snd": snd_of_model(loaded, images, pixels, seed, pooling=pooling),
                     "warmup": in_warmup(loaded.model)})
    rows.sort(key=lambda r: (r["warmup"], -r["snd"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def in_warmup(model: torch.nn.Module) -> bool:
    """Whether a (DACS) model is still in its source-only warm-up: it has not seen a target loss yet."""
    model = unwrap(model)
    warmup = int(getattr(model, "warmup_iters", 0) or 0)
    local_iter = getattr(model, "local_iter", None)
    return bool(warmup) and local_iter is not None and int(local_iter) <= warmup


def student_state_dict(model) -> dict:
    """The weights of the network that predicts: the DACS student (``model.student``), or the model itself."""
    return getattr(model, "student", model).state_dict()


def save_weights(state_dict: dict, path: Path) -> None:
    """Save ``{"state_dict": ...}`` (loadable with ``weights_only=True``, e.g. as ``load_from``) atomically."""
    with atomic_path(path) as tmp:
        torch.save({"state_dict": state_dict}, tmp)


def write_pseudo_labels(
    checkpoint: str | os.PathLike, images: Sequence[Path], out: str | os.PathLike, threshold: float,
    split: str = "train", progress: Callable[[Path], None] | None = None,
) -> dict:
    """Write ``OUT/<split>/sem_seg/<image name>`` (255 where max prob < threshold) and ``data/`` links.

    Returns the summary also written to ``OUT/pseudo_labels.json`` (per-image confident fraction).
    """
    from zerowaste.data.io import write_mask

    loaded = load_model(checkpoint)
    root = Path(out)
    out = root / split
    (out / contract.SEM_DIR).mkdir(parents=True, exist_ok=True)
    (out / contract.IMAGE_DIR).mkdir(parents=True, exist_ok=True)
    confident: dict[str, float] = {}
    for path, probs in iter_probs(loaded, images):
        mask = hard_pseudo_labels(probs, threshold).numpy()
        write_mask(out / contract.SEM_DIR / path.name, mask)
        link = out / contract.IMAGE_DIR / path.name
        if not link.exists():
            try:
                link.symlink_to(path.resolve())
            except OSError:
                shutil.copy2(path, link)
        confident[path.name] = float(np.mean(mask != contract.IGNORE_INDEX))
        if progress:
            progress(path)
    save_weights(student_state_dict(loaded.model), root / "init.pth")
    summary = {"checkpoint": str(checkpoint), "threshold": threshold, "images": len(confident),
               "mean_confident_fraction": float(np.mean(list(confident.values()))), "confident_fraction": confident}
    write_json_atomic(root / "pseudo_labels.json", summary, indent=2)
    return summary


def target_images(dataset) -> list[Path]:
    """The image files of a UDA train dataset's target (``dataset.target``), sorted by name.

    Raises ``ValueError`` when the dataset has no target or its target does not list files.
    """
    target = getattr(dataset, "target", None)
    refs = getattr(getattr(target, "frames", None), "refs", None)
    if refs is None:
        raise ValueError(f"BestSNDHook: the train dataset ({type(dataset).__name__}) has no target dataset "
                         "listing image files; give the hook images=<folder>")
    return sorted((Path(r.image_path) for r in refs), key=lambda p: p.name)


class BestSNDHook(Hook):
    """Keep the best-SND checkpoint during training (register with ``custom_hooks``).

    ``custom_hooks = [dict(type="BestSNDHook", interval=1000, pixels=100, max_images=50)]`` scores the
    first ``max_images`` images of the train dataloader's target dataset, so overriding
    ``train_dataloader.dataset.target.root`` moves both; ``images=<folder>`` scores another folder
    instead. Writes ``best_snd.pth`` and ``best_snd.json`` (iteration, SND, history, the images' folder)
    into the work dir, atomically.
    """

    priority = "LOW"

    def __init__(self, images: str | None = None, interval: int = 1000, pixels: int = snd_lib.DEFAULT_PIXELS,
                 max_images: int = 50, seed: int = 0, pooling: str = "image") -> None:
        if interval < 1:
            raise ValueError("BestSNDHook: interval must be >= 1")
        if pooling not in snd_lib.POOLINGS:
            raise ValueError(f"BestSNDHook: pooling must be one of {snd_lib.POOLINGS}, got {pooling!r}")
        self.folder, self.max_images = images, max_images
        self.images: list[Path] = []
        self.interval, self.pixels, self.seed, self.pooling = interval, pixels, seed, pooling
        self.best: float | None = None
        self.history: list[dict] = []

    def before_train(self, runner) -> None:
        """Resolve the images (the target dataset's unless ``images`` was given); on resume, continue
        from the work dir's ``best_snd.json`` (never overwrite a better best)."""
        found = list_images(self.folder) if self.folder else target_images(runner.train_dataloader.dataset)
        self.images = found[: self.max_images]
        runner.logger.info(f"SND: {len(self.images)} images of {self.images[0].parent}")
        record = Path(runner.work_dir) / "best_snd.json"
        if runner.iter > 0 and record.is_file():
            saved = json.loads(record.read_text())
            self.history = [h for h in saved.get("history", []) if h["iter"] <= runner.iter]
            self.best = max((h["snd"] for h in self.history), default=None)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        from mmengine.dist import is_main_process

        it = runner.iter + 1
        if (it % self.interval and it != runner.max_iters) or not is_main_process():
            return  # multi-GPU: rank 0 scores and saves (Runner.save_checkpoint is master-only)

        model = unwrap(runner.model)
        if in_warmup(model):
            runner.logger.info(f"SND at iter {it}: skipped (source-only warm-up, not adapted yet)")
            return
        was_training = model.training
        model.eval()
        score = snd_of_model(live_model(model, runner.cfg), self.images, self.pixels, self.seed, pooling=self.pooling)
        model.train(was_training)
        self.history.append({"iter": it, "snd": score})
        runner.logger.info(f"SND at iter {it}: {score:.4f} (best so far: {self.best})")
        if self.best is None or score > self.best:
            self.best = score
            work = Path(runner.work_dir)
            runner.save_checkpoint(str(work), ".best_snd.pth.tmp", save_optimizer=False, save_param_scheduler=False)
            os.replace(work / ".best_snd.pth.tmp", work / "best_snd.pth")
        best_iter = max(self.history, key=lambda r: r["snd"])["iter"]
        write_json_atomic(Path(runner.work_dir) / "best_snd.json",
                          {"best_snd": self.best, "best_iter": best_iter, "history": self.history,
                           "images": str(self.images[0].parent), "pooling": self.pooling}, indent=2)

