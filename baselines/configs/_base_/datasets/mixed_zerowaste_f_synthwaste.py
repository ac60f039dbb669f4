# ZeroWaste-f + SynthWaste, mixed per batch by source weights (SynthWaste's `paper` -> background).
# The synthetic share follows a schedule: linear from `start` to `end` over `iters` iterations
# (constant when start == end). Rare-class sampling: set rcs_temperature (e.g. 0.01).
_base_ = "./zerowaste_f.py"
synth_root = "data/synthwaste"
train_dataloader = dict(
    sampler=dict(
        _delete_=True,
        type="MixedSourceSampler",
        synth_ratio=dict(start=0.5, end=0.5, iters=40000),
        rcs_temperature=None,
        rcs_min_pixels=3000,
        seed=0,
    ),
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="synthwaste", root=synth_root, split="train", paper_to=0),
        ],
        pipeline={{_base_.train_pipeline}},
    ),
)
