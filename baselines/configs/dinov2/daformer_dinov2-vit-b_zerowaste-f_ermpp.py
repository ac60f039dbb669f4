# ERM++ on DINOv2 ViT-B/14 + DAFormer head, source-only (see ../segformer/segformer_mit-b5_zerowaste-f_ermpp.py):
# warm start 1500 iterations, parameter averaging from iteration 20000; choose the iteration count on val,
# then train on train + val with daformer_dinov2-vit-b_zerowaste-f_ermpp_trainval.py.
_base_ = ["./daformer_dinov2-vit-b_zerowaste-f.py"]
custom_hooks = [
    dict(type="TrainingCurvesHook"),
    dict(type="BackboneWarmStartHook", iters=1500),
    dict(type="EMAHook", ema_type="StochasticWeightAverage", begin_iter=20000),
]
