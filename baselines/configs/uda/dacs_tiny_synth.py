# Tiny DACS for the demo: labeled source scenes (`source_root`, SynthWaste layout, paper -> background)
# adapted to unlabeled target scenes (`target_root`; only its train images are read for training).
# Validation runs on the source val split: target labels are for the scoring server only.
# Override the folders with one option each: source_root=/path target_root=/path.
_base_ = "./tiny_dacs_cpu.py"
source_root = "data/source"
target_root = "data/target"
train_dataloader = dict(
    dataset=dict(
        source=dict(kind="synthwaste", root=source_root, split="train", paper_to=0),
        target=dict(kind="synthwaste", root=target_root, split="train"),
    )
)
val_dataloader = dict(dataset=dict(kind="synthwaste", root=source_root, split="val", paper_to=0))
test_dataloader = val_dataloader
