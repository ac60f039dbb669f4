"""End to end with real BlenderProc + Cycles: tiny frames (160x90, 4 samples), validated and read back."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

from zerowaste import contract as C
from zerowaste.cli import cli as zerowaste_cli
from zerowaste.data.datasets import SegDataset
from zerowaste.data.io import read_image, read_instance_mask, read_mask
from zerowaste.synth.cli import synth
from zerowaste.synth.params import frame_seed
from zerowaste.synth.post import pick_moving

pytestmark = pytest.mark.slow

CUBE_OBJ = """o can
v -0.5 -0.5 -0.5
v 0.5 -0.5 -0.5
v 0.5 0.5 -0.5
v -0.5 0.5 -0.5
v -0.5 -0.5 0.5
v 0.5 -0.5 0.5
v 0.5 0.5 0.5
v -0.5 0.5 0.5
f 1 2 3 4
f 5 8 7 6
f 1 5 6 2
f 2 6 7 3
f 3 7 8 4
f 5 1 4 8
"""


def _render(args, env=None, exit_code=0):
    result = CliRunner().invoke(zerowaste_cli, ["synth", "render", "--preset", "tiny", "--threads", "2", *args], env=env)
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    return result.output


LEFT_IN_TMPDIR: list[str] = []  # what the first render's processes left in their TMPDIR


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    scratch = tmp_path_factory.mktemp("scratch")  # the render processes' TMPDIR: must be left empty
    _render(["--out", str(out), "--n", "4", "--seed", "5", "--shard", "0/2", "--workers", "2", "--per-process", "1",
             "--set", "belt.rails_prob=1.0"], env={"TMPDIR": str(scratch)})
    LEFT_IN_TMPDIR.extend(sorted(p.name for p in scratch.iterdir()))
    # the second shard takes its index from a Slurm job array's environment
    _render(["--out", str(out), "--n", "4", "--seed", "5"],
            env={"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"})
    return out


def test_frames_are_written_validated_and_merged(dataset):
    split = dataset / "train"
    stems = [f"synth_{i:06d}" for i in range(4)]
    assert sorted(p.stem for p in (split / C.IMAGE_DIR).glob("*.png")) == stems
    labels = json.loads((split / C.LABELS_JSON).read_text())
    assert sorted(i["file_name"] for i in labels["images"]) == [f"{s}.png" for s in stems]
    assert sorted(p.name for p in (split / "coco").glob("*.json")) == ["shard-000-of-002.json", "shard-001-of-002.json"]
    manifest = json.loads((split / "manifest.json").read_text())
    assert manifest["done"] == stems and manifest["failed"] == {}
    for shard in manifest["shards"].values():
        assert shard["validation"]["problems"] == [] and shard["validation"]["instances"] > 0
    for i, stem in enumerate(stems):
        meta = json.loads((split / "meta" / f"{stem}.json").read_text())
        assert meta["seed"] == frame_seed(5, i) and meta["preset"] == "tiny"
        assert meta["scene"]["seed"] == meta["seed"] and len(meta["scene"]["objects"]) >= 40


def test_frames_look_like_clutter_with_labels(dataset):
    split = dataset / "train"
    classes, covered = set(), []
    for p in sorted((split / C.SEM_DIR).glob("*.png")):
        sem, inst = read_mask(p), read_instance_mask(split / C.INST_DIR / p.name)
        assert sem.shape == (90, 160) and inst.dtype == np.uint16
        classes |= set(np.unique(sem).tolist())
        covered.append((sem > 0).mean())
        assert inst.max() >= 3
    assert np.mean(covered) > 0.5, f"the belt should be mostly covered by clutter: {covered}"
    assert C.PAPER_ID in classes and len(classes - {0, C.PAPER_ID}) >= 2
    ds = SegDataset(dataset, "synthwaste", "train")
    sample = ds[0]
    assert sample.image.shape == (90, 160, 3) and sample.image.std() > 10
    assert set(np.unique(sample.mask)) <= set(range(C.NUM_CLASSES))
    verify = CliRunner().invoke(zerowaste_cli, ["data", "verify", str(dataset), "--dataset", "synthwaste", "--size", "160x90"])
    assert verify.exit_code == 0, verify.output


def test_render_processes_leave_no_temp_dirs(dataset):
    # each Blender process made a BlenderProc and a Blender session temp dir under TMPDIR; both go
    # (with os._exit at the end of a render process they used to stay: two per process, forever)
    assert LEFT_IN_TMPDIR == []


def test_rerun_renders_nothing(dataset):
    split = dataset / "train"
    before = {p.name: p.stat().st_mtime_ns for p in (split / C.IMAGE_DIR).glob("*.png")}
    out = _render(["--out", str(dataset), "--n", "4", "--seed", "5", "--shard", "0/2"])
    assert "0 frame(s) to render" in out and "rendered now 0" in out
    assert {p.name: p.stat().st_mtime_ns for p in (split / C.IMAGE_DIR).glob("*.png")} == before


def test_preview_contact_sheet(dataset, tmp_path):
    from PIL import Image

    result = CliRunner().invoke(synth, ["preview", str(dataset / "train"), "-o", str(tmp_path / "s.png"), "--n", "2"])
    assert result.exit_code == 0, result.output
    img = np.asarray(Image.open(tmp_path / "s.png").convert("RGB"))
    assert img.shape[0] > 100 and img.std() > 10


def test_user_assets_and_paper_to_background(tmp_path):
    assets = tmp_path / "assets" / "metal"
    assets.mkdir(parents=True)
    (assets / "can.obj").write_text(CUBE_OBJ)
    out = tmp_path / "out"
    args = ["--n", "1", "--assets", str(tmp_path / "assets"), "--set", "clutter.asset_share=1.0",
            "--set", "clutter.class_mix={metal: 1, paper: 3}", "--set", "clutter.count=[24, 28]",
            "--set", "post.moving=[8, 8]"]  # (18 pieces in tiny's closer view, 4 of them metal; 8 of them moving:
    # with 3, every scene change risked a frame whose movers were all metal and proved nothing about paper)
    _render(["--out", str(out), "--paper-to", "0", *args])
    split = out / "train"
    meta = json.loads((split / "meta" / "synth_000000.json").read_text())
    metal = [o for o in meta["scene"]["objects"] if o["class"] == "metal"]
    assert metal and all(o["asset"].endswith("can.obj") for o in metal)
    sem = read_mask(split / C.SEM_DIR / "synth_000000.png")
    assert C.PAPER_ID not in np.unique(sem) and 3 in np.unique(sem)
    # labelled as paper, the same scene's pixels are the same: a piece of paper moves whatever its label says
    _render(["--out", str(tmp_path / "paper"), *args])
    paper = tmp_path / "paper" / "train"
    sem5, inst5 = read_mask(paper / C.SEM_DIR / "synth_000000.png"), read_instance_mask(paper / C.INST_DIR / "synth_000000.png")
    post = meta["scene"]["post"]
    moves = pick_moving(inst5, post["moving"], post["moving_px"] * 160 / 1920, np.random.default_rng([post["seed"], 4]))
    assert any((sem5[inst5 == pid] == C.PAPER_ID).all() for pid, _, _ in moves)
    assert np.array_equal(read_image(split / C.IMAGE_DIR / "synth_000000.png"),
                          read_image(paper / C.IMAGE_DIR / "synth_000000.png"))


def test_broken_scenes_are_recorded_and_skipped(tmp_path):
    assets = tmp_path / "assets" / "metal"
    assets.mkdir(parents=True)
    (assets / "broken.blend").write_text("not a blend file")
    out = tmp_path / "out"
    output = _render(["--out", str(out), "--n", "2", "--seed", "9", "--assets", str(tmp_path / "assets"),
                      "--set", "clutter.asset_share=1.0", "--set", "clutter.class_mix={metal: 1}",
                      "--set", "clutter.count=[2, 3]"], exit_code=1)
    # failed frames are not a success: one line with the counts, the log and the manifest
    error = output.strip().splitlines()[-1]
    assert error.startswith("Error: shard 0/1: done 0, failed 2 of 2 frame(s); see ") and "manifest.json" in error
    manifest = json.loads((out / "train" / "manifest.json").read_text())
    assert sorted(manifest["failed"]) == ["synth_000000", "synth_000001"]
    assert [f["seed"] for f in manifest["failed"].values()] == [frame_seed(9, 0), frame_seed(9, 1)]
    assert "blend" in manifest["failed"]["synth_000001"]["error"].lower() or manifest["failed"]["synth_000001"]["error"]
    assert not os.path.exists(out / "train" / C.IMAGE_DIR / "synth_000000.png")


def test_a_crashing_blender_process_is_recorded_and_the_rest_continues(tmp_path):
    out = tmp_path / "out"
    env = {"SYNTH_CRASH_AT_SEED": str(frame_seed(3, 0))}  # frame 0 aborts its Blender process
    output = _render(["--out", str(out), "--n", "2", "--seed", "3", "--set", "clutter.count=[10, 12]"], env=env,
                     exit_code=1)
    log = out / "train" / "manifest" / "shard-000-of-001.log"
    error = output.strip().splitlines()[-1]
    assert error == (f"Error: shard 0/1: done 1, failed 1 of 2 frame(s); 1 render process(es) killed by SIGABRT; "
                     f"see {log} and {out / 'train' / 'manifest.json'} (a rerun retries the failed frames)")
    manifest = json.loads((out / "train" / "manifest.json").read_text())
    failed = manifest["failed"]["synth_000000"]
    assert failed["seed"] == frame_seed(3, 0) and failed["exit_code"] < 0
    assert failed["error"] == f"render process died (killed by SIGABRT); see {log}"
    assert manifest["done"] == ["synth_000001"]
    codes = manifest["shards"]["shard-000-of-001"]["process_exit_codes"]
    assert codes[0] != 0 and codes[-1] == 0
    # a rerun retries the failed frame (no crash this time) and leaves the done one alone
    output = _render(["--out", str(out), "--n", "2", "--seed", "3", "--set", "clutter.count=[10, 12]"])
    assert "1 frame(s) to render" in output and "done 2, failed 0" in output
