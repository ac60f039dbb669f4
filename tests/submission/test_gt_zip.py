"""`zerowaste submission gt`: the organizers' gt.zip from a labeled copy of the target data."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from zerowaste.cli import cli
from zerowaste.data.fixtures import make_dataset
from zerowaste.data.io import write_mask
from zerowaste.submission.cli import submission
from zerowaste.submission.groundtruth import GroundTruthError, build_ground_truth_zip, load_ground_truth


@pytest.fixture
def labeled_v2(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "v2", "zerowaste-v2", n={"val": 2, "test": 3}, size=(36, 64), labeled=True)


def test_gt_zip_holds_every_phase_and_scores_like_the_folder(labeled_v2: Path, tmp_path: Path) -> None:
    out = tmp_path / "gt.zip"
    result = CliRunner().invoke(submission, ["gt", str(labeled_v2), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "val/ 2 masks, test/ 3 masks" in result.output
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
    expected = sorted(f"{phase}/{p.name}" for phase in ("val", "test") for p in (labeled_v2 / phase / "sem_seg").iterdir())
    assert names == expected
    for phase in ("val", "test"):
        gt = load_ground_truth(out, phase)
        assert set(gt.names) == {p.name for p in (labeled_v2 / phase / "data").iterdir()}  # named like the images
        for name in gt.names:
            assert np.array_equal(gt.read(name), load_ground_truth(labeled_v2 / phase / "sem_seg").read(name))
    only_test = build_ground_truth_zip(labeled_v2, tmp_path / "t.zip", ["test"])
    assert only_test == {"test": 3}


def test_bad_ground_truth_is_refused_and_nothing_written(labeled_v2: Path, tmp_path: Path) -> None:
    out = tmp_path / "gt.zip"
    mask = next((labeled_v2 / "val" / "sem_seg").iterdir())
    write_mask(mask, np.full((36, 64), 7, np.uint8))
    with pytest.raises(GroundTruthError, match=r"values \[7\] are not class ids 0..4 or 255"):
        build_ground_truth_zip(labeled_v2, out)
    write_mask(mask, np.zeros((20, 20), np.uint8))
    with pytest.raises(GroundTruthError, match="mask is 20x20, its image 64x36"):
        build_ground_truth_zip(labeled_v2, out)
    mask.unlink()
    with pytest.raises(GroundTruthError, match="do not pair by file name .1 unpaired"):
        build_ground_truth_zip(labeled_v2, out)
    result = CliRunner().invoke(cli, ["submission", "gt", str(labeled_v2), "-o", str(out)])  # as users run it
    assert result.exit_code == 1 and "do not pair" in result.output and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".gt.zip*"))
    with pytest.raises(GroundTruthError, match="has no val/ or test/ folder"):
        build_ground_truth_zip(tmp_path / "v2" / "val", out)
