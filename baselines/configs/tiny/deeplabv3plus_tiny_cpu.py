# Tiny DeepLabV3+ (ResNet-18 V1c, narrow heads) for CPU tests: same data and schedule as
# segformer_tiny_cpu.py. Its auxiliary FCN head runs in training only (check-model skips it).
_base_ = "./segformer_tiny_cpu.py"
norm_cfg = dict(type="BN", requires_grad=True)
model = dict(
    _delete_=True,
    type="EncoderDecoder",
    data_preprocessor={{_base_.data_preprocessor}},
    pretrained=None,
    backbone=dict(
        type="ResNetV1c", depth=18, num_stages=4, out_indices=(0, 1, 2, 3), dilations=(1, 1, 2, 4),
        strides=(1, 2, 1, 1), norm_cfg=norm_cfg, norm_eval=False, style="pytorch", contract_dilation=True,
        init_cfg=None,
    ),
    decode_head=dict(
        type="DepthwiseSeparableASPPHead", in_channels=512, in_index=3, channels=32, dilations=(1, 12, 24, 36),
        c1_in_channels=64, c1_channels=8, dropout_ratio=0.1, num_classes=5, norm_cfg=norm_cfg,
        align_corners=False, ignore_index=255,
        loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
    ),
    auxiliary_head=dict(
        type="FCNHead", in_channels=256, in_index=2, channels=16, num_convs=1, concat_input=False,
        dropout_ratio=0.1, num_classes=5, norm_cfg=norm_cfg, align_corners=False, ignore_index=255,
        loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=0.4),
    ),
    train_cfg=dict(),
    test_cfg=dict(mode="whole"),
)
