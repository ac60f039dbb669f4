"""Newspapers and magazines as they land on a sorting belt: folded layers, stacked pages, page blocks."""

from __future__ import annotations

import numpy as np
import pytest

from zerowaste.synth import objects
from zerowaste.synth.objects import (
    LAYER_GAP,
    MAGAZINE_THICKNESS,
    RAMP_SLOPE,
    HeightField,
    build_mesh,
    facet_mesh,
    magazine,
    newspaper,
    press_under,
    settle,
)

from .conftest import edge_cosines

DEFORM = {"crumple": 0.015, "frequency": 18.0, "folds": 1, "bend": 0.2, "crush": 0.3, "dents": 2}
LIGHT = {**DEFORM, "crumple": 0.002, "crush": 0.0, "bend": 0.0}


def _heights(mesh_verts: np.ndarray, faces, pts: np.ndarray) -> list[np.ndarray]:
    """Every surface height of the (triangle) mesh straight above each 2-D point."""
    tri = mesh_verts[np.asarray(faces)]  # (F, 3, 3)
    a, b, c = tri[:, 0, :2], tri[:, 1, :2], tri[:, 2, :2]
    den = (b[:, 1] - c[:, 1]) * (a[:, 0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (a[:, 1] - c[:, 1])
    ok = np.abs(den) > 1e-14
    tri, a, b, c, den = tri[ok], a[ok], b[ok], c[ok], den[ok]
    out = []
    for p in pts:
        w0 = ((b[:, 1] - c[:, 1]) * (p[0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (p[1] - c[:, 1])) / den
        w1 = ((c[:, 1] - a[:, 1]) * (p[0] - c[:, 0]) + (a[:, 0] - c[:, 0]) * (p[1] - c[:, 1])) / den
        w2 = 1 - w0 - w1
        hit = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
        z = w0[hit] * tri[hit, 0, 2] + w1[hit] * tri[hit, 1, 2] + w2[hit] * tri[hit, 2, 2]
        out.append(np.unique(np.round(z, 7)))
    return out


def _inner_points(v: np.ndarray, n: int = 120, seed: int = 0) -> np.ndarray:
    lo, hi = v[:, :2].min(axis=0), v[:, :2].max(axis=0)
    span = hi - lo
    return np.random.default_rng(seed).uniform(lo + 0.25 * span, hi - 0.25 * span, (n, 2))  # (not the hinges)


def test_a_folded_newspaper_has_two_layers_over_half_the_page():
    size = (0.4, 0.34, 0.0)
    m = newspaper(np.random.default_rng(5), size, LIGHT, folds=1, pages=1)
    assert all(len(f) == 3 for f in m.faces)
    ext = np.ptp(m.verts[:, :2], axis=0)
    ratios = ext / np.array([2 * size[0], size[1]])  # the double page, folded at its spine
    assert 0.4 < ratios[0] < 0.6 and ratios[1] > 0.85
    layers = _heights(m.verts, m.faces, _inner_points(m.verts))
    two = [h for h in layers if len(h) >= 2]
    assert len(two) > 0.6 * len(layers)  # two surfaces over most of it (the fold is a little off-centre)
    gaps = np.array([h[-1] - h[0] for h in two])
    assert np.all(gaps > 0.5 * LAYER_GAP)  # never touching, never crossed


def test_two_folds_and_stacked_pages_give_more_layers():
    m = newspaper(np.random.default_rng(7), (0.44, 0.36, 0.0), LIGHT, folds=2, pages=2)
    layers = _heights(m.verts, m.faces, _inner_points(m.verts, 60))
    counts = np.array([len(h) for h in layers])
    assert np.median(counts) >= 6  # 2 pages x 2 x 2 folds: up to 8 layers
    ordered = [np.diff(h).min() for h in layers if len(h) > 1]
    assert min(ordered) > 0.5 * LAYER_GAP


def test_folded_newspaper_drapes_on_a_pile_without_its_layers_crossing():
    m = newspaper(np.random.default_rng(11), (0.4, 0.34, 0.0), DEFORM, folds=1, pages=2)
    hf = HeightField((-0.5, 0.5, -0.5, 0.5), cell=0.01)
    rng = np.random.default_rng(0)
    bumps = np.concatenate([rng.uniform(-0.2, 0.2, (400, 2)), rng.uniform(0.0, 0.04, (400, 1))], axis=1)
    hf.splat(bumps, radius=1)  # a bumpy pile under it
    placed = settle(m, [0.0, 0.0], 0.4, hf, drape=True)
    layers = _heights(placed, m.faces, _inner_points(placed, 80, seed=1))
    stacked = [h for h in layers if len(h) >= 2]
    assert len(stacked) > 0.8 * len(layers)
    assert min(np.diff(h).min() for h in stacked) > 0.5 * LAYER_GAP


@pytest.mark.parametrize("pose", ["closed", "open", "fanned"])
def test_a_magazine_is_a_page_block_with_a_stack_edge(pose):
    m = magazine(np.random.default_rng(3), (0.24, 0.3, 0.0), DEFORM, pose=pose)
    layers = _heights(m.verts, [f for q in m.faces for f in ([q] if len(q) == 3 else [q[:3], (q[0], q[2], q[3])])],
                      _inner_points(m.verts, 60))
    thick = np.array([h[1] - h[0] for h in layers if len(h) >= 2])  # the block's top over its bottom
    assert len(thick) > 0.9 * len(layers)
    lo, hi = MAGAZINE_THICKNESS
    assert np.all(thick > 0.55 * lo) and np.all(thick < 1.01 * hi)
    n = np.cross(m.verts[[f[1] for f in m.faces]] - m.verts[[f[0] for f in m.faces]],
                 m.verts[[f[2] for f in m.faces]] - m.verts[[f[0] for f in m.faces]])
    n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-18
    assert (np.abs(n[:, 2]) < 0.3).sum() > 50  # the page-stack edge: faces standing on edge all round
    if pose == "fanned":
        assert max(len(h) for h in layers) >= 3  # a loose page over the block


@pytest.mark.parametrize("kind", ["newspaper", "magazine"])
def test_paper_meshes_are_valid_deterministic_and_varied(kind):
    shapes = set()
    for seed in range(12):
        obj = {"kind": kind, "size": [0.38, 0.32, 0.0], "deform": DEFORM, "seed": seed}
        m, again = build_mesh(obj), build_mesh(obj)
        assert np.array_equal(m.verts, again.verts) and m.faces == again.faces
        assert np.isfinite(m.verts).all() and m.verts[:, 2].min() >= -1e-9
        assert m.uv.min() >= 0 and m.uv.max() <= 1 and len(m.uv) == len(m.verts)
        assert max(max(f) for f in m.faces) < len(m.verts) and all(len(set(f)) == len(f) for f in m.faces)
        shapes.add((len(m.verts), round(float(np.ptp(m.verts[:, 0])), 2), round(float(m.verts[:, 2].max()), 3)))
    assert len(shapes) >= 8  # folds, pages and poses vary per object


def test_a_sheet_pressing_a_folded_newspaper_keeps_its_layers_in_order():
    m = newspaper(np.random.default_rng(0), (0.3, 0.25, 0.0), LIGHT, folds=1, pages=1)  # (folded flat)
    hf = HeightField((-0.4, 0.4, -0.4, 0.4), cell=0.01)
    placed = settle(m, [0.0, 0.0], 0.0, hf, drape=True)
    placed[:, 2] += 0.03  # lying on something 3 cm high
    xs = np.linspace(-0.1, 0.1, 21)
    sheet = np.array([[x, y, 0.02] for x in xs for y in xs])  # a sheet pressing it down to 2 cm
    press_under(sheet, [placed], hf)
    assert placed[:, 2].max() < 0.02 + RAMP_SLOPE * 0.01 * 9  # held down under the sheet and its ramp
    _, inverse = np.unique(np.round(m.verts[:, :2], 6), axis=0, return_inverse=True)
    order = np.lexsort((m.verts[:, 2], inverse))  # the layers of each lattice point, bottom to top
    same = inverse[order][1:] == inverse[order][:-1]
    dz = np.diff(placed[order, 2])[same]
    assert same.sum() > 100 and np.all(dz > 0)  # squeezed, never merged or swapped


# --- crumpled paper: flat facets between sharp, straight creases (round 8: "folds too softly") ---


def _fan(m) -> np.ndarray:
    """The mesh's faces split in fans: (T, 3) vertex indices, each triangle in its face's winding."""
    return np.array([(f[0], f[i], f[i + 1]) for f in m.faces for i in range(1, len(f) - 1)])


def _dihedrals(m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bend angle (degrees) of every edge shared by two triangles (faces split in fans), the triangles' unit
    normals, and the two triangles (indices into the normals) of each such edge."""
    tri = _fan(m)
    n = np.cross(m.verts[tri[:, 1]] - m.verts[tri[:, 0]], m.verts[tri[:, 2]] - m.verts[tri[:, 0]])
    area = np.linalg.norm(n, axis=1)
    keep = area > 1e-12  # (a zero-area sliver has no normal: without this its NaN bends dropped out of every count)
    tri, n = tri[keep], n[keep] / area[keep, None]
    edges: dict[tuple[int, int], list[int]] = {}
    for fi, f in enumerate(tri.tolist()):
        for a, b in ((f[0], f[1]), (f[1], f[2]), (f[2], f[0])):
            edges.setdefault((min(a, b), max(a, b)), []).append(fi)
    pairs = np.array([fs for fs in edges.values() if len(fs) == 2])
    return np.degrees(np.arccos(np.clip((n[pairs[:, 0]] * n[pairs[:, 1]]).sum(axis=1), -1, 1))), n, pairs


@pytest.mark.parametrize(("kind", "size"), [("crumpled_sheet", (0.3, 0.4, 0.0)), ("paper_bag", (0.3, 0.35, 0.0)),
                                            ("crumpled", (0.14, 0.14, 0.1)), ("sheet", (0.22, 0.28, 0.0))])
def test_crumpled_paper_is_flat_facets_meeting_at_sharp_creases(kind, size, monkeypatch):
    # A relief sampled on a grid bent a little at almost every edge (soft lumps: tissue, plaster);
    # crumpled paper is flat between creases, and where it bends it bends hard. (The facets before their
    # gentle bow, objects.PAPER_BOW: see the next test.)
    monkeypatch.setattr(objects, "PAPER_BOW", (0.0, objects.PAPER_BOW[1]))
    for seed in range(6):
        m = build_mesh({"kind": kind, "size": list(size), "deform": DEFORM, "seed": seed})
        angle, _, _ = _dihedrals(m)
        bends = angle[angle > 1.0]
        assert (angle < 1.0).mean() > 0.5, seed  # most edges lie inside a flat facet (grid relief: 5-20 %)
        assert np.median(bends) > 18.0, seed  # the creases are sharp (grid relief: 6-15 degrees)
        assert (bends > 25.0).mean() > 0.33, seed
        assert 5.0 < m.sharp < 20.0  # the creases render crisp, the flat facets flat
        domain, crease = m.attrs["crease"]
        assert domain == "POINT" and len(crease) == len(m.verts) and crease.min() >= 0 and crease.max() <= 1
        assert (crease > 0).mean() > 0.05 and (crease == 0).mean() > 0.3  # lines along the creases only
        assert crease.mean() < 0.35  # (not a wash over the paper)


@pytest.mark.parametrize(("kind", "size"), [("crumpled_sheet", (0.3, 0.4, 0.0)), ("paper_bag", (0.3, 0.35, 0.0)),
                                            ("sheet", (0.22, 0.28, 0.0))])
def test_crumpled_facets_bow_gently_between_the_creases_they_keep(kind, size, monkeypatch):
    """Round 25: perfectly flat facets 2-5 cm across read as "low-poly", "origami". A smooth undulation
    (:data:`objects.PAPER_BOW`) lifts every point of a crumpled sheet by at most its rise: the facets'
    insides, flat before (bends under 1 degree), now bend 3-5 degrees at the median, most of them under the
    sharp angle (smooth-shaded gradients, not new creases), while the creases (over 25 degrees) keep their
    bend (medians 39-69 degrees, moved at most 3.4)."""
    rise = objects.PAPER_BOW[0] * (objects.SHEET_HANDLED[3] if kind == "sheet" else 1.0)
    assert rise > 0.001
    for seed in range(6):
        obj = {"kind": kind, "size": list(size), "deform": DEFORM, "seed": seed}
        bowed = build_mesh(obj)
        with monkeypatch.context() as mp:
            mp.setattr(objects, "PAPER_BOW", (0.0, objects.PAPER_BOW[1]))
            flat = build_mesh(obj)
        lift = bowed.verts - flat.verts
        assert np.all(lift[:, :2] == 0) and np.abs(lift[:, 2]).max() <= rise + 1e-9, seed  # straight up or down
        assert np.abs(lift[:, 2]).max() > 0.5 * rise, seed
        before, _, pairs = _dihedrals(flat)
        after, _, pairs_after = _dihedrals(bowed)
        assert np.array_equal(pairs, pairs_after)  # (the same edges, in the same order)
        inside, crease = before < 1.0, before > 25.0
        assert 2.0 < np.median(after[inside]) < 7.0, seed  # the facets bow ...
        assert (after[inside] < bowed.sharp).mean() > 0.65, seed  # ... mostly smooth-shaded
        assert abs(np.median(after[crease]) - np.median(before[crease])) < 5.0 and np.median(after[crease]) > 35.0, seed


def test_facet_mesh_keeps_every_facet_flat_and_marks_valleys_darker_than_ridges():
    # a valley (one corner lifted) and a ridge (one corner lowered) of the same bend, 80 degrees
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 4.0], [-1, 0, 0], [-1, -1, -4.0], [0, -1, 0]], float)
    tris = np.array([[0, 1, 2], [1, 3, 2], [0, 4, 6], [4, 5, 6]])
    m = facet_mesh(v, v[:, :2], tris, 4, 10.0)
    assert len(m.faces) == 4 * 16 and np.isfinite(m.verts).all()
    _, normals, _ = _dihedrals(m)
    parent = np.cross(v[tris[:, 1]] - v[tris[:, 0]], v[tris[:, 2]] - v[tris[:, 0]])
    parent /= np.linalg.norm(parent, axis=1, keepdims=True)
    assert np.allclose(normals, np.repeat(parent, 16, axis=0), atol=1e-9)  # every small triangle on its facet
    assert len(np.unique(np.round(m.verts, 9), axis=0)) == len(m.verts)  # shared crease points are one vertex
    crease = m.attrs["crease"][1]
    s = m.verts[:, 0] + m.verts[:, 1]
    valley, ridge = np.isclose(s, 1.0), np.isclose(s, -1.0)  # the lifted corner's crease, the lowered one's
    assert valley.sum() == 5 and ridge.sum() == 5  # (each crease split in four)
    assert crease[valley].min() > 0.95  # a sharp valley: a full dark line
    assert crease[ridge].min() > 0.2 and crease[ridge].max() < 0.4  # a ridge of the same bend: a third of it
    assert np.all(crease[~valley & ~ridge] == 0)  # inside the facets and along the outline: no line


# --- round 9's judge: "newspapers lie flat with straight edges", "crumpled balls look alike" ---


def _top_fill(m, res: float = 0.003) -> float:
    """Share of the top-view bounding box the mesh covers (a rectangle ~0.95: crumpling shrinks its sides a little)."""
    from PIL import Image, ImageDraw

    xy = m.verts[:, :2]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    w, h = (np.ceil((hi - lo) / res).astype(int) + 1).tolist()
    im = Image.new("1", (w, h))
    draw = ImageDraw.Draw(im)
    p = (xy - lo) / res
    for f in m.faces:
        draw.polygon([tuple(p[i]) for i in f], fill=1)
    return float(np.asarray(im).mean())


def _steep_share(m) -> float:
    """Area share of faces standing steeper than 60 degrees (a curled or rolled part, a standing flap)."""
    t = np.array([f[:3] for f in m.faces])
    n = np.cross(m.verts[t[:, 1]] - m.verts[t[:, 0]], m.verts[t[:, 2]] - m.verts[t[:, 0]])
    area = np.linalg.norm(n, axis=1)
    return float((area * (np.abs(n[:, 2]) < 0.5 * area)).sum() / area.sum())


def test_newspapers_are_torn_and_curled_not_flat_rectangles():
    # 16 seeds of the old newspaper: every one filled 92-97 % of its bounding box (a crumpled
    # rectangle), and 13 of 16 had no face steeper than 60 degrees (mean share 0.006)
    fills, steep = [], []
    for seed in range(16):
        m = build_mesh({"kind": "newspaper", "size": [0.38, 0.32, 0.0], "deform": DEFORM, "seed": seed})
        fills.append(_top_fill(m))
        steep.append(_steep_share(m))
    fills, steep = np.array(fills), np.array(steep)
    assert fills.mean() < 0.88 and (fills < 0.9).mean() >= 0.6, fills.round(3)  # corners off, bites, ragged sides
    assert fills.min() > 0.6  # (torn, not shredded)
    assert (steep > 0.005).mean() >= 0.6 and steep.mean() > 0.03, steep.round(3)  # curled, rolled, folded over


def test_a_torn_newspaper_keeps_its_print_on_the_page():
    # tearing drops faces and slides the new outline's vertices a little: the UVs stay those of the
    # page (no stretched print), every vertex is used and the layers of a folded paper stay apart
    m = newspaper(np.random.default_rng(4), (0.4, 0.34, 0.0), LIGHT, folds=1, pages=1)
    plain = newspaper(np.random.default_rng(4), (0.4, 0.34, 0.0), LIGHT, folds=1, pages=1, worn=False)
    assert len(m.faces) < len(plain.faces) and len(m.uv) == len(m.verts)
    assert np.unique(np.concatenate([np.asarray(f) for f in m.faces])).size == len(m.verts)
    assert m.uv.min() >= 0 and m.uv.max() <= 1
    def uv_areas(mesh) -> np.ndarray:
        a, b, c = (mesh.uv[np.asarray(mesh.faces)[:, k]] for k in range(3))
        return np.abs((b - a)[:, 0] * (c - a)[:, 1] - (b - a)[:, 1] * (c - a)[:, 0]) / 2

    assert np.all(uv_areas(m) > 0) and np.median(uv_areas(m)) == pytest.approx(np.median(uv_areas(plain)), rel=1e-6)
    layers = _heights(m.verts, m.faces, _inner_points(m.verts, 60))
    two = [h for h in layers if len(h) >= 2]
    assert len(two) > 0.5 * len(layers) and min(np.diff(h).min() for h in two) > 0.5 * LAYER_GAP


def test_magazines_have_a_corner_or_edge_curled_or_folded_over():
    # the old magazine kept 0.03 of its area steeper than 60 degrees (the page-stack edge) on average
    steep = [_steep_share(build_mesh({"kind": "magazine", "size": [0.25, 0.3, 0.0], "deform": DEFORM, "seed": s}))
             for s in range(16)]
    # (max 0.08 until round 12: the lift of every edge (_edge_curl), a dome paper cannot make, went, and its
    # steep rim with it; on these seeds the max fell from 0.08+ to 0.077, the mean to 0.042)
    assert np.mean(steep) > 0.04 and max(steep) > 0.07, np.round(steep, 3)


def _mirrored_share(m) -> float:
    """Share of the faces whose print is mapped on mirrored: UV area negative in the face's own winding
    (folds and turns are rotations, so a page mapped the right way round stays positive)."""
    uv = m.uv[_fan(m)]
    area = ((uv[:, 1, 0] - uv[:, 0, 0]) * (uv[:, 2, 1] - uv[:, 0, 1])
            - (uv[:, 1, 1] - uv[:, 0, 1]) * (uv[:, 2, 0] - uv[:, 0, 0]))
    return float((area < -1e-12).mean())


def test_no_page_shows_its_print_mirrored():
    # Round 15's judge read a newspaper headline backwards: pages under the top one had their UVs turned
    # by mirroring u or v alone (objects._lattice_page), 33-67 % of a 3-page newspaper's faces, and a
    # magazine's bottom page (seen where a corner curls over) mirrored the front, 20-32 % with its pages.
    for seed in range(6):
        news = newspaper(np.random.default_rng(seed), (0.4, 0.35, 0.0), DEFORM, pages=3)
        assert _mirrored_share(news) == 0.0, seed
        for pose in ("closed", "open", "fanned"):
            mag = magazine(np.random.default_rng(seed), (0.25, 0.3, 0.0), DEFORM, pose=pose)
            assert _mirrored_share(mag) == 0.0, (seed, pose)


def _bent_top_share(m, min_angle: float = 5.0) -> float:
    """Share of the edges between two upward-facing triangles (a page's top) that bend over ``min_angle`` degrees."""
    angle, n, pairs = _dihedrals(m)
    up = (n[pairs[:, 0], 2] > 0.5) & (n[pairs[:, 1], 2] > 0.5)
    return float((angle[up] > min_angle).mean())


def test_most_magazines_are_creased_through_the_print(monkeypatch):
    # Round 14's judge: prints were "sharp, evenly lit, perfect cards". Over 40 closed magazines, the share of
    # the top's edges bent over 5 degrees without and with objects.MAGAZINE_CREASES: 22 got creases, each
    # 0.6-29 points more of its top bent (median 11); the other 18 are the same mesh as before.
    from zerowaste.synth import objects

    def bent(seed: int) -> float:
        return _bent_top_share(magazine(np.random.default_rng(seed), (0.25, 0.3, 0.0), DEFORM, pose="closed"))

    creased = [bent(seed) for seed in range(40)]
    monkeypatch.setattr(objects, "MAGAZINE_CREASES", (0.0, *objects.MAGAZINE_CREASES[1:]))
    gain = np.array(creased) - np.array([bent(seed) for seed in range(40)])
    assert 14 <= (gain != 0).sum() <= 32, gain
    assert gain.min() >= 0 and gain[gain != 0].min() > 0.004 and np.median(gain[gain != 0]) > 0.08, np.round(gain, 3)


def _closed_volume(m) -> float:
    tri = np.array([t for f in m.faces for t in ([f] if len(f) == 3 else [f[:3], (f[0], f[2], f[3])])])
    p = m.verts[tri]
    return abs(float(np.einsum("ij,ij->i", p[:, 0], np.cross(p[:, 1], p[:, 2])).sum())) / 6


def test_crumpled_balls_come_in_a_family_of_shapes():
    # the old balls were all alike: over these 30 seeds the longest over the shortest extent had a
    # spread (sd) of 0.17, the longest over the middle one 0.06 (none elongated), their volume over
    # their hull's 0.03 (0.76-0.88: none loose)
    from scipy.spatial import ConvexHull

    aspect, long, fill, size = [], [], [], []
    for seed in range(30):
        crush = float(np.random.default_rng(seed).uniform(0, 0.8))
        m = build_mesh({"kind": "crumpled", "size": [0.14, 0.14, 0.09], "deform": {**DEFORM, "crush": crush}, "seed": seed})
        ext = np.sort(np.ptp(m.verts, axis=0))
        aspect.append(ext[2] / ext[0])
        long.append(ext[2] / ext[1])
        fill.append(_closed_volume(m) / ConvexHull(m.verts).volume)
        size.append(float(np.prod(ext)) ** (1 / 3))
    assert np.std(aspect) > 0.35 and np.std(long) > 0.2 and max(long) > 1.6  # some twisted long
    assert np.std(fill) > 0.04 and min(fill) < 0.7 and max(fill) > 0.78  # tight balls and loose, half-open wads
    assert np.std(size) / np.mean(size) > 0.08  # tight ones small, loose ones big
    assert max(aspect) < 4.5 and min(fill) > 0.45  # (still balls, not sticks or shells)


def _sheet_shapes(kind: str, size: tuple[float, float], seeds: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over ``seeds`` sheets of ``kind`` (crumple, facet size and crush drawn per seed): their footprint over the
    flat sheet, their height (m) and their footprint's elongation (PCA)."""
    foot, high, elong = [], [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        d = {**DEFORM, "crumple": float(rng.uniform(0.006, 0.03)), "frequency": float(rng.uniform(10, 28)),
             "crush": float(rng.uniform(0, 0.8))}
        m = build_mesh({"kind": kind, "size": [*size, 0.0], "deform": d, "seed": seed})
        xy = m.verts[:, :2] - m.verts[:, :2].mean(axis=0)
        ev = np.sqrt(np.linalg.eigvalsh(np.cov(xy.T)))
        elong.append(ev[1] / ev[0])
        foot.append(float(np.ptp(xy, axis=0).prod()) / (size[0] * size[1]))
        high.append(float(np.ptp(m.verts[:, 2])))
    return np.array(foot), np.array(high), np.array(elong)


def test_crumpled_sheets_come_in_a_family_of_shapes():
    # the old sheets: footprint elongation (PCA) sd 0.06 (1.15-1.40) and footprint over the flat
    # sheet sd 0.075 over these 30 seeds; now tight wads, sheets opened flat and long twists
    foot, _, elong = _sheet_shapes("crumpled_sheet", (0.32, 0.4), 30)
    assert np.std(elong) > 0.2 and max(elong) > 1.8, np.round(elong, 2)
    assert np.std(foot) > 0.1 and min(foot) < 0.2 and max(foot) > 0.45, np.round(foot, 2)
    assert 0.25 < np.mean(foot) < 0.4  # (on average as big as before: the frames keep their paper)


def test_office_sheets_lie_opened_out_low_and_keep_most_of_their_rectangle():
    """Round 18: an office sheet was a grid crumpled like a newspaper page, a flat white card with stair-stepped
    creases. Now it is a handled sheet (:func:`crumpled_sheet` ``flat``, :data:`SHEET_HANDLED`): facets and exact
    creases like a crumpled sheet's (above), but opened out -- over 20 seeds it covers median 0.63 of its flat
    size (0.47-0.75; crumpled sheets 0.24, 0.13-0.63), stands 3.8-7.2 cm high (crumpled 6.7-15.5 cm) and is
    never twisted long (its footprint's elongation 1.12-1.45 for a 0.22 x 0.28 m sheet; crumpled up to 2.7)."""
    foot, high, elong = _sheet_shapes("sheet", (0.22, 0.28), 20)
    c_foot, c_high, _ = _sheet_shapes("crumpled_sheet", (0.22, 0.28), 20)
    assert np.median(foot) > 0.5 and foot.min() > 0.4 and np.median(foot) > 2 * np.median(c_foot), np.round(foot, 2)
    assert high.max() < 0.09 and np.median(high) < 0.7 * np.median(c_high), np.round(high, 3)
    assert elong.max() < 1.7, np.round(elong, 2)


# --- round 10's judge: kraft bags "soft and puffy, like inflated cloth, without sharp fold lines" ---


def _sharp_edges(m, min_angle: float) -> tuple[np.ndarray, np.ndarray]:
    """The two ends (E, 3 each) of every mesh edge whose two faces meet at more than ``min_angle`` degrees."""
    f, v = np.asarray(m.faces), m.verts
    n = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-18
    faces_of: dict[tuple[int, int], list[int]] = {}
    for fi, (a, b, c) in enumerate(f.tolist()):
        for p, q in ((a, b), (b, c), (c, a)):
            faces_of.setdefault((min(p, q), max(p, q)), []).append(fi)
    pairs = np.array([(e[0], e[1], fs[0], fs[1]) for e, fs in faces_of.items() if len(fs) == 2])
    bend = np.degrees(np.arccos(np.clip((n[pairs[:, 2]] * n[pairs[:, 3]]).sum(axis=1), -1, 1)))
    sharp = pairs[bend > min_angle]
    return v[sharp[:, 0]], v[sharp[:, 1]]


def _longest_straight_crease(m, min_angle: float = 20.0) -> float:
    """Length (m, top view) of the longest straight line of edges bending more than ``min_angle``:
    sharp edges binned by their line's direction (6 degrees) and offset (6 mm), lengths summed."""
    p, q = (end[:, :2] for end in _sharp_edges(m, min_angle))
    length = np.linalg.norm(q - p, axis=1)
    theta = np.mod(np.arctan2(q[:, 1] - p[:, 1], q[:, 0] - p[:, 0]), np.pi)
    rho = ((p + q) / 2 * np.c_[-np.sin(theta), np.cos(theta)]).sum(axis=1)
    best = 0.0
    for shift in (0.0, 0.5):  # (two bin grids: a line on a bin border still counts whole in one)
        keys = np.c_[np.floor(theta / np.radians(6) + shift), np.floor(rho / 0.006 + shift)]
        _, inverse = np.unique(keys, axis=0, return_inverse=True)
        best = max(best, float(np.bincount(inverse.ravel(), weights=length).max()))
    return best


def test_kraft_bags_show_long_straight_fold_lines():
    # fold_lines: gussets, the bottom block, the top folded over and long crush creases, each one
    # straight sharp crease (mesh edges on the line). The longest straight crease over the footprint's
    # diagonal over 24 bags: median 0.29 before (random facets only), 0.45 now; above 0.4: 4 -> 17
    ratio = []
    for seed in range(24):
        rng = np.random.default_rng(seed)
        d = {
            **DEFORM,
            "crumple": float(rng.uniform(0.006, 0.03)),
            "frequency": float(rng.uniform(10, 28)),
            "crush": float(rng.uniform(0, 0.8)),
        }
        m = build_mesh({"kind": "paper_bag", "size": [0.26, 0.36, 0.0], "deform": d, "seed": seed})
        ratio.append(_longest_straight_crease(m) / float(np.hypot(*np.ptp(m.verts[:, :2], axis=0))))
    assert np.median(ratio) > 0.38, np.round(ratio, 2)
    assert np.mean(np.array(ratio) > 0.4) > 0.5, np.round(ratio, 2)


def test_fold_relief_is_a_sharp_straight_crease_levelling_off():
    from zerowaste.synth.objects import _points_on_lines, fold_lines, fold_relief

    rng = np.random.default_rng(0)
    lines = [(np.array([0.01, 0.0]), np.array([0.6, 0.8]), np.radians(60.0), 0.03)]
    on = _points_on_lines(lines, np.array([0.1, 0.15]), 0.01)
    assert len(on) > 20 and np.all(np.abs(on) <= [0.1, 0.15])
    off = on - lines[0][0]
    assert np.allclose(off[:, 0] * 0.8 - off[:, 1] * 0.6, 0.0, atol=1e-12)  # all on the line
    assert np.allclose(fold_relief(on, lines), 0.0, atol=1e-12)  # the crease itself stays put ...
    e = lines[0][1]
    across = on[len(on) // 2] + np.outer([-0.004, -0.002, 0.002, 0.004], [-e[1], e[0]])
    z = fold_relief(across, lines)
    v_of_60 = np.tan(np.radians(30)) * np.array([0.004, 0.002, 0.002, 0.004])
    assert np.allclose(z, v_of_60, rtol=0.02)  # ... a V of 60 degrees
    far = fold_relief(on[len(on) // 2] + np.outer([-0.2, 0.2], [-e[1], e[0]]), lines)
    assert np.allclose(far, 0.03, rtol=0.05)  # each side levels off at its rise
    for bag in (False, True):  # drawn lines: unit directions, bends of 25-80 degrees, rises of 1.2-3 cm
        for _ in range(20):
            for _, d, ang, rise in fold_lines(rng, 0.26, 0.36, bag):
                assert abs(np.linalg.norm(d) - 1) < 1e-9
                assert 25 <= abs(np.degrees(ang)) <= 80 and 0.012 <= rise <= 0.03


def test_a_finite_crease_is_a_sharp_v_along_its_length_and_nothing_beyond_its_ends():
    from zerowaste.synth.objects import _points_on_lines, crumple_creases, fold_relief

    crease = (np.array([0.0, 0.0]), np.array([1.0, 0.0]), np.radians(-70.0), 0.015, 0.05)  # a ridge, 10 cm long
    on = _points_on_lines([crease], np.array([0.2, 0.2]), 0.01)
    assert np.isclose(on[:, 0].min(), -0.05) and np.isclose(on[:, 0].max(), 0.05) and np.allclose(on[:, 1], 0)
    assert np.allclose(fold_relief(on, [crease]), 0.015)  # the ridge line stands at its full rise ...
    side = fold_relief(np.array([[0.0, -0.004], [0.0, 0.004]]), [crease])
    assert np.allclose(side, 0.015 - np.tan(np.radians(35)) * 0.004, rtol=0.02)  # ... its sides fall at 35 degrees
    beyond = fold_relief(np.array([[0.1, 0.0], [-0.2, 0.05], [0.0, 0.1]]), [crease])
    assert np.allclose(beyond, 0.0, atol=1e-4)  # the crease dies out past its ends, not across the whole sheet
    for seed in range(20):  # more creases on bigger and more crumpled sheets, every one inside the sheet
        rng = np.random.default_rng(seed)
        small, big = crumple_creases(rng, 0.15, 0.2, 0.01), crumple_creases(rng, 0.3, 0.4, 0.03)
        for p, e, ang, rise, reach in big:
            assert np.all(np.abs(p) <= [0.135, 0.18]) and abs(np.linalg.norm(e) - 1) < 1e-9
            assert 40 <= abs(np.degrees(ang)) <= 110 and 0.008 <= rise <= 0.025 and 0.06 <= reach <= 0.2
        assert len(big) > len(small)


def _sharp_crease_length(m, min_angle: float = 25.0) -> float:
    """Length (m) of the mesh's edges bending more than ``min_angle`` degrees."""
    p, q = _sharp_edges(m, min_angle)
    return float(np.linalg.norm(q - p, axis=1).sum())


def test_crumpled_sheets_are_crossed_by_many_sharp_creases():
    # round 13's judges: "smooth clay lumps", "polygon facets". Sharp creases (> 25 degrees) per m^2 of
    # footprint over these 24 sheets: median 171 (min 61) from the grid's random heights alone, 240 (min 90)
    # with crumple_creases
    per_area = []
    for seed in range(24):
        rng = np.random.default_rng(seed)
        d = {**DEFORM, "crumple": float(rng.uniform(0.006, 0.03)), "frequency": float(rng.uniform(10, 28)),
             "crush": float(rng.uniform(0, 0.8))}
        m = build_mesh({"kind": "crumpled_sheet", "size": [0.3, 0.4, 0.0], "deform": d, "seed": seed})
        per_area.append(_sharp_crease_length(m) / float(np.ptp(m.verts[:, 0]) * np.ptp(m.verts[:, 1])))
    assert np.median(per_area) > 210 and min(per_area) > 75, np.round(per_area)


def test_open_magazines_rise_from_the_spine():
    # round 10's judge: "magazines are rectangular blocks". An open spread's halves rise from the
    # spine at 4-18 degrees each: the outer edges over the spine (middle band), 16 spreads: median
    # 2.3 cm and min 0.0 cm before (the spine only sunk by the block's thickness), 3.7 and 2.0 cm now
    rise = []
    for seed in range(16):
        m = magazine(np.random.default_rng(seed), (0.25, 0.3, 0.0), DEFORM, pose="open")
        x, y, z = m.verts.T
        u = (x - x.min()) / np.ptp(x)
        band = np.abs(y - np.median(y)) < 0.05
        outer = np.median(z[band & ((u < 0.08) | (u > 0.92))])
        rise.append(outer - np.median(z[band & (np.abs(u - 0.5) < 0.04)]))
    assert np.median(rise) > 0.03 and min(rise) > 0.012, np.round(rise, 3)


def _bent_edges(m, degrees: float) -> np.ndarray:
    """(E, 2) vertex ids of the interior edges whose two faces meet at more than ``degrees`` (folded-over counts)."""
    edges, cos = edge_cosines(m.verts, m.faces)
    return edges[cos < np.cos(np.radians(degrees))]


def test_newspapers_shade_smooth_over_their_lattice():
    """Round 29: a newspaper page is a 1 cm lattice crumpled by creases running at every slant. Its edges bent
    more than 28 degrees were marked sharp, and since they can only run along the lattice (0, 45, 90, 135
    degrees), a slanted crease shaded as a jagged staircase of grey cells (a blind judge: "blocky stair-step
    patches"). The creases stay in the mesh; the page shades smooth over them."""
    for seed in range(4):
        m = build_mesh({"kind": "newspaper", "size": [0.38, 0.32, 0.0], "deform": DEFORM, "seed": seed})
        assert m.sharp == 0.0
        bent = _bent_edges(m, 28.0)
        assert len(bent) > 20, seed  # creased and folded: the relief is there
        d = (m.uv[bent[:, 1]] - m.uv[bent[:, 0]]) * np.array([2 * 0.38, 0.32])  # on the flat double page (m)
        angle = np.degrees(np.arctan2(d[:, 1], d[:, 0])) % 45.0
        on_lattice = np.minimum(angle, 45.0 - angle) < 1.0
        assert on_lattice.all(), seed  # any sharp-angle threshold could only draw a slanted crease as steps
