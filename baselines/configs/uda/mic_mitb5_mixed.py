# MIC + DAFormer-style UDA with the mixed ZeroWaste-f + SynthWaste source -> ZeroWaste v2.
_base_ = ["./daformer_mitb5_mixed.py"]
model = dict(mic=dict(enabled=True, mask_ratio=0.7, mask_block_size=64, loss_weight=1.0))
