# DACS with DINOv2 ViT-B/14 + multi-level neck + DAFormer head (../_base_/models/daformer_dinov2-vit-b.py),
# ZeroWaste-f -> ZeroWaste v2; DAFormer's DACS settings (./daformer_mitb5_zerowaste.py) and layer-wise
# lr decay 0.9. Compare with the source-only fine-tuning ../dinov2/daformer_dinov2-vit-b_zerowaste-f.py.
#   zerowaste train uda/daformer_dinov2-vit-b_zerowaste.py --pretrained dinov2_vitb14_pretrain.pth
_base_ = ["./daformer_mitb5_zerowaste.py"]
model = dict(
    model=dict(
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
    ),
)
optim_wrapper = dict(constructor="LayerDecayOptimWrapperConstructor", paramwise_cfg=dict(layer_decay_rate=0.9))
