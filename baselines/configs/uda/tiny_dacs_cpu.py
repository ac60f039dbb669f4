# Tiny DACS (DAFormer-style self-training) on CPU: used by tests/uda and bench/uda_proxy.py.
# Source: a labeled ZeroWaste-f-layout root; target: an unlabeled ZeroWaste-v2-layout root.
# Set the roots with --cfg-options source_root=... target_root=... (or edit below).
# Switch methods in `model`: mix=None (plain self-training), mic=dict(...) (MIC), fdist_lambda>0
# (needs --pretrained), color_jitter/blur.
custom_imports = dict(imports=["baselines.registry", "baselines.uda.dacs"], allow_failed_imports=False)
default_scope = "mmseg"

source_root = "data/zerowaste-f"
target_root = "data/zerowaste-v2"
source_split = "train"
target_split = "train"
crop_size = (64, 64)  # (h, w)
source_kind = "zerowaste-f"  # any labeled kind (synthwaste: paper -> background)
target_kind = "zerowaste-v2"  # labels, if any, are never read for training

data_preprocessor = dict(
    type="UDADataPreProcessor",
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=False,  # the kit's data layer reads RGB
    pad_val=0,
    seg_pad_val=255,
    size=crop_size,
)
student = dict(
    type="EncoderDecoder",
    backbone=dict(
        type="MixVisionTransformer",
        in_channels=3,
        embed_dims=16,
        num_stages=4,
        num_layers=[1, 1, 1, 1],
        num_heads=[1, 2, 4, 8],
        patch_sizes=[7, 3, 3, 3],
        sr_ratios=[8, 4, 2, 1],
        out_indices=(0, 1, 2, 3),
        mlp_ratio=4,
        qkv_bias=True,
        drop_path_rate=0.0,
        init_cfg=None,
    ),
    decode_head=dict(
        type="SegformerHead",
        in_channels=[16, 32, 64, 128],
        in_index=[0, 1, 2, 3],
        channels=64,
        dropout_ratio=0.1,
        num_classes=5,
        norm_cfg=dict(type="BN", requires_grad=True),
        align_corners=False,
        ignore_index=255,
        loss_decode=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
    ),
    train_cfg=dict(),
    test_cfg=dict(mode="whole"),
)
model = dict(
    type="DACS",
    model=student,
    data_preprocessor=data_preprocessor,
    alpha=0.99,  # SPEC: 0.999 for 40k iterations; a few hundred iterations need a faster teacher
    pseudo_threshold=0.968,
    pseudo_margins=(15, 120),  # rows of a 512-row crop, scaled to the crop
    mix="class",
    color_jitter=True,
    blur=True,
    fdist_lambda=0.0,  # needs ImageNet weights (--pretrained); refused otherwise
    mic=None,
)

# KitSegDataset (baselines.registry) reads frames through the kit's data layer.
train_pipeline = [
    dict(type="KitLoadAnnotations"),
    dict(type="RandomResize", scale=(160, 90), ratio_range=(0.75, 1.25), keep_ratio=True),
    dict(type="RandomCrop", crop_size=crop_size, cat_max_ratio=0.75),
    dict(type="RandomFlip", prob=0.5),
    dict(type="PackSegInputs"),
]
target_pipeline = [
    dict(type="RandomResize", scale=(160, 90), ratio_range=(0.75, 1.25), keep_ratio=True),
    dict(type="RandomCrop", crop_size=crop_size),
    dict(type="RandomFlip", prob=0.5),
    dict(type="PackSegInputs"),
]
test_pipeline = [
    dict(type="Resize", scale=(160, 90), keep_ratio=True),
    dict(type="KitLoadAnnotations"),  # after Resize: ground truth stays full size
    dict(type="PackSegInputs"),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(
        type="UDADataset",
        source=dict(type="KitSegDataset", kind=source_kind, root=source_root, split=source_split,
                    pipeline=train_pipeline),
        target=dict(type="KitSegDataset", kind=target_kind, root=target_root, split=target_split,
                    pipeline=target_pipeline),
    ),
)
optim_wrapper = dict(
    type="OptimWrapper",
    optimizer=dict(type="AdamW", lr=1e-3, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys=dict(head=dict(lr_mult=10.0))),
)
param_scheduler = [dict(type="PolyLR", eta_min=0.0, power=1.0, begin=0, end=200, by_epoch=False)]
train_cfg = dict(type="IterBasedTrainLoop", max_iters=200, val_interval=1_000_000)
default_hooks = dict(
    timer=dict(type="IterTimerHook"),
    logger=dict(type="LoggerHook", interval=20, log_metric_by_epoch=False),
    param_scheduler=dict(type="ParamSchedulerHook"),
    checkpoint=dict(type="CheckpointHook", by_epoch=False, interval=100, max_keep_ckpts=3),
)
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method="fork", opencv_num_threads=0),
               dist_cfg=dict(backend="gloo"))
log_processor = dict(by_epoch=False)
log_level = "WARNING"
load_from = None
resume = False
randomness = dict(seed=0)
