"""Presets and scene-parameter sampling: pure Python, no bpy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zerowaste import contract as C
from zerowaste.synth.params import (
    CLASS_KINDS,
    CRUSHED_KINDS,
    LITTER_KINDS,
    LITTER_NEAR,
    LITTER_SPREAD,
    frame_seed,
    sample_litter,
    sample_scene,
    view_size,
)
from zerowaste.synth.presets import PresetError, apply_override, list_presets, load_preset


def test_shipped_presets_load_and_resolve_their_base():
    names = list_presets()
    assert {"default", "mrf-a", "mrf-b", "tiny"} <= set(names)
    default, tiny = load_preset("default"), load_preset("tiny")
    assert default["resolution"] == [C.IMAGE_WIDTH, C.IMAGE_HEIGHT]
    assert tiny["resolution"] == [160, 90]
    # tiny only overrides a few keys; the rest comes from its base
    assert tiny["belt"] == default["belt"] and "base" not in tiny


def test_facility_presets_contrast():
    a, b = load_preset("mrf-a"), load_preset("mrf-b")
    assert a["camera"]["height"][1] < b["camera"]["height"][0]
    assert a["belt"]["grey"][0] > b["belt"]["grey"][1]
    assert a["post"]["motion_blur_px"][0] > b["post"]["motion_blur_px"][1]
    assert a["lighting"]["temperature_k"][1] < b["lighting"]["temperature_k"][0]
    assert a["clutter"]["class_mix"] != b["clutter"]["class_mix"]


def test_overrides_use_dotted_paths_and_yaml_values():
    p = load_preset("tiny", ["clutter.count=[3, 4]", "samples=2", "clutter.class_mix.paper=0", "denoise=false"])
    assert p["clutter"]["count"] == [3, 4] and p["samples"] == 2 and p["clutter"]["class_mix"]["paper"] == 0
    assert p["denoise"] is False and load_preset("tiny")["denoise"] is True


def test_a_complete_preset_from_before_the_denoise_key_still_loads(tmp_path):
    """``synth fit`` writes complete presets (no ``base:``); one written before ``denoise`` came loads as before."""
    old = load_preset("default")
    del old["denoise"]
    path = tmp_path / "fitted.yaml"
    path.write_text(__import__("yaml").safe_dump(old))
    assert "denoise" not in load_preset(str(path))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("clutter.nope=1", "unknown preset key 'clutter.nope'"),
        ("samples", "key.path=value"),
        ("samples=0", "samples must be a positive integer"),
        ("denoise=maybe", "denoise must be true or false, got 'maybe'"),
        ("camera.height=[2, 1]", "low 2 > high 1"),
        ("clutter.class_mix={glass: 1}", "unknown classes ['glass']"),
        ("resolution=[10]", "resolution must be [width, height]"),
    ],
)
def test_bad_overrides_name_the_problem(override, message):
    with pytest.raises(PresetError, match=__import__("re").escape(message)):
        load_preset("tiny", [override])


def test_unknown_preset_lists_known_ones():
    with pytest.raises(PresetError, match="known: default"):
        load_preset("nope")


def test_apply_override_does_not_mutate_input():
    p = load_preset("tiny")
    q = apply_override(p, "samples=9")
    assert p["samples"] == 4 and q["samples"] == 9


def test_same_seed_same_parameters_and_frame_seeds_are_stable():
    p = load_preset("default")
    a = sample_scene(p, frame_seed(7, 12))
    b = sample_scene(load_preset("default"), frame_seed(7, 12))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert sample_scene(p, frame_seed(7, 13)) != a
    assert frame_seed(7, 12) == frame_seed(7, 12) != frame_seed(8, 12)
    json.dumps(a)  # JSON-able: it goes into the per-frame metadata


def test_scene_is_dense_and_paper_heavy_by_default():
    p = load_preset("default")
    counts: dict[str, int] = {}
    area = 0.0
    for i in range(5):
        s = sample_scene(p, frame_seed(0, i))
        for o in s["objects"]:
            if o["kind"] in LITTER_KINDS:  # small litter (test_litter_packaging): its own kinds and classes
                assert LITTER_KINDS[o["kind"]][0] == o["class"]
                continue
            counts[o["class"]] = counts.get(o["class"], 0) + 1
            assert o["kind"] in CLASS_KINDS[o["class"]]
            assert o["class_id"] == (0 if o["class"] == "background" else C.class_id(o["class"], synthetic=True))
        x0, x1, y0, y1 = s["area"]
        area += sum(o["size"][0] * o["size"][1] for o in s["objects"]) / ((x1 - x0) * (y1 - y0))
    assert max(counts, key=counts.get) == "paper"
    assert counts["paper"] > sum(v for k, v in counts.items() if k != "paper") * 0.8
    assert area / 5 > 1.5, "the clutter should cover the spawn area more than once (overlap)"


def test_boxes_bottles_and_cans_come_crushed():
    """Round 27's judge saw "intact CAD boxes" (crush was 0-0.8 for boxes): boxes, bottles and cans are drawn
    crushed 0.3-0.95, the other kinds 0-0.8."""
    crush: dict[bool, list[float]] = {True: [], False: []}
    for i in range(6):
        for o in sample_scene(load_preset("default"), frame_seed(1, i))["objects"]:
            crush[o["kind"] in CRUSHED_KINDS].append(o["deform"]["crush"])
    assert {"crushed_box", "bottle", "can"} == CRUSHED_KINDS and len(crush[True]) > 20
    assert min(crush[True]) >= 0.3 and max(crush[True]) <= 0.95
    assert min(crush[False]) < 0.1 and max(crush[False]) <= 0.8


def test_spawn_area_exceeds_the_view_so_objects_are_cut_by_the_frame():
    s = sample_scene(load_preset("default"), 3)
    vx, vy = view_size(s["camera"]["height"], s["camera"]["lens_mm"], tuple(s["resolution"]))
    x0, x1, y0, y1 = s["area"]
    assert x1 - x0 > vx and y1 - y0 > vy


def test_assets_replace_a_share_of_their_class():
    p = load_preset("default", ["clutter.asset_share=1.0", "clutter.class_mix.metal=0.5"])
    s = sample_scene(p, 1, {"metal": ["/x/can.obj"]})
    metal = [o for o in s["objects"] if o["class"] == "metal"]
    assert metal and all(o["asset"] == "/x/can.obj" for o in metal)
    assert not any("asset" in o for o in s["objects"] if o["class"] != "metal")


def test_side_rails_come_into_view():
    p = load_preset("default", ["belt.rails_prob=1.0"])
    s = sample_scene(p, 2)
    assert s["belt"]["rails"] and s["belt"]["width"] < s["camera"]["view"][1]
    assert s["area"][3] <= s["belt"]["width"] / 2  # clutter stays between the rails
    assert not sample_scene(load_preset("default", ["belt.rails_prob=0.0"]), 2)["belt"]["rails"]


def test_shipped_presets_see_the_belt_as_close_as_the_reference_camera():
    """The reference frames show about 1.0-1.3 m of belt across (a letter sheet spans a fifth of the
    width): a wider view (1.5 m before issue #13's round 10) made every piece, print and crease a
    third smaller in the frame (too much mid-frequency detail, too many tiny pieces)."""
    import numpy as np

    for name in ("default", "mrf-a", "mrf-b"):
        p = load_preset(name)
        widths = [sample_scene(p, frame_seed(7, i))["camera"]["view"][0] for i in range(30)]
        assert 1.05 < float(np.mean(widths)) < 1.3 and min(widths) > 0.9 and max(widths) < 1.45, name


def test_size_skew_draws_more_large_pieces_and_keeps_the_range():
    import numpy as np

    from zerowaste.synth.params import size_scale

    clutter = load_preset("default")["clutter"]
    lo, hi = clutter["size_scale"]
    rng = np.random.default_rng(3)
    s = np.array([size_scale(rng, clutter) for _ in range(5000)])
    assert lo <= s.min() and s.max() <= hi
    # skew 1.5: 1 - 0.5 ** 1.5 = 65 % of the pieces in the upper half of the range (uniform: 50 %)
    assert 0.61 < float(np.mean(s > (lo + hi) / 2)) < 0.69
    assert float(np.mean(s < lo + 0.1 * (hi - lo))) < 0.05  # few of the smallest (uniform: 10 %)
    # without size_skew: the uniform draw as before, number for number
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    assert [size_scale(a, {"size_scale": [0.8, 1.15]}) for _ in range(5)] == [float(b.uniform(0.8, 1.15)) for _ in range(5)]


def test_paper_shows_more_colour_prints_than_newsprint():
    """The reference frames' paper: white office paper, flyers, ads and magazine pages more than newsprint."""
    counts: dict[str, int] = {}
    p = load_preset("default")
    for i in range(12):
        for o in sample_scene(p, frame_seed(11, i))["objects"]:
            if o["class"] == "paper" and o["kind"] not in LITTER_KINDS:  # (the sheets, not the shreds)
                counts[o["material"]["print"]] = counts.get(o["material"]["print"], 0) + 1
    total = sum(counts.values())
    colour = counts.get("flyer", 0) + counts.get("magazine", 0)
    assert colour / total > 0.33 and counts.get("flyer", 0) / total > 0.1
    assert counts.get("news", 0) / total < 0.22
    assert (counts.get("plain", 0) + counts.get("letter", 0)) / total > 0.35  # still mostly white


def test_two_presets_with_the_same_seed_lay_out_unrelated_scenes():
    # With the seed alone, default and mrf-a drew the very same pile in frames 2 and 3 of seed 20000
    # (100 and 84 objects with the same seeds and places): a source and a target domain rendered
    # with the same --seed leaked scenes into each other.
    default = load_preset("default")
    renamed = {**default, "name": "my-line"}  # the same knobs under another name: another pile
    for other in (load_preset("mrf-a"), load_preset("mrf-b"), renamed):
        for i in range(4):
            a = sample_scene(default, frame_seed(20000, i))["objects"]
            b = sample_scene(other, frame_seed(20000, i))["objects"]
            assert not {o["seed"] for o in a} & {o["seed"] for o in b}, (other["name"], i)
            assert [o["xy"] for o in a[:5]] != [o["xy"] for o in b[:5]]
    # ... while one preset and seed still give one scene
    assert sample_scene(default, frame_seed(20000, 2)) == sample_scene(load_preset("default"), frame_seed(20000, 2))


def test_litter_gathers_round_the_heaps_not_over_the_open_belt():
    """Round 13: litter spread over the open belt read as confetti; most of it lies within ~2 sigma
    (LITTER_SPREAD 0.09 m) of a piece of the clutter, the rest anywhere in the spawn area."""
    heaps = np.array([[-0.4, 0.0], [0.4, 0.0]])
    area = (-1.0, 1.0, -0.6, 0.6)
    lit = sample_litter(np.random.default_rng(5), {"litter": [2000, 2000]}, area, near=heaps)
    xy = np.array([o["xy"] for o in lit])
    near = np.min(np.linalg.norm(xy[:, None] - heaps[None], axis=2), axis=1) < 2.5 * LITTER_SPREAD
    # every near piece within 2.5 sigma (96 % of a 2-D Gaussian), plus the loose ones that land there by chance
    assert LITTER_NEAR * 0.94 < near.mean() < LITTER_NEAR + 0.06, near.mean()
