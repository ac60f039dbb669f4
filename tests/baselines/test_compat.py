"""zerowaste.compat.mmseg: mmseg imports on mmcv-lite, weights_only loads, atomic checkpoints."""

from __future__ import annotations

import pytest
import torch

import zerowaste.compat.mmseg as compat


def test_mmseg_models_import_and_missing_ops_are_clear():
    import mmcv.ops
    import mmseg.models  # noqa: F401  (fails on plain mmcv-lite without the compat module)

    if compat.HAS_MMCV_OPS:
        pytest.skip("full mmcv installed: nothing is patched")
    # pure-PyTorch op is the real one
    feats = torch.arange(16.0).reshape(1, 1, 4, 4)
    out = mmcv.ops.point_sample(feats, torch.tensor([[[0.5, 0.5]]]), align_corners=False)
    assert out.shape == (1, 1, 1)
    with pytest.raises(compat.MissingCompiledOp, match="full mmcv"):
        mmcv.ops.sigmoid_focal_loss(torch.zeros(1, 2), torch.zeros(1, dtype=torch.long), 2.0, 0.25, None, "mean")
    with pytest.raises(ModuleNotFoundError, match="mmcv-lite"):
        from mmcv.ops import DeformConv2d  # noqa: F401


def test_trained_checkpoint_loads_with_weights_only(trained):
    from mmengine.logging.history_buffer import HistoryBuffer

    ckpt = torch.load(trained / "iter_4.pth", map_location="cpu", weights_only=True)
    assert ckpt["meta"]["iter"] == 4
    buffers = ckpt["message_hub"]["log_scalars"]
    assert isinstance(buffers["train/loss"], HistoryBuffer)
    assert len(buffers["train/loss"].data[0]) == 4  # one logged loss per iteration survived the round trip


def test_atomic_put_replaces_whole_file(tmp_path):
    target = tmp_path / "sub" / "x.bin"
    compat.atomic_put(b"first", target)
    compat.atomic_put(b"second", target)
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["x.bin"]  # no temporary left behind


def test_apply_is_idempotent():
    import sys

    shim = sys.modules["mmcv.ops"]
    compat.apply()
    assert sys.modules["mmcv.ops"] is shim
