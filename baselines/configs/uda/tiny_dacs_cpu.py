# Tiny DACS (DAFormer-style self-training) on CPU, used by tests/uda and bench/uda_proxy.py.
# Wraps the baselines' tiny SegFormer (../tiny/segformer_tiny_cpu.py); same code path as the GPU
# recipes (daformer_*.py, mic_*.py). Point the roots at your data:
#   zerowaste train baselines/configs/uda/tiny_dacs_cpu.py \
#       train_dataloader.dataset.source.root=SRC train_dataloader.dataset.target.root=TGT
# Switch methods in `model`: mix=None (plain self-training), mic.enabled=True (MIC), fdist_lambda>0
# (needs --pretrained), color_jitter / blur, pseudo_threshold, pseudo_weighting, pseudo_align,
# pseudo_margins, alpha.
_base_ = ["../tiny/segformer_tiny_cpu.py"]
custom_imports = dict(imports=["zerowaste.baselines.registry"], allow_failed_imports=False)

max_iters = 200
crop_size = (64, 64)
model = dict(
    _delete_=True,
    type="DACS",
    model={{_base_.model}},  # the student; its SegDataPreProcessor becomes a UDADataPreProcessor
    alpha=0.99,  # SPEC: 0.999 for 40k iterations; a few hundred iterations need a faster teacher
    # A tiny model trained from scratch is almost never above the SPEC's 0.968 (the target terms would
    # be switched off): class-wise adaptive thresholds, confident pixels only (docs/uda.md; the proxy
    # benchmark in docs/benchmarks.md compares). `model.pseudo_threshold=0.968
    # model.pseudo_weighting=batch` restores the SPEC recipe.
    pseudo_threshold="adaptive",
    pseudo_weighting="pixel",
    pseudo_margins=(15, 120),  # rows of a 512-row crop, scaled to the crop
    mix="class",
    color_jitter=True,
    blur=True,
    warmup_iters=0,  # source-only iterations before the target losses start
    fdist_lambda=0.0,  # needs ImageNet weights (--pretrained); refused otherwise
    # MIC off here; `model.mic.enabled=True` turns it on (SPEC: ratio 0.7, 64 px blocks on 512 crops)
    mic=dict(enabled=False, mask_ratio=0.7, mask_block_size=16, loss_weight=1.0),
    backbone=dict(),  # merged into the student's backbone (`zerowaste train --pretrained` sets init_cfg here)
)
# Target frames go through the same augmentation; their labels (if any) are never loaded.
target_pipeline = [
    dict(type="KitAugment", preset="default", scale=(160, 90), crop=crop_size[0]),
    dict(type="PackSegInputs"),
]
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        _delete_=True,
        type="UDADataset",
        source=dict(type="KitSegDataset", kind="zerowaste-f", root="data/zerowaste-f", split="train",
                    pipeline={{_base_.train_pipeline}}),
        target=dict(type="KitSegDataset", kind="zerowaste-v2", root="data/zerowaste-v2", split="train",
                    pipeline=target_pipeline),
    ),
)
optim_wrapper = dict(optimizer=dict(lr=6e-4))
param_scheduler = [dict(type="PolyLR", eta_min=0.0, power=1.0, begin=0, end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=100, max_keep_ckpts=3))
