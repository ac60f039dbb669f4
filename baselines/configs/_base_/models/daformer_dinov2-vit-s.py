# DINOv2 ViT-S/14 (22.1M) + multi-level neck + DAFormer head (see daformer_dinov2-vit-b.py).
_base_ = "./daformer_dinov2-vit-b.py"
model = dict(
    backbone=dict(model_name="vit_small_patch14_dinov2"),
    neck=dict(in_channels=[384, 384, 384, 384]),
)
