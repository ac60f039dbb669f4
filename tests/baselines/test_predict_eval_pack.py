"""eval / predict / pack: predictions feed the submission packer, and `zerowaste eval` equals the scorer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from zerowaste.baselines.cli import evaluate, predict
from zerowaste.baselines.predict import PredictError, load_model, parse_tta, predict_mask
from zerowaste.data.io import read_image, read_mask
from zerowaste.submission.groundtruth import load_ground_truth
from zerowaste.submission.pack import pack_submission
from zerowaste.submission.scoring import score_submission
from zerowaste.submission.validate import validate_submission


def test_predict_pack_validate_and_eval_equals_the_scorer(tmp_path, data, trained):
    ckpt = str(trained / "iter_4.pth")
    images = data["zwf"] / "val" / "data"
    runner = CliRunner()
    for track, tta in (("source_only", ""), ("uda", "flip,ms")):
        args = [ckpt, "--images", str(images), "--out", str(tmp_path / "preds"), "--track", track,
                "--overlays", str(tmp_path / "overlays"), "--max-overlays", "1"]
        result = runner.invoke(predict, [*args, "--tta", tta] if tta else args)
        assert result.exit_code == 0, result.output
    inputs = sorted(p.name for p in images.iterdir())
    for track in ("source_only", "uda"):
        written = sorted(p.name for p in (tmp_path / "preds" / track).iterdir())
        assert written == inputs  # same base names, same (upper-case .PNG) extension
        for name in written:
            mask = read_mask(tmp_path / "preds" / track / name)
            assert mask.shape == read_image(images / name).shape[:2]
            assert mask.max() <= 4
    assert len(list((tmp_path / "overlays").glob("*.png"))) == 1

    zip_path = pack_submission(tmp_path / "preds" / "source_only", tmp_path / "preds" / "uda", images, tmp_path / "sub.zip")
    gt = load_ground_truth(data["zwf"] / "val" / "sem_seg")
    assert validate_submission(zip_path, gt).ok
    server = score_submission(zip_path, gt)

    out = tmp_path / "eval.json"
    result = runner.invoke(evaluate, [ckpt, "--data", str(data["zwf"]), "--dataset", "zerowaste-f", "--split", "val", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "mIoU" in result.output
    ours = json.loads(out.read_text())
    assert ours["n_images"] == len(inputs)
    for key in ("mIoU", "Acc", "aAcc", "IoU", "confusion"):
        assert ours[key] == server["source_only"][key], key


def test_ensemble_of_identical_checkpoints_and_flip(trained, data):
    image = read_image(next((data["zwf"] / "val" / "data").iterdir()))
    one = load_model(trained / "iter_4.pth")
    single = predict_mask([one], image)
    assert np.array_equal(predict_mask([one, load_model(trained / "iter_4.pth")], image), single)
    flipped = predict_mask([one], image[:, ::-1].copy(), parse_tta("flip"))
    assert np.array_equal(flipped[:, ::-1], predict_mask([one], image, parse_tta("flip")))


def test_bad_inputs_are_clear_errors(tmp_path, trained):
    with pytest.raises(PredictError, match="unknown TTA"):
        parse_tta("flip,rotate")
    broken = tmp_path / "broken.pth"
    broken.write_bytes((trained / "iter_4.pth").read_bytes()[:500])
    result = CliRunner().invoke(predict, [str(broken), "--images", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "not a complete torch checkpoint" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(predict, [str(trained / "iter_4.pth"), "--images", str(empty), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "no images" in result.output
