"""A deterministic sampler over several sources, with optional rare-class sampling (RCS).

:class:`MixedSampler` yields ``(source_index, sample_index)`` pairs: the source is drawn with
the given weights (e.g. ZeroWaste-f : SynthWaste = 3 : 1); within a source, samples come from a
shuffled pass over all of them (every image once per pass), or, with ``rcs_temperature``, from
DAFormer's rare-class sampling: draw a class ``c`` with probability ``∝ exp((1 - f_c) / T)``
(``f_c`` its pixel frequency in that source), then an image holding more than ``rcs_min_pixels``
of ``c``. A class that has pixels but no such image is an error naming it (DAFormer asserts), never
a silent exclusion. Same seed (and epoch), same sequence. torch-free: the baselines wrap it.

An image drawn for class ``c`` comes as a :class:`RareClassIndex` (an ``int`` that remembers ``c``),
so the dataset that crops it can re-crop until the crop holds enough of ``c`` (DAFormer's
``min_crop_ratio``: :func:`recrop_for_class`, done by the UDA dataset).

Example:
    >>> s = MixedSampler([4, 2], weights=[3, 1], num_samples=6, seed=0)
    >>> pairs = list(s)
    >>> len(pairs), all(0 <= i < [4, 2][src] for src, i in pairs)
    (6, True)
    >>> pairs == list(MixedSampler([4, 2], weights=[3, 1], num_samples=6, seed=0))
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import numpy as np

from zerowaste.contract import CLASS_NAMES
from zerowaste.data.io import DataError

T = TypeVar("T")
#: DAFormer re-crops an image drawn for a rare class at most this many times.
RECROP_TRIES: int = 10


class RareClassIndex(int):
    """A sample index drawn by rare-class sampling for class ``rare_class`` (needs > ``min_pixels``).

    It is an ``int`` (datasets and loaders use it as one); adding an offset keeps the class, so a
    sampler that maps a source's index to a concatenated dataset's (``offset + index``) passes it on.

    >>> i = RareClassIndex(4, rare_class=3, min_pixels=3000)
    >>> j = 10 + i
    >>> int(j), j.rare_class, j.min_pixels
    (14, 3, 3000)
    """

    rare_class: int
    min_pixels: int

    def __new__(cls, index: int, rare_class: int, min_pixels: int) -> RareClassIndex:
        obj = super().__new__(cls, index)
        obj.rare_class, obj.min_pixels = int(rare_class), int(min_pixels)
        return obj

    def __add__(self, other: object) -> RareClassIndex:
        if not isinstance(other, int):
            return NotImplemented
        return RareClassIndex(int(self) + int(other), self.rare_class, self.min_pixels)

    __radd__ = __add__

    def __reduce__(self) -> tuple:  # data-loader workers receive indices pickled
        return (RareClassIndex, (int(self), self.rare_class, self.min_pixels))


def recrop_for_class(load: Callable[[], T], pixels_of: Callable[[T], int], needed: float,
                     tries: int = RECROP_TRIES) -> T:
    """DAFormer's ``min_crop_ratio``: load (= randomly crop) a sample again, up to ``tries`` times, until
    ``pixels_of(sample) > needed``; the last crop is kept even when it never gets there.

    >>> crops = iter([5, 40, 900, 7])
    >>> recrop_for_class(lambda: next(crops), lambda n: n, needed=100)
    900
    """
    sample = load()
    for _ in range(tries):
        if pixels_of(sample) > needed:
            break
        sample = load()
    return sample


def rcs_class_probabilities(pixel_counts: np.ndarray, temperature: float) -> np.ndarray:
    """DAFormer's class probabilities: softmax of ``(1 - f_c) / T`` over classes with pixels.

    >>> p = rcs_class_probabilities(np.array([900, 90, 10]), temperature=0.1)
    >>> [round(float(v), 2) for v in p]
    [0.0, 0.31, 0.69]
    """
    counts = np.asarray(pixel_counts, dtype=np.float64)
    if temperature <= 0:
        raise ValueError("rcs temperature must be > 0")
    freq = counts / max(counts.sum(), 1.0)
    logits = np.where(counts > 0, (1.0 - freq) / temperature, -np.inf)
    logits -= logits[np.isfinite(logits)].max() if np.isfinite(logits).any() else 0.0
    weights = np.exp(logits)
    return weights / weights.sum() if weights.sum() > 0 else weights


def class_counts_from_stats(stats: dict, split: str, file_names: Sequence[str]) -> np.ndarray:
    """The (n_images, n_classes) pixel counts of ``file_names`` (a dataset's order) from cached stats.

    Raises :class:`DataError` when the stats do not cover every file (stale or wrong cache).
    """
    try:
        per_image = stats["splits"][split]["images"]
    except KeyError as exc:
        raise DataError(f"statistics have no per-image counts for split {split!r}") from exc
    missing = [n for n in file_names if n not in per_image]
    if missing:
        raise DataError(f"statistics do not cover {len(missing)} image(s) of split {split!r}, e.g. {missing[0]}; recompute them")
    return np.array([per_image[n] for n in file_names], dtype=np.int64)


class _RareClassPicker:
    """Picks images of one source by rare-class sampling."""

    def __init__(self, counts: np.ndarray, temperature: float, min_pixels: int) -> None:
        counts = np.asarray(counts)
        if counts.ndim != 2:
            raise ValueError("class presence must be an (n_images, n_classes) array of pixel counts")
        self.min_pixels = int(min_pixels)
        self.images_of = [np.flatnonzero(counts[:, c] > min_pixels) for c in range(counts.shape[1])]
        present = counts.sum(axis=0) > 0
        missing = [c for c in range(counts.shape[1]) if present[c] and not len(self.images_of[c])]
        if missing:
            names = ", ".join(f"{c} ({CLASS_NAMES[c] if c < len(CLASS_NAMES) else '?'}: at most "
                              f"{int(counts[:, c].max())})" for c in missing)
            raise DataError(f"rare-class sampling: no image has {min_pixels} pixels of class {names} to spare "
                            f"(DAFormer draws images with more than rcs_min_pixels of the class); "
                            "lower rcs_min_pixels")
        self.probs = rcs_class_probabilities(counts.sum(axis=0), temperature)

    def __call__(self, rng: np.random.Generator) -> RareClassIndex:
        cls = int(rng.choice(len(self.probs), p=self.probs))
        return RareClassIndex(int(rng.choice(self.images_of[cls])), cls, self.min_pixels)


class MixedSampler:
    """Deterministic weighted sampling over several sources (see the module docstring).

    ``class_presence`` is one entry per source: an (n_images, n_classes) array of per-image
    class pixel counts (from :func:`class_counts_from_stats`) or None for a source that is
    sampled uniformly. RCS applies to the sources that have counts when ``rcs_temperature`` is set.
    """

    def __init__(
        self,
        source_sizes: list[int],
        weights: list[float],
        num_samples: int,
        seed: int = 0,
        class_presence: list[np.ndarray | None] | None = None,
        rcs_temperature: float | None = None,
        rcs_min_pixels: int = 3000,
    ) -> None:
        if not source_sizes or len(source_sizes) != len(weights):
            raise ValueError("give one weight per source")
        if any(n <= 0 for n in source_sizes):
            raise ValueError(f"every source needs at least one sample, got sizes {source_sizes}")
        w = np.asarray(weights, dtype=np.float64)
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"weights must be >= 0 with a positive sum, got {weights}")
        self.source_sizes, self.p = list(source_sizes), w / w.sum()
        self.num_samples, self.seed, self.epoch = int(num_samples), int(seed), 0
        self.pickers: list[_RareClassPicker | None] = [None] * len(source_sizes)
        if rcs_temperature is not None:
            presence = class_presence or [None] * len(source_sizes)
            if len(presence) != len(source_sizes):
                raise ValueError("give one class_presence entry (or None) per source")
            for i, counts in enumerate(presence):
                if counts is not None:
                    if len(counts) != source_sizes[i]:
                        raise ValueError(f"source {i}: {len(counts)} rows of class counts for {source_sizes[i]} samples")
                    self.pickers[i] = _RareClassPicker(counts, rcs_temperature, rcs_min_pixels)

    def set_epoch(self, epoch: int) -> None:
        """Use a different (still deterministic) sequence for each epoch."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.num_samples

    def __iter__(self) -> Iterator[tuple[int, int]]:
        rng = np.random.default_rng([self.seed, self.epoch])
        orders: list[list[int]] = [[] for _ in self.source_sizes]
        for src in rng.choice(len(self.p), size=self.num_samples, p=self.p):
            picker = self.pickers[src]
            if picker is not None:
                yield int(src), picker(rng)  # a RareClassIndex
                continue
            if not orders[src]:  # a fresh shuffled pass over this source
                orders[src] = rng.permutation(self.source_sizes[src]).tolist()
            yield int(src), orders[src].pop()
