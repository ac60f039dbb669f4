# DACS with DINOv2 ViT-S/14 + multi-level neck + DAFormer head (../_base_/models/daformer_dinov2-vit-s.py),
# ZeroWaste-f -> ZeroWaste v2; DAFormer's DACS settings (./daformer_mitb5_zerowaste.py) and layer-wise
# lr decay 0.9. Compare with the source-only fine-tuning ../dinov2/daformer_dinov2-vit-s_zerowaste-f.py.
#   zerowaste train uda/daformer_dinov2-vit-s_zerowaste.py --pretrained dinov2_vits14_pretrain.pth
# Everything as the ViT-B variant but the backbone's size (384 channels instead of 768).
_base_ = ["./daformer_dinov2-vit-b_zerowaste.py"]
model = dict(model=dict(backbone=dict(model_name="vit_small_patch14_dinov2"),
                        neck=dict(in_channels=[384, 384, 384, 384])))
