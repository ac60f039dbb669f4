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
from mmengine.dist import get_dist_info
from torch.utils.data import Dataset, Sampler

from zerowaste import contract
from zerowaste.data.datasets import SegDataset

#: What mmseg's evaluator and visualizer read from ``dataset.metainfo``.
METAINFO: dict = dict(classes=contract.CLASS_NAMES, palette=[list(c) for c in contract.PALETTE])


def build_pipeline(pipeline: Sequence[dict]) -> Compose:
    """Build transform dicts from mmseg's registry (which also sees mmcv's), whatever the default scope."""
    from mmseg.registry import TRANSFORMS

    return Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline])


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
    ) -> None:
        self.kind, self.root, self.split = kind, str(root), split
        self.frames = SegDataset(root, kind, split, transform=None, paper_to=paper_to)
        self.pipeline = build_pipeline(pipeline)

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


def _kind_dataset(name: str, kind: str) -> type:
    """A :class:`KitSegDataset` with ``kind`` fixed, for configs that name the dataset directly."""

    def __init__(self, root: str, split: str, pipeline: Sequence[dict] = (), **kwargs) -> None:
        KitSegDataset.__init__(self, kind, root, split, pipeline, **kwargs)

    doc = f"``KitSegDataset(kind={kind!r}, ...)`` under its own name."
    return type(name, (KitSegDataset,), {"__init__": __init__, "__doc__": doc})


ZeroWasteFDataset = _kind_dataset("ZeroWasteFDataset", "zerowaste-f")
ZeroWasteV2Dataset = _kind_dataset("ZeroWasteV2Dataset", "zerowaste-v2")
SynthWasteDataset = _kind_dataset("SynthWasteDataset", "synthwaste")


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
    """Infinite sampler over a :class:`MixedSegDataset`, drawing from its sources with the data
    layer's :class:`zerowaste.data.sampling.MixedSampler` (weighted sources, shuffled passes,
    optional rare-class sampling).

    ``synth_ratio=dict(start, end, iters)`` sets the synthetic share per iteration (see
    :func:`synth_weight_at`); ``weights`` (one per source) fixes the weights instead. Weights are
    re-evaluated every ``chunk_iters`` iterations (at the chunk's middle). ``rcs_temperature``
    switches on rare-class sampling (per-image class pixel counts read once from the masks, in the
    ZeroWaste label space). ``batch_size`` is filled in from ``train_dataloader.batch_size`` by
    ``zerowaste train``, so that iterations are counted right.
    """

    def __init__(
        self,
        dataset: MixedSegDataset,
        synth_ratio: dict | None = None,
        weights: Sequence[float] | None = None,
        batch_size: int = 2,
        chunk_iters: int = 100,
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
        synth_weight_at(0, **self.synth_ratio)  # validate early
        self.weights = list(weights) if weights is not None else None
        self.batch_size, self.chunk_iters = int(batch_size), max(int(chunk_iters), 1)
        self.rcs_temperature, self.rcs_min_pixels = rcs_temperature, rcs_min_pixels
        self.seed = 0 if seed is None else int(seed)
        self.rank, self.world_size = get_dist_info()
        self.class_presence = self._class_presence() if rcs_temperature is not None else None

    def _class_presence(self) -> list[np.ndarray]:
        from tqdm import tqdm

        from zerowaste.data.stats import image_class_counts

        out = []
        for src in self.dataset.sources:
            frames = src.frames
            rows = [
                image_class_counts(frames.load_mask(i), contract.NUM_CLASSES)[0]
                for i in tqdm(range(len(frames)), desc=f"class counts {src.kind}", unit="mask", leave=False)
            ]
            out.append(np.array(rows, dtype=np.int64))
        return out

    def weights_at(self, iteration: int) -> list[float]:
        """Source weights used for the batch of ``iteration``."""
        if self.weights is not None:
            return self.weights
        share = synth_weight_at(iteration, **self.synth_ratio)
        return source_weights(self.dataset.domains, share)

    def chunk_indices(self, chunk: int) -> list[int]:
        """Global dataset indices of iterations ``[chunk * chunk_iters, (chunk + 1) * chunk_iters)``."""
        from zerowaste.data.sampling import MixedSampler

        middle = chunk * self.chunk_iters + self.chunk_iters // 2
        sampler = MixedSampler(
            self.dataset.source_sizes,
            self.weights_at(middle),
            num_samples=self.chunk_iters * self.batch_size * self.world_size,
            seed=self.seed,
            class_presence=self.class_presence,
            rcs_temperature=self.rcs_temperature,
            rcs_min_pixels=self.rcs_min_pixels,
        )
        sampler.set_epoch(chunk)
        indices = [self.dataset.offsets[s] + i for s, i in sampler]
        return indices[self.rank :: self.world_size]  # each GPU takes its share of every iteration

    def __iter__(self) -> Iterator[int]:
        chunk = 0
        while True:
            yield from self.chunk_indices(chunk)
            chunk += 1

    def __len__(self) -> int:
        return len(self.dataset)

    def set_epoch(self, epoch: int) -> None:
        """Kept for mmengine's DistSamplerSeedHook; the schedule counts iterations, not epochs."""
