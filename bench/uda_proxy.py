"""Proxy benchmark: does UDA close the source -> target gap on a domain shift we can score?

Two domains we can label: a source (generator preset mrf-a) and a target (preset mrf-b, whose labels
are used only for the oracle and for scoring). Same model, same budget (iterations, batch, crop):

- ``source_only``: trained on source labels only;
- ``dacs``: DACS self-training (EMA teacher, pseudo-labels, ClassMix, colour jitter + blur);
- ``dacs_mic``: DACS + MIC masked-image consistency;
- ``oracle``: trained on the target's labels (the upper bound).

Each for several seeds. Reports target mIoU (the kit's scorer, ``zerowaste.submission.scoring.SegEvaluator``)
mean ± std, the fraction of the source-only -> oracle gap each method closes, and, for the UDA runs,
the checkpoint SND picks vs the best checkpoint by target mIoU. Writes ``results.json`` and a plot.

``--domains fixtures`` replaces the generator by the kit's fixture frames in two styles (the target
re-lit: warm colour cast, lower saturation, gamma, blur, noise) when BlenderProc is not available.

Example:
    $ python bench/uda_proxy.py --out /tmp/uda/proxy --iters 500 --seeds 0 1 2 --plot docs/img/uda_proxy.png
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CONFIG = REPO / "baselines" / "configs" / "uda" / "tiny_dacs_cpu.py"
METHODS = ("source_only", "dacs", "dacs_mic", "oracle")
LABELS = {"source_only": "source only", "dacs": "DACS", "dacs_mic": "DACS + MIC", "oracle": "target oracle"}


# --- domains ----------------------------------------------------------------------------------

def _restyle(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The fixture target style: another facility's light (warm cast, washed out, blurred, noisy)."""
    import cv2

    x = rgb.astype(np.float32) / 255.0
    x = x ** 0.7  # brighter mid-tones
    grey = x.mean(axis=2, keepdims=True)
    x = grey + 0.55 * (x - grey)  # less saturated
    x = x * np.array([1.15, 1.0, 0.75], np.float32)  # warm colour cast
    x = cv2.GaussianBlur(x, (0, 0), 1.0)
    x = x + rng.normal(0, 0.03, x.shape).astype(np.float32)
    return (np.clip(x, 0, 1) * 255).astype(np.uint8)


def make_fixture_domains(root: Path, n_src: int, n_tgt: int, n_val: int, size: tuple[int, int]) -> dict:
    """Source and target roots (ZeroWaste-f layout) from the kit's fixtures; target images re-styled."""
    from zerowaste import contract
    from zerowaste.data.fixtures import make_dataset
    from zerowaste.data.io import read_image, write_image

    src = make_dataset(root / "source", "zerowaste-f", n={"train": n_src, "val": 0, "test": 0}, size=size, seed=1)
    tgt = make_dataset(root / "target", "zerowaste-f", n={"train": n_tgt, "val": n_val, "test": 0}, size=size, seed=2)
    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for p in sorted((tgt / split / contract.IMAGE_DIR).iterdir()):
            write_image(p, _restyle(read_image(p), rng))
    return {"kind": "zerowaste-f", "source": str(src), "target": str(tgt), "generator": "fixtures (two styles)"}


def make_synth_domains(root: Path, n_src: int, n_tgt: int, n_val: int, size: tuple[int, int], samples: int) -> dict:
    """Source (mrf-a) and target (mrf-b) rendered by ``zerowaste synth render`` (SynthWaste layout)."""
    res = f"{size[1]}x{size[0]}"
    exe = str(Path(sys.executable).with_name("zerowaste"))
    jobs = [("source", "mrf-a", "train", n_src, 0), ("target", "mrf-b", "train", n_tgt, 1000),
            ("target", "mrf-b", "val", n_val, 2000)]  # distinct seeds: no frame appears twice
    for name, preset, split, n, seed in jobs:
        cmd = [exe, "synth", "render", "--out", str(root / name), "--n", str(n), "--preset", preset,
               "--resolution", res, "--samples", str(samples), "--split", split, "--seed", str(seed)]
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
    return {"kind": "synthwaste", "source": str(root / "source"), "target": str(root / "target"),
            "generator": f"zerowaste synth render (mrf-a -> mrf-b, {res}, {samples} samples)"}


# --- training and scoring ---------------------------------------------------------------------

def build_cfg(method: str, domains: dict, seed: int, iters: int, work_dir: Path, size: tuple[int, int],
              warmup: float = 0.0, threshold: float | str | None = None, weighting: str | None = None,
              align: bool = False):
    """The tiny config for one method: DACS variants keep ``type='DACS'``, the others train the student."""
    from mmengine.config import Config

    cfg = Config.fromfile(str(CONFIG))
    h, w = size
    kind = domains["kind"]
    ds = cfg.train_dataloader.dataset
    ds.source.update(kind=kind, root=domains["source"])
    ds.target.update(kind=kind, root=domains["target"])  # target pipeline never loads its labels
    if method in ("source_only", "oracle"):
        cfg.model = copy.deepcopy(cfg.model.model)  # the student alone (with its SegDataPreProcessor)
        labeled = ds.source if method == "source_only" else dict(ds.source, root=domains["target"])
        cfg.train_dataloader.dataset = labeled
    else:
        cfg.model.warmup_iters = int(warmup * iters)
        if threshold is not None:
            cfg.model.pseudo_threshold = threshold
        if weighting is not None:
            cfg.model.pseudo_weighting = weighting
        if align:
            cfg.model.pseudo_align = True
        cfg.model.mic.enabled = method == "dacs_mic"  # 16 px blocks on 64 px crops (SPEC: 64 on 512)
    test_pipeline = [dict(type="Resize", scale=(w, h), keep_ratio=True), dict(type="KitLoadAnnotations"),
                     dict(type="PackSegInputs")]
    cfg.test_dataloader.dataset.pipeline = test_pipeline  # scale read by zerowaste.baselines.predict.test_scale
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # scored below with the kit's scorer
    cfg.train_cfg.max_iters = iters
    cfg.train_cfg.val_interval = iters + 1
    cfg.param_scheduler = [dict(type="PolyLR", eta_min=0.0, power=1.0, begin=0, end=iters, by_epoch=False)]
    cfg.default_hooks.checkpoint.interval = max(1, iters // 4)
    cfg.default_hooks.checkpoint.max_keep_ckpts = 4
    cfg.default_hooks.logger.interval = max(1, iters // 10)
    cfg.randomness = dict(seed=seed)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f"{method}_seed{seed}"
    cfg.log_level = "WARNING"
    return cfg


def train(cfg) -> list[Path]:
    from mmengine.runner import Runner

    Runner.from_cfg(cfg).train()
    return sorted(Path(cfg.work_dir).glob("iter_*.pth"), key=lambda p: int(p.stem.split("_")[1]))


def target_miou(loaded, frames) -> dict:
    """The kit's scorer on target val frames (full-resolution predictions, as `zerowaste predict`)."""
    from zerowaste.baselines.predict import predict_mask
    from zerowaste.submission.scoring import SegEvaluator

    ev = SegEvaluator()
    for image, mask in frames:
        ev.process(mask, predict_mask([loaded], image))
    return ev.evaluate()


def evaluate_run(method: str, ckpts: list[Path], val_frames, snd_images) -> dict:
    from zerowaste.baselines.uda.infer import load_model
    from zerowaste.baselines.uda.selection import in_warmup, snd_of_model

    rows = []
    for ck in ckpts:
        loaded = load_model(ck)
        m = target_miou(loaded, val_frames)
        row = {"checkpoint": ck.name, "iter": int(ck.stem.split("_")[1]), "mIoU": 100 * m["mIoU"], "Acc": 100 * m["Acc"]}
        if method.startswith("dacs"):
            row["snd"] = snd_of_model(loaded, snd_images, pixels=100)
            row["warmup"] = in_warmup(loaded.model)
        rows.append(row)
    out = {"checkpoints": rows, "final_mIoU": rows[-1]["mIoU"]}
    if method.startswith("dacs"):
        by_snd = max(rows, key=lambda r: (not r["warmup"], r["snd"]))  # as `zerowaste select` ranks
        best = max(rows, key=lambda r: r["mIoU"])
        out.update(snd_choice=by_snd["checkpoint"], snd_choice_mIoU=by_snd["mIoU"],
                   best_checkpoint=best["checkpoint"], best_mIoU=best["mIoU"])
    return out


def run_one(job: dict) -> dict:
    """Train and score one (method, seed) in a fresh process (spawned by the pool)."""
    import torch

    import zerowaste.compat.mmseg  # noqa: F401
    from zerowaste import contract
    from zerowaste.baselines.uda.infer import list_images
    from zerowaste.data.datasets import SegDataset

    torch.set_num_threads(job["threads"])
    domains = job["domains"]
    val = SegDataset(domains["target"], domains["kind"], "val")
    val_frames = [(s.image, s.mask) for s in (val[i] for i in range(len(val)))]
    snd_images = list_images(Path(domains["target"]) / "train" / contract.IMAGE_DIR)[:20]
    t = time.time()
    cfg = build_cfg(job["method"], domains, job["seed"], job["iters"], Path(job["work_dir"]), job["size"], job["warmup"],
                    job["threshold"], job["weighting"], job["align"])
    ckpts = train(cfg)
    run = {"method": job["method"], "seed": job["seed"], "train_seconds": time.time() - t}
    run.update(evaluate_run(job["method"], ckpts, val_frames, snd_images))
    return run


# --- report -----------------------------------------------------------------------------------

def summarize(results: dict) -> dict:
    """mean/std of the final target mIoU per method and the fraction of the gap closed."""
    stats = {}
    for method in METHODS:
        runs = [r for r in results["runs"] if r["method"] == method]
        if runs:
            v = np.array([r["final_mIoU"] for r in runs])
            stats[method] = {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
                             "n": len(v), "values": v.tolist()}
    so, orc = stats.get("source_only"), stats.get("oracle")
    if so and orc:
        gap = orc["mean"] - so["mean"]
        for s in stats.values():
            s["gap_closed"] = (s["mean"] - so["mean"]) / gap if gap > 0 else float("nan")
    return stats


def _rank_corr(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (no ties expected)."""
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


def markdown(results: dict, stats: dict) -> str:
    lines = ["| method | target mIoU (%) | runs | gap closed |", "|---|---|---|---|"]
    for method, s in stats.items():
        gc = s.get("gap_closed", float("nan"))
        lines.append(f"| {LABELS[method]} | {s['mean']:.2f} ± {s['std']:.2f} | {s['n']} | {100 * gc:.0f} % |")
    sel = [r for r in results["runs"] if "snd_choice" in r]
    if sel:
        lines += ["", "| run | SND's checkpoint (mIoU) | best checkpoint (mIoU) | final (mIoU) |", "|---|---|---|---|"]
        for r in sel:
            lines.append(f"| {LABELS[r['method']]} seed {r['seed']} | {r['snd_choice']} ({r['snd_choice_mIoU']:.2f}) | "
                         f"{r['best_checkpoint']} ({r['best_mIoU']:.2f}) | {r['final_mIoU']:.2f} |")
        regret = np.mean([r["best_mIoU"] - r["snd_choice_mIoU"] for r in sel])
        hits = sum(r["snd_choice"] == r["best_checkpoint"] for r in sel)
        lines += ["", f"SND picked the best checkpoint in {hits}/{len(sel)} UDA runs; "
                      f"mean mIoU lost vs the best checkpoint: {regret:.2f} points."]
        rho = np.mean([_rank_corr([c["snd"] for c in r["checkpoints"]], [c["mIoU"] for c in r["checkpoints"]])
                       for r in sel])
        lines.append(f"Mean rank correlation (Spearman) of SND with target mIoU over a run's checkpoints: {rho:+.2f}.")
    return "\n".join(lines)


def plot(results: dict, stats: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    methods = list(stats)
    means = [stats[m]["mean"] for m in methods]
    stds = [stats[m]["std"] for m in methods]
    ax.bar([LABELS[m] for m in methods], means, yerr=stds, capsize=4,
           color=["#999999", "#4c72b0", "#55a868", "#c44e52"][: len(methods)])
    for i, m in enumerate(methods):
        ax.scatter([i] * stats[m]["n"], stats[m]["values"], color="k", s=10, zorder=3)
        if "gap_closed" in stats[m] and m not in ("source_only", "oracle"):
            ax.annotate(f"{100 * stats[m]['gap_closed']:.0f}% of gap", (i, means[i] + stds[i] + 1), ha="center")
    ax.set_ylabel("target mIoU (%)")
    ax.set_title(f"Proxy UDA benchmark ({results['domains']['generator']})", fontsize=9)
    for r in results["runs"]:
        if "snd_choice" in r:
            xs = [c["snd"] for c in r["checkpoints"]]
            ys = [c["mIoU"] for c in r["checkpoints"]]
            line, = ax2.plot(xs, ys, "-", alpha=0.7, label=f"{LABELS[r['method']]} s{r['seed']}")
            for c in r["checkpoints"]:  # hollow: taken in the source-only warm-up (SND leaves them out)
                warm = c.get("warmup", False)
                ax2.plot(c["snd"], c["mIoU"], "o", color=line.get_color(), alpha=0.7,
                         markerfacecolor="none" if warm else line.get_color())
    ax2.set_xlabel("SND on unlabeled target (higher = chosen; hollow: warm-up)")
    ax2.set_ylabel("target mIoU (%)")
    ax2.set_title("checkpoints of each UDA run", fontsize=9)
    ax2.legend(fontsize=6)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)


def _threshold(text: str) -> float | str:
    return text if text == "adaptive" else float(text)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/uda/proxy"))
    ap.add_argument("--domains", choices=("synth", "fixtures", "auto"), default="auto",
                    help="auto: the generator if `zerowaste synth render` works, else fixtures")
    ap.add_argument("--n-source", type=int, default=40)
    ap.add_argument("--n-target", type=int, default=40)
    ap.add_argument("--n-val", type=int, default=20)
    ap.add_argument("--size", default="160x90", help="frame WxH")
    ap.add_argument("--samples", type=int, default=8, help="Cycles samples per pixel (synth)")
    ap.add_argument("--iters", type=int, default=500)
    ap.add_argument("--warmup", type=float, default=0.0,
                    help="fraction of the iterations DACS trains on the source only before self-training")
    ap.add_argument("--pseudo-threshold", type=_threshold, default=None,
                    help="DACS confidence threshold, or 'adaptive' (class-wise, FreeMatch) (default: the config's, SPEC 0.968)")
    ap.add_argument("--pseudo-weighting", choices=("batch", "image", "pixel"), default=None,
                    help="DACS pseudo-label weights: one per target batch (DAFormer), one per image, or 0/1 per pixel (default: the config's)")
    ap.add_argument("--pseudo-align", action="store_true",
                    help="align the teacher's class distribution with the source labels' (ReMixMatch)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--threads", type=int, default=1, help="torch threads per run (the machine is shared)")
    ap.add_argument("--jobs", type=int, default=2, help="runs trained at once (separate processes)")
    ap.add_argument("--prepare-only", action="store_true", help="build the two domains and stop")
    args = ap.parse_args(argv)

    w, h = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    domains_file = args.out / "domains.json"
    if domains_file.exists():
        domains = json.loads(domains_file.read_text())
    else:
        domains = None
        if args.domains in ("synth", "auto"):
            try:
                domains = make_synth_domains(args.out / "data", args.n_source, args.n_target, args.n_val, (h, w), args.samples)
            except (subprocess.CalledProcessError, FileNotFoundError) as exc:
                if args.domains == "synth":
                    raise
                print(f"generator unavailable ({exc}); using fixture frames in two styles", flush=True)
        if domains is None:
            domains = make_fixture_domains(args.out / "data", args.n_source, args.n_target, args.n_val, (h, w))
        domains_file.write_text(json.dumps(domains))
    print(f"domains: {domains} ({time.time() - t0:.0f} s)", flush=True)
    if args.prepare_only:
        return

    results_file = args.out / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {"runs": []}
    results.update(domains=domains, iters=args.iters, warmup=args.warmup, pseudo_threshold=args.pseudo_threshold,
                   pseudo_weighting=args.pseudo_weighting, pseudo_align=args.pseudo_align, command=" ".join(["python", "bench/uda_proxy.py", *(argv or sys.argv[1:])]))
    done = {(r["method"], r["seed"]) for r in results["runs"]}
    todo = [(m, seed) for seed in args.seeds for m in args.methods if (m, seed) not in done]
    jobs = [dict(method=m, seed=seed, domains=domains, iters=args.iters, size=(h, w), warmup=args.warmup,
                 threshold=args.pseudo_threshold, weighting=args.pseudo_weighting,
                 align=args.pseudo_align,
                 work_dir=str(args.out / "work" / f"{m}_seed{seed}"), threads=args.threads) for m, seed in todo]
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(run_one, job) for job in jobs]
        for fut in as_completed(futures):
            run = fut.result()
            results["runs"].append(run)
            results["runs"].sort(key=lambda r: (r["seed"], METHODS.index(r["method"])))
            tmp = results_file.with_name(".results.json.tmp")
            tmp.write_text(json.dumps(results, indent=2))
            os.replace(tmp, results_file)
            print(f"[{time.time() - t0:.0f} s] {run['method']} seed {run['seed']}: target mIoU "
                  f"{run['final_mIoU']:.2f} ({run['train_seconds']:.0f} s training)", flush=True)

    stats = summarize(results)
    results["summary"] = stats
    results_file.write_text(json.dumps(results, indent=2))
    print(markdown(results, stats))
    print(f"total {time.time() - t0:.0f} s")
    if args.plot:
        plot(results, stats, args.plot)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
