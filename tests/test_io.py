"""zerowaste.io: atomic writers respect the umask and never leave a temporary file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from zerowaste.data.io import write_image, write_mask
from zerowaste.io import atomic_path, fmt_pct, save_figure, write_json_atomic, write_text_atomic


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_writer_gives_0644_under_umask_022(tmp_path: Path, umask_022) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    write_json_atomic(tmp_path / "a.json", {"x": 1})
    write_text_atomic(tmp_path / "b.txt", "hi")
    write_mask(tmp_path / "m.png", np.zeros((4, 4), np.uint8))
    write_image(tmp_path / "i.PNG", np.zeros((4, 4, 3), np.uint8))
    save_figure(plt.figure(), tmp_path / "f.png")
    for p in tmp_path.iterdir():
        assert _mode(p) == 0o644, (p.name, oct(_mode(p)))


def test_umask_077_is_respected_too(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_json_atomic(tmp_path / "a.json", [1])
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.json") == 0o600


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "scores.json"
    write_json_atomic(target, {"old": True})
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["scores.json"]


def test_packed_submission_is_readable_by_others(tmp_path: Path, umask_022) -> None:
    from zerowaste.submission.pack import pack_submission

    pred = tmp_path / "pred"
    write_image(tmp_path / "images" / "a.png", np.zeros((6, 8, 3), np.uint8))
    for track in ("source_only", "uda"):
        write_mask(pred / track / "a.png", np.ones((6, 8), np.uint8))
    out = pack_submission(pred / "source_only", pred / "uda", tmp_path / "images", tmp_path / "s.zip")
    assert _mode(out) == 0o644


@pytest.mark.parametrize(("value", "text"), [(0.5, "50.00"), (None, "n/a"), (float("nan"), "n/a"), (1.0, "100.00")])
def test_fmt_pct(value, text) -> None:
    assert fmt_pct(value) == text
