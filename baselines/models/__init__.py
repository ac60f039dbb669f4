"""Models the kit adds to mmseg: DAFormer's decoder, timm backbones, layer-wise lr decay.

Registered by :mod:`zerowaste.baselines.registry` (configs name them by ``type``):
``DAFormerHead`` (:mod:`.daformer_head`), ``TimmBackbone`` (:mod:`.timm_backbone`) in ``MODELS``,
``LayerDecayOptimWrapperConstructor`` (:mod:`.layer_decay`) in ``OPTIM_WRAPPER_CONSTRUCTORS``.
"""
