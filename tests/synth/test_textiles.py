"""Rags are worn textiles: stripes, checks or a mottle of a second yarn colour, not a uniform blob."""

from __future__ import annotations

import numpy as np

from zerowaste.synth.params import WEAVES, sample_scene
from zerowaste.synth.presets import load_preset

from .conftest import run_in_blender


def test_every_rag_carries_a_pattern_and_nothing_else_does():
    seen = {k: 0 for k in WEAVES}
    for seed in range(12):
        for o in sample_scene(load_preset("default"), 60000 + seed)["objects"]:
            m = o["material"]
            if o["kind"] != "rag":
                assert "weave" not in m
                continue
            seen[m["weave"]] += 1
            assert 12 <= m["weave_scale"] <= 60 and 0.2 <= m["weave_duty"] <= 0.5 and len(m["weave_color"]) == 3
    assert all(n > 0 for n in seen.values()), seen  # every pattern drawn (measured 7 / 8 / 4 rags)


RENDER_SCRIPT = r"""
res = (160, 90)
w, h = top_down(res, 8, light=0.8)
cloth = mesh_object("rag", grid(w * 1.1, h * 1.1, 40, 24))
cloth.set_cp("category_id", 0)
cloth.blender_obj.pass_index = 1
base = {"family": "background", "color": [0.06, 0.08, 0.012], "roughness": 0.8, "print": "plain"}
weave = {"weave_color": [0.62, 0.6, 0.55], "weave_scale": 20.0, "weave_duty": 0.35}
for case, extra in {"plain": {}, "stripes": {"weave": "stripes", **weave}, "checks": {"weave": "checks", **weave},
                    "mottle": {"weave": "mottle", **weave}}.items():
    cloth.blender_obj.data.materials.clear()
    _assign(cloth, make_material({**base, **extra}, size=(w * 1.1, h * 1.1), seed=3))
    data = bproc.renderer.render(verbose=False)
    np.save(f"{sys.argv[1]}/{case}.npy", data["colors"][0][..., :3])
print("DONE", flush=True)
import os; os._exit(0)
"""


def test_a_patterned_rag_in_cycles_shows_its_second_colour_in_stripes_checks_or_patches(tmp_path):
    run_in_blender(RENDER_SCRIPT, str(tmp_path), timeout=600)
    img = {c: np.load(tmp_path / f"{c}.npy").astype(float).mean(-1) for c in ("plain", "stripes", "checks", "mottle")}
    plain = img["plain"]
    assert plain.std() < 6, plain.std()  # a plain green rag: one flat dark colour (the judge's "blob")
    for case in ("stripes", "checks", "mottle"):
        light = img[case] > plain.mean() + 40  # the off-white yarn
        assert 0.1 < light.mean() < 0.8, (case, light.mean())
    cols, rows = img["stripes"].mean(0), img["stripes"].mean(1)
    assert cols.std() > 3 * rows.std(), (cols.std(), rows.std())  # stripes run one way: columns alternate
    # checks: light yarn across both directions, so both the row and the column means vary
    assert img["checks"].mean(0).std() > 10 and img["checks"].mean(1).std() > 10
    assert img["checks"].mean() > img["stripes"].mean()  # two sets of stripes cover more than one


