# ConvNeXt-L + DAFormer head (the 1st place's network), source-only on ZeroWaste-f, official recipe.
#   zerowaste train convnext/daformer_convnext-l_zerowaste-f.py --pretrained convnext_large_22k_224.pth
_base_ = [
    "../_base_/models/daformer_convnext-l.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
