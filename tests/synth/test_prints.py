"""Procedural prints (zerowaste.synth.prints) and the surface knobs of the scene parameters.

Pure numpy/Pillow except the last test, which renders one printed sheet with real Cycles and checks
that the print arrives on the object's UVs the right way round.
"""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from zerowaste.errors import ZeroWasteError
from zerowaste.synth import prints
from zerowaste.synth.params import PRINTS, sample_scene
from zerowaste.synth.presets import load_preset

SIZES = {"letter": (0.21, 0.297), "news": (0.4, 0.35), "magazine": (0.22, 0.3), "flyer": (0.25, 0.33),
         "package": (0.2, 0.3), "kraft": (0.4, 0.3), "snack": (0.18, 0.25), "label": (0.2, 0.2),
         "can": (0.2, 0.12), "bag": (0.35, 0.45)}


def _saturation(img: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(np.ascontiguousarray(img[..., :3]), cv2.COLOR_RGB2HSV)
    return hsv[..., 1].astype(float) / 255.0


def test_every_kind_is_covered_and_sized():
    assert set(SIZES) == set(prints.KINDS)
    for kind, size in SIZES.items():
        img = prints.make_print(kind, 1, size, 900)
        assert img.dtype == np.uint8 and img.shape == (round(size[1] * 900), round(size[0] * 900), 4), kind
        assert not img.flags.writeable  # shared through the cache: must not be edited in place


@pytest.mark.parametrize("kind", prints.KINDS)
def test_same_seed_same_pixels_even_after_the_cache_is_cleared(kind):
    a = prints.make_print(kind, 42, SIZES[kind], 700).copy()
    prints._cached.cache_clear()
    prints._text_strips.cache_clear()
    b = prints.make_print(kind, 42, SIZES[kind], 700)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("kind", prints.KINDS)
def test_seeds_give_different_prints(kind):
    imgs = [prints.make_print(kind, s, SIZES[kind], 500).astype(int) for s in range(6)]
    for i in range(len(imgs)):
        for j in range(i + 1, len(imgs)):
            changed = (np.abs(imgs[i] - imgs[j]) > 20).any(axis=-1).mean()
            assert changed > 0.02, (kind, i, j, changed)  # at least 2 % of the pixels differ clearly


@pytest.mark.parametrize("kind", ["letter", "news"])
def test_text_is_dense_thin_dark_strokes(kind):
    """Text pages: enough dark ink, and most of it in strokes thinner than ~1 mm (letters, not blocks)."""
    img = prints.make_print(kind, 5, SIZES[kind], 3000)  # 3 px/mm: glyph strokes are resolved
    grey = cv2.cvtColor(np.ascontiguousarray(img[..., :3]), cv2.COLOR_RGB2GRAY)
    dark = grey < 150
    assert 0.02 < dark.mean() < 0.4
    # A grey-level closing with a 4x4 square fills every stroke narrower than 4 px (~1.3 mm).
    closed = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((4, 4), np.uint8))
    thin = dark & (closed >= 150)
    assert thin.sum() / dark.sum() > 0.5 if kind == "letter" else thin.sum() / dark.sum() > 0.3
    if kind == "letter":  # ... arranged in lines: dark rows of text alternate with the blank leading
        rows = dark.mean(axis=1)
        assert (rows < 0.02).mean() > 0.2 and (rows > 0.08).mean() > 0.1


def test_prints_use_real_fonts_shipped_with_matplotlib():
    assert (prints.font_dir() / "DejaVuSerif.ttf").is_file()
    f = prints.font("serif_bold", 40)
    assert f.getname()[0] == "DejaVu Serif" and f.getlength("WASTE") > 100


def test_packaging_is_saturated_and_office_paper_is_white():
    def sat(kind):
        return np.concatenate([_saturation(prints.make_print(kind, s, SIZES[kind], 600)).ravel() for s in range(8)])

    for kind in ("package", "flyer", "snack"):
        s = sat(kind)
        assert np.percentile(s, 75) > 0.55 and s.std() > 0.2, kind  # saturated fields, and their spread
    letter = sat("letter")
    assert np.median(letter) < 0.05
    assert np.median(prints.make_print("letter", 0, SIZES["letter"], 600)[..., :3]) > 230  # white sheet


@pytest.mark.parametrize("kind", sorted(prints.INK_ONLY))
def test_ink_only_prints_leave_the_material_showing(kind):
    alpha = np.concatenate([prints.make_print(kind, s, SIZES[kind], 600)[..., 3].ravel() for s in range(6)])
    assert (alpha == 0).mean() > 0.05 and (alpha >= 128).mean() > 0.04  # bare material, and real ink


def test_texture_size_is_capped_and_extents_follow_the_uv_layout():
    img = prints.make_print("news", 0, (0.5, 0.4), 10_000)
    assert max(img.shape[:2]) == prints.MAX_TEX_PX
    w, h = prints.print_extent("bottle", [0.25, 0.08, 0.0])  # u around the bottle, v along it
    assert w == pytest.approx(np.pi * 0.08) and h == 0.25
    assert prints.print_extent("sheet", [0.2, 0.3, 0.0]) == (0.2, 0.3)
    assert prints.texel_density((1920, 1080), (1.5, 0.84)) == pytest.approx(1920 / 1.5 * prints.TEXEL_OVERSAMPLE)


@pytest.mark.parametrize(("args", "message"), [
    (("poster", 0, (0.2, 0.2), 500), "unknown print kind 'poster'; known: letter"),
    (("news", 0, (0.0, 0.2), 500), "must be positive"),
    (("news", 0, (0.2, 0.2), -1), "must be positive"),
])
def test_bad_print_requests_name_the_problem(args, message):
    with pytest.raises(ZeroWasteError, match=message):
        prints.make_print(*args)


def test_scene_materials_use_known_prints_and_surfaces_never_move_the_clutter():
    preset = load_preset("default")
    scene = sample_scene(preset, 11)
    kinds = {o["material"]["print"] for o in scene["objects"]}
    assert kinds <= set(prints.KINDS) | {"plain"}
    assert {"news", "plain"} <= kinds and len(kinds) >= 4
    for o in scene["objects"]:
        m = o["material"]
        assert m["print"] == "plain" or m["print"] in PRINTS[o["kind"]]
        assert all(0.0 <= c <= 1.0 for c in m["color"])
    # Another surfaces section changes materials only: positions, sizes, kinds stay put.
    other = sample_scene({**preset, "surfaces": {"grime": [0.4, 0.5], "clear_plastic": 0.0}}, 11)
    strip = [{k: v for k, v in o.items() if k != "material"} for o in scene["objects"]]
    assert strip == [{k: v for k, v in o.items() if k != "material"} for o in other["objects"]]
    assert all(o["material"].get("transmission", 0.0) == 0.0 for o in other["objects"])
    assert all(0.4 <= o["material"]["grime"] <= 0.5 for o in other["objects"] if "grime" in o["material"])


RENDER_SCRIPT = r"""
import json, sys, numpy as np, cv2
from zerowaste.compat.blenderproc import import_blenderproc, init
from zerowaste.synth.camera import set_camera
from zerowaste.synth.materials import make_material
from zerowaste.synth.objects import Mesh, grid
from zerowaste.synth.params import view_size
from zerowaste.synth.prints import make_print
from zerowaste.synth.render import configure_renderer
from zerowaste.synth.scene import _assign, mesh_object
bproc = import_blenderproc(); init()
configure_renderer(16, "cpu", 0)  # the production settings: denoiser, light paths, segmentation
res = (96, 54)
cam = {"height": 1.0, "lens_mm": 35.0, "tilt_deg": 0.0, "tilt_dir": 0.0, "roll_deg": 0.0, "sensor_mm": 36.0}
w, h = view_size(1.0, 35.0, res)
sheet = mesh_object("sheet", grid(w, h, 4, 4))
_assign(sheet, make_material({"family": "paper", "color": [0.8] * 3, "roughness": 1.0, "print": "package"},
                             size=(w, h), seed=3, px_per_m=200))
sheet.set_cp("category_id", 5)
set_camera(cam, res)
bproc.renderer.set_world_background([1, 1, 1], strength=1.0)
ref = cv2.resize(make_print("package", 3, (w, h), 200)[..., :3].astype(float), res, interpolation=cv2.INTER_AREA)
def corr(a, b): a = a - a.mean(); b = b - b.mean(); return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
out = bproc.renderer.render(verbose=False)["colors"][0][..., :3].astype(float)
got = {"corr": corr(out, ref), "flipped": corr(out, ref[::-1]), "sat": float((out.max(-1) - out.min(-1)).mean() / 255)}
# A clear film over the left half: it must own the mask there, and the print must show through it.
film = grid(w * 0.6, h * 1.2, 4, 4)
film.verts[:, 0] -= w * 0.3
film.verts[:, 2] = 0.03
film = mesh_object("film", Mesh(film.verts, film.faces, film.uv))
_assign(film, make_material({"family": "soft_plastic", "color": [0.92, 0.93, 0.95], "roughness": 0.1,
                             "transmission": 0.95, "ior": 1.3, "specular": 0.6}, size=(w, h)))
film.set_cp("category_id", 4)
for i, o in enumerate((sheet, film)):
    o.blender_obj.pass_index = i + 1
data = bproc.renderer.render(verbose=False)
left = slice(0, res[0] * 4 // 10)
seg, under = data["category_id_segmaps"][0], data["colors"][0][..., :3].astype(float)
got.update({"film_mask": float((seg[:, left] == 4).mean()), "paper_right": float((seg[:, -20:] == 5).mean()),
            "through": corr(under[:, left], ref[:, left])})
print("RESULT", json.dumps(got), flush=True)
import os; os._exit(0)
"""


def test_a_print_reaches_cycles_on_the_uvs_the_right_way_round_and_shows_through_clear_film():
    result = subprocess.run([sys.executable, "-c", RENDER_SCRIPT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    import json

    got = json.loads(result.stdout.split("RESULT", 1)[1])
    assert got["corr"] > 0.8 and got["corr"] > got["flipped"] + 0.3, got
    assert got["sat"] > 0.2, got  # the packaging's saturated colours survive colour management
    assert got["film_mask"] > 0.95 and got["paper_right"] > 0.95, got  # see-through, yet labelled
    assert got["through"] > 0.6, got  # ... and the print below is still seen through the film
