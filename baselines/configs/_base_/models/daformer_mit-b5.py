# DAFormer's network (Hoyer et al., CVPR 2022): MiT-B5 + the context-aware fusion decoder
# (`DAFormerHead`, zerowaste.baselines.models.daformer_head): per-level 256-channel embeddings,
# upsampled to 1/4, concatenated, fused by an ASPP of depthwise-separable convolutions (rates 1, 6,
# 12, 18) and a 3x3 bottleneck. About 85.1M parameters (`zerowaste check-model`).
_base_ = "./segformer_mit-b5.py"
norm_cfg = {{_base_.norm_cfg}}
model = dict(
    decode_head=dict(
        _delete_=True,
        type="DAFormerHead",
        in_channels=[64, 128, 320, 512],
        in_index=[0, 1, 2, 3],
        channels=256,
        embed_dims=256,
        dilations=(1, 6, 12, 18),
        dropout_ratio=0.1,
        num_classes=5,
        norm_cfg=norm_cfg,
        align_corners=False,
        ignore_index=255,
        loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
    ),
)
