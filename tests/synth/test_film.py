"""Plastic film and bags look like waste plastic, not cloth: puffed bags, clear see-through film, gloss.

Round 7's judge read our bags and film as opaque cloth: flat drapes, rough and milky. These tests pin
what changed: bags hold air (a pillow with a tied neck), film is smooth (its creases catch the light),
clear film scatters little (what lies under it shows, yet its pixels stay its instance), black bin
bags are glossy.
"""

from __future__ import annotations

from unittest.mock import patch

import numpy as np

from zerowaste.synth import objects
from zerowaste.synth.objects import (
    BAG_CRINKLE,
    BAG_WRINKLE,
    build_mesh,
    contents,
    crinkles,
    film_folds,
    gather,
    puffed_bag,
    stretch_wrinkles,
)
from zerowaste.synth.params import FILM_CLEAR_HAZE, FILM_ROUGH, PLASTICS, PRINTS, _material

from .conftest import result, run_in_blender

DEFORM = {"crumple": 0.02, "frequency": 9.0, "folds": 1, "bend": 0.1, "crush": 0.3, "dents": 2}


def _bag(seed: int, size=(0.32, 0.42)) -> np.ndarray:
    return build_mesh({"kind": "bag", "size": [*size, 0.0], "deform": DEFORM, "seed": seed}).verts


def _puffed(seed: int) -> tuple[bool, bool]:
    """Whether :func:`build_mesh`'s bag of ``seed`` is puffed (its first draw) and, if so, whether it shows
    its tied neck (:func:`puffed_bag`'s first draw, :data:`objects.PUFF_TIED`)."""
    rng = np.random.default_rng(seed)
    return bool(rng.random() < objects.BAG_PUFFED), bool(rng.random() < objects.PUFF_TIED)


def _necked(v: np.ndarray) -> bool:
    """A tied bag's outline: it narrows to a neck near its + y end and the knotted handles splay out past it
    (see the test below; a rounded end narrows too, but nothing splays out past it)."""
    y = (v[:, 1] - v[:, 1].min()) / np.ptp(v[:, 1])
    width = [np.ptp(v[(y > a) & (y < a + 0.04), 0]) for a in np.arange(0.0, 0.96, 0.04)]
    neck = 15 + int(np.argmin(width[15:]))
    return width[neck] < 0.35 * max(width[:15]) and max(width[neck:]) > 1.25 * width[neck]


def _radius(v: np.ndarray) -> np.ndarray:
    """Each vertex's distance from a bag's centre, as a share of its extent (0.5 at the rim)."""
    return np.hypot((v[:, 0] - v[:, 0].mean()) / np.ptp(v[:, 0]), (v[:, 1] - v[:, 1].mean()) / np.ptp(v[:, 1]))


def _dome(v: np.ndarray) -> float:
    """How far a bag's middle stands above its rim, as a share of its width."""
    r = _radius(v)
    return float((v[r < 0.15, 2].mean() - v[r > 0.45, 2].mean()) / np.ptp(v[:, 0]))


def test_few_bags_are_puffed_and_none_is_a_balloon():
    """Round 8's judge: bags read as balloons. Few real bags on the line are fully puffed; most lie
    half-flat with some air under them. (The old 80 % puffed, 12-28 % of the width high: 31 of 40
    bags had a neck, 16 stood more than 12 % of their width high in the middle.)"""
    bags = [_bag(s) for s in range(240)]
    # (a gathered flat bag, since round 17, narrows at one end too: no neck count over all bags)
    puffed, tied = np.array([_puffed(s) for s in range(240)]).T
    assert 0.015 <= puffed.mean() <= 0.1, puffed.mean()  # (objects.BAG_PUFFED 0.05 since round 17, 0.1 since 14)
    # Round 18: only some puffed bags show their tied neck (3 of the 11 here); the others, rounded at both
    # ends, have none
    assert {_necked(bags[i]) for i in np.flatnonzero(puffed & tied)} == {True}
    assert {_necked(bags[i]) for i in np.flatnonzero(puffed & ~tied)} == {False}
    domes = np.array([_dome(v) for v in bags])
    assert domes.max() < 0.12, domes.round(3)
    for v in (bags[i] for i in np.flatnonzero(puffed)):
        assert np.ptp(v[:, 2]) > 0.02  # a puffed bag still holds some air (23-63 mm; 36-63 mm before round 18)


def test_crinkles_are_many_small_sharp_folds(monkeypatch):
    """:func:`crinkles`: folds a few mm high, about 2 cm apart, every way, and sharp (tents, not waves).
    (The small folds alone: the long stretch wrinkles on top are tested below.)"""
    monkeypatch.setattr(objects, "BAG_WRINKLE", (0.0, *BAG_WRINKLE[1:]))
    g = np.linspace(0.0, 0.3, 151)  # 2 mm grid
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    z = crinkles(np.random.default_rng(0), xy).reshape(151, 151)
    assert np.array_equal(z, crinkles(np.random.default_rng(0), xy).reshape(151, 151))  # seeded
    assert 0.0003 < z.std() < 0.0015, z.std()  # 1 mm folds (2 mm before round 11): 0.00043-0.00049 over seeds 0-4
    _, _, cell, per_cell = BAG_CRINKLE
    assert per_cell / cell**2 > 1500  # folds per square metre
    zc = z - z.mean()
    for axis in (0, 1):  # small: the relief decorrelates within 2 cm, along and across
        corr = (zc * np.roll(zc, 10, axis=axis)).mean() / (zc * zc).mean()
        assert corr < 0.35, (axis, corr)
    # Sharp: the bending concentrates on the fold lines (a tent's second derivative is a spike; a
    # smooth wave's is spread out, kurtosis 1.5-3).
    bend = np.diff(z, 2, axis=1).ravel()
    kurt = ((bend - bend.mean()) ** 4).mean() / bend.var() ** 2
    assert kurt > 6, kurt


def test_bags_and_film_carry_the_crinkles(monkeypatch):
    """Every bag (puffed or half-flat) and every film is crinkled: without :data:`BAG_CRINKLE`'s
    height the same seed gives the same sheet, smoother by millimetres."""
    seeds = (0, 1, 2, 3, 4, 34)  # (34: the first puffed bag; before round 18 seeds 0-5 held none, a gathered
    built = {}  # flat bag's narrow end passed for a neck)
    for height in (BAG_CRINKLE[0], 0.0):
        monkeypatch.setattr(objects, "BAG_CRINKLE", (height, *BAG_CRINKLE[1:]))
        built[height] = [build_mesh({"kind": k, "size": [0.32, 0.42, 0.0], "deform": DEFORM, "seed": s}).verts
                         for k in ("bag", "film") for s in seeds]
    kinds = [_puffed(s)[0] for s in seeds]
    assert any(kinds) and not all(kinds)  # both kinds of bag are in the sample
    for with_, without in zip(built[BAG_CRINKLE[0]], built[0.0], strict=True):
        assert np.array_equal(with_[:, :2], without[:, :2])  # the same outline
        assert 0.0002 < (with_[:, 2] - without[:, 2]).std() < 0.004  # (1 mm crinkles: 0.00027-0.00047)


def test_a_puffed_bag_narrows_to_a_tied_neck_and_is_one_sheet(monkeypatch):
    monkeypatch.setattr(objects, "PUFF_TIED", 1.0)
    rng = np.random.default_rng(4)
    m = puffed_bag(rng, (0.3, 0.45), {**DEFORM, "frequency": 18.0})
    v = m.verts
    assert np.ptp(v[:, 1]) > np.ptp(v[:, 0])  # it runs along its longer side (y here)
    y = (v[:, 1] - v[:, 1].min()) / np.ptp(v[:, 1])
    width = [np.ptp(v[(y > a) & (y < a + 0.04), 0]) for a in np.arange(0.0, 0.96, 0.04)]
    assert min(width[15:]) < 0.35 * max(width[:15]), width  # the neck, near the + end
    assert width[-1] > 1.25 * min(width[15:])  # the knotted handles splay out past it
    used = np.unique(np.concatenate([np.asarray(f) for f in m.faces]))
    assert len(used) == len(v) and np.isfinite(v).all()  # one sheet, every vertex in a face
    assert np.array_equal(m.verts, puffed_bag(np.random.default_rng(4), (0.3, 0.45),
                                               {**DEFORM, "frequency": 18.0}).verts)  # seeded


def _interior_spread(v: np.ndarray) -> float:
    """Coefficient of variation of a bag's heights over its middle (within 0.3 of its extent of the centre)."""
    z = v[_radius(v) < 0.3, 2]
    return float(z.std() / z.mean())


def test_a_puffed_bag_drapes_over_what_is_in_it(monkeypatch):
    """Round 18: rounds 16 and 17's judges named "a smooth inflated balloon" (an even dome, a tied neck). A
    bag on the line holds things: :func:`contents` lumps (0 where none reaches, each lump's top over it alone,
    the skin bridging neighbours), and the puffed bags' middles rise and sink over them. Over the 11 puffed
    bags of seeds 0-239 the heights' spread in the middle is median 0.37 of their mean (0.24-0.51); the
    same bags' even domes (PUFF_FLOOR 1, no contents) 0.13 (0.06-0.29)."""
    g = np.linspace(-0.15, 0.15, 61)
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    h = contents(np.random.default_rng(5), xy, 0.3, xy[np.hypot(*xy.T) < 0.1])
    assert h.min() == 0.0 and 0.6 <= h.max() <= 1.0 + 1e-9, (h.min(), h.max())  # (lump tops 0.6-1)
    assert np.array_equal(h, contents(np.random.default_rng(5), xy, 0.3, xy[np.hypot(*xy.T) < 0.1]))  # seeded
    lumpy = [_interior_spread(_bag(s)) for s in range(240) if _puffed(s)[0]]
    monkeypatch.setattr(objects, "PUFF_FLOOR", 1.0)
    even = [_interior_spread(_bag(s)) for s in range(240) if _puffed(s)[0]]
    assert len(lumpy) >= 5 and np.median(lumpy) > 0.25 and np.median(even) < 0.2, (np.round(lumpy, 2), np.round(even, 2))
    assert sum(a > b for a, b in zip(lumpy, even, strict=True)) >= 0.8 * len(lumpy)


def test_wrinkles_ripple_the_top_of_a_puffed_bag():
    """Over the puffed bags of seeds 0-39 (7; since round 14 of seeds 0-119, since round 17 of 0-239), a quadratic dome fitted to each one's top leaves mm-scale
    relief (its wrinkles and sag folds): median 2.10 mm (1.6-3.2), each bag 31-53 mm high (round 17: 11 bags, 2.60 mm, 1.52-4.20; 31-58 mm). Round 11b
    (a taut skin: fewer, shallower sag folds, half the skin wrinkles) lowered them from 3.43 mm
    (2.05-5.75) and 31-83 mm: 'lumpy relief everywhere, a glint on every lump' (the lead); round 13
    (fewer puffed bags: objects.BAG_PUFFED) left 7 of the 11 (2.25 mm, 1.50-4.23; 27-64 mm high)."""
    ptp, ripple = [], []
    for seed in range(240):  # (seeds 0-239: 11 puffed at BAG_PUFFED 0.05, round 17; 0-119: 7 at 0.1, round 14)
        if not _puffed(seed)[0]:
            continue  # (a half-flat bag)
        v = _bag(seed)
        top = v[:, 2] > 0.6 * v[:, 2].max()
        z = v[top]
        design = np.c_[np.ones(len(z)), z[:, 0], z[:, 1], z[:, 0] ** 2, z[:, 1] ** 2, z[:, 0] * z[:, 1]]
        ptp.append(np.ptp(v[:, 2]))
        ripple.append((z[:, 2] - design @ np.linalg.lstsq(design, z[:, 2], rcond=None)[0]).std())
    assert len(ptp) >= 5 and min(ptp) > 0.02 and np.median(ptp) > 0.035, np.round(ptp, 3)
    assert min(ripple) > 0.001 and 0.0015 < np.median(ripple) < 0.004 and max(ripple) < 0.012, np.round(ripple, 4)


def _plain(kind: str, seed: int, surfaces: dict) -> dict:
    """Soft-plastic material ``seed`` of ``kind`` drawn as if every piece of that kind were plain.

    A Cycles test measures one sampled bag or film. ``_material`` draws the print first, from one
    number, so drawing the subject this way keeps it when the print weights
    (:data:`params.PRINTS`) change: round 24's more printed bags moved "the first plain bag" of two
    tests to bags their thresholds were never measured on."""
    with patch.dict(PRINTS, {kind: {"plain": 1.0}}):
        return _material(np.random.default_rng(seed), "soft_plastic", kind, surfaces)


#: The Cycles film tests' subjects (material seeds for :func:`_plain`): the first plain one of each sort
#: when the tests searched for it among printed ones (until round 25), so the figures in their
#: docstrings stay theirs.
SUBJECTS = {("film", "clear"): 5, ("film", "opaque"): 12, ("film", "black"): 5, ("bag", "opaque"): 0, ("bag", "black"): 4,
            ("bag", "red"): 18, ("bag", "blue"): 0, ("bag", "yellow"): 27}


def _film_knobs(clear: bool, dark: bool = False, kind: str = "film") -> dict:
    """The test subject that is clear film (or opaque, black if ``dark``): see :data:`SUBJECTS`."""
    sort = "clear" if clear else "black" if dark else "opaque"
    m = _plain(kind, SUBJECTS[kind, sort], {"clear_plastic": 1.0 if clear else 0.0, "wear": [0.0, 0.0]})
    assert (m["transmission"] >= 0.8) if clear else (m["transmission"] == 0 and (max(m["color"]) < 0.1) == dark), m
    return m


def test_film_gloss_clear_film_is_near_mirror_opaque_bags_a_dull_sheen_black_bags_glossier():
    """Rough film (0.45-0.65) read as cloth; smooth opaque film (0.14-0.28) as wax or metal; glossy
    opaque and tinted film (0.15-0.3) as speckled (round 9): opaque carrier bags are the dullest."""
    seen = set()
    for seed in range(200):
        m = _material(np.random.default_rng(seed), "soft_plastic", "bag", {"clear_plastic": 0.5})
        assert 0 <= m["streak"] <= 0.7, m
        if m["print"] == "snack":
            assert "haze" not in m  # an opaque printed wrapper keeps its print's colours
            continue
        kind = ("clear" if m["transmission"] > 0.5 else "tinted" if m["transmission"] > 0
                else "black" if max(m["color"]) < 0.1 else "opaque")
        seen.add(kind)
        if kind == "clear" and np.ptp(m["color"]) > 0.2:
            kind = "tinted"  # a coloured see-through film
        lo, hi = FILM_ROUGH[kind]
        assert lo <= m["roughness"] <= hi, (kind, m)
        if kind == "clear":  # a light sheen (round 23: at 0.15-0.45, a dark smoky veil)
            assert FILM_CLEAR_HAZE[0] <= m["haze"] <= FILM_CLEAR_HAZE[1] < 0.9, m
        if kind == "tinted" and np.ptp(m["color"]) > 0.2:  # milky: some of it scatters, most passes
            assert 0.5 <= m["haze"] <= 1.0 and m["streak"] == 0, m  # (streaked gloss: gold satin)
    assert seen == {"clear", "tinted", "black", "opaque"}
    assert _film_knobs(False, dark=True)["roughness"] < _film_knobs(False)["roughness"]


BLACK_BAG_SCRIPT = r"""
from zerowaste.synth.objects import puffed_bag
res = (120, 68)
w, h = top_down(res, 16, light=0.03, height=0.7)
knobs = json.loads(sys.argv[1])
belt = mesh_object("belt", grid(w * 1.2, h * 1.2, 2, 2))
_assign(belt, make_material({"family": "belt", "color": [0.03] * 3, "roughness": 0.9}, size=(w, h)))
bag = mesh_object("bag", puffed_bag(np.random.default_rng(2), (0.32, 0.42), {"crumple": 0.02, "frequency": 18.0}))
_assign(bag, make_material(knobs, size=(0.32, 0.42), seed=3))
label((belt, bag), (0, 4))
area_lamp([0.35, 0.0, 1.4], 0.4, 60)
data = bproc.renderer.render(verbose=False)
rgb, seg = data["colors"][0][..., :3].astype(float).mean(-1), np.asarray(data["category_id_segmaps"][0])
inside = rgb[seg == 4]
print("RESULT", json.dumps({"share": float((seg == 4).mean()), "p99": float(np.percentile(inside, 99)),
                            "median": float(np.median(inside)), "belt": float(np.median(rgb[seg == 0]))}), flush=True)
import os; os._exit(0)
"""


def test_a_black_bin_bag_in_cycles_is_glossy_dark_with_bright_highlights():
    knobs = _film_knobs(False, dark=True, kind="bag")
    got = result(run_in_blender(BLACK_BAG_SCRIPT, __import__("json").dumps(knobs)))
    assert got["share"] > 0.2, got
    # Black plastic: darker than the dull dark belt beside it (rough film, 0.45-0.65: as bright as the
    # belt, 99 vs 96) ... with strong highlights on its wrinkles (rough film: 1.7x its median). (Since round 18
    # the bag drapes over lumps of its contents, more of it facing the lamp: median 81, an even dome 75.)
    assert got["median"] < 0.85 * got["belt"], got
    assert got["p99"] > 3 * got["median"] and got["p99"] > 200, got


CLEAR_FILM_SCRIPT = r"""
res = (96, 54)
w, h = top_down(res, 16, light=0.15)
area_lamp([0.5, 0.0, 1.3], 0.3, 80)  # the bars: off to one side, as on the line
knobs = json.loads(sys.argv[1])
sheet = mesh_object("sheet", grid(w, h, 4, 4))
_assign(sheet, make_material({"family": "paper", "color": [0.8] * 3, "roughness": 1.0, "print": "package"},
                             size=(w, h), seed=3, px_per_m=200))
sheet.set_cp("category_id", 5)
sheet.blender_obj.pass_index = 1
bare = bproc.renderer.render(verbose=False)["colors"][0][..., :3].astype(float)
film = grid(w * 0.6, h * 1.2, 30, 30)
film.verts[:, 0] -= w * 0.3
film.verts[:, 2] = 0.03 + 0.004 * np.sin(film.verts[:, 1] * 90)  # a few gentle wrinkles
film = mesh_object("film", Mesh(film.verts, film.faces, film.uv, sharp=20.0))
_assign(film, make_material(knobs, size=(w * 0.6, h * 1.2), seed=4))
film.set_cp("category_id", 4)
film.blender_obj.pass_index = 2
data = bproc.renderer.render(verbose=False)
left = slice(0, res[0] * 4 // 10)
seg, under = np.asarray(data["category_id_segmaps"][0]), data["colors"][0][..., :3].astype(float)
a, b = bare[:, left].mean(-1), under[:, left].mean(-1)
def corr(x, y): x = x - x.mean(); y = y - y.mean(); return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))
dark = a < np.percentile(a, 30)
print("RESULT", json.dumps({"film_mask": float((seg[:, left] == 4).mean()), "paper_right": float((seg[:, -20:] == 5).mean()),
                            "through": corr(a, b), "contrast": float(b.std() / a.std()),
                            "lift_dark": float((b - a)[dark].mean())}), flush=True)
import os; os._exit(0)
"""


TINTED_FILM_SCRIPT = CLEAR_FILM_SCRIPT.replace(
    "a, b = bare[:, left].mean(-1), under[:, left].mean(-1)",
    "ch = int(sys.argv[2]); a, b = bare[:, left, ch], under[:, left, ch]\n"
    "others = under[:, left][..., [c for c in range(3) if c != ch]].mean(-1)",
).replace('"lift_dark"', '"tint": float(b.mean() / max(others.mean(), 1e-6)), "lift_dark"')


def test_clear_film_in_cycles_shows_what_lies_under_it_and_keeps_its_mask():
    knobs = __import__("json").dumps(_film_knobs(True))
    runs = []  # over six package prints under the film (one print alone: its flat patches decide)
    for seed in range(3, 9):
        script = CLEAR_FILM_SCRIPT.replace("size=(w, h), seed=3,", f"size=(w, h), seed={seed},")
        runs.append(result(run_in_blender(script, knobs)))
        assert runs[-1]["film_mask"] > 0.95 and runs[-1]["paper_right"] > 0.95, runs[-1]  # see-through, yet its instance
    through, contrast, lift = (float(np.median([g[k] for g in runs])) for k in ("through", "contrast", "lift_dark"))
    # The print under it shows (the old rough, milky film at 70 % on print seed 3: correlation 0.38, 41 %
    # of the contrast kept, dark parts lifted by 131 grey levels: a white veil; the clear film over
    # seeds 3-8: correlation 0.31-0.73, median 0.52, contrast median 1.0, lift median -25) ...
    # Round 23 (FILM_CLEAR_HAZE 0.6-0.8, was 0.15-0.45): correlation median 0.45 (0.10-0.72), contrast 0.90,
    # lift median +10 (was -25: the film's dark grey opaque share laid a smoky veil over the print)
    assert through > 0.4 and contrast > 0.6, runs
    assert lift < 40, runs  # ... and dark things under clear film stay dark ...
    assert lift > 0, runs  # ... under a light sheen, not a dark smoky veil


#: A Cycles scene shared by the bag tests: a puffed bag (category 4, mesh seed argv[2]) and a flat piece
#: (category 1; FILM_KIND and FILM_SEED filled in by each script) under one area lamp, material knobs in
#: argv[1]; it leaves ``rgb`` (H, W, 3) and ``seg``.
BAG_SCENE = r"""
res = (360, 204)
w, h = top_down(res, 16, light=0.03, height=0.9)
knobs, seed = json.loads(sys.argv[1]), int(sys.argv[2])
belt = mesh_object("belt", grid(w * 1.2, h * 1.2, 2, 2))
_assign(belt, make_material({"family": "belt", "color": [0.03] * 3, "roughness": 0.9}, size=(w, h)))
puffed = puffed_bag(np.random.default_rng(seed), (0.32, 0.42), {"crumple": 0.02, "frequency": 18.0})
puffed.verts[:, 2] -= puffed.verts[:, 2].min() - 0.002  # on the belt, as settle() lays it
bag = mesh_object("bag", puffed)
bag.set_location([-0.2, 0, 0])
_assign(bag, make_material(knobs, size=(0.32, 0.42), seed=3))
deform = {"crumple": 0.02, "frequency": 9.0, "folds": 1, "bend": 0.1, "crush": 0.3, "dents": 2}
film = build_mesh({"kind": FILM_KIND, "size": [0.34, 0.4, 0.0], "seed": FILM_SEED, "deform": deform})
film.verts[:, 2] -= film.verts[:, 2].min() - 0.002
sheet = mesh_object("film", film)
sheet.set_location([0.22, 0, 0])
_assign(sheet, make_material(knobs, size=(0.34, 0.4), seed=4))
label((belt, bag, sheet), (0, 4, 1))
area_lamp([0.3, 0.4, 1.4], 0.4, 25)
data = bproc.renderer.render(verbose=False)
rgb = np.clip(data["colors"][0][..., :3], 0, 255).astype(float)
seg = np.asarray(data["category_id_segmaps"][0])
"""

HIGHLIGHT_SCRIPT = r"""
from scipy import ndimage
from zerowaste.synth.objects import build_mesh, puffed_bag
""" + BAG_SCENE.replace("FILM_KIND", '"film"').replace("FILM_SEED", "seed") + r"""
rgb = rgb.mean(-1)
got = {}
for name, cid in (("puffed", 4), ("flat", 1)):
    inside = seg == cid
    v = rgb[inside]
    blobs, n = ndimage.label(inside & (rgb >= np.percentile(v, 95)))  # the brightest 5 %: the highlights
    sizes = np.bincount(blobs.ravel())[1:]
    got[name] = {"blobs": int(n), "largest": float(sizes.max() / sizes.sum()), "p99": float(np.percentile(v, 99)),
                 "median": float(np.median(v))}
print("RESULT", json.dumps(got), flush=True)
import os; os._exit(0)
"""


#: The bag scene with clear film, rendered at several render settings; per setting, how its fine shading
#: (a band of 1-4 px) follows a 64-sample render without the denoiser: the correlation, and its strength.
DETAIL_SCRIPT = r"""
from scipy import ndimage
from zerowaste.synth.objects import build_mesh, puffed_bag
""" + BAG_SCENE.replace("FILM_KIND", '"film"').replace("FILM_SEED", "seed") + r"""
film = seg == 1
def detail(grey):  # what lies between 1 px (the grain) and 4 px
    return (ndimage.gaussian_filter(grey, 1.0) - ndimage.gaussian_filter(grey, 4.0))[film]
got, ref = {}, None
for name, samples, denoise in json.loads(sys.argv[3]):
    configure_renderer(samples, "cpu", 0, denoise)
    d = detail(np.clip(bproc.renderer.render(verbose=False)["colors"][0][..., :3], 0, 255).astype(float).mean(-1))
    ref = d if ref is None else ref
    got[name] = {"corr": float(np.corrcoef(ref, d)[0, 1]), "strength": float(d.std() / ref.std())}
print("RESULT", json.dumps(got), flush=True)
import os; os._exit(0)
"""


def test_the_shipped_samples_keep_clear_films_glints_through_the_denoiser():
    """The judges' "ghostly smears of clear plastic": at 4 samples Cycles' OpenImageDenoise takes a clear
    film's small glints, which its albedo and normal passes cannot explain, for noise and smooths them away.
    At the shipped samples (7, round 31) its fine shading follows a 64-sample render without the denoiser
    more closely and keeps more of its strength. Measured (seeds 2 / 5): correlation 0.855 / 0.879 against 4
    samples' 0.823 / 0.779, strength 0.92 / 0.84 against 0.73 / 0.72 (8 samples: 0.869 / 0.894, 0.87 / 0.86;
    8 without the denoiser: 0.879 / 0.874 but 0.64 / 0.63, its grain hides the glints: a judge saw sandpaper)."""
    from zerowaste.synth.presets import load_preset

    p = load_preset("default")
    settings = [("reference", 64, False), ("shipped", p["samples"], p["denoise"]), ("four", 4, True)]
    gains = []
    for seed in (2, 5):
        got = result(run_in_blender(DETAIL_SCRIPT, __import__("json").dumps(_film_knobs(True)), str(seed),
                                    __import__("json").dumps(settings)))
        gains.append(got["shipped"]["corr"] - got["four"]["corr"])
        assert gains[-1] > 0, got
        assert got["shipped"]["strength"] > max(0.8, got["four"]["strength"] + 0.08), got
    assert np.mean(gains) > 0.04, gains


def test_an_opaque_bag_in_cycles_glints_in_many_small_dull_highlights():
    """Round 8's judge: our bags "shine too evenly, like wax or metal, with big rounded highlights".
    A sampled opaque carrier bag (a puffed one and a crumpled sheet of the same film) under an area
    light: its brightest 5 % of pixels break up over the bag, none clipped white. The old smooth film
    (roughness 0.14-0.28, anisotropic) on the old smooth pillow, the same setup and seeds 2 / 5: 33 /
    31 glints on the bag, 35 / 53 on the sheet, 99th percentile 250-255 (clipped). Opaque bags are
    now white or black (a white one's body clips under this lamp), so the sampled film's sheen is
    measured on a mid grey: 72-77 glints on the bag, 65-78 on the sheet, the largest at most 29 % of
    the highlight, 99th percentile 200-227, 1.45-1.5x the median (round 9: the sheen softer, broader).
    Round 10's judge found the bags "covered in an evenly spread bumpy pattern with many small white
    highlights": lower folds and crinkles leave the puffed bag 35 glints (seed 2), the sheet 65, its
    99th percentile 1.3x the median; the old wax stays apart by its clipped, single highlight.
    Round 11 (the same tell, :func:`objects.film_folds`): the sheet lies in a few large folds, 18 / 14
    glints (seeds 2 / 5; was 65), the largest 32 / 45 % of the highlight (one broad fold facing the
    lamp), 99th percentile 222-226 (1.4x the median); the puffed bag, in a few broad lumps, 36 / 37 glints."""
    knobs = {**_film_knobs(False, kind="bag"), "color": [0.3, 0.3, 0.3]}
    for seed in (2, 5):
        got = result(run_in_blender(HIGHLIGHT_SCRIPT, __import__("json").dumps(knobs), str(seed)))
        # (round 11b: a taut puffed bag, a few broad lumps: 16 / 22 glints, was 36 / 37)
        assert got["puffed"]["blobs"] >= 12, got
        assert 6 <= got["flat"]["blobs"] <= 40, got  # a few large folds (round 11), not 65 small glints
        for part in got.values():
            assert part["largest"] < 0.6, got  # a few broad folds, not one waxy highlight
            assert 1.25 * part["median"] < part["p99"] < 240, got  # still a sheen; dull, not clipped


def _tinted_knobs(colour: int) -> dict:
    """The test's plain see-through bag (transmission over 0.6: the clearer half of the tints) whose
    colour is strongest in channel ``colour``: a red one or a blue one (:data:`SUBJECTS`)."""
    m = _plain("bag", SUBJECTS["bag", {0: "red", 2: "blue"}[colour]], {"clear_plastic": 1.0, "wear": [0.0, 0.0]})
    c = np.array(m["color"])
    assert m["transmission"] > 0.6 and np.ptp(c) > 0.5 and int(np.argmax(c)) == colour, m
    return m


def test_a_tinted_bag_in_cycles_shows_the_print_under_it_coloured():
    """Round 9's judge: our coloured bags read as smooth solids; a real yellow or blue bag is see-through,
    the pieces under it showing, tinted. A sampled red and a blue bag (the clearer half of the tints)
    half over a printed sheet: the print under it shows in the film's own channel (on print 3 before
    round 12: correlation 0.35 / 0.27 with the bare print, 0.35 / 0.36 of its contrast; medians over
    prints 3-6 now: 0.41 / 0.40, 0.54 / 0.49). The old tinted films (a yellow and a
    blue, transmission 0.3-0.55, a full diffuse share): correlation -0.02 / 0.03, contrast 0.01 /
    0.19 -- a solid."""
    for channel in (0, 2):  # a red (or pink) and a blue one
        knobs = _tinted_knobs(channel)
        runs = []  # over four package prints under the film: one print alone, its flat patches decide (the
        # busier pack fronts of round 12 made print 3 nearly flat in blue under the film: 0.18; prints 3-6
        # then gave correlation 0.21-0.64 / 0.18-0.56, contrast 0.38-1.67 / 0.33-1.94)
        for seed in range(3, 7):
            script = TINTED_FILM_SCRIPT.replace("size=(w, h), seed=3,", f"size=(w, h), seed={seed},")
            got = result(run_in_blender(script, __import__("json").dumps(knobs), str(channel)))
            assert got["film_mask"] > 0.95, got  # see-through, yet its instance
            assert got["tint"] > 1.3, got  # ... coloured: the film's channel over the others
            runs.append(got)
        through, contrast = (float(np.median([g[k] for g in runs])) for k in ("through", "contrast"))
        assert through > 0.2 and contrast > 0.25, (knobs["color"], runs)


def _see_through(surfaces: dict, n: int = 400, kinds=("bag", "film")) -> tuple[np.ndarray, np.ndarray, list]:
    """Over ``n`` sampled bags and films (``kinds`` in turn): see-through?, tinted?, and the opaque plain
    ones' colours."""
    through, tinted, opaque = [], [], []
    for seed in range(n):
        m = _material(np.random.default_rng(seed), "soft_plastic", kinds[seed % len(kinds)], surfaces)
        through.append(m["transmission"] > 0)
        tinted.append(m["transmission"] > 0 and np.ptp(m["color"]) > 0.2)
        if m["transmission"] == 0 and m["print"] == "plain":
            opaque.append(m["color"])
    return np.array(through), np.array(tinted), opaque


def test_bags_and_film_are_mostly_see_through_and_tinted_opaque_ones_black_or_white():
    """Round 9's judge: real bags are mostly see-through and tinted, ours opaque single-colour solids.
    At the shipped presets' ``clear_plastic`` (0.6-0.7) most bags and films let light through (old:
    45 / 54 % of 400, printed wrappers included; now 63 / 68 %), two thirds of those tinted (old: 18 /
    21 % of all, now 41 / 45 %); a plain opaque one is a black bin bag or a white carrier bag, never a
    solid colour (old: 36 % were solid blue or red). ``clear_plastic`` 0 still gives none.
    Round 12 (real film on the line is mostly clear or milky, :data:`params.FILM_UNTINTED`): the bags keep
    their tints (41 / 45 % of 400 bags tinted), the film pieces are mostly clear or milky (tinted: 15 / 16 %
    of 400, was 41 / 45 %). Round 24 (the orange bag became a third clear film): bags tinted 36 / 39 %, films
    13 / 14 %."""
    for clear, lo in ((0.6, 0.55), (0.7, 0.6)):
        through, tinted, opaque = _see_through({"clear_plastic": clear, "wear": [0.0, 0.0]})
        assert through.mean() > lo, (clear, through.mean())
        bags = _see_through({"clear_plastic": clear, "wear": [0.0, 0.0]}, kinds=("bag",))[1]
        films = _see_through({"clear_plastic": clear, "wear": [0.0, 0.0]}, kinds=("film",))[1]
        assert bags.mean() > 0.35 and films.mean() < 0.25, (clear, bags.mean(), films.mean())
        assert opaque and all(max(c) < 0.1 or np.ptp(c) < 0.1 for c in opaque), opaque
    assert not _see_through({"clear_plastic": 0.0})[0].any()
    # most tints reach mostly see-through (yellow stays milky); old: none over 0.55
    tints = [hi for colour, (_, hi) in PLASTICS["soft_plastic"] if hi > 0 and np.ptp(colour) > 0.2]
    assert np.mean(np.array(tints) >= 0.75) >= 0.5, tints


def _autocorr_at(z: np.ndarray, cell: float, lag: float) -> np.ndarray:
    """The autocorrelation of the field ``z`` (a grid ``cell`` m apart) ``lag`` m away, per direction (24)."""
    zc = z - z.mean()
    f = np.fft.fft2(zc, s=(2 * z.shape[0], 2 * z.shape[1]))
    ac = np.real(np.fft.ifft2(f * np.conj(f)))
    ac /= ac[0, 0]
    ang = np.linspace(0, np.pi, 24, endpoint=False)
    i = np.rint(lag / cell * np.sin(ang)).astype(int) % ac.shape[0]
    j = np.rint(lag / cell * np.cos(ang)).astype(int) % ac.shape[1]
    return ac[i, j]


def test_film_crinkles_carry_long_parallel_stretch_wrinkles():
    """Round 9: real bags show long folds along the pull. :func:`crinkles` (every bag and film) now lays
    long, roughly parallel folds over its small ones: 5 cm along them the relief still correlates
    (0.29-0.44 over seeds 0-4; the old isotropic crinkles: 0.07-0.13), across them it does not."""
    g = np.linspace(0.0, 0.4, 201)  # 2 mm grid
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    along = []
    for seed in range(5):
        ac = _autocorr_at(crinkles(np.random.default_rng(seed), xy).reshape(201, 201), 0.002, 0.05)
        along.append(ac.max())
        assert ac.max() > 2 * max(ac.min(), 0.05), ac.round(2)  # one way, not every way
    assert np.mean(along) > 0.25, along
    w = stretch_wrinkles(np.random.default_rng(0), xy).reshape(201, 201)
    assert 0.6 * BAG_WRINKLE[0] < np.abs(w).max() < 1.5 * BAG_WRINKLE[0]


def test_stretch_wrinkles_radiate_from_the_pull_point():
    """Pulled from a point (a bag's knot or handles), the folds run towards it: the relief changes
    across the rays, not along them, and is strongest near the point."""
    g = np.linspace(-0.2, 0.2, 201)
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    for seed in range(3):
        z = stretch_wrinkles(np.random.default_rng(seed), xy, pull=(0.0, -0.2)).reshape(201, 201)
        gy, gx = np.gradient(z, 0.002)
        rel = xy - (0.0, -0.2)
        r = np.hypot(rel[:, 0], rel[:, 1]).reshape(201, 201)
        radial = np.abs(gx * rel[:, 0].reshape(201, 201) + gy * rel[:, 1].reshape(201, 201)) / np.maximum(r, 1e-6)
        total = np.hypot(gx, gy)
        assert (radial**2).sum() < 0.2 * (total**2).sum(), seed  # the folds lie along the rays
        assert np.abs(z[r < 0.15]).mean() > np.abs(z[r > 0.3]).mean()  # stretched hardest near the knot


def test_bags_and_film_carry_stretch_wrinkles(monkeypatch):
    """Every bag (puffed or half-flat) and every film carries the stretch wrinkles: without
    :data:`BAG_WRINKLE`'s height the same seed gives the same outline, without long folds a few mm high."""
    built = {}
    for height in (BAG_WRINKLE[0], 0.0):
        monkeypatch.setattr(objects, "BAG_WRINKLE", (height, *BAG_WRINKLE[1:]))
        built[height] = [build_mesh({"kind": k, "size": [0.32, 0.42, 0.0], "deform": DEFORM, "seed": s}).verts
                         for k in ("bag", "film") for s in range(6)]
    for with_, without in zip(built[BAG_WRINKLE[0]], built[0.0], strict=True):
        assert np.array_equal(with_[:, :2], without[:, :2])  # the same outline
        dz = with_[:, 2] - without[:, 2]
        # (a puffed bag's skin wrinkles are PUFF_SKIN of a flat bag's: std 0.28 mm on seed 2's)
        assert dz.std() > 0.0002 and np.abs(dz).max() < 2.5 * BAG_WRINKLE[0], dz.std()


def _glints(v: np.ndarray, step: float = 0.003) -> int:
    """Highlights of a sheet's relief: the brightest 5 % of a Blinn half-vector shading of its height
    field (3 mm grid, the rim left out), counted as connected patches."""
    from scipy import ndimage
    from scipy.interpolate import griddata

    xy = v[:, :2]
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    gx, gy = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    z = griddata(xy, v[:, 2], (gx, gy), method="linear")
    inside = ndimage.binary_erosion(~np.isnan(z), iterations=3)
    dy, dx = np.gradient(np.where(np.isnan(z), np.nanmean(z), z), step)
    half = np.array([0.3, 0.2, 1.0]) / np.linalg.norm([0.3, 0.2, 1.0])
    shade = (half[2] - dx * half[0] - dy * half[1]) / np.sqrt(1 + dx * dx + dy * dy)
    return int(ndimage.label(inside & (shade >= np.percentile(shade[inside], 95)))[1])


def test_flat_bags_and_film_lie_in_a_few_large_folds(monkeypatch):
    """Round 10's judge: bags "covered in an evenly spread bumpy pattern with many small white highlights";
    real ones show a few large soft folds and a few sharp creases (:func:`film_folds`). Over 14 half-flat
    bags and films (seeds 0-7), none gathered, the brightest 5 % of their relief's shading falls into median
    26 patches (10-45; the 8-48 short creases before round 11: median 43, 31-82). (Gathered ones, since round
    17, light up along their long folds: tested below.)"""
    monkeypatch.setattr(objects, "FILM_GATHERED", 0.0)
    counts = []
    for kind in ("bag", "film"):
        for seed in range(8):
            if kind == "bag" and _puffed(seed)[0]:
                continue  # (a puffed bag)
            counts.append(_glints(build_mesh({"kind": kind, "size": [0.32, 0.42, 0.0], "deform": DEFORM,
                                              "seed": seed}).verts))
    assert len(counts) >= 12
    assert np.median(counts) < 35, counts
    z = film_folds(np.random.default_rng(3), np.random.default_rng(4).uniform(0, 0.4, (4000, 2)), 0.01)
    assert 0.006 < z.std() < 0.02  # the billows carry about `crumple` of relief


def test_tinted_film_is_thinly_dyed():
    """A tinted bag tints the light through it only half way to its colour (:data:`FILM_DYE`: a blue bag over
    a white print no longer as deep blue as the bag); clear film and rigid plastic pass theirs unchanged."""
    from zerowaste.synth.materials import FILM_DYE, _film_tint

    blue = (0.15, 0.35, 0.9, 1.0)
    tint = _film_tint(blue, {"family": "soft_plastic"})
    assert np.allclose(tint[:3], 1 - FILM_DYE * (1 - np.array(blue[:3]))) and tint[2] > tint[0]
    assert _film_tint(blue, {"family": "rigid_plastic"}) == blue
    clear = (0.92, 0.93, 0.95, 1.0)
    assert _film_tint(clear, {"family": "soft_plastic"}) == clear


def _gathered(seed: int) -> bool:
    """Whether :func:`build_mesh` gathers a flat bag or film of this seed (its own stream's first draw)."""
    return np.random.default_rng([seed, 23]).random() < objects.FILM_GATHERED


def test_about_half_the_film_lies_gathered_and_the_rest_is_as_before(monkeypatch):
    """Round 16's judges: tinted films read as smooth "plastic cards". :data:`objects.FILM_GATHERED` of the
    flat bags and films lie gathered (:func:`gather`), drawn from a stream of their own: the others are the
    very same sheets as before, and a gathered piece keeps its outline's extent along its length."""
    seeds = range(60)
    share = np.mean([_gathered(s) for s in seeds])
    assert abs(share - objects.FILM_GATHERED) < 0.15, share
    gathered = [_gathered(s) for s in range(8)]
    assert any(gathered) and not all(gathered)
    now = {s: build_mesh({"kind": "film", "size": [0.3, 0.42, 0.0], "deform": DEFORM, "seed": s}).verts for s in range(8)}
    monkeypatch.setattr(objects, "FILM_GATHERED", 0.0)
    flat = {s: build_mesh({"kind": "film", "size": [0.3, 0.42, 0.0], "deform": DEFORM, "seed": s}).verts for s in range(8)}
    for s in range(8):
        if gathered[s]:  # folds stand up across it, its length is the same
            assert (now[s][:, 2] - flat[s][:, 2]).std() > 0.002, s
            assert abs(np.ptp(now[s][:, 1]) - np.ptp(flat[s][:, 1])) < 1e-9
        else:
            assert np.array_equal(now[s], flat[s]), s


def test_gathered_film_folds_run_along_it_fan_out_and_are_uneven():
    """:func:`gather`: the folds run along the piece's longer side (its relief alike 4 cm along, unlike 4 cm
    across), it is narrower at its gathered end than at its open end, no fold stands higher than
    :data:`objects.GATHER_RISE`, and the folds are uneven (evenly spaced folds of one height read as a
    corrugated sheet): across its middle, the highest fold stands at least 1.5 times the lowest."""
    g = np.stack(np.meshgrid(np.linspace(-0.15, 0.15, 61), np.linspace(-0.2, 0.2, 81)), -1).reshape(-1, 2)
    uneven = 0
    for seed in range(10):
        out = gather(np.random.default_rng(seed), np.c_[g, np.zeros(len(g))], (0.3, 0.4))
        z = out[:, 2].reshape(81, 61)
        zc = z - z.mean()
        along = (zc * np.roll(zc, 8, axis=0))[8:].mean() / (zc * zc).mean()
        across = (zc * np.roll(zc, 8, axis=1))[:, 8:].mean() / (zc * zc).mean()
        assert along > 0.7 and across < 0.45, (seed, along, across)
        ends = sorted(float(np.ptp(out[g[:, 1] == y, 0])) for y in (-0.2, 0.2))
        assert ends[0] < 0.75 * ends[1], (seed, ends)
        assert 0.01 < np.ptp(z) <= objects.GATHER_RISE + 1e-9, seed
        row = z[40]
        crests = [row[i] - row.min() for i in range(1, 60) if row[i] > row[i - 1] and row[i] >= row[i + 1]]
        uneven += len(crests) > 1 and max(crests) > 1.5 * min(crests)
    assert uneven >= 7, uneven
