"""Benchmark the data pipeline: 1920x1080 PNGs -> decoded -> augmented 512x512 crops, side by side.

Writes N fixture frames at the real size (ZeroWaste-f layout), then times in one run:

  (a) decoding alone, two ways: OpenCV (``cv2.imread``, what ``read_image`` uses) and Pillow,
      and masks with Pillow (``read_mask``: exact palette indices) and OpenCV;
  (b) load + train augmentation (``SegDataset`` + ``train_transform``: resize 1280x720,
      cat_max_ratio 512 crop, flip, jitter) in the main process;
  (c) the same through a torch ``DataLoader`` with 0, 1 and 2 workers (batch 2).

Each step runs ``--repeat`` times in interleaved rounds and keeps its best rate (the machine is
shared with other jobs). Prints a markdown table; ``--write-docs`` puts it in its section of docs/benchmarks.md.

Usage:
    .venv/bin/python bench/data_pipeline.py [--n 24] [--epochs 2] [--write-docs]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from zerowaste.data.augment import train_transform
from zerowaste.data.datasets import SegDataset
from zerowaste.data.fixtures import make_dataset

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "## Data pipeline (`bench/data_pipeline.py`)"


def rate(fn, items: list) -> float:
    """Items per second of ``fn`` over ``items``."""
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - t0)


class TorchView:
    """SegDataset -> (image CHW uint8 tensor, mask HW int64 tensor) for torch's default collate."""

    def __init__(self, ds: SegDataset) -> None:
        self.ds = ds

    def __len__(self) -> int:
        return len(self.ds)

    def __getitem__(self, i: int):
        import torch

        s = self.ds[i]
        return torch.from_numpy(np.ascontiguousarray(s.image.transpose(2, 0, 1))), torch.from_numpy(s.mask.astype(np.int64))


def loader_rate(ds: SegDataset, workers: int, epochs: int) -> float:
    import torch
    from torch.utils.data import DataLoader

    torch.set_num_threads(1)
    loader = DataLoader(TorchView(ds), batch_size=2, shuffle=True, num_workers=workers,
                        persistent_workers=workers > 0, generator=torch.Generator().manual_seed(0))
    next(iter(loader))  # start the workers (not timed)
    t0 = time.perf_counter()
    n = 0
    for _ in range(epochs):
        for images, _masks in loader:
            n += len(images)
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=24, help="frames (1920x1080) to generate")
    parser.add_argument("--epochs", type=int, default=2, help="passes per DataLoader measurement")
    parser.add_argument("--repeat", type=int, default=2, help="interleaved rounds; the best rate of each is kept")
    parser.add_argument("--write-docs", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args()
    cv2.setNumThreads(1)  # one decode/augment thread per process: workers are what we compare

    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        t0 = time.perf_counter()
        root = make_dataset(tmp, "zerowaste-f", n={"train": args.n}, size=(1080, 1920))
        print(f"generated {args.n} frames in {time.perf_counter() - t0:.1f} s")
        ds = SegDataset(root, "zerowaste-f", "train", transform=train_transform(seed=0))
        images = [r.image_path for r in ds.refs]
        masks = [r.mask_path for r in ds.refs]
        steps = [
            ("decode image, OpenCV (`read_image`)", lambda: rate(lambda p: cv2.imread(str(p), cv2.IMREAD_COLOR), images)),
            ("decode image, Pillow", lambda: rate(lambda p: np.asarray(Image.open(p).convert("RGB")), images)),
            ("decode mask, Pillow (`read_mask`)", lambda: rate(lambda p: np.asarray(Image.open(p)), masks)),
            ("decode mask, OpenCV", lambda: rate(lambda p: cv2.imread(str(p), cv2.IMREAD_UNCHANGED), masks)),
            ("load + augment, no DataLoader", lambda: rate(lambda i: ds[i], list(range(len(ds))) * args.epochs)),
        ]
        steps += [(f"DataLoader, {w} worker(s), batch 2", lambda w=w: loader_rate(ds, w, args.epochs)) for w in (0, 1, 2)]
        best: dict[str, float] = {}
        for round_ in range(args.repeat):  # interleaved rounds, best of each: the machine is shared
            for name, measure in steps:
                best[name] = max(best.get(name, 0.0), measure())
            print(f"round {round_ + 1}/{args.repeat} done")
        rows = list(best.items())

    base = best["DataLoader, 0 worker(s), batch 2"]
    lines = ["| step | images/s | vs 0 workers |", "|---|---:|---:|"]
    lines += [f"| {name} | {r:.1f} | {r / base:.2f}x |" for name, r in rows]
    decode_share = base / best["decode image, OpenCV (`read_image`)"] + base / best["decode mask, Pillow (`read_mask`)"]
    load = os.getloadavg()[0]
    table = "\n".join(lines) + (
        f"\n\nDecoding the PNG pair is {100 * decode_share:.0f}% of the per-image time with 0 workers; "
        f"the rest is augmentation and collation. 1-minute load average at the end: {load:.1f} on "
        f"{os.cpu_count()} cores (other jobs were running), so workers compete for the same cores: "
        "workers only pay off when cores are free (a GPU training job leaves them free; this box did not)."
    )
    print(table)
    if args.write_docs:
        write_section(table, args)


def write_section(table: str, args: argparse.Namespace) -> None:
    """Replace the body of this benchmark's section in docs/benchmarks.md (other sections untouched)."""
    text = DOCS.read_text()
    body = (
        f"{SECTION}\n\n"
        f"`.venv/bin/python bench/data_pipeline.py --n {args.n} --epochs {args.epochs} --repeat {args.repeat} --write-docs` "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, shared with other jobs; "
        f"{time.strftime('%Y-%m-%d')}). {args.n} fixture frames 1920x1080 in the ZeroWaste-f layout; "
        "augmentation = resize 1280x720, cat_max_ratio 0.75 crop 512, flip, colour jitter; one OpenCV thread "
        "per process; best of the interleaved rounds.\n\n"
        f"{table}\n\n"
    )
    pattern = re.compile(re.escape(SECTION) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if not pattern.search(text):
        raise SystemExit(f"section {SECTION!r} not found in {DOCS}")
    tmp = DOCS.with_name(f".{DOCS.name}.tmp")
    tmp.write_text(pattern.sub(lambda _: body, text, count=1))
    os.replace(tmp, DOCS)
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
