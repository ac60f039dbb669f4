# ERM++ on SegFormer MiT-B5, source-only / DG track (zerowaste.baselines.ermpp): warm start (neck and
# head on the frozen backbone for 1500 iterations), parameter averaging (uniform average of the weights
# from iteration 20000 on, mmengine's EMAHook + StochasticWeightAverage; the average is what is
# validated and saved). This config trains on train and validates on val: choose the iteration count
# here, then train on train + val with segformer_mit-b5_zerowaste-f_ermpp_trainval.py.
# Off switches: custom_hooks.1.iters=0 (no warm start), custom_hooks.2.begin_iter=40000 (no averaging).
_base_ = ["./segformer_mit-b5_zerowaste-f.py"]
custom_hooks = [
    dict(type="TrainingCurvesHook"),
    dict(type="BackboneWarmStartHook", iters=1500),
    dict(type="EMAHook", ema_type="StochasticWeightAverage", begin_iter=20000),
]
