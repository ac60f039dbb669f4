"""mmseg's metric (KitSegMetric) reports the official Acc: every image, every pixel, 255 counted wrong."""

from __future__ import annotations

import numpy as np
import torch

from zerowaste.baselines.metric import KitSegMetric


def test_kit_metric_acc_is_the_official_pixel_accuracy():
    rng = np.random.default_rng(3)
    gts = [rng.integers(0, 5, (6, 7)).astype(np.uint8) for _ in range(4)]
    gts[0][:2] = 255  # partly ignored
    gts[1][:] = 255  # entirely ignored: counts, with accuracy 0
    preds = [np.where(g == 255, 0, g).astype(np.uint8) for g in gts]  # right on every labelled pixel
    preds[3] = rng.integers(0, 5, (6, 7)).astype(np.uint8)
    metric = KitSegMetric()
    metric.process({}, [dict(pred_sem_seg=dict(data=torch.from_numpy(p)[None]), gt_sem_seg=dict(data=torch.from_numpy(g)[None]))
                        for g, p in zip(gts, preds, strict=True)])
    logged = metric.evaluate(len(gts))
    expected = sum(float(np.mean(g == p)) for g, p in zip(gts, preds, strict=True)) / len(gts)
    assert abs(metric.last_metrics["Acc"] - expected) < 1e-12
    assert logged["Acc"] == round(100 * expected, 2)
    labelled = [float(np.mean(g[g != 255] == p[g != 255])) for g, p in zip(gts, preds, strict=True) if (g != 255).any()]
    assert abs(metric.last_metrics["Acc_labelled"] - np.mean(labelled)) < 1e-12
    assert logged["Acc_labelled"] == round(100 * float(np.mean(labelled)), 2)
