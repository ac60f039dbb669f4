# Tiny SegFormer on ZeroWaste-f + SynthWaste for CPU tests and the demo (see segformer_tiny_cpu.py).
_base_ = "./segformer_tiny_cpu.py"
train_dataloader = dict(
    sampler=dict(
        _delete_=True,
        type="MixedSourceSampler",
        synth_ratio=dict(start=0.5, end=0.25, iters={{_base_.max_iters}}),
        rcs_temperature=None,
        seed=0,
    ),
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="synthwaste", root="data/synthwaste", split="train", paper_to=0),
        ],
        pipeline={{_base_.train_pipeline}},
    ),
)
