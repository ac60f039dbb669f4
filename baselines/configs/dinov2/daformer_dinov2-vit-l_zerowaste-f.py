# DINOv2 ViT-L/14 + multi-level neck + DAFormer head: 304.4M backbone parameters, over the 300M rule.
# `zerowaste check-model dinov2/daformer_dinov2-vit-l_zerowaste-f.py` refuses it; kept to show the rule
# (and for experiments that are not submitted).
_base_ = [
    "../_base_/models/daformer_dinov2-vit-l.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
optim_wrapper = dict(constructor="LayerDecayOptimWrapperConstructor", paramwise_cfg=dict(layer_decay_rate=0.9))
