"""pack: id masks and palette PNGs in, a valid zip named like the images out; errors leave no file."""

from __future__ import annotations

import zipfile

import cv2
import numpy as np
import pytest
from PIL import Image

from zerowaste import contract as C
from zerowaste.submission.pack import PackError, colors_to_ids, pack_submission
from zerowaste.submission.scoring import score_submission
from zerowaste.submission.validate import validate_submission


@pytest.fixture
def layout(fx, zk):
    """Target images named like ZeroWaste-f (upper-case .PNG) and two prediction folders."""
    images = fx.tmp / "images"
    images.mkdir()
    for name in fx.masks:
        cv2.imwrite(str(images / name.replace(".png", ".PNG")), np.zeros((zk.H, zk.W, 3), np.uint8))
    so, uda = fx.tmp / "so", fx.tmp / "uda"
    so.mkdir(), uda.mkdir()
    for name in fx.masks:
        cv2.imwrite(str(so / name), fx.preds["source_only"][name])  # id masks, '.png' predictions
        Image.fromarray(C.colorize(fx.preds["uda"][name])).save(uda / name.replace(".png", ".PNG"))  # RGB
    return images, so, uda


def test_pack_id_masks_and_palette_pngs(fx, layout):
    images, so, uda = layout
    out = pack_submission(so, uda, images, fx.tmp / "out" / "sub.zip")
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(f"{t}/{n.replace('.png', '.PNG')}" for t in C.TRACKS for n in fx.masks)
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        name = sorted(fx.masks)[0]
        uda_mask = cv2.imdecode(np.frombuffer(zf.read(f"uda/{name.replace('.png', '.PNG')}"), np.uint8), -1)
    assert np.array_equal(uda_mask, fx.preds["uda"][name])  # colours converted back to ids exactly
    # the packed zip scores like the raw predictions (GT renamed like the images)
    direct = score_submission(fx.zip(), fx.gt)
    for n in fx.masks:
        (fx.gt_dir / n).rename(fx.gt_dir / n.replace(".png", ".PNG"))
    assert validate_submission(out, fx.gt).ok
    assert score_submission(out, fx.gt) == direct


def test_palette_mode_png_is_converted_by_colour(fx, layout):
    images, so, uda = layout
    name = sorted(fx.masks)[0].replace(".png", ".PNG")
    rgb = Image.open(uda / name).convert("RGB")
    rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=8).save(uda / name)
    out = pack_submission(so, uda, images, fx.tmp / "sub.zip")
    with zipfile.ZipFile(out) as zf:
        got = cv2.imdecode(np.frombuffer(zf.read(f"uda/{name}"), np.uint8), -1)
    assert np.array_equal(got, fx.preds["uda"][sorted(fx.masks)[0]])


def test_unknown_colour_names_file_and_colour(fx, layout):
    images, so, uda = layout
    name = sorted(fx.masks)[1].replace(".png", ".PNG")
    rgb = np.asarray(Image.open(uda / name)).copy()
    rgb[4, 7] = (1, 2, 3)
    Image.fromarray(rgb).save(uda / name)
    out = fx.tmp / "sub.zip"
    with pytest.raises(PackError, match=r"colour \(1, 2, 3\) at pixel \(x=7, y=4\)") as err:
        pack_submission(so, uda, images, out)
    assert name in str(err.value)
    assert not out.exists() and list(fx.tmp.glob(".sub.zip*")) == []


def test_missing_prediction_and_wrong_size(fx, layout, zk):
    images, so, uda = layout
    names = sorted(fx.masks)
    (so / names[0]).unlink()
    cv2.imwrite(str(so / names[1]), np.zeros((10, 10), np.uint8))
    with pytest.raises(PackError, match="2 prediction") as err:
        pack_submission(so, uda, images, fx.tmp / "sub.zip")
    assert f"no prediction for image {names[0].replace('.png', '.PNG')}" in str(err.value)
    assert "size 10x10" in str(err.value) and "predict at full resolution" in str(err.value)


def test_id_mask_with_ignore_value_is_refused(fx, layout):
    images, so, uda = layout
    name = sorted(fx.masks)[0]
    bad = fx.preds["source_only"][name].copy()
    bad[0, 0] = 255
    cv2.imwrite(str(so / name), bad)
    with pytest.raises(PackError, match=r"values \[255\] outside 0..4"):
        pack_submission(so, uda, images, fx.tmp / "sub.zip")


def test_existing_output_is_untouched_on_failure(fx, layout):
    images, so, uda = layout
    out = fx.tmp / "sub.zip"
    out.write_bytes(b"previous")
    (so / sorted(fx.masks)[0]).unlink()
    with pytest.raises(PackError):
        pack_submission(so, uda, images, out)
    assert out.read_bytes() == b"previous"


def test_names_and_sizes_come_from_the_given_ground_truth(fx, layout):
    images, so, uda = layout
    # GT names end in '.png' while the images end in '.PNG': the GT wins
    out = pack_submission(so, uda, images, fx.tmp / "sub.zip", gt=fx.gt)
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == sorted(f"{t}/{n}" for t in C.TRACKS for n in fx.masks)
    assert validate_submission(out, fx.gt).ok


def test_colors_to_ids_roundtrip():
    ids = np.arange(C.NUM_CLASSES, dtype=np.uint8).reshape(1, -1).repeat(3, axis=0)
    assert np.array_equal(colors_to_ids(C.colorize(ids)), ids)
