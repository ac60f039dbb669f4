# ERM++ on the tiny SegFormer (CPU tests): warm start 2 iterations, parameter averaging from iteration 4
# of 6, trained on train + val (zerowaste.baselines.ermpp; the GPU configs: *_ermpp*.py).
_base_ = ["./segformer_tiny_cpu.py"]
custom_hooks = [
    dict(type="TrainingCurvesHook"),
    dict(type="BackboneWarmStartHook", iters=2),
    dict(type="EMAHook", ema_type="StochasticWeightAverage", begin_iter=4),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="val"),
        ],
        pipeline={{_base_.train_pipeline}},
    ),
)
