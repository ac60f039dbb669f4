"""sampling: weights, determinism, full passes, rare-class sampling from cached stats."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from zerowaste.data.datasets import SegDataset
from zerowaste.data.io import DataError
from zerowaste.data.sampling import MixedSampler, class_counts_from_stats, rcs_class_probabilities
from zerowaste.data.stats import compute_stats


def test_weights_and_determinism() -> None:
    s = MixedSampler([30, 10], weights=[3, 1], num_samples=4000, seed=5)
    pairs = list(s)
    share = Counter(src for src, _ in pairs)[0] / len(pairs)
    assert 0.72 < share < 0.78
    assert pairs == list(MixedSampler([30, 10], weights=[3, 1], num_samples=4000, seed=5))
    assert pairs != list(MixedSampler([30, 10], weights=[3, 1], num_samples=4000, seed=6))
    s.set_epoch(1)
    assert list(s) != pairs


def test_each_pass_visits_every_sample_once() -> None:
    pairs = list(MixedSampler([7], weights=[1], num_samples=21, seed=0))
    for k in range(3):
        assert sorted(i for _, i in pairs[7 * k: 7 * (k + 1)]) == list(range(7))


def test_rcs_probabilities_favour_rare_classes() -> None:
    p = rcs_class_probabilities(np.array([10_000, 0, 500, 50]), temperature=0.01)
    assert p[1] == 0 and p[3] > p[2] > p[0] and np.isclose(p.sum(), 1)
    flat = rcs_class_probabilities(np.array([10_000, 500, 50]), temperature=100.0)
    assert np.allclose(flat, 1 / 3, atol=0.01)


def test_rcs_over_real_stats_oversamples_images_with_rare_class(tmp_path: Path) -> None:
    from zerowaste.data.fixtures import make_dataset
    from zerowaste.data.io import read_mask, write_mask

    root = make_dataset(tmp_path, "zerowaste-f", n={"train": 8}, size=(90, 160))
    ds = SegDataset(root, "zerowaste-f", "train")
    for i, ref in enumerate(ds.refs):  # metal (3) only in image 5
        mask = read_mask(ref.mask_path)
        mask[mask == 3] = 2
        if i == 5:
            mask[:20, :20] = 3
        write_mask(ref.mask_path, mask)
    counts = class_counts_from_stats(compute_stats(root, "zerowaste-f", progress=False), "train", [r.file_name for r in ds.refs])
    assert counts.shape == (8, 5) and counts[5, 3] == 400
    sampler = MixedSampler([8], [1], num_samples=2000, seed=0, class_presence=[counts], rcs_temperature=0.01, rcs_min_pixels=100)
    hits = Counter(i for _, i in sampler)
    assert hits[5] / 2000 > 0.3  # uniform would give 1/8
    uniform = Counter(i for _, i in MixedSampler([8], [1], num_samples=2000, seed=0))
    assert uniform[5] == 250


def test_mixed_sources_with_rcs_on_one() -> None:
    counts = np.array([[100, 0], [90, 10], [100, 0]])
    s = MixedSampler([3, 5], [1, 1], num_samples=500, seed=1, class_presence=[counts, None], rcs_temperature=0.01, rcs_min_pixels=5)
    by_source = Counter(i for src, i in s if src == 0)
    assert by_source[1] > by_source[0] + by_source[2]


def test_bad_arguments_are_clear() -> None:
    with pytest.raises(ValueError, match="one weight per source"):
        MixedSampler([3], [1, 1], 10)
    with pytest.raises(ValueError, match="at least one sample"):
        MixedSampler([0], [1], 10)
    with pytest.raises(ValueError, match="3 samples"):
        MixedSampler([3], [1], 10, class_presence=[np.zeros((2, 5))], rcs_temperature=0.01)
    with pytest.raises(DataError, match="no image has 3000 pixels"):
        MixedSampler([2], [1], 10, class_presence=[np.ones((2, 5))], rcs_temperature=0.01)
    with pytest.raises(DataError, match="do not cover 1 image"):
        class_counts_from_stats({"splits": {"train": {"images": {"a.png": [1]}}}}, "train", ["a.png", "b.png"])
