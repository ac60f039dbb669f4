# SegFormer MiT-B5 on ZeroWaste-f with the domain-generalization preset: random rescale
# (x0.5..x2) and the "strong" photometric preset (colour, grey, blur, noise, grid shuffle).
_base_ = "./segformer_mit-b5_zerowaste-f.py"
train_pipeline = [
    dict(type="KitLoadAnnotations"),
    dict(type="KitAugment", preset="strong", scale=(1280, 720), crop=512, cat_max_ratio=0.75, ratio_range=(0.5, 2.0)),
    dict(type="PackSegInputs"),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
