"""`zerowaste train --launcher pytorch` under torchrun with 2 CPU processes (gloo), for real.

Each run launches ``python -m torch.distributed.run --nproc-per-node 2 -m zerowaste train ...`` as a
subprocess on fixture data; a test-only hook (``dist_probe.RankProbeHook``) makes every rank write
what it trained on and the weights it ended with. Checked: the gloo backend (said in the log),
identical weights and buffers on both ranks, one set of files written by rank 0, the data split
across ranks (mmengine's InfiniteSampler and the kit's MixedSourceSampler), and ``--resume``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import zerowaste.baselines.registry  # noqa: F401  (zerowaste.compat.mmseg: weights_only loads of mmengine checkpoints)
from zerowaste import contract
from zerowaste.data.fixtures import make_dataset

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONFIGS = REPO / "baselines" / "configs"
N_TRAIN = 8  # 2 ranks x batch 2 x 2 iterations = one pass over the images


def free_port() -> int:
    """A TCP port nobody listens on right now (for torchrun's rendezvous)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe_config(path: Path, base: Path, probe_dir: Path, imports: tuple[str, ...] = ("zerowaste.baselines.registry",),
                 stop_at: int | None = None) -> Path:
    """A config inheriting ``base`` with the rank probe hook (writes into ``probe_dir``; ``stop_at``:
    interrupt the run after that many iterations)."""
    path.write_text(
        f'_base_ = ["{base}"]\n'
        f"custom_imports = dict(imports={[*imports, 'dist_probe']!r}, allow_failed_imports=False)\n"
        f'custom_hooks = [dict(type="TrainingCurvesHook"), dict(type="RankProbeHook", out="{probe_dir}", '
        f"stop_at={stop_at!r})]\n"
    )
    return path


def torchrun(config: Path, work: Path, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    """``torchrun --nproc-per-node 2 -m zerowaste train CONFIG --launcher pytorch ...`` on CPU."""
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-port", str(free_port()),
           "-m", "zerowaste", "train", str(config), "--launcher", "pytorch", "--work-dir", str(work), "--seed", "0",
           *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


def load_ranks(probe_dir: Path) -> list[dict]:
    ranks = [torch.load(probe_dir / f"rank{r}.pt", map_location="cpu", weights_only=False) for r in (0, 1)]
    assert [r["rank"] for r in ranks] == [0, 1] and {r["world_size"] for r in ranks} == {2}
    assert {r["backend"] for r in ranks} == {"gloo"}
    return ranks


def assert_same_state(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    different = [k for k in a if not torch.equal(a[k], b[k])]
    assert not different, f"ranks differ in {len(different)} tensors, e.g. {different[:5]}"


def options(zwf: Path, max_iters: int) -> list[str]:
    return [f"train_dataloader.dataset.root={zwf}", f"val_dataloader.dataset.root={zwf}",
            f"train_cfg.max_iters={max_iters}", f"train_cfg.val_interval={max_iters}",
            "default_hooks.checkpoint.max_keep_ckpts=100"]


@pytest.fixture(scope="module")
def zwf(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("dist_data") / "zwf", "zerowaste-f",
                        n={"train": N_TRAIN, "val": 2, "test": 0}, seed=1)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, zwf) -> dict:
    """4 iterations of a 6-iteration run of the tiny SegFormer on 2 CPU ranks, then interrupted
    (checkpoints at 2 and 4): what ``--resume`` continues."""
    base = tmp_path_factory.mktemp("dist_run")
    config = probe_config(base / "tiny_probe.py", CONFIGS / "tiny" / "segformer_tiny_cpu.py", base / "probe",
                          stop_at=4)
    result = torchrun(config, base / "work", *options(zwf, 6))
    return {"base": base, "config": config, "work": base / "work", "out": result.stdout + result.stderr,
            "ranks": load_ranks(base / "probe")}


def test_two_cpu_ranks_train_one_model(first_run, zwf):
    out, ranks, work = first_run["out"], first_run["ranks"], first_run["work"]
    assert "distributed backend gloo" in out
    assert [r["iters"] for r in ranks] == [[0, 1, 2, 3]] * 2
    # DDP + RankBufferSyncHook: the same parameters and BatchNorm statistics on both ranks ...
    assert_same_state(ranks[0]["state"], ranks[1]["state"])
    # ... which are the checkpoint's (written by rank 0)
    final = torch.load(work / "iter_4.pth", map_location="cpu", weights_only=True)["state_dict"]
    assert_same_state(final, ranks[1]["state"])

    # the sampler split the data: the first 2 iterations of both ranks are one pass over the images
    train_images = sorted(str(p) for p in (zwf / "train" / contract.IMAGE_DIR).iterdir())
    seen = [p for r in ranks for batch in r["paths"][:2] for p in batch]
    assert sorted(seen) == train_images
    assert ranks[0]["paths"] != ranks[1]["paths"]


def test_rank_zero_alone_writes_the_run_files(first_run):
    work, out = first_run["work"], first_run["out"]
    assert sorted(p.name for p in work.glob("*.pth")) == ["iter_2.pth", "iter_4.pth", "last.pth"]
    assert (work / "last.pth").samefile(work / "iter_4.pth")
    assert (work / "training_curves.png").stat().st_size > 0
    runs = [p for p in work.iterdir() if p.is_dir()]
    assert len(runs) == 1 and len(list(runs[0].glob("*.log"))) == 1  # one timestamped log folder
    assert not [p for p in work.rglob("*") if "tmp" in p.name]  # no leftovers of the atomic writes
    assert out.count("done: checkpoints") == 1


def test_resume_under_torchrun(first_run, zwf):
    """Both ranks resume from the same checkpoint and continue to iteration 6, still identical."""
    base, work = first_run["base"], first_run["work"]
    config = probe_config(base / "tiny_probe_resume.py", CONFIGS / "tiny" / "segformer_tiny_cpu.py", base / "probe2")
    result = torchrun(config, work, *options(zwf, 6), "--resume")
    out = result.stdout + result.stderr
    assert out.count(f"resuming from {work / 'iter_4.pth'}") == 2  # each rank found it
    ranks = load_ranks(base / "probe2")
    assert [r["iters"] for r in ranks] == [[4, 5]] * 2  # continued, not restarted
    assert_same_state(ranks[0]["state"], ranks[1]["state"])
    final = torch.load(work / "last.pth", map_location="cpu", weights_only=True)
    assert final["meta"]["iter"] == 6
    assert_same_state(final["state_dict"], ranks[0]["state"])


def test_mixed_source_sampler_gives_each_rank_its_share(tmp_path, zwf):
    """Under torchrun the mixed sampler draws one schedule per iteration and splits it by rank."""
    from mmengine.config import Config

    from zerowaste.baselines.datasets import MixedSegDataset, MixedSourceSampler

    synth = make_dataset(tmp_path / "synth", "synthwaste", n={"train": 4, "val": 0, "test": 0}, seed=2)
    mixed = CONFIGS / "tiny" / "segformer_tiny_mixed_cpu.py"
    config = probe_config(tmp_path / "mixed_probe.py", mixed, tmp_path / "probe")
    torchrun(config, tmp_path / "work", f"train_dataloader.dataset.sources.0.root={zwf}",
             f"train_dataloader.dataset.sources.1.root={synth}", f"val_dataloader.dataset.root={zwf}",
             "train_cfg.max_iters=2", "train_cfg.val_interval=2")
    ranks = load_ranks(tmp_path / "probe")

    cfg = Config.fromfile(str(mixed))
    sources = [dict(s, root=str(root)) for s, root in zip(cfg.train_dataloader.dataset.sources, (zwf, synth),
                                                              strict=True)]
    dataset = MixedSegDataset(sources)
    sampler_cfg = {k: v for k, v in cfg.train_dataloader.sampler.items() if k != "type"}
    sampler = MixedSourceSampler(dataset, batch_size=cfg.train_dataloader.batch_size, **sampler_cfg)
    sampler.world_size = 2  # one schedule of 2 x batch draws per iteration, rank r takes draws r, r + 2, ...

    def path(index: int) -> str:
        s, i = dataset.locate(index)
        return str(dataset.sources[s].frames.refs[i].image_path)

    trained = [[p for batch in r["paths"] for p in batch] for r in ranks]
    for rank in (0, 1):
        sampler.rank = rank
        assert trained[rank] == [path(i) for i in sampler.chunk_indices(0)[:4]]  # 2 iterations x batch 2
    assert trained[0] != trained[1]  # not the same share twice (a sampler blind to its rank)
    assert_same_state(ranks[0]["state"], ranks[1]["state"])


# --- DACS (baselines/configs/uda/tiny_dacs_cpu.py): the EMA teacher under DDP ---------------------

DACS_CONFIG = CONFIGS / "uda" / "tiny_dacs_cpu.py"
DACS_IMPORTS = ("zerowaste.baselines.registry", "zerowaste.baselines.uda.dacs")


def dacs_options(zwf: Path, v2: Path, max_iters: int) -> list[str]:
    return [f"train_dataloader.dataset.source.root={zwf}", f"train_dataloader.dataset.target.root={v2}",
            f"val_dataloader.dataset.root={zwf}", f"train_cfg.max_iters={max_iters}",
            f"train_cfg.val_interval={max_iters}", "default_hooks.checkpoint.interval=2",
            "default_hooks.checkpoint.max_keep_ckpts=100", "default_hooks.logger.interval=1"]


def expected_teacher(rank: dict, alpha: float) -> dict[str, torch.Tensor]:
    """The EMA of the student snapshots the rank recorded, from its initial teacher (ema.py's rule:
    factor ``min(1 - 1 / (i + 1), alpha)`` at DACS iteration ``i``)."""
    teacher = {k: v.clone() for k, v in rank["teacher0"].items()}
    for step, student in enumerate(rank["students"]):
        i = rank["local_iter0"] + step
        a = min(1.0 - 1.0 / (i + 1), alpha)
        teacher = {k: a * t + (1.0 - a) * student[k] for k, t in teacher.items()}
    return teacher


def assert_teacher_is_ema_of_synced_student(ranks: list[dict], alpha: float) -> None:
    for a, b in zip(ranks[0]["students"], ranks[1]["students"], strict=True):  # DDP: the same student
        assert_same_state(a, b)
    assert_same_state(ranks[0]["teacher0"], ranks[1]["teacher0"])
    for rank in ranks:
        final = {k.removeprefix("ema_model."): v for k, v in rank["state"].items() if k.startswith("ema_model.")}
        expected = expected_teacher(rank, alpha)
        assert expected.keys() <= final.keys()
        for name, value in expected.items():
            torch.testing.assert_close(final[name], value, rtol=1e-5, atol=1e-6)
        student = {k.removeprefix("model."): v for k, v in rank["state"].items() if k.startswith("model.")}
        assert any(not torch.equal(final[k], student[k]) for k in expected)  # a teacher, not a copy


@pytest.fixture(scope="module")
def v2(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("dist_v2") / "v2", "zerowaste-v2",
                        n={"train": 3, "val": 0, "test": 0}, seed=3)


@pytest.fixture(scope="module")
def dacs_run(tmp_path_factory, zwf, v2) -> dict:
    """4 DACS iterations (ClassMix, pseudo-labels, EMA teacher) of a 6-iteration run on 2 CPU ranks,
    then interrupted."""
    from mmengine.config import Config

    base = tmp_path_factory.mktemp("dist_dacs")
    config = probe_config(base / "dacs_probe.py", DACS_CONFIG, base / "probe", DACS_IMPORTS, stop_at=4)
    result = torchrun(config, base / "work", *dacs_options(zwf, v2, 6))
    alpha = Config.fromfile(str(DACS_CONFIG), import_custom_modules=False).model.alpha
    return {"base": base, "work": base / "work", "out": result.stdout + result.stderr, "alpha": alpha,
            "ranks": load_ranks(base / "probe")}


def test_dacs_teacher_identical_on_both_ranks(dacs_run):
    ranks, work = dacs_run["ranks"], dacs_run["work"]
    assert "distributed backend gloo" in dacs_run["out"]
    assert [r["iters"] for r in ranks] == [[0, 1, 2, 3]] * 2 and ranks[0]["local_iter0"] == 0
    assert_same_state(ranks[0]["state"], ranks[1]["state"])  # student, teacher, buffers, local_iter
    assert int(ranks[0]["state"]["local_iter"]) == 4
    assert_teacher_is_ema_of_synced_student(ranks, dacs_run["alpha"])
    saved = torch.load(work / "iter_4.pth", map_location="cpu", weights_only=True)["state_dict"]
    assert_same_state(saved, ranks[0]["state"])
    assert sorted(p.name for p in work.glob("*.pth")) == ["iter_2.pth", "iter_4.pth", "last.pth"]


def test_dacs_resume_under_torchrun(dacs_run, zwf, v2):
    base, work = dacs_run["base"], dacs_run["work"]
    config = probe_config(base / "dacs_probe_resume.py", DACS_CONFIG, base / "probe2", DACS_IMPORTS)
    result = torchrun(config, work, *dacs_options(zwf, v2, 6), "--resume")
    assert (result.stdout + result.stderr).count(f"resuming from {work / 'iter_4.pth'}") == 2
    ranks = load_ranks(base / "probe2")
    assert [r["iters"] for r in ranks] == [[4, 5]] * 2 and ranks[0]["local_iter0"] == 4
    saved = torch.load(work / "iter_4.pth", map_location="cpu", weights_only=True)["state_dict"]
    for rank in ranks:  # the teacher continued from the checkpoint's, on both ranks
        assert_same_state(rank["teacher0"], {k: saved[f"ema_model.{k}"] for k in rank["teacher0"]})
    assert_same_state(ranks[0]["state"], ranks[1]["state"])
    assert_teacher_is_ema_of_synced_student(ranks, dacs_run["alpha"])
    final = torch.load(work / "last.pth", map_location="cpu", weights_only=True)
    assert final["meta"]["iter"] == 6 and int(final["state_dict"]["local_iter"]) == 6
