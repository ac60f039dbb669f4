# SegFormer MiT-B4: MiT-B0 with wider/deeper stages.
_base_ = "./segformer_mit-b0.py"
model = dict(
    backbone=dict(embed_dims=64, num_layers=[3,8,27,3]),
    decode_head=dict(in_channels=[64, 128, 320, 512], channels=768),
)
