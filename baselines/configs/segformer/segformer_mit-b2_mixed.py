# SegFormer MIT-B2 on ZeroWaste-f + SynthWaste (synthetic ratio: train_dataloader.sampler.synth_ratio).
_base_ = [
    "../_base_/models/segformer_mit-b2.py",
    "../_base_/datasets/mixed_zerowaste_f_synthwaste.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
