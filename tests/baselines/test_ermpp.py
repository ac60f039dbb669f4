"""ERM++ pieces on the tiny SegFormer: warm start freezes the backbone, the saved model is the uniform
average of the later weights, and training reads train + val."""

from __future__ import annotations

import torch

from zerowaste.baselines.train import prepare_config, train

CONFIG = "tiny/segformer_tiny_ermpp_cpu.py"


def test_tiny_ermpp_chain(tmp_path, data):
    zwf = str(data["zwf"])
    options = {"train_dataloader.dataset.sources.0.root": zwf, "train_dataloader.dataset.sources.1.root": zwf,
               "val_dataloader.dataset.root": zwf, "test_dataloader.dataset.root": zwf,
               "default_hooks.checkpoint.interval": 1, "default_hooks.checkpoint.max_keep_ckpts": 10,
               "train_cfg.val_interval": 100}
    cfg = prepare_config(CONFIG, work_dir=tmp_path / "w", cfg_options=options, seed=0)
    runner = train(cfg)
    assert runner.train_dataloader.dataset.source_sizes == [3, 3]  # train + val of the fixture
    ckpt = {i: torch.load(tmp_path / "w" / f"iter_{i}.pth", weights_only=True) for i in range(1, 7)}
    raw = {i: {k.removeprefix("module."): v for k, v in c["ema_state_dict"].items()} for i, c in ckpt.items()}

    # warm start: iterations 1 and 2 train the head only; from iteration 3 on the backbone moves too
    backbone = [k for k in raw[1] if k.startswith("backbone.") and raw[1][k].is_floating_point()]
    head = [k for k in raw[1] if k.startswith("decode_head.conv_seg.")]
    assert all(torch.equal(raw[1][k], raw[2][k]) for k in backbone)
    assert not all(torch.equal(raw[1][k], raw[2][k]) for k in head)
    assert not all(torch.equal(raw[2][k], raw[3][k]) for k in backbone)

    # parameter averaging from iteration 4: the saved model is the mean of the weights after 4, 5 and 6
    final = ckpt[6]["state_dict"]
    for key in backbone + head:
        expected = (raw[4][key] + raw[5][key] + raw[6][key]) / 3
        assert torch.allclose(final[key], expected, atol=1e-6), key
    assert torch.equal(ckpt[3]["state_dict"][head[0]], raw[3][head[0]])  # before it starts: the model itself
