# The 1st place's network (SI Analytics, VisDA 2022): ConvNeXt-L (ImageNet-22k weights) + DAFormer's
# context-aware fusion head. The backbone is timm's `convnext_large` (TimmBackbone: stages 0..3 at
# strides 4..32, 192/384/768/1536 channels). ConvNeXt-L counts 197.8M parameters with its 1000-class
# classifier; without it (all a segmenter uses) 196.2M, + 3.9M for the head (`zerowaste check-model`).
# `--pretrained` takes the official `convnext_large_22k_224.pth`, timm's / Hugging Face's
# `model.safetensors` or mmpretrain's checkpoint (zerowaste.baselines.weights converts them).
_base_ = "./daformer_mit-b5.py"
model = dict(
    backbone=dict(
        _delete_=True,
        type="TimmBackbone",
        model_name="convnext_large",
        out_indices=(0, 1, 2, 3),
        model_kwargs=dict(drop_path_rate=0.3),
        init_cfg=None,
    ),
    decode_head=dict(in_channels=[192, 384, 768, 1536]),
)
