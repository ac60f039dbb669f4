"""Benchmark the data pipeline: 1920x1080 PNGs -> decoded -> augmented 512x512 crops, side by side.

Writes N fixture frames at the real size (ZeroWaste-f layout), then times in one run:

  (a) decoding alone, two ways: OpenCV (``cv2.imread``, what ``read_image`` uses) and Pillow,
      and masks with Pillow (``read_mask``: exact palette indices) and OpenCV;
  (b) load + train augmentation (``SegDataset`` + ``train_transform``: resize 1280x720,
      cat_max_ratio 512 crop, flip, jitter) in the main process;
  (c) the same through a torch ``DataLoader`` with 0, 1 and 2 workers (batch 2).

Prints a markdown table; ``--write-docs`` puts it in its section of docs/benchmarks.md.

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
        rows = [
            ("decode image, OpenCV (`read_image`)", rate(lambda p: cv2.imread(str(p), cv2.IMREAD_COLOR), images)),
            ("decode image, Pillow", rate(lambda p: np.asarray(Image.open(p).convert("RGB")), images)),
            ("decode mask, Pillow (`read_mask`)", rate(lambda p: np.asarray(Image.open(p)), masks)),
            ("decode mask, OpenCV", rate(lambda p: cv2.imread(str(p), cv2.IMREAD_UNCHANGED), masks)),
            ("load + augment, no DataLoader", rate(lambda i: ds[i], list(range(len(ds))) * args.epochs)),
        ]
        rows += [(f"DataLoader, {w} worker(s), batch 2", loader_rate(ds, w, args.epochs)) for w in (0, 1, 2)]

    base = rows[5][1]
    lines = ["| step | images/s | vs 0 workers |", "|---|---:|---:|"]
    lines += [f"| {name} | {r:.1f} | {r / base:.2f}x |" for name, r in rows]
    table = "\n".join(lines)
    print(table)
    if args.write_docs:
        write_section(table, args)


def write_section(table: str, args: argparse.Namespace) -> None:
    """Replace the body of this benchmark's section in docs/benchmarks.md (other sections untouched)."""
    text = DOCS.read_text()
    body = (
        f"{SECTION}\n\n"
        f"`.venv/bin/python bench/data_pipeline.py --n {args.n} --epochs {args.epochs} --write-docs` "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, shared with other jobs; "
        f"{time.strftime('%Y-%m-%d')}). {args.n} fixture frames 1920x1080 in the ZeroWaste-f layout; "
        "augmentation = resize 1280x720, cat_max_ratio 0.75 crop 512, flip, colour jitter; one OpenCV thread "
        "per process.\n\n"
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
