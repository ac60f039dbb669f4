# CPU-sized stage 3 of the 1st-place recipe (`zerowaste recipe run first-place-tiny`): the tiny ConvNeXt
# + DAFormer head fine-tuned on source labels + pseudo-labels; see first-place_finetune.py.
_base_ = ["../tiny/daformer_convnext_tiny_cpu.py"]
pl_root = "data/pseudo-labels"
load_from = pl_root + "/init.pth"
max_iters = 4
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="zerowaste-v2", root=pl_root, split="train"),
        ],
        pipeline=[
            dict(type="KitLoadAnnotations"),
            dict(type="KitAugment", preset="photometric", scale=(160, 90), crop=64, cat_max_ratio=0.75),
            dict(type="PackSegInputs"),
        ],
    ),
)
param_scheduler = [dict(type="PolyLR", eta_min=0.0, power=1.0, begin=0, end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
