# Tiny CPU stand-in for the DINOv2 configs: timm's DINOv2 ViT architecture shrunk to 4 blocks of 32
# channels (random init, patch 14, layer scale, dynamic input size) + multi-level neck + DAFormer head,
# with layer-wise lr decay; same code path as dinov2/daformer_dinov2-vit-*.py.
_base_ = "./daformer_convnext_tiny_cpu.py"
model = dict(
    backbone=dict(
        _delete_=True,
        type="TimmBackbone",
        model_name="vit_small_patch14_dinov2",
        out_indices=(0, 1, 2, 3),
        feature_norm=True,
        model_kwargs=dict(embed_dim=32, depth=4, num_heads=2, img_size=56, dynamic_img_size=True,
                          dynamic_img_pad=True),
        init_cfg=None,
    ),
    neck=dict(type="MultiLevelNeck", in_channels=[32, 32, 32, 32], out_channels=16, scales=[4, 2, 1, 0.5]),
    decode_head=dict(in_channels=[16, 16, 16, 16]),
)
optim_wrapper = dict(constructor="LayerDecayOptimWrapperConstructor", paramwise_cfg=dict(layer_decay_rate=0.9))
