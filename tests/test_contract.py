"""The contract: class ids, palette, layouts and the SynthWaste mapping agree with SPEC."""

import doctest

import numpy as np
import pytest

from zerowaste import contract as C


def test_classes_match_spec():
    assert C.CLASS_NAMES == ("background", "rigid_plastic", "cardboard", "metal", "soft_plastic")
    assert C.PALETTE == ((0, 0, 0), (128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156))
    assert C.IGNORE_INDEX == 255 and C.PAPER_ID == 5
    assert [c["id"] for c in C.coco_categories()] == [1, 2, 3, 4]
    assert [c["name"] for c in C.coco_categories(synthetic=True)][-1] == "paper"


def test_palette_colours_are_unique():
    assert len(set(C.SYNTH_PALETTE)) == len(C.SYNTH_PALETTE)


def test_synth_lut_maps_paper_and_unknown_values():
    mask = np.array([[0, 1, 2, 3, 4, 5, 255, 9]], dtype=np.uint8)
    assert C.synth_to_zerowaste_lut()[mask].tolist() == [[0, 1, 2, 3, 4, 0, 255, 255]]
    assert C.synth_to_zerowaste_lut(paper_to=255)[mask][0, 5] == 255
    with pytest.raises(ValueError, match="paper_to"):
        C.synth_to_zerowaste_lut(paper_to=7)


def test_layouts_follow_file_rules():
    assert C.layout("zerowaste-f").image_ext == ".PNG"
    assert C.layout("zerowaste-s").image_ext == ".PNG"
    assert C.layout("zerowaste-v2").image_ext == ".png"
    assert C.layout("synthwaste").synthetic
    assert "splits_final_deblurred" in C.layout("zerowaste-f").archive_roots
    assert C.ZEROWASTE_NAME_RE.match("01_frame_000123.PNG")
    assert not C.ZEROWASTE_NAME_RE.match("01_frame_000123.png")
    with pytest.raises(ValueError, match="unknown dataset kind"):
        C.layout("cityscapes")


def test_colorize_uses_palette():
    rgb = C.colorize(np.array([[2, 255]], dtype=np.uint8))
    assert rgb[0, 0].tolist() == [244, 35, 232] and rgb[0, 1].tolist() == [255, 255, 255]


def test_class_id_lookup():
    assert C.class_id("metal") == 3
    assert C.class_id("paper", synthetic=True) == 5
    with pytest.raises(ValueError, match="unknown class"):
        C.class_id("paper")


def test_docstring_examples_run():
    failures, _ = doctest.testmod(C)
    assert failures == 0
