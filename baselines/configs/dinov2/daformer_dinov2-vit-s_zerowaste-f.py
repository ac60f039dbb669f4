# DINOv2 ViT-S/14 + multi-level neck + DAFormer head, source-only fine-tuning on ZeroWaste-f (the
# baseline every UDA method must beat in the VFM era): official recipe + layer-wise lr decay 0.9.
#   zerowaste train dinov2/daformer_dinov2-vit-s_zerowaste-f.py --pretrained dinov2_vits14_pretrain.pth
_base_ = [
    "../_base_/models/daformer_dinov2-vit-s.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
optim_wrapper = dict(constructor="LayerDecayOptimWrapperConstructor", paramwise_cfg=dict(layer_decay_rate=0.9))
