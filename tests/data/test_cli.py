"""`zerowaste data verify | stats | coco2mask | mask2coco` on fixture datasets, clean and broken."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from zerowaste import contract
from zerowaste.data.cli import data
from zerowaste.data.coco import CocoIndex
from zerowaste.data.fixtures import make_dataset
from zerowaste.data.io import read_instance_mask, read_mask, write_image, write_mask
from zerowaste.data.verify import edge_band

SMALL = ["--size", "160x90", "--quiet"]


def run(*args: str):
    return CliRunner().invoke(data, [str(a) for a in args])


@pytest.mark.parametrize("kind", contract.DATASET_KINDS)
def test_verify_clean_fixture_of_every_kind(tmp_path: Path, kind: str) -> None:
    root = make_dataset(tmp_path, kind, n=2, archive_root=bool(contract.layout(kind).archive_roots))
    result = run("verify", root, "--dataset", kind, *SMALL)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1].startswith("OK")
    if contract.layout(kind).split_sizes:  # 2 images differ from the public count: a warning only
        assert "warning:" in result.output and "the public release has" in result.output


def test_verify_reports_every_broken_input(fresh_zwf: Path) -> None:
    train, val, test = (fresh_zwf / s for s in contract.SPLITS)
    masks = sorted((train / "sem_seg").iterdir())
    masks[0].unlink()  # missing mask
    bad = read_mask(masks[1])
    index = CocoIndex(json.loads((train / "labels.json").read_text()))
    y, x = np.argwhere(~edge_band(index.annotations(masks[1].name), bad.shape))[0]  # away from every outline
    kind = "extra object" if bad[y, x] == 0 else "wrong class"
    bad[y, x] = 7  # value 7 in a mask
    write_mask(masks[1], bad)
    val_images = sorted((val / "data").iterdir())
    write_image(val_images[0], np.zeros((100, 160, 3), np.uint8))  # wrong size
    val_images[1].write_bytes(b"\x89PNG\r\n\x1a\n broken")  # unreadable PNG
    (test / "labels.json").write_text('{"images": [')  # malformed JSON
    result = run("verify", fresh_zwf, "--dataset", "zerowaste-f", *SMALL)
    assert result.exit_code == 1
    out = result.output
    assert f"images without a mask in zwf/train/sem_seg: {masks[0].name}" in out
    assert f"zwf/train/sem_seg/{masks[1].name}: mask values [7] are not classes of zerowaste-f" in out
    assert f"1 image(s) of size 160x100, expected 160x90 (use --size for other data): {val_images[0].name}" in out
    assert f"zwf/val/sem_seg/{val_images[0].name}: size 160x90 differs from its image's 160x100" in out
    assert f"zwf/val/data/{val_images[1].name}: cannot decode the image" in out
    assert "zwf/test/labels.json: not valid JSON (Expecting value: line 1 column 13" in out
    assert f"zwf/train/labels.json: rasterized polygons differ from sem_seg/ inside objects for {masks[1].name} ({kind} 1 px)" in out
    assert f"zwf/train/labels.json: lists images that are not in sem_seg/: {masks[0].name}" in out
    assert "8 problem(s) found." in out and "Traceback" not in out


def test_verify_default_size_and_missing_root(tmp_path: Path, zwf_root: Path) -> None:
    result = run("verify", zwf_root, "--dataset", "zerowaste-f", "--quiet")
    assert result.exit_code == 1 and "expected 1920x1080" in result.output
    result = run("verify", tmp_path / "nothing", "--dataset", "zerowaste-v2", "--quiet")
    assert result.exit_code == 1 and "dataset folder not found" in result.output
    result = run("verify", zwf_root, "--dataset", "zerowaste-f", "--size", "big")
    assert result.exit_code == 2 and "expected WIDTHxHEIGHT" in result.output


def test_verify_rgb_mask_and_labels_without_entry(fresh_zwf: Path) -> None:
    mask = sorted((fresh_zwf / "val" / "sem_seg").iterdir())[0]
    write_image(mask, np.zeros((90, 160, 3), np.uint8))  # a colour mask
    labels = fresh_zwf / "test" / "labels.json"
    coco = json.loads(labels.read_text())
    dropped = coco["images"].pop(0)["file_name"]
    labels.write_text(json.dumps(coco))
    (fresh_zwf / "train" / "labels.json").unlink()
    result = run("verify", fresh_zwf, "--dataset", "zerowaste-f", *SMALL)
    assert result.exit_code == 1
    assert "warning: zwf/train/labels.json: missing, so the COCO check was skipped" in result.output
    assert f"{mask.name}: mask has image mode 'RGB'" in result.output
    assert f"zwf/test/labels.json: no entry for {dropped}" in result.output


def test_stats_writes_json_plot_and_uses_cache(synth_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats"
    first = run("stats", synth_root, "--dataset", "synthwaste", "--out", out, "--quiet")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("computed:") and "paper" in first.output
    stats = json.loads((out / "stats.json").read_text())
    train = stats["splits"]["train"]
    counts = np.array(list(train["images"].values()))
    assert counts.shape == (3, contract.SYNTH_NUM_CLASSES)
    assert counts.sum() == 3 * 90 * 160 - train["ignore_pixels"]  # every pixel counted once
    mask0 = read_mask(sorted((synth_root / "train" / "sem_seg").iterdir())[0])
    assert counts[0].tolist() == np.bincount(mask0.ravel(), minlength=6)[:6].tolist()
    assert (out / "class_distribution.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    second = run("stats", synth_root, "--dataset", "synthwaste", "--out", out, "--quiet")
    assert second.output.startswith("cached:")


def test_stats_cache_invalidated_when_data_changes(fresh_zwf: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats"
    assert run("stats", fresh_zwf, "--dataset", "zerowaste-f", "--out", out, "--quiet").exit_code == 0
    mask_path = sorted((fresh_zwf / "train" / "sem_seg").iterdir())[0]
    write_mask(mask_path, np.full((90, 160), 2, np.uint8))
    again = run("stats", fresh_zwf, "--dataset", "zerowaste-f", "--out", out, "--quiet")
    assert again.output.startswith("computed:")
    per_image = json.loads((out / "stats.json").read_text())["splits"]["train"]["images"]
    assert per_image[mask_path.name] == [0, 0, 90 * 160, 0, 0]
    write_mask(mask_path, np.full((90, 160), 9, np.uint8))
    bad = run("stats", fresh_zwf, "--dataset", "zerowaste-f", "--out", out, "--quiet")
    assert bad.exit_code == 1 and "mask values [9] are not classes" in bad.output


@pytest.mark.parametrize("mode", ["polygon", "rle"])
def test_mask2coco_coco2mask_round_trip(synth_root: Path, tmp_path: Path, mode: str) -> None:
    split = synth_root / "train"
    labels = tmp_path / "labels.json"
    r = run("mask2coco", split / "sem_seg", "--instances", split / "inst_seg", "--out", labels, "--mode", mode, "--synthetic")
    assert r.exit_code == 0, r.output
    coco = json.loads(labels.read_text())
    assert {c["name"] for c in coco["categories"]} >= {"paper"}
    r = run("coco2mask", labels, "--out", tmp_path / "sem", "--instances", tmp_path / "inst")
    assert r.exit_code == 0, r.output
    for mask_path in (split / "sem_seg").iterdir():
        assert np.array_equal(read_mask(tmp_path / "sem" / mask_path.name), read_mask(mask_path))
        inst = read_instance_mask(split / "inst_seg" / mask_path.name)
        assert np.array_equal(read_instance_mask(tmp_path / "inst" / mask_path.name), inst)


def test_conversion_errors_are_clean(tmp_path: Path, synth_root: Path) -> None:
    (tmp_path / "bad.json").write_text("{nope")
    r = run("coco2mask", tmp_path / "bad.json", "--out", tmp_path / "o")
    assert r.exit_code == 1 and "bad.json: not valid JSON" in r.output
    r = run("mask2coco", synth_root / "train" / "sem_seg", "--out", tmp_path / "c.json")  # paper without --synthetic
    assert r.exit_code == 1 and "mask values [5] are not classes of this dataset" in r.output
    (tmp_path / "empty").mkdir()
    r = run("mask2coco", tmp_path / "empty", "--out", tmp_path / "c.json")
    assert r.exit_code == 1 and "no PNG masks" in r.output
    assert not (tmp_path / "c.json").exists()


def test_wired_into_the_zerowaste_cli(zwf_root: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "zerowaste", "data", "verify", str(zwf_root), "--dataset", "zerowaste-f",
                           "--size", "160x90", "--quiet"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "zerowaste-f at" in proc.stdout and "train: 3, val: 3, test: 3" in proc.stdout
