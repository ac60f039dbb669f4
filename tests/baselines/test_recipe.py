"""`zerowaste recipe run first-place-tiny`: the 1st-place chain (DACS -> pseudo-labels -> three fine-tunes
-> soup) end to end on CPU, each stage's output the next one's input, and resumable."""

from __future__ import annotations

import json

import numpy as np
import torch
from click.testing import CliRunner

from zerowaste import contract
from zerowaste.baselines.predict import load_model, predict_mask
from zerowaste.baselines.recipe import RECIPES
from zerowaste.cli import cli
from zerowaste.data.io import read_image, read_mask


def test_tiny_first_place_chain_runs_in_order_and_resumes(tmp_path, data):
    work = tmp_path / "fp"
    args = ["recipe", "run", "first-place-tiny", "--work-dir", str(work), "--source", str(data["zwf"]),
            "--target", str(data["v2"])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    stages = RECIPES["first-place-tiny"].stages()
    state = json.loads((work / "recipe.json").read_text())
    assert list(state["stages"]) == stages and all(s["status"] == "done" for s in state["stages"].values())

    # 1 -> 2: the DACS student labelled every target train image (values 0..4 or 255)
    images = sorted(p.name for p in (data["v2"] / "train" / "data").iterdir())
    masks = sorted(p.name for p in (work / "pseudo-labels" / "train" / "sem_seg").iterdir())
    assert masks == images
    for name in masks:
        values = set(np.unique(read_mask(work / "pseudo-labels" / "train" / "sem_seg" / name)).tolist())
        assert values <= {*range(contract.NUM_CLASSES), contract.IGNORE_INDEX}
    student = torch.load(work / "pseudo-labels" / "init.pth", weights_only=True)["state_dict"]
    assert not any(k.startswith(("ema_model.", "model.")) for k in student)

    # 2 -> 3: each fine-tune started from the student and trained on the pseudo-labels with its augmentation
    finetunes = []
    for aug in ("photometric", "noise", "grid-shuffle"):
        ckpt = torch.load(work / f"finetune-{aug}" / "last.pth", weights_only=True)
        cfg = ckpt["meta"]["cfg"]
        assert f"{work / 'pseudo-labels' / 'init.pth'}" in cfg and f"preset='{aug}'" in cfg
        assert str(work / "pseudo-labels") in cfg and ckpt["meta"]["iter"] == 4
        assert set(ckpt["state_dict"]) == set(student)
        finetunes.append(ckpt["state_dict"])

    # 3 -> 4: the uniform soup of the three fine-tunes and the student, which predicts
    soup = torch.load(work / "soup" / "soup.pth", weights_only=True)["state_dict"]
    for key, value in soup.items():
        if value.is_floating_point():
            expected = sum(s[key].double() for s in [*finetunes, student]) / 4
            assert torch.equal(value, expected.to(value.dtype)), key
    image = read_image(next((data["v2"] / "val" / "data").iterdir()))
    mask = predict_mask([load_model(work / "soup" / "soup.pth")], image)
    assert mask.shape == image.shape[:2] and mask.max() < contract.NUM_CLASSES

    # run again: nothing is redone
    stamps = {p: p.stat().st_mtime_ns for p in work.rglob("*.pth")}
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and again.output.count("done earlier") == len(stages)
    assert stamps == {p: p.stat().st_mtime_ns for p in work.rglob("*.pth")}

    # an interrupted fine-tune resumes from its last complete checkpoint, and the soup is redone
    noise = work / "finetune-noise"
    for name in ("iter_4.pth", "last.pth", "last_checkpoint"):
        (noise / name).unlink()
    (work / "soup" / "soup.pth").unlink()
    resumed = CliRunner().invoke(cli, args)
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output.count("done earlier") == len(stages) - 2
    assert torch.load(noise / "last.pth", weights_only=True)["meta"]["iter"] == 4
    assert (noise / "iter_2.pth").stat().st_mtime_ns == stamps[noise / "iter_2.pth"]  # resumed from, not redone
    assert (work / "soup" / "soup.pth").is_file()


def test_unknown_recipe_and_bad_folders_are_one_line(tmp_path, data):
    runner = CliRunner()
    bad = runner.invoke(cli, ["recipe", "run", "second-place", "--work-dir", str(tmp_path), "--source",
                              str(data["zwf"]), "--target", str(data["v2"])])
    assert bad.exit_code == 1 and "unknown recipe 'second-place'" in bad.output and "Traceback" not in bad.output
    swapped = runner.invoke(cli, ["recipe", "run", "first-place-tiny", "--work-dir", str(tmp_path), "--source",
                                  str(data["v2"]), "--target", str(data["zwf"])])
    assert swapped.exit_code == 1 and "--source" in swapped.output
    listing = runner.invoke(cli, ["recipe", "list"])
    assert "dacs -> pseudo-labels -> finetune-photometric" in listing.output
