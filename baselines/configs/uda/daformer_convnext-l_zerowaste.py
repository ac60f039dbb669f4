# DACS with the 1st place's network (ConvNeXt-L + DAFormer head; ../_base_/models/daformer_convnext-l.py),
# ZeroWaste-f -> ZeroWaste v2, 40k iterations at 512x512 crops of 1280x720 frames; the DACS settings are
# DAFormer's (./daformer_mitb5_zerowaste.py). Stage 1 of the 1st-place recipe (`zerowaste recipe`).
#   zerowaste train uda/daformer_convnext-l_zerowaste.py --pretrained convnext_large_22k_224.pth
_base_ = ["./daformer_mitb5_zerowaste.py"]
model = dict(
    model=dict(
        backbone=dict(
            _delete_=True,
            type="TimmBackbone",
            model_name="convnext_large",
            out_indices=(0, 1, 2, 3),
            model_kwargs=dict(drop_path_rate=0.3),
            init_cfg=None,
        ),
        decode_head=dict(in_channels=[192, 384, 768, 1536]),
    ),
)
