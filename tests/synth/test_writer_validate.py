"""Writer, per-shard COCO + merge, manifest and validation on frames written without rendering."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zerowaste import contract as C
from zerowaste.data.datasets import SegDataset
from zerowaste.data.io import read_instance_mask, write_instance_mask
from zerowaste.synth import writer
from zerowaste.synth.validate import validate_frames


def _frame(rng: np.random.Generator, h: int = 24, w: int = 32):
    """A small fake render: rectangles of random classes, one instance each (later ones on top)."""
    cat = np.zeros((h, w), np.int32)
    ins = np.zeros((h, w), np.int32)
    attrs = [{"idx": 0, "category_id": 0}]
    for k in range(1, 7):
        y, x = rng.integers(0, h - 4), rng.integers(0, w - 4)
        cls = int(rng.integers(0, 6))
        cat[y : y + rng.integers(3, 10), x : x + rng.integers(3, 12)] = cls
        ins[y : y + rng.integers(3, 10), x : x + rng.integers(3, 12)] = k
        attrs.append({"idx": k, "category_id": cls})
    cat = np.array([[attrs[i]["category_id"] for i in row] for row in ins])
    return rng.integers(0, 255, (h, w, 3), dtype=np.uint8), cat, ins, attrs


def _write(out, stems, paper_to=5, seed=0):
    rng = np.random.default_rng(seed)
    for stem in stems:
        rgb, cat, ins, attrs = _frame(rng)
        sem, inst = writer.masks_from_segmaps(cat, ins, attrs, paper_to)
        writer.write_frame(out, "train", stem, rgb, sem, inst, {"seed": 1, "stem": stem})


def test_masks_from_segmaps_paper_to_background():
    cat = np.array([[0, 5], [2, 5]])
    ins = np.array([[1, 2], [3, 4]])
    attrs = [{"idx": 1, "category_id": 0}, {"idx": 2, "category_id": 5}, {"idx": 3, "category_id": 2},
             {"idx": 4, "category_id": 5}]
    sem, inst = writer.masks_from_segmaps(cat, ins, attrs, paper_to=0)
    assert sem.tolist() == [[0, 0], [2, 0]] and inst.tolist() == [[0, 0], [1, 0]]
    assert inst.dtype == np.uint16
    with pytest.raises(ValueError, match="paper_to"):
        writer.masks_from_segmaps(cat, ins, attrs, paper_to=3)


def test_two_shards_merge_validate_and_read_back(tmp_path):
    stems = [writer.frame_stem(i) for i in range(5)]
    _write(tmp_path, stems)
    parts = [writer.write_shard_coco(tmp_path, "train", (i, 2), stems[i::2]) for i in range(2)]
    labels = json.loads(writer.merge_labels(tmp_path, "train").read_text())
    assert sorted(i["file_name"] for i in labels["images"]) == [f"{s}.png" for s in stems]
    assert [c["id"] for c in labels["categories"]] == [1, 2, 3, 4, 5]
    for i, part in enumerate(parts):
        report = validate_frames(tmp_path, "train", stems[i::2], part)
        assert report["problems"] == [] and report["frames"] == len(stems[i::2])
    merged_report = validate_frames(tmp_path, "train", stems, tmp_path / "train" / C.LABELS_JSON)
    assert merged_report["problems"] == [] and merged_report["instances"] > 0
    ds = SegDataset(tmp_path, "synthwaste", "train", keep_synth_classes=True)
    assert len(ds) == 5 and ds[0].image.shape == (24, 32, 3) and ds[0].mask.max() <= 5
    assert set(np.unique(SegDataset(tmp_path, "synthwaste", "train")[0].mask)) <= set(range(5))
    # rerunning a shard with a different shard count: the newest part wins, no duplicates
    writer.write_shard_coco(tmp_path, "train", (0, 1), stems)
    labels = json.loads(writer.merge_labels(tmp_path, "train").read_text())
    assert len(labels["images"]) == 5


def test_validation_catches_a_mixed_instance_and_a_stale_coco(tmp_path):
    stems = [writer.frame_stem(i) for i in range(2)]
    _write(tmp_path, stems, seed=3)
    part = writer.write_shard_coco(tmp_path, "train", (0, 1), stems)
    p = writer.frame_paths(tmp_path, "train", stems[0])
    inst = read_instance_mask(p["inst"])
    inst[:] = 1  # one instance over everything: several classes and background
    write_instance_mask(p["inst"], inst)
    problems = validate_frames(tmp_path, "train", stems, part)["problems"]
    assert any("covers several classes" in m for m in problems)
    sem_path = p["sem"]
    from zerowaste.data.io import read_mask, write_mask

    sem = read_mask(sem_path)
    sem[0, 0] = 9
    write_mask(sem_path, sem)
    problems = validate_frames(tmp_path, "train", stems, part)["problems"]
    assert any("not SynthWaste classes" in m for m in problems)
    assert any("re-rasterizes to a different semantic mask" in m for m in problems)


def test_manifest_lists_done_and_failed(tmp_path):
    _write(tmp_path, [writer.frame_stem(0)])
    writer.record_failure(tmp_path, "train", writer.frame_stem(1), {"seed": 42, "error": "boom"})
    path = writer.write_manifest(tmp_path, "train", (0, 1), {"done": [writer.frame_stem(0)]})
    m = json.loads(path.read_text())
    assert m["done"] == [writer.frame_stem(0)] and m["failed"][writer.frame_stem(1)]["seed"] == 42
    assert writer.is_done(tmp_path, "train", writer.frame_stem(0))
    assert not writer.is_done(tmp_path, "train", writer.frame_stem(1))
    # no temporary files are left behind
    assert not list((tmp_path / "train").rglob("*.tmp"))
