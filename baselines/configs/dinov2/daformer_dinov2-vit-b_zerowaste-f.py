# DINOv2 ViT-B/14 + multi-level neck + DAFormer head, source-only fine-tuning on ZeroWaste-f (the
# baseline every UDA method must beat in the VFM era): official recipe + layer-wise lr decay 0.9.
#   zerowaste train dinov2/daformer_dinov2-vit-b_zerowaste-f.py --pretrained dinov2_vitb14_pretrain.pth
_base_ = [
    "../_base_/models/daformer_dinov2-vit-b.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
optim_wrapper = dict(constructor="LayerDecayOptimWrapperConstructor", paramwise_cfg=dict(layer_decay_rate=0.9))
