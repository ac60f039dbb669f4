"""Round 13: tinted bags lie folded over themselves -- deeper colour where doubled, flatter bags.

The strongest tell of rounds 10-12 (blind judges and the lead): tinted bags read as smooth, even-coloured
pillows or satin. The real yellow bag is thin and patchy: pale where single, deep orange where it folds
over, the patches meeting in hard edges. These tests pin what changed: a tinted bag's extra layers
(:func:`materials._film_layers`, :data:`materials.FILM_DOUBLED`) and fewer puffed bags
(:data:`objects.BAG_PUFFED`).
"""

from __future__ import annotations

import json

import numpy as np

from zerowaste.synth.materials import FILM_DOUBLED, FILM_DYE, _dyed, _film_tint

from .conftest import result, run_in_blender
from .test_film import _bag, _necked, _puffed


def test_a_thin_dye_filters_part_way_to_its_colour():
    """:func:`_dyed` takes white ``share`` of the way to a colour: a yellow (0.95, 0.51, 0.04; the palette's until round 25) half
    way is (0.975, 0.755, 0.52); a tinted film's tint is its colour at :data:`FILM_DYE`."""
    yellow = (0.95, 0.51, 0.04, 1.0)
    assert np.allclose(_dyed(yellow, 0.5), (0.975, 0.755, 0.52, 1.0))
    assert _dyed(yellow, 0.0) == (1.0, 1.0, 1.0, 1.0) and np.allclose(_dyed(yellow, 1.0), yellow)
    assert _film_tint(yellow, {"family": "soft_plastic"}) == _dyed(yellow, FILM_DYE)


LAYERS_SCRIPT = r"""
res = (160, 90)
w, h = top_down(res, 16, light=1.0)
knobs = json.loads(sys.argv[1])
paper = mesh_object("paper", grid(w * 1.2, h * 1.2, 2, 2))
_assign(paper, make_material({"family": "paper", "color": [0.8] * 3, "roughness": 1.0}, size=(w, h)))
film = mesh_object("film", grid(w * 0.9, h * 0.9, 8, 8))
film.set_location([0, 0, 0.01])
_assign(film, make_material(knobs, size=(w * 0.9, h * 0.9), seed=int(sys.argv[2])))
label((paper, film), (5, 4))
data = bproc.renderer.render(verbose=False)
rgb = data["colors"][0][..., :3].astype(float)
inside = np.asarray(data["category_id_segmaps"][0]) == 4
inside[:2] = inside[-2:] = False  # (the film's rim: mixed pixels)
inside[:, :2] = inside[:, -2:] = False
px = rgb[inside]
print("RESULT", json.dumps({"share": float(inside.mean()), "gr": (px[:, 1] / np.maximum(px[:, 0], 1.0)).tolist()}),
      flush=True)
import os; os._exit(0)
"""


def _green_by_red(knobs: dict, seed: int) -> np.ndarray:
    """A flat film of ``knobs`` (40 x 22 cm: about 4 x 2 of :data:`FILM_DOUBLED`'s flaps) over white paper,
    lit evenly from above in Cycles: each film pixel's green / red."""
    got = result(run_in_blender(LAYERS_SCRIPT, json.dumps(knobs), str(seed)))
    assert got["share"] > 0.5, got
    return np.array(got["gr"])


def test_a_tinted_bag_is_deeper_where_it_folds_over_and_a_clear_one_stays_even():
    """A flat yellow bag over white paper, seeds 3-6: its pixels split into pale single film (green / red
    0.78 in sRGB), deeper orange doubled film (0.69) and a little tripled (0.62); 34-50 % of it deeper
    than single (:data:`FILM_DOUBLED`: 40 % of the flaps, few of them in one frame). Before round 13 it
    was one even yellow. A clear film over the same paper stays even (green / red 1.00-1.01)."""
    yellow = {"family": "soft_plastic", "print": "plain", "color": [0.95, 0.51, 0.04], "transmission": 0.35,
              "haze": 0.9, "roughness": 0.3, "specular": 0.2, "thin": True}
    deep_shares = []
    for seed in (3, 4, 5, 6):
        gr = _green_by_red(yellow, seed)
        pale = np.percentile(gr, 95)  # the single film
        deep = gr < 0.93 * pale
        deep_shares.append(float(deep.mean()))
        assert deep.any() and np.median(gr[deep]) < 0.91 * pale, (seed, pale)
    assert 0.25 < float(np.mean(deep_shares)) < 0.6 and min(deep_shares) > 0.5 * FILM_DOUBLED[0], deep_shares
    clear = {**yellow, "color": [0.92, 0.93, 0.95], "transmission": 0.8, "haze": 0.3}
    gr = _green_by_red(clear, 3)
    assert np.percentile(gr, 95) - np.percentile(gr, 5) < 0.05, np.percentile(gr, [5, 95])


def test_fewer_bags_hold_air():
    """Round 13: a bag on a belt has the air mostly out. 400 bags: 2-8 % puffed (:data:`objects.BAG_PUFFED` 0.05
    since round 17, 0.1 since round 14; 0.2 in round 13, 0.3 before), since round 18 only some with their tied
    neck (:data:`objects.PUFF_TIED`), none more than 12 % of its width high in the middle (test_film)."""
    puffed = [s for s in range(400) if _puffed(s)[0]]
    assert 8 <= len(puffed) <= 32, len(puffed)  # (17; of 40 bags 3 at 0.1, 7 at 0.2, 11 at 0.3)
    tied = [s for s in puffed if _puffed(s)[1]]
    assert 0.15 * len(puffed) <= len(tied) <= 0.7 * len(puffed), (len(tied), len(puffed))
    assert all(_necked(_bag(s)) == (s in tied) for s in puffed[:8])
