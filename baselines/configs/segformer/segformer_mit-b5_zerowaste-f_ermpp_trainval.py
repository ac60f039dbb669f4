# ERM++ step 3: all labelled source data (ZeroWaste-f train + val) for the iteration count chosen on val
# with segformer_mit-b5_zerowaste-f_ermpp.py (`train_cfg.max_iters=N`; the averaging then starts at
# half of it: custom_hooks.2.begin_iter=N/2). Validation now sees training data: a sanity check only.
_base_ = ["./segformer_mit-b5_zerowaste-f_ermpp.py"]
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
