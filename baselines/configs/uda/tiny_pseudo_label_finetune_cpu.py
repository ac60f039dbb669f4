# Pseudo-label self-training round (1st-place style), tiny CPU variant:
#   zerowaste pseudo-label CKPT --images TARGET/train/data --out PL --threshold 0.968
#   zerowaste train baselines/configs/uda/tiny_pseudo_label_finetune_cpu.py load_from=PL/init.pth \
#       train_dataloader.dataset.sources.0.root=SRC train_dataloader.dataset.sources.1.root=PL
# Fine-tunes the student (the baselines' tiny SegFormer) on source labels + the target's confident
# pseudo-labels (unconfident pixels are 255 and ignored). Repeat rounds, then `zerowaste soup`.
_base_ = ["../tiny/segformer_tiny_cpu.py"]

load_from = "data/pl/init.pth"  # written by `zerowaste pseudo-label`: the student's weights
max_iters = 200
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="zerowaste-v2", root="data/pl", split="train"),  # pseudo-labels, 255 = ignored
        ],
        pipeline={{_base_.train_pipeline}},
    )
)
optim_wrapper = dict(optimizer=dict(lr=2e-4))
param_scheduler = [dict(type="PolyLR", eta_min=0.0, power=1.0, begin=0, end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=100, max_keep_ckpts=3))
