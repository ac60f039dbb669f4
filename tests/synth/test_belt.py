"""The conveyor belt's material: a worn, dirty, non-uniform belt, different per scene, same per seed.

Pure Python for the per-scene look; the render tests build only the belt (no clutter) in real
Cycles, lit evenly by the hall's fill light (no lamps, no camera post-processing), so what varies across
the frame is the belt itself; one adds a lamp, one lights the belt by a sky that reflections show.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from zerowaste.synth.materials import belt_look
from zerowaste.synth.params import sample_scene
from zerowaste.synth.presets import list_presets, load_preset

RENDER_SCRIPT = r"""
import json, sys, numpy as np, cv2
from zerowaste.compat.blenderproc import import_blenderproc, init
from zerowaste.synth.camera import set_camera
from zerowaste.synth.render import configure_renderer
from zerowaste.synth.lighting import HALL_COLOUR, light_the_hall
from zerowaste.synth.scene import build_belt
bproc = import_blenderproc(); init()
configure_renderer(8, "cpu", 0)
res = (320, 180)
cam = {"height": 1.35, "lens_mm": 32.0, "tilt_deg": 0.0, "tilt_dir": 0.0, "roll_deg": 0.0, "sensor_mm": 36.0}
out = {}
for key, belt in json.loads(sys.argv[1]).items():
    bproc.clean_up(clean_up_camera=False)
    bproc.utility.reset_keyframes()
    lamp, sky = belt.pop("lamp", False), belt.pop("sky", False)
    build_belt(belt)
    set_camera(cam, res)
    if sky:  # an evenly lit sky that reflections show too (the scenes' world until round 36)
        bproc.renderer.set_world_background(list(HALL_COLOUR), strength=1.0)
    else:  # the scenes' own fill light: the hall, which no reflection shows
        light_the_hall(0.3 if lamp else 1.0)
    if lamp:  # a small bright lamp above the belt, off the camera's axis, as a hotspot hangs over a conveyor
        light = bproc.types.Light()
        light.set_type("AREA")
        light.set_location([0.2, 0.1, 1.5])
        light.set_energy(30)
    rgb = np.ascontiguousarray(bproc.renderer.render(verbose=False)["colors"][0][..., :3])
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    lo, hi = np.percentile(grey, [20, 80])  # the darkest and the lightest fifth: bare rubber and dust
    out[key] = {"grey": grey.tolist(), "mean_rgb": rgb.reshape(-1, 3).mean(0).tolist(),
                "dark_rgb": rgb[grey <= lo].mean(0).tolist(), "light_rgb": rgb[grey >= hi].mean(0).tolist()}
print("RESULT", json.dumps(out), flush=True)
import os; os._exit(0)
"""


BELT = {"width": 1.7, "length": 3.0, "seam": False, "seam_x": 0.0, "rails": False}
#: (grey, dirt, wear) in the middle of each shipped facility's ranges.
MIDDLE = {"default": (0.02, 0.3, 0.4), "mrf-a": (0.065, 0.75, 0.7), "mrf-b": (0.018, 0.15, 0.1)}


def _belt(preset: str, seed: int) -> dict:
    g, d, w = MIDDLE[preset]
    return {**BELT, "grey": g, "dirt": d, "wear": w, "seed": seed}


def _blur(img: np.ndarray, sigma: float = 8.0) -> np.ndarray:
    """Gaussian blur; the default sigma, on a 320 px frame of ~1.5 m, is ~4 cm: the scale of a thumbnail."""
    import cv2

    return cv2.GaussianBlur(img, (0, 0), sigma)


@pytest.fixture(scope="module")
def belt_renders() -> dict:
    """Each belt's render: ``grey`` (0..255), ``mean_rgb`` and the mean colours of its darkest and lightest fifth."""
    belts = {"a": _belt("default", 1), "a_again": _belt("default", 1), "b": _belt("default", 2), "c": _belt("default", 4),
             "mrf-a": _belt("mrf-a", 1), "mrf-b": _belt("mrf-b", 1), "lamp": {**_belt("default", 3), "lamp": True},
             "sky": {**_belt("default", 1), "sky": True},
             "a_warm": {**_belt("default", 1), "warm": 1.0},
             "a_bare": {**_belt("default", 1), "wear": 0.0}, "a_worn": {**_belt("default", 1), "wear": 1.0}}
    result = subprocess.run([sys.executable, "-c", RENDER_SCRIPT, json.dumps(belts)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return json.loads(result.stdout.split("RESULT", 1)[1])


@pytest.fixture(scope="module")
def rendered(belt_renders):
    """Each belt's render: its grey frame (0..1) and its mean sRGB colour (0..255)."""
    return {k: (np.asarray(v["grey"], np.float32) / 255, np.asarray(v["mean_rgb"])) for k, v in belt_renders.items()}


@pytest.fixture(scope="module")
def renders(rendered):
    return {k: grey for k, (grey, _) in rendered.items()}


def test_the_belt_varies_at_large_scale_with_streaks_along_the_belt(renders):
    # The uniform, finely speckled belt before this material had a blurred coefficient of variation
    # of 0.016-0.019 (default) / 0.031-0.035 (mrf-a) / 0.006-0.007 (mrf-b); the worn belt, seeds 1-3:
    # 0.078-0.092 / 0.079-0.104 / 0.047-0.056.
    for key, bound in (("a", 0.06), ("b", 0.06), ("mrf-a", 0.06), ("mrf-b", 0.035)):
        b = _blur(renders[key])
        assert b.std() / b.mean() > bound, (key, b.std() / b.mean())
    for key in ("a", "b", "c", "mrf-a", "mrf-b"):  # smears and streaks run along x: the grey changes more across
        # the belt (y) than along it. Round 26: the mean gradients across over along, 1.48-1.75 (1.59-1.80 under
        # round 25's gentler swing; the same belt with every pattern unstretched 0.93-1.09). Until then the row
        # means' spread over the column means' (1.1-1.4; uniform belt 0.75-0.9), which the large-scale swing
        # (BELT_TONE) came to swamp.
        img = _blur(renders[key], 1.5)  # against the render's noise, which is isotropic
        across, along = np.abs(np.diff(img, axis=0)).mean(), np.abs(np.diff(img, axis=1)).mean()
        assert across > 1.3 * along, (key, across / along)


def _line_contrast(profile: np.ndarray) -> float:
    """Lines a few px wide in a profile of row (or column) means: its high-passed spread over its mean."""
    from scipy.ndimage import gaussian_filter1d

    return float((profile - gaussian_filter1d(profile, 3)).std() / profile.mean())


def _window_lines(img: np.ndarray, size: int = 40) -> np.ndarray:
    """Lengthwise line contrast (:func:`_line_contrast` of the row means) in each ``size`` px window,
    half-overlapping."""
    return np.asarray([_line_contrast(img[y0:y0 + size, x0:x0 + size].mean(axis=1))
                       for y0 in range(0, img.shape[0] - size + 1, size // 2)
                       for x0 in range(0, img.shape[1] - size + 1, size // 2)])


def test_fine_streaks_along_the_belt_are_faint_not_scanlines(renders):
    # Round 13's judge: "clean dark grey with even, fine horizontal streaks". The fine line pattern is the
    # high-passed profile of the row means (lines a few px wide running the whole frame): round 13's belt
    # 0.016-0.019 of its mean, round 14's (materials.BELT_LINES) 0.0066-0.0079, round 15's 0.0069-0.0095
    # (its scratches lie in patches: a whole row dilutes them); still 3-4x the columns'. (All under the evenly lit
    # sky, until round 36; lit by the hall, which no reflection shows, the same belts' contrasts are about 1.5
    # times as high, without the sky's mirrored veil over them: round 35's 0.0088-0.0144, round 36's 0.0086-0.0140.)
    for key in ("a", "b", "c", "mrf-a"):
        img = renders[key]
        fine_rows, fine_cols = _line_contrast(img.mean(axis=1)), _line_contrast(img.mean(axis=0))
        assert fine_rows < 0.017, (key, fine_rows)
        assert fine_rows > 1.5 * fine_cols, (key, fine_rows, fine_cols)


def test_faint_scratches_follow_the_wear_not_a_grain_of_bright_lines(renders):
    # Round 14's third judge missed the real belts' lengthwise scratches; round 15 put sparse bright ones in a few
    # worn patches (materials.BELT_SCUFF_PATCHES). Round 33's judges read those as "bright, cream-coloured, fairly
    # thick strokes bunched in patches, like brush or motion-blur marks", the real ones "much thinner and lower in
    # contrast, covering the whole surface" (materials.BELT_SCRATCH, BELT_SCUFF): scratches all over the belt, whose
    # 40 px windows' line contrast had medians of 0.022-0.033 (default seeds 1, 2, 4; mrf-a 0.022). Round 48's
    # judges called that dense grain "wood grain" and "brushed metal" (materials.BELT_LINES 3.5 -> 1.5): now
    # 0.019-0.024 (mrf-a 0.014). (Lit by the hall, as the scenes are; under round 35's sky 0.015-0.019.)
    for key in ("a", "b", "c", "mrf-a"):
        lines = _window_lines(renders[key])
        assert np.median(lines) < 0.026, (key, np.median(lines))  # faint ...
        assert lines.max() < 3.3 * np.median(lines), (key, lines.max())  # ... with no bright dashes in the patches
    # ... yet there, as the preset's `wear` has them: seed 1's belt fully worn 0.029, unworn 0.019 (at the middle
    # of default's range, 0.4: 0.019 too: the scratches are 4.5 mm wide, about a pixel of this 320 px frame)
    worn, bare = np.median(_window_lines(renders["a_worn"])), np.median(_window_lines(renders["a_bare"]))
    assert worn > 1.3 * bare, (worn, bare)


def test_the_rubber_has_grit_not_a_smooth_grey(renders):
    # Round 14's second judge: "clean, smooth, even grey ... no dirt or fine debris". Texture at a few
    # pixels (the image less its Gaussian blur, sigma 2 px of 320): 0.017-0.018 of the mean with round 13's
    # faint speckle alone, 0.024-0.027 with round 14's grit (materials.BELT_GRAIN), which round 15's judges
    # called "carpet-like": at 0.5 (with round 15's scratches) 0.020-0.026. (Under the sky; lit by the hall,
    # round 36: 0.031-0.047, round 35's belts 0.032-0.051.)
    import cv2

    for key in ("a", "b", "mrf-b"):
        img = renders[key]
        grit = float((img - cv2.GaussianBlur(img, (0, 0), 2)).std() / img.mean())
        assert grit > 0.029, (key, grit)


def test_each_scene_has_its_own_belt_and_a_seed_always_the_same(renders):
    assert np.array_equal(renders["a"], renders["a_again"])
    a, b = _blur(renders["a"]), _blur(renders["b"])
    assert np.abs(a - b).mean() > 0.05 * a.mean()  # 0.081 measured; 0.019 for the uniform belt


def test_facility_belts_keep_their_character_and_stay_dark(renders):
    means = {k: float(renders[k].mean()) for k in ("a", "mrf-a", "mrf-b")}
    assert means["mrf-b"] < means["a"] < means["mrf-a"], means  # near-black new line < default < worn grey
    assert max(means.values()) < 0.5, means  # still a dark belt (evenly lit by the hall's fill light)


def test_a_warm_belt_is_olive_brown_and_a_neutral_one_grey(rendered):
    """Round 16: the reference belts are a dark olive-brown grey (their dark pixels sRGB 51, 50, 45) where ours
    were a neutral grey (58, 59, 59). ``belt["warm"]`` tints the rubber, its dust and its scuffs (materials.BELT_TINT)
    and leaves their pattern and brightness alone."""
    (grey, neutral), (warm_grey, warm) = rendered["a"], rendered["a_warm"]
    assert neutral[2] / neutral[1] > 0.95, neutral  # (1.05: the hall's light is faintly cool)
    assert warm[2] / warm[1] < neutral[2] / neutral[1] - 0.06, (warm, neutral)  # less blue (0.93 against 1.05) ...
    assert warm[0] / warm[1] > neutral[0] / neutral[1], (warm, neutral)  # ... a little more red: olive-brown
    assert abs(float(warm_grey.mean()) - float(grey.mean())) < 0.05 * float(grey.mean())  # as bright
    assert np.corrcoef(_blur(grey).ravel(), _blur(warm_grey).ravel())[0, 1] > 0.99  # the same belt


def test_a_warm_belts_dust_is_greyer_than_its_rubber(belt_renders):
    """Round 37: the reference belts are no more olive where they are dusty and lit (Lab b* +1.3 to +2.8) than
    where they are dark (+3.3 to +3.6); ours grew yellower with the light, because the dust took the rubber's
    whole cast and more (materials.BELT_DUST_TINT). The lightest fifth of a warm belt is now a little less
    yellow than its darkest fifth (blue over green 0.960 against 0.947; with the dust's old cast 0.905 against
    0.937; since round 38's more olive rubber with greyer dust, 0.960 against 0.919)."""
    dark, light = (np.asarray(belt_renders["a_warm"][k]) for k in ("dark_rgb", "light_rgb"))
    assert light[2] / light[1] > dark[2] / dark[1], (light, dark)


def test_a_lamp_leaves_a_broad_sheen_on_the_belt_not_a_blotch(renders):
    """Round 36: the reference belts run from near black to a broad grey sheen where the lamps are mirrored; ours
    was matte, even under a lamp (99th percentile 1.4 times the median). Round 13's wet patches at roughness 0.2
    mirrored the lamps as small, hard, clipped blotches instead (2.8 times, white). Now the lamp's reflection is
    a soft glow (at round 36: 2.3 times the median blurred, over 7 % of the frame, fine detail 0.16)."""
    import cv2

    img = renders["lamp"]
    smooth = cv2.GaussianBlur(img, (0, 0), 8)
    base = float(np.median(smooth))
    assert smooth.max() > 1.7 * base, smooth.max() / base  # a sheen under the lamp ...
    assert (smooth > base + 0.5 * (smooth.max() - base)).mean() > 0.03  # ... broad: its brighter half is no spot
    fine = img - cv2.GaussianBlur(img, (0, 0), 3)
    assert np.percentile(fine, 99) < 0.35 * np.median(img), np.percentile(fine, 99) / np.median(img)  # soft-edged
    assert (img > 0.95).mean() < 1e-4  # nothing clips


def test_the_halls_fill_light_is_not_mirrored_by_the_belt(renders):
    """The hall's fill light (lighting.light_the_hall) lights the belt but no reflection shows it: under an evenly
    lit sky seen in reflections, the satin belt mirrors it as a grey veil over everything (the same belt
    lit by the hall of the same strength and colour: 0.59 times as bright at round 36, the matte belt of round 35
    0.77)."""
    ratio = float(renders["a"].mean() / renders["sky"].mean())
    assert ratio < 0.75, ratio


def test_the_belt_has_few_dim_specks_not_confetti(renders):
    """Round 13: light crumbs strewn evenly over the open belt read as confetti; a few dim ones stay, in drifts.
    Specks are pixels brighter than their 15 px neighbourhood's median by over 0.1 of white: 0.135 % of the
    frame before (mrf-b and default, seed 1), 0.03 % now; the brightest stood 0.3 above the belt, now 0.15."""
    import cv2

    for key in ("mrf-b", "a"):
        img = renders[key]
        lift = img - cv2.medianBlur(np.round(img * 255).astype(np.uint8), 15).astype(np.float32) / 255
        assert (lift > 0.1).mean() < 0.0007, (key, (lift > 0.1).mean())
        assert lift.max() < 0.22, (key, lift.max())  # dim: trodden crumbs, not paper-white flakes


def test_belt_look_is_drawn_from_the_belts_own_seed():
    look = belt_look(_belt("default", 1))
    assert look == belt_look(_belt("default", 1))
    assert look != belt_look(_belt("default", 2))
    assert abs(look["angle"]) < 0.1  # streaks along the belt, give or take a few degrees
    # A dirtier, more worn belt of the same seed has more of every kind of dirt.
    dirty = belt_look({**_belt("default", 1), "dirt": 0.9, "wear": 0.9})
    assert all(dirty[k] >= look[k] for k in ("smear", "streaks", "tracks", "specks"))
    assert dirty["smear"] > look["smear"] and dirty["specks"] > look["specks"]


@pytest.mark.parametrize("name", list_presets())
def test_presets_load_and_their_belts_sample(name):
    preset = load_preset(name)
    for seed in range(5):
        belt = sample_scene(preset, seed)["belt"]
        lo, hi = preset["belt"]["grey"]
        assert lo <= belt["grey"] <= hi
        look = belt_look(belt)
        assert all(0.0 <= look[k] <= 1.0 for k in ("smear", "streaks", "tracks", "wet", "specks"))
        if "warm" in preset["belt"]:
            lo, hi = preset["belt"]["warm"]
            assert lo <= belt["warm"] <= hi


def test_the_belts_cast_is_drawn_from_a_stream_of_its_own():
    """``belt.warm`` came after every other knob: drawing it moves no other value of the scene."""
    with_warm, without = load_preset("default"), load_preset("default")
    del without["belt"]["warm"]
    for seed in range(3):
        a, b = sample_scene(with_warm, seed), sample_scene(without, seed)
        assert 0.0 <= a["belt"].pop("warm") <= 1.0 and "warm" not in b["belt"]
        assert a == b
