"""Benchmark the procedural prints (synth/prints.py): CPU ms per print and print CPU seconds per frame.

CPU time (``time.process_time``) of this process only, so the figures hardly depend on how busy the
machine is. Per kind: one warm-up print (fonts and text strips), then the median of ``--n`` prints
with fresh seeds. Per frame: every print (fronts, and the backs of two-sided sheets) of sampled
default-preset scenes at 640x360 and 1920x1080 (the texture density follows the resolution), after
one warm-up scene.

With ``--layout N``: the layout figures of N prints per kind instead -- the median share of the
face covered by the largest photo and by all photos (package, snack, flyer, magazine; the photos
are recorded while drawing), and the number of distinct brand names over N brands.

Example:
    $ python bench/prints.py --n 10 --frames 4
    $ python bench/prints.py --layout 60
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from zerowaste.synth import prints
from zerowaste.synth.params import frame_seed, sample_scene
from zerowaste.synth.presets import load_preset

SIZES = {"letter": (0.21, 0.297), "news": (0.4, 0.35), "magazine": (0.22, 0.3), "flyer": (0.25, 0.33),
         "package": (0.2, 0.3), "kraft": (0.4, 0.3), "snack": (0.18, 0.25), "label": (0.2, 0.2),
         "can": (0.2, 0.12), "bag": (0.35, 0.45)}


def per_kind(n: int, px_per_m: float) -> dict[str, float]:
    """Median CPU ms of one print of each kind at ``px_per_m``."""
    out = {}
    for kind in prints.KINDS:
        prints.make_print(kind, 10_000, SIZES[kind], px_per_m)
        times = []
        for seed in range(n):
            t = time.process_time()
            prints.make_print(kind, seed, SIZES[kind], px_per_m)
            times.append((time.process_time() - t) * 1000)
        out[kind] = statistics.median(times)
    return out


def per_frame(frames: int, resolution: tuple[int, int]) -> tuple[float, float, float]:
    """(CPU s of prints per frame, prints per frame, texture Mpx per frame) for the default preset."""
    preset = load_preset("default", [f"resolution=[{resolution[0]}, {resolution[1]}]"])
    cpu, count, mpx = 0.0, 0, 0.0
    for i in range(frames + 1):
        scene = sample_scene(preset, frame_seed(7, i))
        density = prints.texel_density(scene["resolution"], scene["camera"]["view"])
        t = time.process_time()
        n, px = 0, 0
        for obj in scene["objects"]:
            kind = obj["material"]["print"]
            if kind in prints.KINDS:
                seed, extent = obj["material"]["print_seed"], prints.print_extent(obj["kind"], obj["size"])
                back, back_seed = prints.back_print(kind, seed)
                for k, s in [(kind, seed)] + ([(back, back_seed)] if back in prints.KINDS else []):
                    img = prints.make_print(k, s, extent, density)  # the front, and a printed back
                    n, px = n + 1, px + img.shape[0] * img.shape[1]
        if i > 0:  # the first scene warms the font and text caches
            cpu, count, mpx = cpu + time.process_time() - t, count + n, mpx + px / 1e6
    return cpu / frames, count / frames, mpx / frames


def photo_cover(kind: str, n: int) -> tuple[float, float]:
    """Median share of a print's face under its largest photo, and under all its photos, over ``n`` seeds."""
    seen: list[float] = []
    photo = prints._Page.photo

    def spy(page, x, y, w, h, *args, **kw):
        seen.append(max(0.0, min(w, page.w - x) * min(h, page.h - y)) / (page.w * page.h))
        return photo(page, x, y, w, h, *args, **kw)

    largest, total = [], []
    prints._Page.photo = spy
    try:
        for seed in range(n):
            seen.clear()
            prints._cached.cache_clear()
            prints.make_print(kind, seed, SIZES[kind], 400)
            largest.append(max(seen, default=0.0))
            total.append(sum(seen))
    finally:
        prints._Page.photo = photo
        prints._cached.cache_clear()
    return statistics.median(largest), statistics.median(total)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10, help="prints per kind")
    ap.add_argument("--frames", type=int, default=4, help="scenes per resolution")
    ap.add_argument("--layout", type=int, default=0, help="layout figures of this many prints per kind instead")
    args = ap.parse_args()
    if args.layout:
        for kind in ("package", "snack", "flyer", "magazine"):
            big, all_ = photo_cover(kind, args.layout)
            print(f"{kind}: largest photo {big:.0%} of the face, all photos {all_:.0%} (medians of {args.layout})")
        names = {prints.make_brand(np.random.default_rng(s)).name for s in range(args.layout)}
        print(f"brands: {len(names)} distinct names of {args.layout}")
        return
    for density in (550, 1650):
        kinds = per_kind(args.n, density)
        print(f"{density} px/m: " + ", ".join(f"{k} {v:.0f} ms" for k, v in kinds.items()))
    for res in ((640, 360), (1920, 1080)):
        cpu, n, mpx = per_frame(args.frames, res)
        print(f"{res[0]}x{res[1]}: {cpu:.2f} CPU s of prints per frame ({n:.0f} prints, {mpx:.1f} Mpx of textures)")


if __name__ == "__main__":
    main()
