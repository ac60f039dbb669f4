"""Benchmark the SynthWaste camera look (``zerowaste.synth.post.postprocess``): CPU ms per frame.

Runs each shipped preset's sampled post-processing (every stage on: light pools, variable
defocus with soft patches, motion blur with smeared patches, vignette, fringes, shoulder, tone curve, sharpening, noise, the codec at the stream's width) on a frame at
640x360 and at 1920x1080, over ``--frames`` scene seeds, and prints the median and worst CPU time
(process time: OpenCV's threads count). The frame is a raw render when ``--raw`` names one (a PNG
from ``{split}/raw/``), else a synthetic clutter of coloured rectangles on a dark belt with noise.

Example:
    $ python bench/post.py --frames 8
"""

from __future__ import annotations

import argparse
import statistics
import time

import cv2
import numpy as np

from zerowaste.synth.params import frame_seed, sample_scene
from zerowaste.synth.post import postprocess
from zerowaste.synth.presets import load_preset

SIZES = ((640, 360), (1920, 1080))


def synthetic_frame(seed: int = 0) -> np.ndarray:
    """A 1920x1080 stand-in for a render: a noisy dark belt under 300 bright and coloured rectangles."""
    rng = np.random.default_rng(seed)
    img = np.clip(rng.normal(30, 6, (1080, 1920, 3)), 0, 255).astype(np.uint8)
    for _ in range(300):
        x, y = int(rng.integers(0, 1800)), int(rng.integers(0, 1000))
        w, h = int(rng.integers(20, 220)), int(rng.integers(20, 160))
        colour = [int(c) for c in rng.integers(40, 256, 3)]
        cv2.rectangle(img, (x, y), (x + w, y + h), colour, -1)
    return img


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=8, help="scene seeds per preset and size")
    ap.add_argument("--raw", help="a raw render (PNG) to post-process instead of the synthetic frame")
    ap.add_argument("--presets", default="default,mrf-a,mrf-b")
    args = ap.parse_args()
    base = cv2.cvtColor(cv2.imread(args.raw), cv2.COLOR_BGR2RGB) if args.raw else synthetic_frame()
    print(f"{'preset':8s} {'size':>10s} {'median ms':>10s} {'max ms':>8s}")
    for name in args.presets.split(","):
        preset = load_preset(name)
        for size in SIZES:
            img = cv2.resize(base, size, interpolation=cv2.INTER_AREA)
            times = []
            for i in range(args.frames):
                post = sample_scene(preset, frame_seed(0, i))["post"]
                t0 = time.process_time()
                postprocess(img, post)
                times.append(1000 * (time.process_time() - t0))
            print(f"{name:8s} {size[0]:>5d}x{size[1]:<4d} {statistics.median(times):10.0f} {max(times):8.0f}")


if __name__ == "__main__":
    main()
