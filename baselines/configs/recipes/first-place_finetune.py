# 1st-place recipe (SI Analytics, VisDA 2022), stage 3: fine-tune the DACS student (ConvNeXt-L + DAFormer
# head) for 10k iterations on ZeroWaste-f labels + the target's confident pseudo-labels (255 = ignored),
# with one extra augmentation per run: `train_dataloader.dataset.pipeline.1.preset=photometric`, `noise`
# or `grid-shuffle` (zerowaste.data.augment). `zerowaste recipe run first-place` runs the three and
# points `pl_root` (pseudo-labels + the student's `init.pth`) at its own stage outputs; by hand:
#   zerowaste train recipes/first-place_finetune.py pl_root=work/pseudo-labels \
#       train_dataloader.dataset.pipeline.1.preset=noise train_dataloader.dataset.sources.0.root=data/zerowaste-f
_base_ = ["../convnext/daformer_convnext-l_zerowaste-f.py"]
pl_root = "data/pseudo-labels"
load_from = pl_root + "/init.pth"  # the DACS student's weights (written by `zerowaste pseudo-label`)
max_iters = 10000
train_pipeline = [
    dict(type="KitLoadAnnotations"),
    dict(type="KitAugment", preset="photometric", scale=(1280, 720), crop=512, cat_max_ratio=0.75),
    dict(type="PackSegInputs"),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="zerowaste-v2", root=pl_root, split="train"),
        ],
        pipeline=train_pipeline,
    ),
)
param_scheduler = [dict(type="PolyLR", eta_min=0.0, power=1.0, begin=0, end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=2000)
