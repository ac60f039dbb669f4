# DAFormer-style UDA with a mixed source: ZeroWaste-f + SynthWaste (paper -> background) -> ZeroWaste v2.
# The source batches come from the baselines' MixedSourceSampler (synthetic ratio schedule, optional
# rare-class sampling: rcs_temperature=0.01, rcs_min_pixels=3000), run on the UDA dataset's source; a
# rare-class draw is re-cropped until the crop holds > rcs_min_crop_ratio x rcs_min_pixels of its class
# (DAFormer's min_crop_ratio 0.5, in UDADataset).
_base_ = ["./daformer_mitb5_zerowaste.py"]
train_dataloader = dict(
    sampler=dict(
        _delete_=True,
        type="UDASourceSampler",
        sampler=dict(
            type="MixedSourceSampler",
            batch_size=2,  # keep equal to train_dataloader.batch_size
            synth_ratio=dict(start=0.5, end=0.5, iters=40000),
            rcs_temperature=None,
            rcs_min_pixels=3000,
            seed=0,
        ),
    ),
    dataset=dict(
        rcs_min_crop_ratio=0.5,
        source=dict(
            _delete_=True,
            type="MixedSegDataset",
            sources=[
                dict(kind="zerowaste-f", root="data/zerowaste-f", split="train"),
                dict(kind="synthwaste", root="data/synthwaste", split="train", paper_to=0),
            ],
            pipeline={{_base_.train_pipeline}},
        ),
    ),
)
