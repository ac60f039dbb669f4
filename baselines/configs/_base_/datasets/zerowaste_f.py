# ZeroWaste-f, source only (official recipe): resize to 1280x720, random 512x512 crops with
# cat_max_ratio 0.75, flip + photometric distortion (zerowaste.data.augment, preset "default";
# preset="strong" adds the domain-generalization extras: blur, noise, grid shuffle);
# test at (1024, 512) keep-ratio, logits resized back to full resolution.
# Point `root` at your copy: --cfg-options train_dataloader.dataset.root=/data/zerowaste-f ...
data_root = "data/zerowaste-f"
crop_size = (512, 512)
train_pipeline = [
    dict(type="KitLoadAnnotations"),
    dict(type="KitAugment", preset="default", scale=(1280, 720), crop=crop_size[0], cat_max_ratio=0.75),
    dict(type="PackSegInputs"),
]
test_pipeline = [
    dict(type="Resize", scale=(1024, 512), keep_ratio=True),
    dict(type="KitLoadAnnotations"),
    dict(type="PackSegInputs"),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type="InfiniteSampler", shuffle=True),
    dataset=dict(type="KitSegDataset", kind="zerowaste-f", root=data_root, split="train", pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type="DefaultSampler", shuffle=False),
    dataset=dict(type="KitSegDataset", kind="zerowaste-f", root=data_root, split="val", pipeline=test_pipeline),
)
test_dataloader = val_dataloader
val_evaluator = dict(type="KitSegMetric")
test_evaluator = val_evaluator
