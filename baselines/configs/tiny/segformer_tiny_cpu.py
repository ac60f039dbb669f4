# Tiny SegFormer for CPU tests and the demo: MiT with 16-channel stage 1, one block per stage,
# 64x64 crops of images resized to 160x90, a few iterations. Same code path as the GPU recipe.
_base_ = [
    "../_base_/models/segformer_mit-b0.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
max_iters = 6
crop_size = (64, 64)
norm_cfg = dict(type="BN", requires_grad=True)
model = dict(
    backbone=dict(embed_dims=16, num_layers=[1, 1, 1, 1], drop_path_rate=0.0),
    decode_head=dict(in_channels=[16, 32, 80, 128], channels=32, norm_cfg=norm_cfg),
)
train_pipeline = [
    dict(type="KitLoadAnnotations"),
    dict(type="KitAugment", preset="default", scale=(160, 90), crop=crop_size[0], cat_max_ratio=0.75),
    dict(type="PackSegInputs"),
]
test_pipeline = [
    dict(type="Resize", scale=(128, 64), keep_ratio=True),
    dict(type="KitLoadAnnotations"),
    dict(type="PackSegInputs"),
]
train_dataloader = dict(num_workers=0, persistent_workers=False, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=0, persistent_workers=False, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=6e-4))
param_scheduler = [
    dict(type="LinearLR", start_factor=0.1, by_epoch=False, begin=0, end=2),
    dict(type="PolyLR", eta_min=0.0, power=1.0, begin=2, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=2, max_keep_ckpts=2))
