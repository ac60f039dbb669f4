# Tiny DACS with the tiny ConvNeXt + DAFormer head (../tiny/daformer_convnext_tiny_cpu.py): the CPU-sized
# stage 1 of `zerowaste recipe run first-place-tiny` (its GPU counterpart: daformer_convnext-l_zerowaste.py).
_base_ = ["./tiny_dacs_cpu.py"]
model = dict(
    model=dict(
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
            norm_cfg=dict(type="BN", requires_grad=True),
            align_corners=False,
            ignore_index=255,
            loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
        ),
    ),
)
