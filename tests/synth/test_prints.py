"""Procedural prints (zerowaste.synth.prints) and the surface knobs of the scene parameters.

Pure numpy/Pillow except the last test, which renders one printed sheet with real Cycles and checks
that the print arrives on the object's UVs the right way round.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from PIL import Image

from zerowaste.errors import ZeroWasteError
from zerowaste.synth import prints
from zerowaste.synth.params import PRINTS, sample_scene
from zerowaste.synth.presets import load_preset

from .conftest import result, run_in_blender

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
    prints._small_photo.cache_clear()
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
    # (news seed 6: a page of stories; fronts, ads and tabloid splashes are photos and big type)
    img = prints.make_print(kind, 5 if kind == "letter" else 6, SIZES[kind], 3000)  # 3 px/mm: strokes resolved
    grey = cv2.cvtColor(np.ascontiguousarray(img[..., :3]), cv2.COLOR_RGB2GRAY)
    dark = grey < 150
    assert (0.01 if kind == "letter" else 0.02) < dark.mean() < 0.4  # letters: sparse text on white
    # A grey-level closing with a 4x4 square fills every stroke narrower than 4 px (~1.3 mm).
    closed = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((4, 4), np.uint8))
    thin = dark & (closed >= 150)
    assert thin.sum() / dark.sum() > 0.5 if kind == "letter" else thin.sum() / dark.sum() > 0.3
    if kind == "letter":  # ... arranged in lines: dark rows of text alternate with the blank leading
        rows = dark.mean(axis=1)
        assert (rows < 0.02).mean() > 0.2 and (rows > 0.08).mean() > 0.05


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
import cv2
from zerowaste.synth.prints import make_print
res = (96, 54)
w, h = top_down(res, 16)  # the production settings: denoiser, light paths, segmentation
sheet = mesh_object("sheet", grid(w, h, 4, 4))
_assign(sheet, make_material({"family": "paper", "color": [0.8] * 3, "roughness": 1.0, "print": "package"},
                             size=(w, h), seed=3, px_per_m=200))
sheet.set_cp("category_id", 5)
ref = cv2.resize(make_print("package", 3, (w, h), 200)[..., :3].astype(float), res, interpolation=cv2.INTER_AREA)
def corr(a, b): a = a - a.mean(); b = b - b.mean(); return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
out = bproc.renderer.render(verbose=False)["colors"][0][..., :3].astype(float)
def chroma(a): return float((a.max(-1) - a.min(-1)).mean() / 255)
got = {"corr": corr(out, ref), "flipped": corr(out, ref[::-1]), "sat": chroma(out), "ref_sat": chroma(ref),
       "sym": corr(ref, ref[::-1])}  # how alike the print is to itself upside down (colour fields, rows of pictures)
# A clear film over the left half: it must own the mask there, and the print must show through it.
film = grid(w * 0.6, h * 1.2, 4, 4)
film.verts[:, 0] -= w * 0.3
film.verts[:, 2] = 0.03
film = mesh_object("film", Mesh(film.verts, film.faces, film.uv))
_assign(film, make_material({"family": "soft_plastic", "color": [0.92, 0.93, 0.95], "roughness": 0.1,
                             "transmission": 1.0, "ior": 1.3, "specular": 0.6, "thin": True}, size=(w, h)))
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
    got = result(run_in_blender(RENDER_SCRIPT))
    # the right way round: the render matches the print clearly better than the print upside down, by at
    # least half of what tells the print from its own flip (a fixed margin of 0.3 failed on a pack front
    # of bands and a row of pictures: 0.73 alike upside down, so even a perfect render leads by < 0.27)
    assert got["corr"] > 0.8 and got["corr"] - got["flipped"] > 0.5 * (1 - got["sym"]), got
    assert got["ref_sat"] > 0.15 and got["sat"] > 0.8 * got["ref_sat"], got  # saturated colours survive colour management
    assert got["film_mask"] > 0.95 and got["paper_right"] > 0.95, got  # see-through, yet labelled
    assert got["through"] > 0.6, got  # ... and the print below is still seen through the film


def _news_text_block(px_per_m: float, seed: int = 0) -> np.ndarray:
    """A 12 x 12 cm block of newspaper body text as the camera sees it (grey, texels -> pixels)."""
    size = float(np.mean(prints.NEWS_BODY["size"]))
    page = prints._Page(np.random.default_rng(seed), 120, 120, 2 * px_per_m / 1000, prints.NEWSPRINT, False)
    page.paragraph(0, 0, 120, 120, size, "serif", prints.NEWS_BODY["ink"], prints.NEWS_BODY["leading"])
    img = page.img.reduce(2).convert("L")  # drawn at twice the density, as make_print does
    w, h = (round(v / prints.TEXEL_OVERSAMPLE) for v in img.size)
    return np.asarray(img.resize((w, h), Image.BOX), dtype=float)[5:-5, 5:-5]


@pytest.mark.parametrize("px_per_m", [550, 700])
def test_news_text_at_thumbnail_size_is_an_even_light_grey_not_stripes(px_per_m):
    """At 640x360 (~550 px/m) a text column is sub-pixel: it must average to a mid-light grey with
    little row-to-row banding (the zebra stripes of text clamped to a minimum glyph size had a
    row-mean spread of ~38 grey levels; real newsprint in the reference frames ~7)."""
    block = _news_text_block(px_per_m)
    rows = block.mean(axis=1)
    assert 170 < block.mean() < 215, block.mean()  # lighter than ink, darker than bare newsprint
    assert rows.std() < 12, rows.std()


def test_news_text_is_resolved_in_close_ups():
    """At 1920x1080 (~1650 px/m) the same text shows its lines (the grey is text, not a flat tint)."""
    assert _news_text_block(1650).mean(axis=1).std() > 15


def test_newspaper_pages_have_newsprint_tone_headlines_and_columns():
    for seed in range(4):
        img = prints.make_print("news", seed, SIZES["news"], 1200)[..., :3].astype(float)
        paper = np.percentile(img.reshape(-1, 3), 90, axis=0)  # the bare page between text
        assert 200 < paper.mean() < 235 and paper[2] < paper[0], paper  # warm light grey, not white
        grey = img.mean(axis=-1)
        dark = grey < 100
        # Column gutters: blank vertical strips that run through much of the text (the top 2/5: stories sit
        # under the masthead; a flyer or ads across the page's foot cross the gutters).
        cols = dark[: img.shape[0] * 2 // 5].mean(axis=0)
        assert (cols < 0.02).mean() > 0.03, seed
        # Headlines: bold type makes rows with far more ink than body text.
        assert (dark.mean(axis=1) > 0.15).any(), seed


def test_a_newspaper_spread_is_two_pages_with_the_fold_between_them():
    """A landscape extent (a newspaper object's double page) is laid out as two portrait pages of one
    paper: bare margins meet at the fold, where one layout over the whole width ran its text across."""
    for seed in range(6):
        img = prints.make_print("news", seed, (0.8, 0.4), 1500)[..., :3].astype(float)
        w = img.shape[1]
        fold = img[:, w // 2 - 4: w // 2 + 4].mean(axis=-1)  # +-2.7 mm about the fold
        inked = (fold < 150).any(axis=1)
        assert inked.mean() < 0.12, (seed, inked.mean())  # only a band or masthead runs to the page edge
        foot = img[-7:]  # the bottom margin (>= 5 mm): bare stock on every page
        left, right = (np.median(h.reshape(-1, 3), axis=0) for h in (foot[:, : w // 2], foot[:, w // 2:]))
        assert np.abs(left - right).max() <= 1, (seed, left, right)  # the same stock on both pages


def test_newspapers_vary_their_stock_format_and_colour_per_paper():
    """Round 7 found newspaper pages alike: stocks (grey, cream, white, salmon), colour sections and
    formats differ from paper to paper, and the same seed gives the same paper."""
    warm, colour = [], []
    for seed in range(30):
        img = prints.make_print("news", seed, (0.3, 0.42), 600)[..., :3]
        paper = np.median(img[-4:].reshape(-1, 3).astype(float), axis=0)  # the bottom margin: bare stock
        warm.append(paper[0] - paper[2])
        colour.append(float((_saturation(img) > 0.45).mean()))
    assert np.ptp(warm) > 15, warm  # from grey recycled newsprint to cream and salmon
    assert sum(c > 0.03 for c in colour) >= 5 and sum(c < 0.005 for c in colour) >= 3  # colour and black-only
    formats = {prints._news_style(np.random.default_rng(s))["format"] for s in range(40)}
    assert formats == set(prints.NEWS_FORMATS)
    tab, broad = (prints.NEWS_FORMATS[f] for f in ("tabloid", "broadsheet"))
    assert tab["col_mm"][0] > broad["col_mm"][1] and tab["head"][0] > broad["head"][1]  # fewer columns, bigger type
    assert np.array_equal(prints.make_print("news", 7, (0.6, 0.4), 500), prints.make_print("news", 7, (0.6, 0.4), 500))


def test_scraps_of_newspaper_still_print():
    """A torn scrap or a small ball's strip of newsprint (a few cm) gets what fits, never a drawing error
    (the old layout drew ads and flyers with negative heights on pages under ~6 cm)."""
    for seed, size in enumerate([(0.3, 0.051), (0.713, 0.021), (0.02, 0.055), (0.2, 0.061), (0.063, 0.04)]):
        img = prints.make_print("news", seed, size, 600)
        assert img.shape == (*prints.texture_size(size, 600)[::-1], 4) and (img[..., 3] == 255).all()


def test_backs_follow_the_kind_and_the_seed():
    assert all(prints.back_print("news", s)[0] == "news" for s in range(50))
    assert all(prints.back_print("magazine", s)[0] == "magazine" for s in range(50))
    for kind in ("kraft", "package", "snack", "bag"):
        assert {prints.back_print(kind, s) for s in range(50)} == {("plain", 0)}, kind
    for kind in ("label", "can"):
        assert all(prints.back_print(kind, s) == ("same", s) for s in range(50)), kind
    letters = [prints.back_print("letter", s)[0] for s in range(400)]
    assert 0.75 < letters.count("plain") / 400 < 0.95  # mostly blank, a few printed on both sides
    flyers = [prints.back_print("flyer", s)[0] for s in range(400)]
    assert 0.35 < flyers.count("plain") / 400 < 0.65
    # Deterministic, and another page (another seed) when printed.
    assert prints.back_print("news", 9) == prints.back_print("news", 9)
    assert prints.back_print("news", 9)[1] != 9
    assert len({prints.back_print("news", s)[1] for s in range(50)}) == 50
    with pytest.raises(ZeroWasteError, match="unknown print kind 'poster'"):
        prints.back_print("poster", 0)


BACK_SCRIPT = r"""
import cv2
from zerowaste.synth.prints import back_print, make_print
res = (96, 54)
w, h = top_down(res, 16)
def corr(a, b): a = a - a.mean(); b = b - b.mean(); return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
def ref(kind, seed): return cv2.resize(make_print(kind, seed, (w, h), 200)[..., :3].astype(float), res, interpolation=cv2.INTER_AREA)
got = {}
# magazine 22: front and back pages unlike their mirror images at this size (asserted below; magazine 11
# went from 0.47 to 0.53 alike its mirror with the clear glass and word-like brand names, magazine 10 from
# 0.33 to 0.70 once text pages ran in paragraphs; 22's pages correlate -0.03 with their mirrors)
for name, kind, seed, turned in (("up", "magazine", 22, False), ("turned", "magazine", 22, True),
                                 ("kraft", "kraft", 5, True)):
    g = grid(w, h, 4, 4)
    if turned:  # turned over about the v axis: the face normal points away from the camera
        g.verts[:, 0] *= -1
    sheet = mesh_object(name, Mesh(g.verts, g.faces, g.uv))
    _assign(sheet, make_material({"family": "paper", "color": [0.45, 0.27, 0.13], "roughness": 1.0, "print": kind},
                                 size=(w, h), seed=seed, px_per_m=200))
    sheet.set_cp("category_id", 5)
    out = bproc.renderer.render(verbose=False)["colors"][0][..., :3].astype(float)
    back_kind, back_seed = back_print(kind, seed)
    front = ref(kind, seed)
    got[name] = {"front": corr(out, front), "front_mirrored": corr(out, front[:, ::-1]), "std": float(out.std(axis=(0, 1)).mean()),
                 "mean": out.mean(axis=(0, 1)).tolist()}
    if back_kind != "plain":
        back = ref(back_kind, back_seed)
        got[name].update({"back": corr(out, back), "back_mirrored": corr(out, back[:, ::-1]),
                          "pages_asymmetric": max(corr(front, front[:, ::-1]), corr(back, back[:, ::-1]))})
    sheet.delete()
print("RESULT", json.dumps(got), flush=True)
import os; os._exit(0)
"""


def test_a_turned_sheet_shows_its_back_not_the_mirrored_front():
    """Real Cycles: a magazine page shows its front from above and another page, reading the right
    way round, once turned over; a turned kraft sheet shows bare board (no flexo ink)."""
    got = result(run_in_blender(BACK_SCRIPT))
    up, turned, kraft = got["up"], got["turned"], got["kraft"]
    assert up["front"] > 0.8 and up["front"] > up["back"] + 0.3, up
    assert turned["pages_asymmetric"] < 0.5, turned  # (pages unlike their mirror images: the test can tell)
    assert turned["back"] > 0.8, turned  # the other page ...
    assert turned["back"] > turned["back_mirrored"] + 0.3, turned  # ... the right way round
    assert turned["front_mirrored"] < 0.5, turned  # ... and not the front seen through the paper
    assert kraft["std"] < 0.3 * up["std"], kraft  # bare, even board
    assert kraft["mean"][0] > kraft["mean"][2] * 1.3, kraft  # ... and brown


FILM_BACK_SCRIPT = r"""
import cv2
from zerowaste.synth.prints import make_print
res = (96, 54)
w, h = top_down(res, 16)
floor = mesh_object("floor", grid(w * 2, h * 2, 2, 2))
_assign(floor, make_material({"family": "background", "color": [0.05] * 3, "roughness": 1.0}, size=(w, h)))
def corr(a, b): a = a - a.mean(); b = b - b.mean(); return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
ref = cv2.resize(make_print("snack", 2, (w, h), 200)[..., :3].astype(float), res, interpolation=cv2.INTER_AREA).mean(-1)
got = {"sym": corr(ref, ref[:, ::-1])}
for name, turned in (("up", False), ("turned", True)):
    g = grid(w, h, 4, 4)
    g.verts[:, 2] = 0.02
    if turned:  # turned over about the v axis: the face normal points away from the camera
        g.verts[:, 0] *= -1
    film = mesh_object(name, Mesh(g.verts, g.faces, g.uv))
    _assign(film, make_material({"family": "soft_plastic", "color": [0.92, 0.93, 0.95], "roughness": 0.1,
                                 "transmission": 0.5, "thin": True, "print": "snack"}, size=(w, h), seed=2, px_per_m=200))
    out = bproc.renderer.render(verbose=False)["colors"][0][..., :3].astype(float).mean(axis=-1)
    got[name] = {"right": corr(out, ref), "mirrored": corr(out, ref[:, ::-1])}
    film.delete()
print("RESULT", json.dumps(got), flush=True)
import os; os._exit(0)
"""


def test_a_clear_bag_reads_the_right_way_round_from_either_side():
    """Real Cycles: a see-through printed wrapper reads the right way round lying face up and turned over
    (a flattened bag is printed on both faces; round 15's judges read logos on turned clear bags backwards)."""
    got = result(run_in_blender(FILM_BACK_SCRIPT))
    assert got["sym"] < 0.6, got  # (a logo unlike its mirror image: the test can tell)
    for side in ("up", "turned"):
        assert got[side]["right"] > 0.6 and got[side]["right"] > got[side]["mirrored"] + 0.2, got


# ---- photographs (issue 13: the blurred colour blobs read as bokeh or clip art, not photos) ----------


def _photo_fill(seed: int, style: str | None, px_per_mm: float = 3.3) -> np.ndarray:
    """A 12 x 9 cm photo on a page as the texture holds it (grey, 1920x1080 texel density)."""
    page = prints._Page(np.random.default_rng(seed), 120, 90, px_per_mm, (255, 255, 255), False)
    page.photo(0, 0, 120, 90, style)
    return np.asarray(page.img.reduce(2).convert("L"), np.float32)


def _fine_texture_share(g: np.ndarray) -> float:
    """Share of the photo with fine detail (texels' own high-pass energy above 0.6 grey levels, 5x5 windows)."""
    hp = g - cv2.GaussianBlur(g, (0, 0), 1.0)
    return float((np.sqrt(cv2.blur(hp * hp, (5, 5))) > 0.6).mean())


def _shading_share(g: np.ndarray) -> float:
    """Share of the photo with smooth shading: gentle, non-zero gradients (0.5-4 grey levels per texel)."""
    sm = cv2.GaussianBlur(g, (0, 0), 1.5)
    mag = np.hypot(cv2.Sobel(sm, cv2.CV_32F, 1, 0), cv2.Sobel(sm, cv2.CV_32F, 0, 1)) / 8
    return float(((mag > 0.5) & (mag < 4)).mean())


@pytest.mark.parametrize("style", [None, "food", "product", "snack"])
def test_photos_have_texture_everywhere_and_shading_not_just_blob_outlines(style, monkeypatch):
    """Measured on 10 photos each. The previous fill (blurred colour blobs) had fine texture on 27-35 %
    of its area (only along blob outlines) and smooth shading on 24-31 %; these photos have textured
    surfaces (wood, food, foliage, fabric) and objects shaded by one light. Grain is switched off:
    the texture must come from the scene, not from noise added on top."""
    monkeypatch.setattr(prints, "PHOTO_GRAIN", 0.0)
    fills = [_photo_fill(s, style) for s in range(10)]
    assert np.mean([_fine_texture_share(g) for g in fills]) > 0.42
    assert np.mean([_shading_share(g) for g in fills]) > 0.42


def test_a_photo_object_is_shaded_from_the_light_side_and_casts_its_shadow_away_from_it():
    p = prints._Photo(np.random.default_rng(0), 120, 80)
    p.light, p.half = (0.7, -0.3, 0.648), (0.37, -0.16, 0.92)  # from the right, a little above
    p.img[:] = 0.6
    p.cast(60, 60, 15, 30)
    p.sphere(60, 40, 18, [(60, 60, 60), (150, 150, 150), (230, 230, 230)], spec=0.6, tex=0.0)
    lum = p.img.mean(axis=-1)
    assert lum[40, 70] > lum[40, 50] + 0.15  # the lit side is brighter than the side turned away
    assert lum[35:45, 60:78].max() > 0.85  # a specular highlight towards the light
    assert lum[62, 40:60].mean() < lum[62, 60:80].mean() - 0.05  # the shadow falls to the left
    assert lum[75, 5] == pytest.approx(0.6)  # the ground far away is untouched


def test_photos_are_deterministic_and_seeds_differ():
    for style in prints.PHOTO_STYLES:
        a = np.asarray(prints.photo_image(np.random.default_rng(4), 90, 60, style))
        b = np.asarray(prints.photo_image(np.random.default_rng(4), 90, 60, style))
        c = np.asarray(prints.photo_image(np.random.default_rng(5), 90, 60, style))
        assert np.array_equal(a, b), style
        assert (np.abs(a.astype(int) - c).max(axis=-1) > 20).mean() > 0.2, style
    grey = np.asarray(prints.photo_image(np.random.default_rng(4), 90, 60, "food", grey=True)).astype(int)
    assert np.array_equal(grey[..., 0], grey[..., 2])
    with pytest.raises(ZeroWasteError, match="unknown photo style 'selfie'"):
        prints.photo_image(np.random.default_rng(0), 10, 10, "selfie")


def test_photo_colours_stay_natural():
    """No neon: scenes (skin, wood, foliage, sky, rooms, food) are far less saturated than packaging
    inks (median HSV saturation of each photo; the inks are 0.75-1.0); products may carry ink colours."""
    def sat(style, s):
        return float(np.median(_saturation(np.asarray(prints.photo_image(np.random.default_rng(s), 80, 60, style)))))

    scenes = [sat(style, s) for style in ("outdoor", "room", "portrait", "food") for s in range(6)]
    assert np.median(scenes) < 0.45 and np.mean(np.array(scenes) > 0.75) <= 1 / 8, sorted(scenes)
    assert np.median([sat(style, s) for style in prints.PHOTO_STYLES for s in range(6)]) < 0.45



def _photos_with_fruit(monkeypatch) -> list[bool]:
    """Records, for each :func:`prints.photo_image` call from here on, whether it drew a round fruit
    (a sphere in the ramp of one of the sphere-shaped :data:`prints.FOODS`)."""
    fruit = {tuple(map(tuple, v[0])) for v in prints.FOODS.values() if v[1] == "sphere"}
    seen: list[bool] = []
    sphere, photo_image = prints._Photo.sphere, prints.photo_image

    def spy_sphere(self, cx, cy, r, stops, *args, **kw):
        if r >= 2 and tuple(map(tuple, stops)) in fruit:
            seen[-1] = True
        return sphere(self, cx, cy, r, stops, *args, **kw)

    def spy_photo(*args, **kw):
        seen.append(False)
        return photo_image(*args, **kw)

    monkeypatch.setattr(prints._Photo, "sphere", spy_sphere)
    monkeypatch.setattr(prints, "photo_image", spy_photo)
    return seen


def test_round_fruit_is_rare_in_photos(monkeypatch):
    """Round 11's judge: 'the same fruit/produce on a product box or magazine recurs across many
    thumbnails'. Fruit spheres were in 85 % of food photos, 45 % of product and 42 % of snack shots,
    and in 55 % of the photos on packs, wrappers, flyers and magazines (12 prints each); now at most
    10 % of any style's photos (60 each) and none of the prints' 82 photos."""
    seen = _photos_with_fruit(monkeypatch)
    per_style = {}
    for style in prints.PHOTO_STYLES:
        start = len(seen)
        for s in range(60):
            prints.photo_image(np.random.default_rng([s, 5]), 80, 60, style, None if s % 2 else (215, 25, 32))
        per_style[style] = float(np.mean(seen[start:]))
    assert max(per_style.values()) <= 0.2, per_style
    assert np.mean(list(per_style.values())) < 0.06, per_style
    monkeypatch.setenv(prints.PHOTO_CACHE_ENV, "off")
    prints._photo_cache_dir.cache_clear()
    prints._small_photo.cache_clear()
    start = len(seen)
    for kind in ("package", "snack", "flyer", "magazine"):
        for s in range(12):
            prints.make_print(kind, s, (0.2, 0.15), 1500.0)
    prints._photo_cache_dir.cache_clear()
    prints._small_photo.cache_clear()
    assert len(seen) - start > 40
    assert np.mean(seen[start:]) < 0.12


NEW_STYLES = ("household", "drinks", "pizza", "pet", "gadget")


def test_new_photo_subjects_draw_and_differ_from_each_other_and_the_old_ones():
    """Household bottles, drinks, pizza/pie/pasta from above, pets and gadgets: each draws at several
    sizes and on a backdrop; their mean colour histograms (8 bins per channel, 12 photos each) lie
    at least 0.099 apart (L1) from each other and from the older styles (household vs drinks, the closest)."""
    for style in NEW_STYLES:
        for w, h, backdrop in ((8, 8, None), (30, 90, (215, 25, 32)), (200, 120, None), (80, 80, (246, 244, 238))):
            assert prints.photo_image(np.random.default_rng(3), w, h, style, backdrop).size == (w, h)

    def signature(style: str) -> np.ndarray:
        hists = []
        for s in range(12):
            a = np.asarray(prints.photo_image(np.random.default_rng([s, 17]), 80, 60, style)).reshape(-1, 3)
            hists.append(np.concatenate([np.histogram(a[:, c], bins=8, range=(0, 256))[0] for c in range(3)]) / a.size)
        return np.mean(hists, axis=0)

    sig = {style: signature(style) for style in prints.PHOTO_STYLES}
    for a in NEW_STYLES:
        for b in prints.PHOTO_STYLES:
            if a != b:
                assert np.abs(sig[a] - sig[b]).sum() > 0.06, (a, b)


def _photos(kind: str, seeds, monkeypatch) -> list[list[tuple[str | None, float]]]:
    """For each seed, the photos drawn on the print (recorded while drawing): their subject (style, None when
    the page picks one) and their area as a fraction of the print's area."""
    seen: list[tuple[str | None, float]] = []
    photo = prints._Page.photo

    def spy(page, x, y, w, h, style=None, *args, **kw):
        seen.append((style, w * h / (page.w * page.h)))
        return photo(page, x, y, w, h, style, *args, **kw)

    monkeypatch.setattr(prints._Page, "photo", spy)
    out = []
    for s in seeds:
        prints._cached.cache_clear()
        seen.clear()
        prints.make_print(kind, s, SIZES[kind], 500)
        out.append(list(seen))
    return out


def _photo_areas(kind: str, seeds, monkeypatch) -> list[list[float]]:
    """For each seed, the photos' areas as fractions of the print's area."""
    return [[area for _, area in drawn] for drawn in _photos(kind, seeds, monkeypatch)]


def _pack_backs(kind: str, seeds, monkeypatch) -> set[int]:
    """The seeds whose pack print shows the back panel (recorded while drawing)."""
    backs: set[int] = set()
    current = [0]
    draw_back = prints._pack_back

    def spy(*args, **kw):
        backs.add(current[0])
        return draw_back(*args, **kw)

    with monkeypatch.context() as m:
        m.setattr(prints, "_pack_back", spy)
        for s in seeds:
            current[0] = s
            prints._cached.cache_clear()
            prints.make_print(kind, s, SIZES[kind], 500)
    prints._cached.cache_clear()
    return backs


def _photo_styles(kind: str, seeds, monkeypatch) -> list[list[str | None]]:
    """For each seed, the subjects (styles) of the photos drawn on the print."""
    return [[style for style, _ in drawn] for drawn in _photos(kind, seeds, monkeypatch)]


@pytest.mark.parametrize("kind", ["package", "snack"])
def test_pack_fronts_are_busy_not_one_big_hero_photo(kind, monkeypatch):
    """40 packs: every front shows product pictures, but the largest covers a modest share of the face
    (median <= 35 %; before: every front >= 45 %, median 74 % on packages), a good share of fronts
    shows a row of several small pictures, and a few still carry one big shot (the layouts vary); a
    few packs lie back up (dense small print, see the next test)."""
    seeds = range(40)
    backs = _pack_backs(kind, seeds, monkeypatch)
    assert 2 <= len(backs) <= 16, backs
    fronts = [areas for s, areas in zip(seeds, _photo_areas(kind, seeds, monkeypatch), strict=True) if s not in backs]
    assert all(fronts), fronts
    largest = np.array([max(a) for a in fronts])
    assert np.median(largest) <= 0.35, largest
    assert np.mean(largest >= 0.25) >= 0.15, largest
    assert np.mean([len(a) >= 2 for a in fronts]) >= 0.2, fronts


def test_wrappers_show_more_than_snack_photos(monkeypatch):
    """40 snack wrappers: their pictures show at least 3 subjects and snacks on at most 70 % of the fronts."""
    styles = [st for st in _photo_styles("snack", range(40), monkeypatch) if st]
    firsts = [st[0] for st in styles]
    assert len(set(firsts)) >= 3 and np.mean([f == "snack" for f in firsts]) <= 0.7, firsts


def test_claims_panel_and_price_tags_draw_bold_type_on_their_fields():
    """The feature panel of a pack and a flyer's price tag: their fields are laid and bold type sits on them."""
    for seed in range(6):
        page = prints._Page(np.random.default_rng(seed), 60, 40, 8.0, (200, 30, 30), False)
        prints._claims_panel(page, 5, 5, 50, 30, prints._DARK)
        img = np.asarray(page.img)[..., :3].astype(int)
        panel = img[5 * 8 + 4:35 * 8 - 4, 5 * 8 + 4:55 * 8 - 4]
        white, dark = (panel.min(-1) > 235).mean(), (panel.max(-1) < 90).mean()
        assert white > 0.5 and dark > 0.03, (seed, white, dark)  # a white panel with dark bold claims
        page = prints._Page(np.random.default_rng(seed), 40, 20, 8.0, (255, 255, 255), False)
        prints._price_tag(page, 2, 2, 36, 16, "3.49", (215, 25, 32))
        tag = np.asarray(page.img)[..., :3].astype(int)[4 * 8:16 * 8, 8 * 8:32 * 8]
        red = ((tag[..., 0] > 180) & (tag[..., 1] < 80)).mean()
        light = (tag.min(-1) > 200).mean()
        assert red > 0.4 and light > 0.05, (seed, red, light)  # a red tag with the price reversed out in white


def _fine_detail(img: np.ndarray) -> float:
    """Share of texels that differ from their blurred surroundings by > 12 grey levels (small print, rules)."""
    g = cv2.cvtColor(np.ascontiguousarray(img[..., :3]), cv2.COLOR_RGB2GRAY).astype(np.float32)
    return float((np.abs(g - cv2.GaussianBlur(g, (0, 0), 1.5)) > 12).mean())


def _count_text_elements(kind: str, seed: int, monkeypatch) -> int:
    """Separate text elements drawn on one print: lines and blocks of text, barcodes, brand marks, flashes."""
    n = [0]

    def counting(fn):
        def spy(*args, **kw):
            n[0] += 1
            return fn(*args, **kw)
        return spy

    with monkeypatch.context() as m:
        for name in ("text", "paragraph", "barcode"):
            m.setattr(prints._Page, name, counting(getattr(prints._Page, name)))
        for name in ("brand_mark_image", "_burst"):
            m.setattr(prints, name, counting(getattr(prints, name)))
        prints._cached.cache_clear()
        prints.make_print(kind, seed, SIZES[kind], 1500)
    prints._cached.cache_clear()
    return n[0]


@pytest.mark.parametrize("kind", ["package", "snack"])
def test_packs_carry_a_brand_system_and_backs_are_dense_small_print(kind, monkeypatch):
    """Measured on 20 packs at 1.5 px/mm. Fronts: brand mark, flavour ribbon, tagline, flash, legal
    line, weight, marks, maybe a seal, GDA boxes or a side panel -- at least 5 separate text elements,
    median >= 7 (the one-word clip-art logo before: 3-6, median 4). Backs: a nutrition table and small
    print in several languages over a large share of the face (> 30 % of texels are fine detail; the
    fronts: 10-25 %)."""
    backs = _pack_backs(kind, range(20), monkeypatch)
    counts = [_count_text_elements(kind, s, monkeypatch) for s in range(20) if s not in backs]
    assert min(counts) >= 5 and np.median(counts) >= 7, counts
    for s in backs:
        assert _fine_detail(prints.make_print(kind, s, SIZES[kind], 1500)) > 0.3, s


def _near(img: np.ndarray, colour, tol: float = 40.0) -> np.ndarray:
    return (np.linalg.norm(img[..., :3].astype(float) - np.asarray(colour, float), axis=-1) < tol) & (img[..., 3] > 240)


def test_brand_marks_have_outlined_lettering_several_inks_and_a_drop_shadow():
    """30 brands: the lettering is ringed by its outline colour (not the shape's fill), a boxed mark
    shows >= 3 flat colours (shape, outline, lettering), and a soft dark shadow falls beside it."""
    boxed = 0
    for s in range(30):
        rng = np.random.default_rng(s)
        b = prints.make_brand(rng, prints._ink(rng))
        img = np.asarray(prints.brand_mark_image(b, 480, 180))
        assert img.shape == (180, 480, 4)
        # (an opening drops the hairline keyline inside a shape, which may share the lettering's colour)
        letters = cv2.morphologyEx(_near(img, b.fill, 30).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        assert letters.mean() > 0.015, (s, b)
        ring = cv2.dilate(letters, np.ones((3, 3), np.uint8), iterations=2) & ~cv2.dilate(letters, np.ones((3, 3), np.uint8))
        ring = ring.astype(bool) & (img[..., 3] > 240)
        on_outline = _near(img, b.outline, 60)[ring].mean()
        assert on_outline > 0.5, (s, b.outline, on_outline)
        shadow = (img[..., 3] > 20) & (img[..., 3] < 200) & (img[..., :3].astype(int).sum(axis=-1) < 200)
        assert shadow.mean() > 0.02, s
        if b.shape in ("oval", "box", "badge", "banner"):
            boxed += 1
            opaque = img[..., 3] > 250
            _, counts = np.unique(img[opaque][:, :3] // 24, axis=0, return_counts=True)
            assert (counts > 0.03 * opaque.sum()).sum() >= 3, (s, b)
    assert boxed >= 10
    flat = np.asarray(prints.brand_mark_image(dataclasses.replace(b, shape="oval"), 240, 90, flat=True))
    assert ((flat[..., 3] > 20) & (flat[..., 3] < 200)).mean() < 0.02  # a one-ink flexo mark: no shadow


def test_brands_vary_and_are_deterministic():
    brands = [prints.make_brand(np.random.default_rng(s)) for s in range(40)]
    assert len({b.name for b in brands}) >= 38
    names = [prints.make_brand(np.random.default_rng(s)).name for s in range(200)]
    assert len(set(names)) >= 190
    # most names are word-like (a root word, or two words), not syllable strings such as Nuchifloee
    roots = tuple(r.upper() for r in prints._BRAND_ROOTS)
    assert np.mean([n.upper().startswith(roots) or " " in n for n in names]) >= 0.5
    assert len({b.shape for b in brands}) == len(prints.LOGO_SHAPES)
    assert len({b.face for b in brands}) >= 5
    a = np.asarray(prints.brand_mark_image(brands[3], 200, 80))
    again = np.asarray(prints.brand_mark_image(prints.make_brand(np.random.default_rng(3)), 200, 80))
    assert np.array_equal(a, again)


def test_a_barcode_too_small_to_resolve_is_grey_not_a_black_block():
    """Bars thinner than a texel average to grey (as a camera sees them); before, each bar took at least
    a whole pixel and the code became a black slab."""
    page = prints._Page(np.random.default_rng(0), 40, 20, 1.5, (255, 255, 255), False)
    page.barcode(0, 0, 30, 15)  # 60 bars over 45 px
    bars = np.asarray(page.img)[3:10, 4:40, :3].astype(float).mean()
    assert 70 < bars < 190, bars
    page = prints._Page(np.random.default_rng(0), 40, 20, 20.0, (255, 255, 255), False)
    page.barcode(0, 0, 30, 15)  # resolved: black bars on white
    g = np.asarray(page.img)[40:150, 40:560, 0]
    assert (g < 40).mean() > 0.3 and (g > 215).mean() > 0.3


@pytest.mark.parametrize("kind", ["label", "can"])
def test_labels_show_the_brand_on_one_half_and_small_print_on_the_other(kind):
    """u runs around the body: one half carries the brand mark, the other the small print (measured on
    8 seeds each: fine detail 0.37-0.61 of the back half's texels, 0.09-0.33 of the front's)."""
    ratios = []
    for s in range(8):
        img = prints.make_print(kind, s, SIZES[kind], 1500)
        band = img[img[..., 3].mean(axis=1) > 250]  # the label's rows (transparent above and below)
        band = band[len(band) // 8: len(band) - len(band) // 8]
        front, back = _fine_detail(band[:, : img.shape[1] // 2]), _fine_detail(band[:, img.shape[1] // 2:])
        assert back > 0.33 and back > front, (s, front, back)
        ratios.append(back / max(front, 1e-3))
    assert np.median(ratios) > 1.8, ratios


def test_magazine_pages_vary_their_photo_layouts(monkeypatch):
    """Covers, photo-over-text pages, photo grids, inset photos and ads: many photo counts and sizes."""
    layouts = {(len(a), round(max(a, default=0) * 4)) for a in _photo_areas("magazine", range(40), monkeypatch)}
    assert len(layouts) >= 5, layouts


def test_ink_sits_in_the_stock_uneven_and_faded_not_a_decal():
    """Round 8's judge: "prints look like stickers". Real ink lifts in blotches where presses laid it thin
    or handling rubbed it, and fades; a solid ink field is no longer one flat colour."""
    flat = np.zeros((128, 128, 4), np.uint8)
    flat[:] = (215, 25, 32, 255)
    out = prints.in_paper(flat, prints.PAPER_WHITE, 4)
    lifted = out[..., 1].astype(float)  # green rises where the red ink lifts towards the white stock
    assert np.percentile(lifted, 10) < 75 and np.percentile(lifted, 90) - np.percentile(lifted, 10) > 15
    assert _saturation(out).mean() < 0.97 * _saturation(flat).mean()  # lifted and faded: less saturated
    assert (out[..., 3] == 255).all()  # an opaque sheet stays opaque
    assert np.array_equal(out, prints.in_paper(flat, prints.PAPER_WHITE, 4))
    assert not np.array_equal(out, prints.in_paper(flat, prints.PAPER_WHITE, 5))
    label = prints.in_paper(flat, "fade", 4)  # labels and cans: alpha is the label, the colour only fades
    assert (label[..., 3] == 255).all() and np.ptp(label[..., 1]) == 0 and label[0, 0, 1] > 25


def test_flexo_ink_on_kraft_is_thinned_in_blotches():
    """Ink-only prints (alpha = ink): the blotches thin the ink itself, the board shows through."""
    alpha = []
    for seed in range(6):
        img = prints.make_print("kraft", seed, SIZES["kraft"], 1500)
        inside = cv2.erode((img[..., 3] > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # within the strokes
        alpha.append(img[..., 3][inside])
    alpha = np.concatenate(alpha)
    assert alpha.size > 50000 and (alpha < 235).mean() > 0.1 and (alpha > 250).mean() > 0.3  # thin in places


def test_flyers_are_busy_grids_of_offers_on_colour_fields(monkeypatch):
    """A flyer seen from the belt camera: a grid of offers, each a small picture (at least 4 pictures,
    none over 20 % of the page; before: 1-2 rows, median largest photo 11 %, up to 55 %), on colour
    fields: over 40 % of the page is saturated ink and at least a tenth lies in solid saturated
    patches 1.2 cm across (the old grid of small white boxes: 4 % at 2.4 cm)."""
    dens, shares, vivid_share = 600, [], []
    for s in range(12):
        img = prints.make_print("flyer", s, SIZES["flyer"], dens)[..., :3]
        hsv = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2HSV)
        vivid = ((hsv[..., 1] > 128) & (hsv[..., 2] > 76)).astype(np.uint8)
        r = round(0.006 * dens)
        shares.append(cv2.erode(vivid, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * r + 1, 2 * r + 1))).mean())
        vivid_share.append(vivid.mean())
    assert np.mean(shares) > 0.1 and np.mean(np.array(shares) > 0.05) > 0.6, shares
    assert np.mean(vivid_share) > 0.4, vivid_share
    for areas in _photo_areas("flyer", range(12), monkeypatch):
        assert len(areas) >= 4 and max(areas) <= 0.2, areas
    assert min(prints.FLYER_ROWS) >= 2


def test_a_drinking_glass_is_clear_not_a_mug():
    """A glass over a striped backdrop: the stripes show through its wall above the drink (the old
    opaque cylinder hid them), bright rims run down its sides, and the drink fills its lower part."""
    for seed in range(5):
        ph = prints._Photo(np.random.default_rng(seed), 120, 120)
        stripes = (np.arange(120) // 6 % 2).astype(np.float32)[None, :, None] * 0.6 + 0.2
        ph.img[:] = stripes
        before = ph.img.copy()
        ph.glass(60, 20, 60, 80, (200, 40, 40), 0.5)
        wall = slice(30, 50), slice(45, 75)  # above the drink, inside the glass
        seen = np.corrcoef(ph.img[wall].mean(-1).ravel(), before[wall].mean(-1).ravel())[0, 1]
        assert seen > 0.8, (seed, seen)  # the backdrop shows through (the old opaque cylinder: -0.1 .. 0.1)
        drink = ph.img[75:95, 50:70]
        assert (drink[..., 0] - drink[..., 1]).mean() > 0.3, seed  # red drink in the lower half
        rims = ph.img[30:90, 31:36].max() if ph.light[0] < 0 else ph.img[30:90, 84:89].max()
        assert rims > 0.85, seed  # a bright rim down the lit wall (the backdrop is at most 0.8)


@pytest.mark.parametrize("cat", [False, True])
def test_a_side_on_pet_stands_long_on_separate_legs(cat):
    """A pet side-on (half of the pet shots): its silhouette is much wider than tall (the sitting front
    view: an upright oval) and stands on at least two separate legs near the ground."""
    for seed in range(6):
        p = prints._Photo(np.random.default_rng(seed), 200, 150)
        prints._pet_side(p, prints.FUR[seed % len(prints.FUR)], cat)
        ys, xs = np.nonzero(p.img.sum(-1) > 0.02)  # drawn on black: everything lit is the animal
        w, h = xs.max() - xs.min(), ys.max() - ys.min()
        assert w > 1.25 * h, (seed, w, h)
        row = (p.img.sum(-1) > 0.02)[ys.max() - h // 8, xs.min():xs.max() + 1].astype(np.int8)
        assert int((np.diff(row) == 1).sum() + row[0]) >= 2, seed


def test_inks_and_tinted_films_hold_no_vivid_green_or_magenta():
    """The reference frames' vivid pixels are red to yellow and blue: 2 % of them green, cyan, violet or magenta
    (`synth compare`'s ``other_hues``). The ink palettes keep a green and a pink, muted under ``vivid``'s
    saturation, and the tinted films are red, yellow and blue (round 46: other_hues +0.65 -> +0.08 spreads)."""
    from zerowaste.synth.compare import OTHER_HUES
    from zerowaste.synth.params import PLASTICS
    from zerowaste.synth.post import linear_to_srgb

    films = [np.round(linear_to_srgb(np.array(c, np.float32)) * 255) for c, (_, clear) in PLASTICS["soft_plastic"]
             if clear > 0]
    colours = [np.array(c, np.float32) for c in prints.INKS + list(prints.NEWS_ACCENTS)] + films
    greens = [c for c in colours if c[1] > c[0] and c[1] > c[2]]
    assert greens, "the palettes keep a green"
    for c in colours:
        h, s, v = cv2.cvtColor(np.uint8([[c]]).astype(np.float32) / 255, cv2.COLOR_RGB2HSV)[0, 0]
        vivid = s > 0.5 and v > 0.3
        assert not (vivid and any(lo <= h < hi for lo, hi in OTHER_HUES)), (c, h, s)


@pytest.mark.parametrize("kind", prints.KINDS)
def test_every_kind_prints_on_a_torn_strip_or_a_scrap(kind):
    """A crumpled magazine 206 x 65.5 mm (mrf-b, frame seed 3504843916: its back print, seed 2017420801) failed its
    frame: the inset photo and the colour tags were placed in the room left beside them, and on a strip there was
    none (numpy: ``high - low < 0``). Every kind lays out on strips and scraps."""
    seeds = range(12) if kind != "magazine" else [*range(12), 2017420801]
    for seed in seeds:
        for size in ((0.206, 0.0655), (0.04, 0.1), (0.3, 0.03), (0.02, 0.02)):
            rgba = prints.make_print(kind, seed, size, 300.0)
            assert rgba.ndim == 3 and rgba.shape[2] == 4 and rgba.size > 0
