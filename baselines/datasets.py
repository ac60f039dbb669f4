"""mmseg datasets and a sampler over the kit's data layer (nothing here reads a file itself).

- :class:`KitSegDataset`: one split of one dataset kind (``zerowaste-f``, ``zerowaste-v2``,
  ``synthwaste``...). Frames come from :class:`zerowaste.data.datasets.SegDataset`, which knows the
  layouts, the file rules and SynthWaste's ``paper`` mapping; the mmseg pipeline then augments and
  packs them.
- :class:`MixedSegDataset`: several sources concatenated (e.g. ZeroWaste-f + SynthWaste).
- :class:`MixedSourceSampler`: draws each batch from the sources of a :class:`MixedSegDataset` with
  the data layer's :class:`zerowaste.data.sampling.MixedSampler` (source weights, optional
  rare-class sampling), the synthetic share following :func:`synth_weight_at`'s schedule.

Example (config):
    train_dataloader = dict(
        sampler=dict(type="MixedSourceSampler", synth_ratio=dict(start=0.5, end=0.1, iters=40000)),
        dataset=dict(type="MixedSegDataset", sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="synthwaste", root="data/synthwaste", split="train", paper_to=0)],
            pipeline=train_pipeline))
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

import numpy as np
from mmengine.dataset import Compose
from torch.utils.data import Dataset, Sampler

from zerowaste import contract
from zerowaste.data.datasets import SegDataset

#: What mmseg's evaluator and visualizer read from ``dataset.metainfo``.
METAINFO: dict = dict(classes=contract.CLASS_NAMES, palette=[list(c) for c in contract.PALETTE])


class KitSegDataset(Dataset):
    """One split of one dataset kind, as mmseg results dicts run through ``pipeline``.

    Each item starts as ``{"img", "kit_mask", "img_path", "ori_shape", "img_shape", "image_id",
    "domain", ...}``; the ``KitLoadAnnotations`` transform turns ``kit_mask`` into mmseg's
    ``gt_seg_map`` (placed after ``Resize`` in test pipelines, so ground truth stays full size).

    >>> ds = KitSegDataset("zerowaste-f", root, "val", pipeline=[])  # doctest: +SKIP
    >>> ds[0]["img"].shape  # doctest: +SKIP
    (1080, 1920, 3)
    """

    METAINFO = METAINFO

    def __init__(
        self,
        kind: str,
        root: str,
        split: str,
        pipeline: Sequence[dict] = (),
        paper_to: int = contract.DEFAULT_PAPER_TARGET,
        test_mode: bool = False,
    ) -> None:
        self.kind, self.root, self.split = kind, str(root), split
        self.frames = SegDataset(root, kind, split, transform=None, paper_to=paper_to)
        self.pipeline = Compose(list(pipeline))
        self.test_mode = test_mode

    @property
    def metainfo(self) -> dict:
        return dict(METAINFO)

    def __len__(self) -> int:
        return len(self.frames)

    def raw(self, index: int) -> dict:
        """The results dict of frame ``index`` before the pipeline."""
        sample = self.frames[index]
        h, w = sample.image.shape[:2]
        return dict(
            img=sample.image,
            kit_mask=sample.mask,
            img_path=str(self.frames.refs[index].image_path),
            image_id=sample.image_id,
            domain=sample.domain,
            ori_shape=(h, w),
            img_shape=(h, w),
            reduce_zero_label=False,
            seg_fields=[],
        )

    def __getitem__(self, index: int) -> dict:
        return self.pipeline(self.raw(index))


class MixedSegDataset(Dataset):
    """Several :class:`KitSegDataset` sources concatenated (index ``i`` of source ``s`` is
    ``offsets[s] + i``), all run through the same pipeline.

    ``sources`` are dicts of :class:`KitSegDataset` arguments (``kind``, ``root``, ``split``,
    ``paper_to``). Use :class:`MixedSourceSampler` to choose how often each source is drawn.
    """

    METAINFO = METAINFO

    def __init__(self, sources: Sequence[dict], pipeline: Sequence[dict] = ()) -> None:
        if not sources:
            raise ValueError("MixedSegDataset needs at least one source")
        self.sources = [KitSegDataset(pipeline=pipeline, **src) for src in sources]
        self.offsets = np.cumsum([0] + [len(s) for s in self.sources]).tolist()

    @property
    def metainfo(self) -> dict:
        return dict(METAINFO)

    @property
    def source_sizes(self) -> list[int]:
        return [len(s) for s in self.sources]

    @property
    def domains(self) -> list[str]:
        return [contract.layout(s.kind).domain for s in self.sources]

    def locate(self, index: int) -> tuple[int, int]:
        """(source number, index inside that source) of a global index."""
        if not 0 <= index < self.offsets[-1]:
            raise IndexError(f"index {index} out of range for {self.offsets[-1]} samples")
        s = bisect.bisect_right(self.offsets, index) - 1
        return s, index - self.offsets[s]

    def __len__(self) -> int:
        return self.offsets[-1]

    def __getitem__(self, index: int) -> dict:
        s, i = self.locate(index)
        return self.sources[s][i]


def synth_weight_at(iteration: int, start: float, end: float, iters: int) -> float:
    """Share of synthetic samples at ``iteration``: linear from ``start`` to ``end`` over ``iters``
    iterations, then constant.

    >>> synth_weight_at(0, 0.5, 0.1, 100), synth_weight_at(50, 0.5, 0.1, 100), synth_weight_at(500, 0.5, 0.1, 100)
    (0.5, 0.3, 0.1)
    """
    for name, value in (("start", start), ("end", end)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"synth_ratio {name} must be in [0, 1], got {value}")
    if iters <= 0:
        return float(end)
    t = min(max(iteration, 0), iters) / iters
    return round(float(start + (end - start) * t), 10)


def source_weights(domains: Sequence[str], synth_share: float) -> list[float]:
    """Per-source weights giving synthetic sources ``synth_share`` of the draws (split evenly
    among them) and the others the rest.

    >>> source_weights(["source", "synthetic"], 0.25)
    [0.75, 0.25]
    """
    n_syn = sum(d == "synthetic" for d in domains)
    n_real = len(domains) - n_syn
    if n_syn == 0 or n_real == 0:
        return [1.0 / len(domains)] * len(domains)
    return [synth_share / n_syn if d == "synthetic" else (1.0 - synth_share) / n_real for d in domains]


class MixedSourceSampler(Sampler):
    """Infinite sampler over a :class:`MixedSegDataset`: each iteration's ``batch_size`` indices
    are drawn by the data layer's ``MixedSampler`` with that iteration's source weights.

    ``synth_ratio=dict(start, end, iters)`` sets the synthetic share (see :func:`synth_weight_at`);
    ``weights`` (one per source) fixes the weights instead. ``rcs_temperature`` switches on
    rare-class sampling inside each source (class presence from the masks). ``batch_size`` is
    filled in from ``train_dataloader.batch_size`` by ``zerowaste train``.
    """

    def __init__(
        self,
        dataset: MixedSegDataset,
        synth_ratio: dict | None = None,
        weights: Sequence[float] | None = None,
        batch_size: int = 2,
        rcs_temperature: float | None = None,
        rcs_min_pixels: int = 3000,
        seed: int | None = 0,
    ) -> None:
        if not isinstance(dataset, MixedSegDataset):
            raise TypeError(f"MixedSourceSampler needs a MixedSegDataset, got {type(dataset).__name__}")
        if weights is not None and len(weights) != len(dataset.sources):
            raise ValueError(f"{len(weights)} weights for {len(dataset.sources)} sources")
        self.dataset = dataset
        self.synth_ratio = dict(synth_ratio or dict(start=0.5, end=0.5, iters=0))
        self.weights = list(weights) if weights is not None else None
        self.batch_size = int(batch_size)
        self.rcs_temperature = rcs_temperature
        self.rcs_min_pixels = rcs_min_pixels
        self.seed = 0 if seed is None else int(seed)
        self.class_presence = self._class_presence() if rcs_temperature is not None else None

    def _class_presence(self) -> list[np.ndarray]:
        from zerowaste.data.stats import class_presence

        return [class_presence(src.frames) for src in self.dataset.sources]

    def weights_at(self, iteration: int) -> list[float]:
        """Source weights used for the batch of ``iteration``."""
        if self.weights is not None:
            return self.weights
        share = synth_weight_at(iteration, **self.synth_ratio)
        return source_weights(self.dataset.domains, share)

    def iteration_indices(self, iteration: int) -> list[int]:
        """The global dataset indices of the batch of ``iteration`` (deterministic given the seed)."""
        from zerowaste.data.sampling import MixedSampler

        sampler = MixedSampler(
            self.dataset.source_sizes,
            self.weights_at(iteration),
            num_samples=self.batch_size,
            seed=self.seed * 1_000_003 + iteration,
            class_presence=self.class_presence,
            rcs_temperature=self.rcs_temperature,
            rcs_min_pixels=self.rcs_min_pixels,
        )
        return [int(i) for i in sampler]

    def __iter__(self) -> Iterator[int]:
        iteration = 0
        while True:
            yield from self.iteration_indices(iteration)
            iteration += 1

    def __len__(self) -> int:
        return len(self.dataset)

    def set_epoch(self, epoch: int) -> None:
        """Kept for mmengine's DistSamplerSeedHook; the schedule counts iterations, not epochs."""
