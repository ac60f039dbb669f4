# DAFormer-style UDA, ZeroWaste-f -> ZeroWaste v2 (SPEC "Baseline recipes"): DAFormer MiT-B5 student,
# DACS self-training with EMA teacher (alpha 0.999), pseudo-labels (p >= 0.968, one weight per target
# batch, crop margins 15/120), ClassMix (classes of the whole source batch) + colour jitter (80 %) + blur
# (50 %), ImageNet feature distance (lambda 0.005 on
# classes 1..4; needs --pretrained mit_b5.pth), AdamW 6e-5 (head x10), 1500-iter warm-up, 40k iterations.
# The student is DAFormer's network: MiT-B5 + its context-aware fusion head (DAFormerHead, the kit's
# registry; ../daformer/daformer_mit-b5_zerowaste-f.py), about 85.1M parameters.
#   zerowaste train baselines/configs/uda/daformer_mitb5_zerowaste.py --pretrained mit_b5.pth \
#       train_dataloader.dataset.source.root=data/zerowaste-f train_dataloader.dataset.target.root=data/zerowaste-v2
_base_ = ["../daformer/daformer_mit-b5_zerowaste-f.py"]
custom_imports = dict(imports=["zerowaste.baselines.registry"], allow_failed_imports=False)

target_root = "data/zerowaste-v2"
model = dict(
    _delete_=True,
    type="DACS",
    model={{_base_.model}},
    alpha=0.999,
    pseudo_threshold=0.968,
    pseudo_weighting="batch",  # DAFormer's code: one weight for the target batch ("image": one per image)
    pseudo_margins=(15, 120),
    mix="class",
    classmix_scope="batch",  # classes of the whole source batch, 255 included ("image": the image's own)
    color_jitter=True,
    color_jitter_p=0.8,  # DAFormer: jitter when U > 0.2 (its color_jitter_probability=0.2)
    color_jitter_strength=0.2,
    blur=True,
    fdist_lambda=0.005,
    fdist_classes=(1, 2, 3, 4),
    fdist_min_ratio=0.75,
    mic=dict(enabled=False, mask_ratio=0.7, mask_block_size=64, loss_weight=1.0),
    warmup_iters=0,
    backbone=dict(),  # `--pretrained` lands here (merged into the student's backbone)
)
target_pipeline = [
    dict(type="KitAugment", preset="default", scale=(1280, 720), crop=512),
    dict(type="PackSegInputs"),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="UDADataset",
        source={{_base_.train_dataloader.dataset}},
        target=dict(type="KitSegDataset", kind="zerowaste-v2", root=target_root, split="train",
                    pipeline=target_pipeline),
    ),
)
# Target labels are not public: validate on ZeroWaste-f val (inherited) and keep the best-SND checkpoint,
# scored on the train dataloader's target images (wherever train_dataloader.dataset.target.root points).
custom_hooks = [
    dict(type="TrainingCurvesHook"),
    dict(type="BestSNDHook", interval=4000, pixels=100, max_images=50),
]
