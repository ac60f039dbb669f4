# DAFormer's network (MiT-B5 + context-aware fusion head) trained source-only on ZeroWaste-f with the
# official recipe (batch 2, 40k iterations). The UDA configs (../uda/daformer_*, mic_*) wrap it.
#   zerowaste train daformer/daformer_mit-b5_zerowaste-f.py --pretrained mit_b5.pth
_base_ = [
    "../_base_/models/daformer_mit-b5.py",
    "../_base_/datasets/zerowaste_f.py",
    "../_base_/schedules/official_40k.py",
    "../_base_/default_runtime.py",
]
