# DINOv2 ViT-B/14 (86.6M) + a multi-level neck + DAFormer's fusion head. The backbone is timm's
# `vit_base_patch14_dinov2` (TimmBackbone): the outputs of blocks 3, 6, 9 and 12, each with the final
# norm (DINOv2's evaluation protocol), at stride 14; inputs of any size (`dynamic_img_size`, padded to
# a multiple of 14). mmseg's MultiLevelNeck turns them into strides 3.5, 7, 14 and 28 (x4, x2, x1,
# x0.5) with 256 channels each. `--pretrained` takes the official `dinov2_vitb14_pretrain.pth`,
# timm's / Hugging Face's `model.safetensors` (timm or transformers names) or mmpretrain's checkpoint.
# The training configs add layer-wise learning-rate decay 0.9 (zerowaste.baselines.models.layer_decay).
_base_ = "./daformer_mit-b5.py"
model = dict(
    backbone=dict(
        _delete_=True,
        type="TimmBackbone",
        model_name="vit_base_patch14_dinov2",
        out_indices=(2, 5, 8, 11),
        feature_norm=True,
        model_kwargs=dict(dynamic_img_size=True, dynamic_img_pad=True, drop_path_rate=0.1),
        init_cfg=None,
    ),
    neck=dict(type="MultiLevelNeck", in_channels=[768, 768, 768, 768], out_channels=256, scales=[4, 2, 1, 0.5]),
    decode_head=dict(in_channels=[256, 256, 256, 256]),
)
