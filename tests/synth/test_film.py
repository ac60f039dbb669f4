"""Plastic film and bags look like waste plastic, not cloth: puffed bags, clear see-through film, gloss.

Round 7's judge read our bags and film as opaque cloth: flat drapes, rough and milky. These tests pin
what changed: bags hold air (a pillow with a tied neck), film is smooth (its creases catch the light),
clear film scatters little (what lies under it shows, yet its pixels stay its instance), black bin
bags are glossy.
"""

from __future__ import annotations

import numpy as np

from zerowaste.synth.objects import BAG_PUFF, build_mesh, puffed_bag
from zerowaste.synth.params import _material

from .conftest import result, run_in_blender

DEFORM = {"crumple": 0.02, "frequency": 9.0, "folds": 1, "bend": 0.1, "crush": 0.3, "dents": 2}


def _bag(seed: int, size=(0.32, 0.42)) -> np.ndarray:
    return build_mesh({"kind": "bag", "size": [*size, 0.0], "deform": DEFORM, "seed": seed}).verts


def test_most_bags_hold_air_a_rounded_pillow_higher_than_it_is_wrinkled():
    heights = np.array([np.ptp(_bag(s)[:, 2]) for s in range(20)])
    puffed = heights > 0.06  # the old flat bag: crumple relief plus a bulge of at most 6 cm
    assert 0.6 <= puffed.mean() < 1.0, heights  # most hold air, a few lie flat
    for s in np.flatnonzero(puffed)[:5]:
        v = _bag(int(s))
        r = np.hypot(v[:, 0] / np.ptp(v[:, 0]), v[:, 1] / np.ptp(v[:, 1]))
        middle, rim = v[r < 0.15, 2].mean(), v[r > 0.45, 2].mean()
        assert middle - rim > 0.5 * BAG_PUFF[0] * 0.32, (s, middle, rim)  # a dome, not a crumpled drape


def test_a_puffed_bag_narrows_to_a_tied_neck_and_is_one_sheet():
    rng = np.random.default_rng(4)
    m = puffed_bag(rng, (0.3, 0.45), {**DEFORM, "frequency": 18.0})
    v = m.verts
    assert np.ptp(v[:, 1]) > np.ptp(v[:, 0])  # it runs along its longer side (y here)
    y = (v[:, 1] - v[:, 1].min()) / np.ptp(v[:, 1])
    width = [np.ptp(v[(y > a) & (y < a + 0.04), 0]) for a in np.arange(0.0, 0.96, 0.04)]
    assert min(width[15:]) < 0.35 * max(width[:15]), width  # the neck, near the + end
    assert width[-1] > 1.5 * min(width[15:])  # the knotted handles splay out past it
    used = np.unique(np.concatenate([np.asarray(f) for f in m.faces]))
    assert len(used) == len(v) and np.isfinite(v).all()  # one sheet, every vertex in a face
    assert np.array_equal(m.verts, puffed_bag(np.random.default_rng(4), (0.3, 0.45),
                                               {**DEFORM, "frequency": 18.0}).verts)  # seeded


def test_wrinkles_ripple_the_top_of_a_puffed_bag():
    v = _bag(0)
    assert np.ptp(v[:, 2]) > 0.06
    top = v[:, 2] > 0.6 * v[:, 2].max()
    z = v[top]
    # Against a smooth dome fitted to the top (a quadratic in x, y), the wrinkles leave mm-scale relief.
    design = np.c_[np.ones(len(z)), z[:, 0], z[:, 1], z[:, 0] ** 2, z[:, 1] ** 2, z[:, 0] * z[:, 1]]
    resid = z[:, 2] - design @ np.linalg.lstsq(design, z[:, 2], rcond=None)[0]
    assert 0.0015 < resid.std() < 0.012, resid.std()


def _film_knobs(clear: bool, dark: bool = False, kind: str = "film") -> dict:
    """The first sampled soft-plastic material that is clear (or opaque, black if ``dark``) and plain."""
    for seed in range(500):
        m = _material(np.random.default_rng(seed), "soft_plastic", kind, {"clear_plastic": 1.0 if clear else 0.0,
                                                                          "wear": [0.0, 0.0]})
        if m["print"] != "plain" or (clear and m["transmission"] < 0.8):
            continue
        if clear or (max(m["color"]) < 0.1) == dark:
            return m
    raise AssertionError("no such film in 500 seeds")


def test_film_is_smooth_clear_film_hazes_little_and_black_bags_are_glossy():
    for seed in range(100):
        m = _material(np.random.default_rng(seed), "soft_plastic", "bag", {"clear_plastic": 0.7})
        assert m["roughness"] <= 0.35 and 0 < m["streak"] <= 0.7, m  # rough film (0.45-0.65) read as cloth
        if m["transmission"] > 0.5:
            assert m["roughness"] <= 0.12 and 0 < m["haze"] < 0.5, m
        if m["print"] == "snack":
            assert "haze" not in m  # an opaque printed wrapper keeps its print's colours
    assert _film_knobs(False, dark=True)["roughness"] <= 0.25


BLACK_BAG_SCRIPT = r"""
from zerowaste.synth.objects import puffed_bag
res = (120, 68)
w, h = top_down(res, 16, light=0.03, height=0.7)
knobs = json.loads(sys.argv[1])
belt = mesh_object("belt", grid(w * 1.2, h * 1.2, 2, 2))
_assign(belt, make_material({"family": "belt", "color": [0.03] * 3, "roughness": 0.9}, size=(w, h)))
bag = mesh_object("bag", puffed_bag(np.random.default_rng(2), (0.32, 0.42), {"crumple": 0.02, "frequency": 18.0}))
_assign(bag, make_material(knobs, size=(0.32, 0.42), seed=3))
for i, o in enumerate((belt, bag)):
    o.set_cp("category_id", [0, 4][i])
    o.blender_obj.pass_index = i + 1
lamp = bproc.types.Light(light_type="AREA")
lamp.set_location([0.35, 0.0, 1.4])
lamp.blender_obj.data.size = 0.4
lamp.set_energy(60)
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
    # belt, 99 vs 96) ... with strong highlights on its wrinkles (rough film: 1.7x its median).
    assert got["median"] < 0.8 * got["belt"], got
    assert got["p99"] > 3 * got["median"] and got["p99"] > 200, got


CLEAR_FILM_SCRIPT = r"""
res = (96, 54)
w, h = top_down(res, 16, light=0.15)
lamp = bproc.types.Light(light_type="AREA")  # the bars: off to one side, as on the line
lamp.set_location([0.5, 0.0, 1.3])
lamp.blender_obj.data.size = 0.3
lamp.set_energy(80)
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


def test_clear_film_in_cycles_shows_what_lies_under_it_and_keeps_its_mask():
    knobs = _film_knobs(True)
    got = result(run_in_blender(CLEAR_FILM_SCRIPT, __import__("json").dumps(knobs)))
    assert got["film_mask"] > 0.95 and got["paper_right"] > 0.95, got  # see-through, yet its instance
    # The print under it shows (the old rough, milky film at 70 %: correlation 0.38, 41 % of the
    # contrast kept, dark parts lifted by 131 grey levels: a white veil) ...
    assert got["through"] > 0.5 and got["contrast"] > 0.6, got
    assert got["lift_dark"] < 40, got  # ... and dark things under clear film stay dark
