# DINOv2 ViT-B/14 + mmseg's multi-level neck (768 channels) + UPerHead, source-only on ZeroWaste-f: the
# usual ViT segmentation head, as an alternative to the DAFormer head of daformer_dinov2-vit-b_*.py.
# Layer-wise lr decay 0.9.
#   zerowaste train dinov2/uperhead_dinov2-vit-b_zerowaste-f.py --pretrained dinov2_vitb14_pretrain.pth
_base_ = ["./daformer_dinov2-vit-b_zerowaste-f.py"]
norm_cfg = dict(type="SyncBN", requires_grad=True)
model = dict(
    neck=dict(out_channels=768),
    decode_head=dict(
        _delete_=True,
        type="UPerHead",
        in_channels=[768, 768, 768, 768],
        in_index=[0, 1, 2, 3],
        pool_scales=(1, 2, 3, 6),
        channels=512,
        dropout_ratio=0.1,
        num_classes=5,
        norm_cfg=norm_cfg,
        align_corners=False,
        ignore_index=255,
        loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
    ),
)
