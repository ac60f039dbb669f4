"""fixtures + datasets: exact real layouts, archive top folder, pairing errors, SynthWaste mapping."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from zerowaste import contract
from zerowaste.data.datasets import SegDataset, detect_kind, list_samples, open_dataset, resolve_root
from zerowaste.data.fixtures import make_dataset
from zerowaste.data.io import DataError, read_instance_mask, read_mask, write_mask


def test_zerowaste_f_layout_and_names(zwf_root: Path) -> None:
    base = zwf_root / "splits_final_deblurred"
    assert resolve_root(zwf_root, "zerowaste-f") == base
    for split in contract.SPLITS:
        names = sorted(p.name for p in (base / split / "data").iterdir())
        assert len(names) == 3 and all(contract.ZEROWASTE_NAME_RE.match(n) for n in names)
        assert sorted(p.name for p in (base / split / "sem_seg").iterdir()) == names
        assert (base / split / "labels.json").is_file()


def test_v2_and_zerowaste_s_are_unlabeled(tmp_path: Path) -> None:
    v2 = make_dataset(tmp_path / "v2", "zerowaste-v2", n={"train": 2, "val": 1, "test": 1})
    assert [p.name.endswith(".png") for p in (v2 / "train" / "data").iterdir()] == [True, True]
    assert not (v2 / "train" / "sem_seg").exists()
    ds = open_dataset(v2, split="val")
    assert (ds.kind, len(ds), ds[0].mask, ds[0].domain) == ("zerowaste-v2", 1, None, "target")
    s = make_dataset(tmp_path / "s", "zerowaste-s", n=2)
    assert sorted(p.name for p in s.iterdir()) == ["data"]
    assert len(open_dataset(s, "zerowaste-s")) == 2


def test_synthwaste_paper_mapping_and_instances(synth_root: Path) -> None:
    raw = SegDataset(synth_root, "synthwaste", "train", keep_synth_classes=True)
    masks = [raw[i].mask for i in range(len(raw))]
    assert any((m == contract.PAPER_ID).any() for m in masks)  # the fixture draws paper
    assert raw.class_names == contract.SYNTH_CLASS_NAMES
    for paper_to in (0, 255):
        mapped = SegDataset(synth_root, "synthwaste", "train", paper_to=paper_to)
        for i, m in enumerate(masks):
            expected = np.where(m == contract.PAPER_ID, paper_to, m)
            assert np.array_equal(mapped[i].mask, expected)
    inst = read_instance_mask(raw.refs[0].inst_path)
    assert inst.dtype == np.uint16 and ((inst > 0) == (masks[0] > 0)).all()


def test_fixture_is_deterministic(tmp_path: Path) -> None:
    a = make_dataset(tmp_path / "a", "zerowaste-f", n=1, seed=4)
    b = make_dataset(tmp_path / "b", "zerowaste-f", n=1, seed=4)
    for rel in ("train/data", "train/sem_seg"):
        (fa,), (fb,) = (a / rel).iterdir(), (b / rel).iterdir()
        assert fa.read_bytes() == fb.read_bytes()


def test_sample_fields_and_transform(zwf_root: Path) -> None:
    ds = open_dataset(zwf_root, "zerowaste-f", "val", transform=lambda image, mask: {"image": image[:10], "mask": mask[:10]})
    s = ds[-1]
    assert s.image.shape == (10, 160, 3) and s.mask.shape == (10, 160)
    assert s.file_name == s.image_id + ".PNG" and s.domain == "source"
    with pytest.raises(IndexError):
        ds[3]


def test_missing_mask_is_listed(fresh_zwf: Path) -> None:
    victim = sorted((fresh_zwf / "train" / "sem_seg").iterdir())[0]
    victim.unlink()
    with pytest.raises(DataError, match=rf"images without a mask in .*sem_seg: {re.escape(victim.name)}"):
        list_samples(fresh_zwf, "zerowaste-f", "train")


def test_orphan_mask_and_bad_values(fresh_zwf: Path) -> None:
    write_mask(fresh_zwf / "val" / "sem_seg" / "99_frame_000001.PNG", np.zeros((90, 160), np.uint8))
    with pytest.raises(DataError, match="masks without an image .*99_frame_000001.PNG"):
        list_samples(fresh_zwf, "zerowaste-f", "val")
    mask_path = sorted((fresh_zwf / "test" / "sem_seg").iterdir())[0]
    mask = read_mask(mask_path)
    mask[0, 0] = 7
    write_mask(mask_path, mask)
    ds = SegDataset(fresh_zwf, "zerowaste-f", "test")
    with pytest.raises(DataError, match=r"mask values \[7\] are not classes of zerowaste-f"):
        ds[0]


def test_wrong_root_split_and_kind(tmp_path: Path, zwf_root: Path) -> None:
    with pytest.raises(DataError, match="not a zerowaste-v2 dataset"):
        resolve_root(zwf_root, "zerowaste-v2")
    with pytest.raises(DataError, match="has splits train, val, test; got 'dev'"):
        list_samples(zwf_root, "zerowaste-f", "dev")
    with pytest.raises(DataError, match="dataset folder not found"):
        resolve_root(tmp_path / "absent", "zerowaste-f")
    with pytest.raises(ValueError, match="unknown dataset kind"):
        list_samples(zwf_root, "cityscapes", "train")
    assert detect_kind(zwf_root) == "zerowaste-f"


def test_detect_kind_of_every_fixture_and_ambiguity(tmp_path: Path) -> None:
    import shutil

    for kind in contract.DATASET_KINDS:
        assert detect_kind(make_dataset(tmp_path / kind, kind, n=1)) == kind
    for split in contract.SPLITS:  # a SynthWaste copy without instance masks looks like labeled v2
        shutil.rmtree(tmp_path / "synthwaste" / split / "inst_seg")
    with pytest.raises(DataError, match=r"could be zerowaste-v2, synthwaste\); pass it explicitly"):
        detect_kind(tmp_path / "synthwaste")
