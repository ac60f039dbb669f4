"""io: exact id masks (palette indices, never colours), atomic writes, clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from zerowaste.data.io import DataError, read_image, read_mask, write_image, write_mask


def test_mask_round_trip_exact(tmp_path: Path) -> None:
    mask = np.random.default_rng(0).integers(0, 256, (37, 53)).astype(np.uint8)
    write_mask(tmp_path / "m.PNG", mask)
    back = read_mask(tmp_path / "m.PNG")
    assert back.dtype == np.uint8 and np.array_equal(back, mask)


def test_palette_mask_read_as_indices(tmp_path: Path) -> None:
    ids = np.array([[0, 1, 2], [3, 4, 255]], np.uint8)
    im = Image.fromarray(ids, mode="P")
    im.putpalette([200, 10, 10] * 256)  # every index has the same colour: only indices tell them apart
    im.save(tmp_path / "p.png")
    assert read_mask(tmp_path / "p.png").tolist() == ids.tolist()


@pytest.mark.parametrize(
    ("array", "mode"),
    [(np.zeros((4, 4, 3), np.uint8), "RGB"), (np.zeros((4, 4, 4), np.uint8), "RGBA"), (np.zeros((4, 4), np.uint16), "I;16")],
)
def test_non_id_masks_refused(tmp_path: Path, array: np.ndarray, mode: str) -> None:
    Image.fromarray(array).save(tmp_path / "bad.png")
    with pytest.raises(DataError, match=rf"bad.png: mask has image mode '{mode}'"):
        read_mask(tmp_path / "bad.png")


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(DataError, match="x.png: cannot decode the mask"):
        read_mask(tmp_path / "x.png")
    with pytest.raises(DataError, match="x.png: cannot decode the image"):
        read_image(tmp_path / "x.png")
    with pytest.raises(DataError, match="nope.png: file not found"):
        read_image(tmp_path / "nope.png")


def test_truncated_png_is_an_error(tmp_path: Path) -> None:
    write_mask(tmp_path / "m.png", np.random.default_rng(1).integers(0, 5, (64, 64)).astype(np.uint8))
    data = (tmp_path / "m.png").read_bytes()
    (tmp_path / "m.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="cannot decode"):
        read_mask(tmp_path / "m.png")


def test_image_round_trip_rgb_order(tmp_path: Path) -> None:
    rgb = np.zeros((5, 6, 3), np.uint8)
    rgb[..., 0] = 200  # pure red must stay in channel 0 (OpenCV is BGR inside)
    write_image(tmp_path / "i.PNG", rgb)
    assert np.array_equal(read_image(tmp_path / "i.PNG"), rgb)
    assert np.asarray(Image.open(tmp_path / "i.PNG"))[0, 0].tolist() == [200, 0, 0]


def test_write_mask_refuses_bad_input_and_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "m.png"
    write_mask(target, np.ones((3, 3), np.uint8))
    with pytest.raises(DataError, match="0..255"):
        write_mask(target, np.full((3, 3), 300, np.int32))
    with pytest.raises(DataError, match="2-D"):
        write_mask(target, np.zeros((3, 3, 3), np.uint8))
    with pytest.raises(DataError, match="PNG"):
        write_mask(tmp_path / "m.jpg", np.zeros((3, 3), np.uint8))
    assert read_mask(target).tolist() == [[1] * 3] * 3
    assert sorted(os.listdir(tmp_path)) == ["m.png"]  # no temporary files left behind
