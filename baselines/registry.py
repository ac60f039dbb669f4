"""Register the kit's datasets, transforms, sampler, metric and hooks into mmseg's registries.

Configs name them by ``type`` (``KitSegDataset`` and its fixed-kind names ``ZeroWasteFDataset``,
``ZeroWasteV2Dataset``, ``SynthWasteDataset``; ``MixedSegDataset``, ``MixedSourceSampler``,
``KitLoadAnnotations``, ``KitAugment``, ``KitSegMetric``, ``TrainingCurvesHook``,
``RankBufferSyncHook``). Importing this
module applies :mod:`zerowaste.compat.mmseg` first and registers everything;
:func:`register_all` is idempotent, so other parts (``zerowaste.baselines.uda``) may call it again.

Example:
    >>> from zerowaste.baselines.registry import register_all
    >>> register_all()
    >>> from mmseg.registry import DATASETS
    >>> DATASETS.get("KitSegDataset").__name__
    'KitSegDataset'
"""

from __future__ import annotations

import zerowaste.compat.mmseg  # noqa: F401  (must run before mmseg imports mmcv.ops)


def registered() -> dict[str, list[tuple[str, type]]]:
    """What :func:`register_all` registers, by registry name."""
    from zerowaste.baselines.datasets import (
        KitSegDataset,
        MixedSegDataset,
        MixedSourceSampler,
        SynthWasteDataset,
        ZeroWasteFDataset,
        ZeroWasteV2Dataset,
    )
    from zerowaste.baselines.ermpp import BackboneWarmStartHook
    from zerowaste.baselines.hooks import ProgressHook, RankBufferSyncHook, TrainingCurvesHook
    from zerowaste.baselines.metric import KitSegMetric
    from zerowaste.baselines.models.daformer_head import DAFormerHead
    from zerowaste.baselines.models.layer_decay import LayerDecayOptimWrapperConstructor
    from zerowaste.baselines.models.timm_backbone import TimmBackbone
    from zerowaste.baselines.transforms import KitAugment, KitLoadAnnotations
    from zerowaste.baselines.uda.dacs import DACS, UDADataPreProcessor, UDADataset, UDASourceSampler
    from zerowaste.baselines.uda.selection import BestSNDHook
    from zerowaste.baselines.weights import KitPretrainedInit

    def named(*classes: type) -> list[tuple[str, type]]:
        return [(c.__name__, c) for c in classes]

    return {
        "DATASETS": named(KitSegDataset, ZeroWasteFDataset, ZeroWasteV2Dataset, SynthWasteDataset, MixedSegDataset,
                          UDADataset),
        "DATA_SAMPLERS": named(MixedSourceSampler, UDASourceSampler),
        "TRANSFORMS": named(KitLoadAnnotations, KitAugment),
        "METRICS": named(KitSegMetric),
        "HOOKS": named(TrainingCurvesHook, RankBufferSyncHook, ProgressHook, BestSNDHook, BackboneWarmStartHook),
        "MODELS": named(DAFormerHead, TimmBackbone, DACS, UDADataPreProcessor),
        "OPTIM_WRAPPER_CONSTRUCTORS": named(LayerDecayOptimWrapperConstructor),
        # `init_cfg=dict(type="Pretrained", ...)` in mmseg's scope: converts known formats, refuses a
        # checkpoint that leaves backbone parameters unloaded (zerowaste.baselines.weights)
        "WEIGHT_INITIALIZERS": [("Pretrained", KitPretrainedInit)],
    }


def register_all() -> None:
    """Register the kit's components into ``mmseg.registry`` (and mmseg's own modules). Idempotent."""
    import mmseg.registry as R
    from mmseg.utils import register_all_modules

    register_all_modules(init_default_scope=False)
    for registry_name, entries in registered().items():
        registry = getattr(R, registry_name)
        for name, cls in entries:
            if registry.get(name) is not cls:
                registry.register_module(name=name, module=cls, force=True)


register_all()
