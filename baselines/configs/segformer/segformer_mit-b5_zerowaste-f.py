# SegFormer MIT-B5 source-only on ZeroWaste-f, official recipe (batch 2, 40k iterations).
_base_ = [
    "../_base_/models/segformer_mit-b5.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
