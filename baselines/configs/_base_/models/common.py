# What every kit model shares: SyncBN (reverted to BN by mmengine when not distributed) and the
# data preprocessor (ImageNet mean/std; bgr_to_rgb=False because the kit's data layer reads RGB;
# masks padded with 255).
norm_cfg = dict(type="SyncBN", requires_grad=True)
data_preprocessor = dict(
    type="SegDataPreProcessor",
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32,
)
