"""zerowaste soup: uniform weight averaging; mismatched checkpoints are refused clearly."""

from __future__ import annotations

import torch
from click.testing import CliRunner

from zerowaste.baselines.cli import soup
from zerowaste.baselines.predict import load_model


def test_soup_is_the_uniform_average_and_still_predicts(tmp_path, trained):
    a, b = trained / "iter_2.pth", trained / "iter_4.pth"
    out = tmp_path / "soup.pth"
    result = CliRunner().invoke(soup, [str(a), str(b), "-o", str(out)])
    assert result.exit_code == 0, result.output
    sa, sb = (torch.load(p, weights_only=True)["state_dict"] for p in (a, b))
    mixed = torch.load(out, weights_only=True)
    key = "decode_head.conv_seg.weight"
    assert not torch.equal(sa[key], sb[key])
    assert torch.allclose(mixed["state_dict"][key], (sa[key] + sb[key]) / 2)
    assert mixed["meta"]["soup_of"] == [str(a), str(b)]
    assert load_model(out).test_scale == (128, 64)  # config travels with the soup


def test_mismatched_checkpoints_are_refused(tmp_path, trained):
    ckpt = torch.load(trained / "iter_4.pth", weights_only=True)
    ckpt["state_dict"]["decode_head.conv_seg.weight"] = torch.zeros(7, 32, 1, 1)
    del ckpt["state_dict"]["decode_head.conv_seg.bias"]
    other = tmp_path / "other.pth"
    torch.save(ckpt, other)
    out = tmp_path / "soup.pth"
    result = CliRunner().invoke(soup, [str(trained / "iter_4.pth"), str(other), "-o", str(out)])
    assert result.exit_code == 1
    assert "missing decode_head.conv_seg.bias" in result.output and "shape (7, 32, 1, 1)" in result.output
    assert not out.exists()
    lonely = CliRunner().invoke(soup, [str(trained / "iter_4.pth"), "-o", str(out)])
    assert lonely.exit_code == 1 and "at least two" in lonely.output
