# MIC on top of the DAFormer-style recipe: block masking of target images (ratio 0.7, 64 px blocks),
# trained on the teacher's pseudo-labels of the unmasked image (SPEC "Baseline recipes").
#   zerowaste train baselines/configs/uda/mic_mitb5_zerowaste.py --pretrained mit_b5.pth
_base_ = ["./daformer_mitb5_zerowaste.py"]
model = dict(mic=dict(enabled=True, mask_ratio=0.7, mask_block_size=64, loss_weight=1.0))
