# Tiny CPU stand-in for the 1st place's network (ConvNeXt + DAFormer head): timm's `convnext_atto`
# (3.4M, random init) + a narrow DAFormer head, on the data and schedule of segformer_tiny_cpu.py.
# Tests train, resume, predict and pack with it; same code path as daformer_convnext-l_*.py.
_base_ = "./segformer_tiny_cpu.py"
norm_cfg = dict(type="BN", requires_grad=True)
model = dict(
    backbone=dict(_delete_=True, type="TimmBackbone", model_name="convnext_atto", out_indices=(0, 1, 2, 3),
                  init_cfg=None),
    decode_head=dict(
        _delete_=True,
        type="DAFormerHead",
        in_channels=[40, 80, 160, 320],
        in_index=[0, 1, 2, 3],
        channels=32,
        embed_dims=16,
        dilations=(1, 6, 12, 18),
        dropout_ratio=0.1,
        num_classes=5,
        norm_cfg=norm_cfg,
        align_corners=False,
        ignore_index=255,
        loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
    ),
)
