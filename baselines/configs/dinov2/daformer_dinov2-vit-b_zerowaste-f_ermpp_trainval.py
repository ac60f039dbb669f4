# ERM++ step 3 for DINOv2 ViT-B/14: ZeroWaste-f train + val for the iteration count chosen on val.
_base_ = ["./daformer_dinov2-vit-b_zerowaste-f_ermpp.py"]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type="MixedSegDataset",
        sources=[
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
            dict(kind="zerowaste-f", root="data/zerowaste-f", split="val"),
        ],
        pipeline={{_base_.train_pipeline}},
    ),
)
