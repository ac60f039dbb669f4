"""The cost trims of the sixth round change no result: settle_scene's measured-once bounds and the
skipped far points of press_under give the same vertices as measuring every object on every call.
Pure Python (no bpy); seeded."""

from __future__ import annotations

import numpy as np

from zerowaste.synth.objects import (
    BRIDGE,
    FILM_BRIDGE,
    FILM_KINDS,
    RIGID_KINDS,
    STIFF_KINDS,
    HeightField,
    Mesh,
    build_mesh,
    press_under,
    settle,
    settle_scene,
)
from zerowaste.synth.params import frame_seed, sample_scene
from zerowaste.synth.presets import load_preset


def _settle_unbounded(objects: list[dict], area, meshes: list[Mesh]) -> list[np.ndarray]:
    """settle_scene as before the trim: press_under measures every object below on every call."""
    hf = HeightField(tuple(area), cell=0.01)
    out: list[np.ndarray] = []
    for obj, mesh in zip(objects, meshes, strict=True):
        verts = settle(mesh, obj["xy"], obj["yaw"], hf, drape=obj["kind"] not in RIGID_KINDS,
                       stiff=obj["kind"] in STIFF_KINDS, tilt=True,
                       bridge=FILM_BRIDGE if obj["kind"] in FILM_KINDS else (BRIDGE, 2.0))
        box = press_under(verts, out, hf)
        if box is not None:
            hf.rebuild(box, [*out, verts])
        out.append(verts)
    return out


def test_settle_scene_bounds_change_nothing():
    preset = load_preset("default", [])
    for i in (0,):  # one scene of 40 objects, stacked 2-4 deep in heaps
        scene = sample_scene(preset, frame_seed(11, i))
        objects = [o for o in scene["objects"] if not o.get("asset")][:40]
        meshes = [build_mesh(o) for o in objects]
        fast = [m.verts for _, m in settle_scene(objects, scene["area"], meshes)]
        slow = _settle_unbounded(objects, scene["area"], [build_mesh(o) for o in objects])
        assert len(fast) == len(slow) == len(objects)
        for a, b in zip(fast, slow, strict=True):
            np.testing.assert_array_equal(a, b)
        assert any(not np.array_equal(m.verts, v) for m, v in zip(meshes, fast, strict=True))  # it did settle


def test_press_under_bounds_and_far_points():
    """Given bounds select the same objects as measured ones; points beyond the sheet's reach stay put."""
    sheet = np.array([[x, y, 0.03] for x in np.linspace(-0.05, 0.05, 11) for y in np.linspace(-0.05, 0.05, 11)])
    below = [np.array([[0.0, 0.0, 0.05], [0.6, 0.0, 0.05]]), np.array([[0.9, 0.9, 0.08]])]
    a = [v.copy() for v in below]
    b = [v.copy() for v in below]
    press_under(sheet, a, HeightField((-1.0, 1.0, -1.0, 1.0)))
    bounds = np.array([np.r_[v[:, :2].min(axis=0), v[:, :2].max(axis=0)] for v in below])
    press_under(sheet, b, HeightField((-1.0, 1.0, -1.0, 1.0)), bounds=bounds)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[0][0, 2] < 0.03  # under the sheet: pressed below it
    assert a[0][1, 2] == 0.05 and a[1][0, 2] == 0.08  # 0.6 m and 0.9 m away: untouched


def test_text_strips_word_widths_cached_same():
    """Strips laid out from cached word widths equal a fresh layout; other faces or sizes differ."""
    from zerowaste.synth import prints as P

    first = P._text_strips("serif", 9)
    assert P._word_px("serif", 9, "the") == P.font("serif", 9).getlength("the")
    P._text_strips.cache_clear()
    P._word_px.cache_clear()
    again = P._text_strips("serif", 9)
    assert again is not first
    for (a, sa), (b, sb) in zip(first, again, strict=True):
        assert a.tobytes() == b.tobytes() and np.array_equal(sa, sb)
    other = P._text_strips("sans", 9)[0][0]
    assert other.tobytes() != first[0][0].tobytes()


def test_news_print_seeded():
    """A newspaper print redrawn after clearing every cache is identical; another seed is another page."""
    from zerowaste.synth import prints as P

    a = P.make_print("news", 5, (0.6, 0.4), 549.0).copy()
    P._cached.cache_clear()
    P._text_strips.cache_clear()
    P._word_px.cache_clear()
    np.testing.assert_array_equal(P.make_print("news", 5, (0.6, 0.4), 549.0), a)
    assert not np.array_equal(P.make_print("news", 6, (0.6, 0.4), 549.0), a)


def test_small_photos_from_the_disk_cache_are_the_computed_ones(tmp_path, monkeypatch):
    """Newspaper photos read back from the disk cache equal freshly computed ones, byte for byte, and so
    does a whole news print; a damaged cache file is computed again; ``off`` keeps nothing on disk."""
    from zerowaste.synth import prints as P

    def fresh():
        P._photo_cache_dir.cache_clear()
        P._small_photo.cache_clear()
        P._cached.cache_clear()

    monkeypatch.setenv(P.PHOTO_CACHE_ENV, "off")
    fresh()
    computed = [P._small_photo(style, 7, None) for style in P.PHOTO_STYLES] + [P._small_photo("snack", 3, (215, 25, 32))]
    page = P.make_print("news", 8, (0.6, 0.4), 549.0).copy()  # (seed 8: 12 small photos)
    assert P._photo_cache_dir() is None and not any(tmp_path.iterdir())

    monkeypatch.setenv(P.PHOTO_CACHE_ENV, str(tmp_path))
    fresh()
    assert P.make_print("news", 8, (0.6, 0.4), 549.0).tobytes() == page.tobytes()  # cold: computed, written
    files = sorted(P._photo_cache_dir().glob("*.rgb"))
    assert len(files) > 5 and not list(P._photo_cache_dir().glob("*.part"))
    for _ in range(2):  # the second time round from the disk cache
        fresh()
        again = [P._small_photo(style, 7, None) for style in P.PHOTO_STYLES] + [P._small_photo("snack", 3, (215, 25, 32))]
        for a, b in zip(computed, again, strict=True):
            assert (a.mode, a.size, a.tobytes()) == (b.mode, b.size, b.tobytes())
    fresh()
    np.testing.assert_array_equal(P.make_print("news", 8, (0.6, 0.4), 549.0), page)  # warm: read from disk

    damaged = P._photo_cache_dir() / "room_7_none.rgb"
    damaged.write_bytes(damaged.read_bytes()[:100])
    fresh()
    assert P._small_photo("room", 7, None).tobytes() == computed[P.PHOTO_STYLES.index("room")].tobytes()
    assert damaged.stat().st_size == P.SMALL_PHOTO_PX ** 2 * 3  # written whole again
    fresh()
