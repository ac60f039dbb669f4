"""check-model: measured parameters per forward pass against hand counts."""

from __future__ import annotations

import torch
from click.testing import CliRunner

from zerowaste.baselines.check_model import build_model, check_models, count_model, params_used
from zerowaste.baselines.cli import check_model

SEGFORMER = "tiny/segformer_tiny_cpu.py"
DEEPLAB = "tiny/deeplabv3plus_tiny_cpu.py"


def conv_bn(cin: int, cout: int, k: int = 1) -> int:
    """A bias-free k x k convolution followed by BatchNorm (weight + bias)."""
    return cin * cout * k * k + 2 * cout


def test_toy_module_shared_and_functional_weights():
    class Toy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.shared = torch.nn.Linear(4, 4)  # 20 params, called twice
            self.unused = torch.nn.Linear(100, 100)  # never called
            self.attn = torch.nn.MultiheadAttention(4, 1)  # out_proj used functionally

        def forward(self, x):
            x = self.shared(self.shared(x))
            return self.attn(x, x, x)[0]

    toy = Toy()
    # MHA: in_proj 3*(4*4) + 3*4, out_proj 4*4 + 4 -> 80
    assert params_used(toy, lambda: toy(torch.zeros(2, 1, 4))) == 20 + 80


def test_segformer_head_hand_count_and_whole_model_used():
    model = build_model(SEGFORMER)
    c, ins, n_classes = 32, (16, 32, 80, 128), 5
    head = sum(conv_bn(i, c) for i in ins) + conv_bn(4 * c, c) + (c * n_classes + n_classes)
    assert sum(p.numel() for p in model.decode_head.parameters()) == head
    backbone = sum(p.numel() for p in model.backbone.parameters())
    assert count_model(model) == backbone + head


def test_deeplab_auxiliary_head_is_not_counted():
    model = build_model(DEEPLAB)
    aux = conv_bn(256, 16, 3) + (16 * 5 + 5)  # FCNHead: one 3x3 conv + BN, then conv_seg
    total = sum(p.numel() for p in model.parameters())
    assert count_model(model) == total - aux


def test_ensemble_is_summed_and_cli_reports_ok(tmp_path):
    report = check_models([SEGFORMER, DEEPLAB])
    assert report.total == report.models[0].used + report.models[1].used
    assert report.ok
    out = tmp_path / "count.json"
    result = CliRunner().invoke(check_model, [SEGFORMER, SEGFORMER, "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output
    import json

    data = json.loads(out.read_text())
    assert data["total"] == 2 * report.models[0].used and data["limit"] == 300_000_000


def test_cli_rejects_a_bad_input_size():
    result = CliRunner().invoke(check_model, [SEGFORMER, "--input-size", "big"])
    assert result.exit_code != 0 and "HxW" in result.output
