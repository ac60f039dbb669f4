"""Score checkpoints on a labeled split with the kit's scorer (the scoring server's numbers).

Predictions come from :func:`zerowaste.baselines.predict.predict_mask` (the exact code path of
``zerowaste predict``, so what is evaluated is what would be submitted); each image is scored by
:class:`zerowaste.submission.scoring.SegEvaluator` against its full-resolution mask.

Example:
    >>> models = [load_model("work_dirs/tiny/iter_6.pth")]  # doctest: +SKIP
    >>> evaluate_models(models, "data/zerowaste-f", "zerowaste-f", "val")["mIoU"]  # doctest: +SKIP
    0.1753
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from tqdm import tqdm

from zerowaste.baselines.predict import LoadedModel, PredictError, predict_mask
from zerowaste.data.datasets import SegDataset
from zerowaste.submission.scoring import SegEvaluator


def evaluate_models(
    models: Sequence[LoadedModel],
    root: str | os.PathLike,
    kind: str,
    split: str = "val",
    tta: Sequence[str] = (),
    progress: bool = True,
) -> dict:
    """The scorer's metrics dict (``mIoU``, ``Acc``, ``aAcc``, ``IoU``, ``confusion``) plus ``n_images``."""
    frames = SegDataset(root, kind, split)
    if not frames.labeled:
        raise PredictError(f"the {split!r} split of {kind} at {root} has no masks to evaluate against")
    evaluator = SegEvaluator()
    for i in tqdm(range(len(frames)), desc=f"eval {kind}/{split}", unit="img", disable=not progress):
        sample = frames[i]
        evaluator.process(sample.mask, predict_mask(models, sample.image, tta))
    return {**evaluator.evaluate(), "n_images": evaluator.n_images}
