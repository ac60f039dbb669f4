# DINOv2 ViT-L/14 + multi-level neck + DAFormer head. Its backbone alone counts 304.4M parameters, over
# the challenge's 300M per forward pass: `zerowaste check-model` refuses it (kept to show the rule).
_base_ = "./daformer_dinov2-vit-b.py"
model = dict(
    backbone=dict(model_name="vit_large_patch14_dinov2", out_indices=(5, 11, 17, 23)),
    neck=dict(in_channels=[1024, 1024, 1024, 1024]),
)
