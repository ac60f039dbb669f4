"""Registered datasets over the data layer, the mixed sampler's schedule and the metric's numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from zerowaste.baselines.datasets import (
    KitSegDataset,
    MixedSegDataset,
    MixedSourceSampler,
    source_weights,
    synth_weight_at,
)
from zerowaste.baselines.metric import KitSegMetric
from zerowaste.baselines.registry import register_all
from zerowaste.data.datasets import SegDataset
from zerowaste.submission.scoring import SegEvaluator

PIPELINE = [dict(type="KitLoadAnnotations"), dict(type="KitAugment", scale=(160, 90), crop=64, seed=0),
            dict(type="PackSegInputs")]


def test_registry_is_idempotent_and_builds_by_name(data):
    from mmseg.registry import DATA_SAMPLERS, DATASETS

    register_all()
    register_all()
    ds = DATASETS.build(dict(type="KitSegDataset", kind="zerowaste-f", root=str(data["zwf"]), split="train", pipeline=PIPELINE))
    item = ds[0]
    assert item["inputs"].shape == (3, 64, 64)
    assert item["data_samples"].gt_sem_seg.data.shape == (1, 64, 64)
    mixed = DATASETS.build(dict(type="MixedSegDataset", pipeline=PIPELINE, sources=[
        dict(kind="zerowaste-f", root=str(data["zwf"]), split="train"),
        dict(kind="synthwaste", root=str(data["synth"]), split="train")]))
    sampler = DATA_SAMPLERS.build(dict(type="MixedSourceSampler", dataset=mixed, weights=[1, 1]))
    assert isinstance(sampler, MixedSourceSampler)
    target = DATASETS.build(dict(type="ZeroWasteV2Dataset", root=str(data["v2"]), split="val",
                                 pipeline=[dict(type="KitLoadAnnotations")]))
    assert target.kind == "zerowaste-v2" and "gt_seg_map" not in target[0]  # unlabeled target frames


def test_frames_come_from_the_data_layer_with_paper_mapped(data):
    ds = KitSegDataset("synthwaste", data["synth"], "train", pipeline=[dict(type="KitLoadAnnotations")])
    frames = SegDataset(data["synth"], "synthwaste", "train", keep_synth_classes=True)
    raw_masks = [frames[i].mask for i in range(len(frames))]
    assert any((m == 5).any() for m in raw_masks)  # the fixture has paper
    for i, raw in enumerate(raw_masks):
        item = ds[i]
        assert np.array_equal(item["img"], frames[i].image)
        assert np.array_equal(item["gt_seg_map"], np.where(raw == 5, 0, raw))  # paper -> background
    ignored = KitSegDataset("synthwaste", data["synth"], "train", paper_to=255, pipeline=[dict(type="KitLoadAnnotations")])
    assert np.array_equal(ignored[0]["gt_seg_map"], np.where(raw_masks[0] == 5, 255, raw_masks[0]))


def test_synthetic_ratio_schedule_drives_the_sampler(data):
    mixed = MixedSegDataset([dict(kind="zerowaste-f", root=data["zwf"], split="train"),
                             dict(kind="synthwaste", root=data["synth"], split="train")])
    n_real = mixed.source_sizes[0]
    sampler = MixedSourceSampler(mixed, synth_ratio=dict(start=1.0, end=0.0, iters=10), batch_size=4, chunk_iters=1)
    first, last = sampler.chunk_indices(0), sampler.chunk_indices(20)
    assert len(first) == 4 and all(i >= n_real for i in first)  # all synthetic at the start
    assert all(i < n_real for i in last)  # all real after the schedule
    middle = [i for c in range(40) for i in MixedSourceSampler(
        mixed, synth_ratio=dict(start=0.25, end=0.25, iters=0), batch_size=4, chunk_iters=1).chunk_indices(c)]
    share = np.mean([i >= n_real for i in middle])
    assert 0.1 < share < 0.4
    assert source_weights(["source", "synthetic"], synth_weight_at(5, 1.0, 0.0, 10)) == [0.5, 0.5]
    with pytest.raises(ValueError, match="synth_ratio"):
        MixedSourceSampler(mixed, synth_ratio=dict(start=1.5, end=0.0, iters=10))


def test_rare_class_sampling_prefers_rare_classes(data):
    mixed = MixedSegDataset([dict(kind="zerowaste-f", root=data["zwf"], split="train")])
    sampler = MixedSourceSampler(mixed, weights=[1.0], batch_size=50, chunk_iters=1, rcs_temperature=0.01, rcs_min_pixels=1)
    counts = sampler.class_presence[0]
    assert counts.shape == (len(mixed), 5)
    rare = int(np.argmin(np.where(counts.sum(0) > 0, counts.sum(0), np.inf)))
    uniform = np.mean(counts[:, rare] > 0)  # share of images holding the rarest class
    assert uniform < 1
    picks = sampler.chunk_indices(0)
    assert np.mean([counts[i, rare] > 0 for i in picks]) > uniform + 0.15


def test_metric_equals_the_scorer():
    rng = np.random.default_rng(0)
    gts = [rng.integers(0, 5, (6, 7)).astype(np.uint8) for _ in range(3)]
    gts[1][:2] = 255
    preds = [rng.integers(0, 5, (6, 7)).astype(np.uint8) for _ in range(3)]
    metric = KitSegMetric()
    metric.process({}, [dict(pred_sem_seg=dict(data=torch.from_numpy(p)[None]), gt_sem_seg=dict(data=torch.from_numpy(g)[None]))
                        for g, p in zip(gts, preds, strict=True)])
    logged = metric.evaluate(3)
    evaluator = SegEvaluator()
    for g, p in zip(gts, preds, strict=True):
        evaluator.process(g, p)
    expected = evaluator.evaluate()
    assert metric.last_metrics == expected
    assert logged["mIoU"] == round(100 * expected["mIoU"], 2) and logged["Acc"] == round(100 * expected["Acc"], 2)
