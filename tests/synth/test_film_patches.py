"""Round 12: film crinkled in places and smooth elsewhere, softly lit tinted bags, printed film.

Round 11's judge read our bags as "smooth balloons / waxy cloth, no crinkle", yellow bags as mustard
with broad gloss streaks, and many film pieces as plain single-colour sheets. These tests pin what
changed: crinkles lie in patches (:func:`objects.crinkle_patches`), a film's fold lines show in its
own colour (:func:`materials._film_fold_lines`), a tinted film's sheen is faint
(:data:`materials.FILM_TINT_GLOSS_IOR`), and film pieces are mostly clear or milky, often printed.
"""

from __future__ import annotations

import json

import numpy as np

from zerowaste.synth import objects
from zerowaste.synth.materials import FILM_DOUBLED
from zerowaste.synth.objects import BAG_WRINKLE, crinkle_patches, crinkles
from zerowaste.synth.params import FILM_TINTED, _material

from .conftest import result, run_in_blender
from .test_film import BAG_SCENE, SUBJECTS, _film_knobs, _plain


def _block_std(z: np.ndarray, block: int) -> np.ndarray:
    """The relief's standard deviation in square blocks of ``block`` grid cells."""
    n = (z.shape[0] // block) * block
    return z[:n, :n].reshape(n // block, block, n // block, block).std(axis=(1, 3))


def test_film_is_crinkled_in_patches_and_smooth_elsewhere(monkeypatch):
    """The small crinkles (the long stretch wrinkles left out) over a 40 cm piece, seeds 0-5, in 2 cm
    blocks: 37-49 % of the blocks are smooth (relief under 0.1 mm), 34-39 % crinkled (over 0.6 mm).
    The even 1 mm crinkles before round 12: 3-6 % smooth, 0-1 % crinkled -- the same faint texture
    everywhere."""
    monkeypatch.setattr(objects, "BAG_WRINKLE", (0.0, *BAG_WRINKLE[1:]))
    g = np.linspace(0.0, 0.4, 201)  # 2 mm grid
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    for seed in range(6):
        z = crinkles(np.random.default_rng(seed), xy).reshape(201, 201)
        b = _block_std(z, 10)
        assert (b < 1e-4).mean() > 0.25, (seed, (b < 1e-4).mean())  # smooth film ...
        assert (b > 6e-4).mean() > 0.25, (seed, (b > 6e-4).mean())  # ... and crinkled patches
        assert b.max() < 0.004, seed  # (a few mm: crinkles, not lumps)


def test_crinkle_patches_cover_about_their_share_and_move_only_the_relief():
    """The patch weight covers about :data:`objects.FILM_CRINKLE_PATCHES`' share of a piece at any size,
    is seeded, and a piece keeps its outline (the patches scale heights only)."""
    share, _, high = objects.FILM_CRINKLE_PATCHES
    for size in (0.15, 0.4):
        g = np.linspace(0.0, size, 81)
        xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
        for seed in range(4):
            w = crinkle_patches(np.random.default_rng(seed), xy)
            assert np.array_equal(w, crinkle_patches(np.random.default_rng(seed), xy))
            assert w.min() >= 0.0 and w.max() <= high + 1e-9
            assert abs(float((w > 0.5 * high).mean()) - share) < 0.1, (size, seed)
            assert (w < 0.01 * high).mean() > 0.4  # most of the rest is left smooth


def test_film_pieces_are_mostly_clear_or_milky_and_often_printed():
    """Real film on the line is mostly clear or milky, with print (wrappers, labels, printed bags). Over
    400 sampled film pieces at the presets' ``clear_plastic`` 0.6: 59 % printed (a logo or label on
    clear film, or a printed wrapper; 21 % before round 12), 15 % tinted (41 %); bags keep their tints."""
    films = [_material(np.random.default_rng(s), "soft_plastic", "film", {"clear_plastic": 0.6}) for s in range(400)]
    printed = np.array([m["print"] != "plain" for m in films])
    tinted = np.array([m["transmission"] > 0 and np.ptp(m["color"]) > FILM_TINTED for m in films])
    logo_on_clear = np.array([m["print"] == "bag" and m["transmission"] > 0 for m in films])
    assert printed.mean() > 0.45 and tinted.mean() < 0.25, (printed.mean(), tinted.mean())
    assert logo_on_clear.mean() > 0.1  # see-through film carrying a print
    bags = [_material(np.random.default_rng(s), "soft_plastic", "bag", {"clear_plastic": 0.6}) for s in range(400)]
    assert np.mean([m["transmission"] > 0 and np.ptp(m["color"]) > FILM_TINTED for m in bags]) > 0.35


YELLOW_SCRIPT = r"""
from zerowaste.synth import materials, objects
from zerowaste.synth.objects import build_mesh, puffed_bag
objects.FILM_GATHERED = 0.0  # (the half-flat bag lies flat: round 17's gathered folds are fine detail of their own)
override = json.loads(sys.argv[3])
for k, v in override.items():
    setattr(materials, k, tuple(v) if isinstance(v, list) else v)
""" + BAG_SCENE.replace("FILM_KIND", '"bag"').replace("FILM_SEED", "7") + r"""
from scipy import ndimage
grey = rgb.mean(-1)
fine = np.abs(grey - ndimage.uniform_filter(grey, 5))  # detail a few px across: fold lines, glints
got = {}
for name, cid in (("puffed", 4), ("flat", 1)):
    inside = ndimage.binary_erosion(seg == cid, iterations=3)
    got[name] = {"p99": float(np.percentile(grey[inside], 99)), "fine": float(np.median(fine[inside])),
                 "p90_fine": float(np.percentile(fine[inside], 90)), "white": float(np.mean(grey[inside] >= 245))}
    lab, n = ndimage.label((grey >= 235) & inside)
    got[name]["largest"] = float(np.bincount(lab.ravel())[1:].max() / inside.sum()) if n else 0.0
print("RESULT", json.dumps(got), flush=True)
import os; os._exit(0)
"""


def _yellow_bag() -> dict:
    """The test's plain yellow see-through bag (:data:`test_film.SUBJECTS`, drawn by :func:`test_film._plain`)."""
    m = _plain("bag", SUBJECTS["bag", "yellow"], {"clear_plastic": 1.0, "wear": [0.0, 0.0]})
    c = m["color"]
    assert m["transmission"] > 0 and c[0] > 0.8 and 0.4 < c[1] < 0.7 and c[2] < 0.1, m
    return m


def test_a_yellow_bag_in_cycles_glints_along_its_folds_without_the_old_broad_sheen():
    """Round 11's judge: yellow bags mustard "with broad gloss streaks"; the real yellow bag is a lit yellow
    (99th percentile sRGB about 217 of 255) whose wrinkles are thin lines and whose folds glint. A sampled
    yellow bag (a puffed one and a half-flat one, seed 2) under an area light, against the same bag under
    round 11's sheen (FILM_TINT_GLOSS_IOR 1.8, no fold lines).
    Before round 32 (roughness 0.25-0.4, specular 0.2) its brightest 1 % stayed at 227 / 216 and hardly a
    pixel reached 245 (0.05 / 0.04 %): softly lit, and round 32's judges read such bags as "smooth, rubbery".
    Now (0.12-0.25, 0.3) the half-flat bag's 99th percentile is 227 and 0.7 % of it glints white (the puffed
    one 1.4 %, where its taut skin faces the lamp), against the old sheen's 1.2 / 2.3 %: small glints along
    the folds, not broad streaks. The fold lines add fine detail on the half-flat bag (the 90th percentile of
    the 5-px detail: 3.8 with them, 2.8 without, both single film; round 13's doubled flaps,
    materials.FILM_DOUBLED, have edges too)."""
    knobs = json.dumps(_yellow_bag())
    now = result(run_in_blender(YELLOW_SCRIPT, knobs, "2", "{}"))
    old = result(run_in_blender(YELLOW_SCRIPT, knobs, "2", json.dumps(
        {"FILM_TINT_GLOSS_IOR": 1.8, "FILM_FOLD_SHADE": [0.0, 0.0, 0.012, 0.04]})))
    # (the fold lines against none, both bags single film: the doubled flaps' edges are fine detail too)
    single = {"FILM_DOUBLED": [0.0, *FILM_DOUBLED[1:]]}
    lines = result(run_in_blender(YELLOW_SCRIPT, knobs, "2", json.dumps(single)))
    flat = result(run_in_blender(YELLOW_SCRIPT, knobs, "2", json.dumps(
        {**single, "FILM_FOLD_SHADE": [0.0, 0.0, 0.012, 0.04]})))
    assert now["flat"]["p99"] < 240, (now, old)  # the lying bag (95 % of bags) is a lit yellow, not white
    for part in ("puffed", "flat"):
        assert now[part]["white"] > 0.003, (now, old)  # the film glints (0.05 % before round 32)
        assert now[part]["white"] < 0.7 * old[part]["white"], (now, old)  # glints, not the old broad sheen
        assert now[part]["largest"] < 0.01, (now, old)  # no glint over 1 % of the bag
    assert lines["flat"]["p90_fine"] > 1.25 * flat["flat"]["p90_fine"], (lines, flat)  # the folds drawn


BLACK_GATHERED_SCRIPT = r"""
from zerowaste.synth import materials, objects
from zerowaste.synth.objects import build_mesh, puffed_bag
objects.FILM_GATHERED = 1.0  # (the flat piece lies gathered in folds)
for k, v in json.loads(sys.argv[3]).items():
    setattr(materials, k, v)
""" + BAG_SCENE.replace("FILM_KIND", '"film"').replace("FILM_SEED", "seed") + r"""
from scipy import ndimage
grey = rgb.mean(-1)
inside = ndimage.binary_erosion(seg == 1, iterations=3)
belt = float(np.median(grey[seg == 0]))
print("RESULT", json.dumps({"belt": belt, "median": float(np.median(grey[inside])),
                            "grey": float((grey[inside] > belt).mean()), "grey15": float((grey[inside] > 1.5 * belt).mean()),
                            "p99": float(np.percentile(grey[inside], 99))}),
      flush=True)
import os; os._exit(0)
"""


def test_a_gathered_black_bag_is_dark_between_thin_highlights_not_striped():
    """Round 19: a gathered black bag lay as broad grey stripes ("zebra"): its fold lines lightened every
    smooth 3 cm ridge towards white (:data:`materials.FILM_FOLD_SHADE`), grey on black. The reference black
    bag is dark all over with a soft sheen and a few thin highlights. Now a dark film's ridges lighten by
    :data:`materials.FILM_FOLD_LIGHT_DARK` only: on two gathered black films under an area light, the share
    of the film brighter than the belt's median falls by a fifth or more (0.10 / 0.14, were 0.15 / 0.27), and
    the share over 1.5x the belt too (0.04 / 0.05, were 0.07 / 0.17); the film stays darker than the belt and
    its highlights still shine (the brightest 1 % > 2x the belt: 155 / 164 against 60)."""
    knobs = json.dumps(_film_knobs(False, dark=True))
    for seed in ("0", "1"):
        now = result(run_in_blender(BLACK_GATHERED_SCRIPT, knobs, seed, "{}"))
        old = result(run_in_blender(BLACK_GATHERED_SCRIPT, knobs, seed, json.dumps({"FILM_FOLD_LIGHT_DARK": 0.2})))
        assert now["grey"] < 0.8 * old["grey"] and now["grey15"] < 0.8 * old["grey15"], (seed, now, old)
        assert now["median"] < 0.85 * now["belt"] and now["p99"] > 2 * now["belt"], (seed, now, old)
