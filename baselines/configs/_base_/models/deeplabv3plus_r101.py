# DeepLabV3+ ResNet-101: DeepLabV3+ R-50 with a deeper backbone.
_base_ = "./deeplabv3plus_r50.py"
model = dict(backbone=dict(depth=101))
