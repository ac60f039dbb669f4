# DeepLabV3+ R101 on ZeroWaste-f + SynthWaste (synthetic ratio: train_dataloader.sampler.synth_ratio).
_base_ = [
    "../_base_/models/deeplabv3plus_r101.py",
    "../_base_/datasets/mixed_zerowaste_f_synthwaste.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
