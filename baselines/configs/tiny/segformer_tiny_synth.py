# Tiny SegFormer for the demo: source-only training on SynthWaste-layout scenes rendered by the
# kit (`source_root`), validated on the target scenes (`target_root`, paper already background).
# Override the folders with one option each: source_root=/path target_root=/path.
_base_ = "./segformer_tiny_cpu.py"
source_root = "data/source"
target_root = "data/target"
train_dataloader = dict(dataset=dict(kind="synthwaste", root=source_root, split="train", paper_to=0))
val_dataloader = dict(dataset=dict(kind="synthwaste", root=target_root, split="val", paper_to=0))
test_dataloader = val_dataloader
