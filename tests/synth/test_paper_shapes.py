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
    # The extent over the double page, folded at its spine, over 12 newspapers (a torn corner or curl takes a
    # single one to 0.34 of its width or 0.67 of its height). 200 seeds: width median 0.50 (10th pct 0.45),
    # height median 0.98 (10th pct 0.91); the medians of 12 seeds, over 16 disjoint sets: 0.48-0.51, 0.96-0.99.
    size = (0.4, 0.34, 0.0)
    ratios = []
    for seed in range(12):
        m = newspaper(np.random.default_rng(seed), size, LIGHT, folds=1, pages=1)
        assert all(len(f) == 3 for f in m.faces)
        ratios.append(np.ptp(m.verts[:, :2], axis=0) / np.array([2 * size[0], size[1]]))
    width, height = np.median(ratios, axis=0)
    assert 0.45 < width < 0.55 and height > 0.9, np.round(ratios, 2)
    m = newspaper(np.random.default_rng(5), size, LIGHT, folds=1, pages=1)
    layers = _heights(m.verts, m.faces, _inner_points(m.verts))
    two = [h for h in layers if len(h) >= 2]
    assert len(two) > 0.6 * len(layers)  # two surfaces over most of it (the fold is a little off-centre; 40 seeds: all)
    gaps = np.array([h[-1] - h[0] for h in two])
    assert np.all(gaps > 0.5 * LAYER_GAP)  # never touching, never crossed (40 seeds: at least one gap)


def test_two_folds_and_stacked_pages_give_more_layers():
    # Round 45: the layers of a twice-folded paper came closer than half a LAYER_GAP on 25 of 200 seeds (to 0
    # on some; 2 of these 8): a torn outline slid the edges of the pages lying inside it over the layer under
    # them, and a fold left open got the relief of what it stood over. Now crumpled and torn folded flat, then
    # opened (newspaper): on none of 200 papers (60 points each), the least gap 0.88 of it, the 5th percentile
    # 1.0; every one 8 layers at the median.
    for seed in range(24, 32):
        m = newspaper(np.random.default_rng(seed), (0.44, 0.36, 0.0), LIGHT, folds=2, pages=2)
        layers = _heights(m.verts, m.faces, _inner_points(m.verts, 60))
        assert np.median([len(h) for h in layers]) >= 6, seed  # 2 pages x 2 x 2 folds: up to 8 layers
        gaps = [np.diff(h).min() for h in layers if len(h) > 1]
        assert min(gaps) > 0.5 * LAYER_GAP, (seed, min(gaps) / LAYER_GAP)


def test_folded_newspaper_drapes_on_a_pile_without_its_layers_crossing():
    # Round 45: over 200 newspapers the layers came closer than half a LAYER_GAP on 17 (4 of these 8), from the
    # crease flaps pressing the layers' gaps flat with the relief and a torn outline sliding stacked pages'
    # edges (see the test above); now on none, the least gap 0.99 of it. Stacked over 0.92-1.0 of the inner
    # points (200 seeds, 80 points each).
    rng = np.random.default_rng(0)
    bumps = np.concatenate([rng.uniform(-0.2, 0.2, (400, 2)), rng.uniform(0.0, 0.04, (400, 1))], axis=1)
    for seed in range(69, 77):
        m = newspaper(np.random.default_rng(seed), (0.4, 0.34, 0.0), DEFORM, folds=1, pages=2)
        hf = HeightField((-0.5, 0.5, -0.5, 0.5), cell=0.01)
        hf.splat(bumps, radius=1)  # a bumpy pile under it
        placed = settle(m, [0.0, 0.0], 0.4, hf, drape=True)
        layers = _heights(placed, m.faces, _inner_points(placed, 50, seed=1))
        stacked = [h for h in layers if len(h) >= 2]
        assert len(stacked) > 0.8 * len(layers), seed
        gap = min(np.diff(h).min() for h in stacked)
        assert gap > 0.5 * LAYER_GAP, (seed, gap / LAYER_GAP)


@pytest.mark.parametrize("pose", ["closed", "open", "fanned"])
def test_a_magazine_is_a_page_block_with_a_stack_edge(pose):
    # Over 8 magazines. At a curl or a crease a few sampled points of one block in 25-40 read thinner or thicker
    # than MAGAZINE_THICKNESS (an open one, squeezed to 0.6 of it, down to 0.49 of its least; a closed one up to
    # 2.1 of its most): over 120 seeds of each pose at most 10 % of a block's points, 0.1 % of all of them.
    # Faces standing on edge: 59-381 per block over 200 seeds (medians 119-132).
    # Round 45: one open block in 200 pinched to nothing (seed 166: its two faces on one point), where a curl
    # squeezed each point of a part standing higher than its radius to a fifth of it; now a column of points
    # is squeezed as one (objects.roll_up): over 200 seeds of each pose the least thickness is 0.49 (open),
    # 0.91 (closed), 0.91 (fanned) of the least MAGAZINE_THICKNESS.
    lo, hi = MAGAZINE_THICKNESS
    within, edge = [], []
    for seed in range(160, 168):
        m = magazine(np.random.default_rng(seed), (0.24, 0.3, 0.0), DEFORM, pose=pose)
        layers = _heights(m.verts, [f for q in m.faces for f in ([q] if len(q) == 3 else [q[:3], (q[0], q[2], q[3])])],
                          _inner_points(m.verts, 60))
        thick = np.array([h[1] - h[0] for h in layers if len(h) >= 2])  # the block's top over its bottom
        assert len(thick) > 0.9 * len(layers), seed  # (200 seeds: all)
        assert thick.min() > 0.45 * lo, (seed, thick.min() / lo)  # never pinched
        within.append(((thick > 0.55 * lo) & (thick < 1.01 * hi)).mean())
        n = np.cross(m.verts[[f[1] for f in m.faces]] - m.verts[[f[0] for f in m.faces]],
                     m.verts[[f[2] for f in m.faces]] - m.verts[[f[0] for f in m.faces]])
        n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-18
        edge.append((np.abs(n[:, 2]) < 0.3).sum())
        if pose == "fanned":
            assert max(len(h) for h in layers) >= 3, seed  # a loose page over the block (200 seeds: 3-10)
    assert min(within) > 0.8 and np.mean(within) > 0.97, np.round(within, 2)  # a page block all over
    assert min(edge) > 30 and np.median(edge) > 60, edge  # the page-stack edge: faces standing on edge all round


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
    # Round 45: on 50 of 200 papers (2 of these 4) no two layers lay over the same lattice point at all: the fold
    # was left a little open and its flap stood over other points than the layer under it. Now the flap rises
    # straight up over its own points (newspaper): over 200 papers every one has stacked points, all in order.
    xs = np.linspace(-0.1, 0.1, 21)
    sheet = np.array([[x, y, 0.02] for x in xs for y in xs])  # a sheet pressing it down to 2 cm
    for seed in range(2, 6):  # (4 papers: a press takes 0.3 s)
        m = newspaper(np.random.default_rng(seed), (0.3, 0.25, 0.0), LIGHT, folds=1, pages=1)
        hf = HeightField((-0.4, 0.4, -0.4, 0.4), cell=0.01)
        placed = settle(m, [0.0, 0.0], 0.0, hf, drape=True)
        placed[:, 2] += 0.03  # lying on something 3 cm high
        press_under(sheet, [placed], hf)
        assert placed[:, 2].max() < 0.02 + RAMP_SLOPE * 0.01 * 9, seed  # held down under the sheet and its ramp
        _, inverse = np.unique(np.round(m.verts[:, :2], 6), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        order = np.lexsort((m.verts[:, 2], inverse))  # the layers of each lattice point, bottom to top
        same = inverse[order][1:] == inverse[order][:-1]
        dz = np.diff(placed[order, 2])[same]
        assert same.sum() > 100 and np.all(dz > 0), (seed, int(same.sum()))  # squeezed, never merged or swapped


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
    # The bend figures vary a lot from sheet to sheet (one office sheet's median bend: 12-29 degrees), so they are
    # checked as medians over 10 sheets. Measured over 200 seeds (median of per-sheet medians; over 20 disjoint
    # sets of 10 seeds, the lowest set): crumpled sheets 29.9 deg (27.5), bags 27.4 (25.1), balls 35.4 (31.9),
    # office sheets 19.9 (17.9); bends over 25 degrees: 0.56 (0.53), 0.53 (0.49), 0.64 (0.60), 0.41 (0.35).
    # Office sheets are handled, opened out (SHEET_HANDLED): their creases are flatter, their floor lower.
    floor, sharp_share = (15.0, 0.3) if kind == "sheet" else (20.0, 0.4)
    monkeypatch.setattr(objects, "PAPER_BOW", (0.0, objects.PAPER_BOW[1]))
    median_bend, share_sharp = [], []
    for seed in range(10):
        m = build_mesh({"kind": kind, "size": list(size), "deform": DEFORM, "seed": seed})
        angle, _, _ = _dihedrals(m)
        bends = angle[angle > 1.0]
        assert (angle < 1.0).mean() > 0.5, seed  # most edges lie inside a flat facet (grid relief: 5-20 %; 200 seeds: 0.67-0.79)
        median_bend.append(np.median(bends))
        share_sharp.append((bends > 25.0).mean())
        assert 5.0 < m.sharp < 20.0  # the creases render crisp, the flat facets flat
        domain, crease = m.attrs["crease"]
        assert domain == "POINT" and len(crease) == len(m.verts) and crease.min() >= 0 and crease.max() <= 1
        assert (crease > 0).mean() > 0.05 and (crease == 0).mean() > 0.3  # lines along the creases only
        assert crease.mean() < 0.35  # (not a wash over the paper)
    assert np.median(median_bend) > floor, np.round(median_bend, 1)  # the creases are sharp (grid relief: 6-15 deg)
    assert np.median(share_sharp) > sharp_share, np.round(share_sharp, 2)


@pytest.mark.parametrize(("kind", "size"), [("crumpled_sheet", (0.3, 0.4, 0.0)), ("paper_bag", (0.3, 0.35, 0.0)),
                                            ("sheet", (0.22, 0.28, 0.0))])
def test_crumpled_facets_bow_gently_between_the_creases_they_keep(kind, size, monkeypatch):
    """Round 25: perfectly flat facets 2-5 cm across read as "low-poly", "origami". A smooth undulation
    (:data:`objects.PAPER_BOW`) lifts every point of a crumpled sheet by at most its rise: the facets'
    insides, flat before (bends under 1 degree), now bend 3-5 degrees at the median, most of them under the
    sharp angle (smooth-shaded gradients, not new creases), while the creases (over 25 degrees) keep their
    bend (medians 39-69 degrees, moved at most 3.4).

    The bend figures are medians over 10 sheets. Measured over 200 seeds of each kind (median; over 20 disjoint
    sets of 10 seeds, the range of the set's median): the facets' median bend 3.9-4.2 degrees (3.2-5.6), the
    share of them under the sharp angle 0.79-0.87 (0.69-0.92), the creases' median moved 0.8-0.9 degrees (at
    most 2.0) to 42.9-56.7 (at least 41.3). One sheet alone: 1.8-8.2 degrees, shares 0.57-0.99."""
    rise = objects.PAPER_BOW[0] * (objects.SHEET_HANDLED[3] if kind == "sheet" else 1.0)
    assert rise > 0.001
    inside_bend, smooth, moved, crease_bend = [], [], [], []
    for seed in range(10):
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
        inside_bend.append(np.median(after[inside]))
        smooth.append((after[inside] < bowed.sharp).mean())
        moved.append(abs(np.median(after[crease]) - np.median(before[crease])))
        crease_bend.append(np.median(after[crease]))
    assert 2.5 < np.median(inside_bend) < 7.0, np.round(inside_bend, 1)  # the facets bow ...
    assert np.median(smooth) > 0.6, np.round(smooth, 2)  # ... mostly smooth-shaded
    assert np.median(moved) < 3.5 and np.median(crease_bend) > 35.0, (np.round(moved, 1), np.round(crease_bend))


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
    # rectangle), and 13 of 16 had no face steeper than 60 degrees (mean share 0.006). Now, over 160 seeds:
    # fills 0.72-0.95 (mean 0.86, 84 % under 0.9), steep share mean 0.081 (82 % over 0.005); over 10 sets of
    # 16 seeds the fill's mean 0.84-0.88, its share under 0.9 0.62-1.0, the steep mean 0.040-0.136 and share
    # over 0.005 0.69-0.94 (with the old thresholds, 0.88, 0.6, 0.03 and 0.6, one set in 20 failed)
    fills, steep = [], []
    for seed in range(16):
        m = build_mesh({"kind": "newspaper", "size": [0.38, 0.32, 0.0], "deform": DEFORM, "seed": seed})
        fills.append(_top_fill(m))
        steep.append(_steep_share(m))
    fills, steep = np.array(fills), np.array(steep)
    assert fills.mean() < 0.89 and (fills < 0.9).mean() >= 0.5, fills.round(3)  # corners off, bites, ragged sides
    assert fills.min() > 0.6  # (torn, not shredded)
    assert (steep > 0.005).mean() >= 0.5 and steep.mean() > 0.02, steep.round(3)  # curled, rolled, folded over


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
    # Round 45: the layers came closer than half a LAYER_GAP on 9 of 200 papers (2 of these 8; to 0.07 of it):
    # a flap turned back over at a crease pressed their gap to 0.3 of it and its hinge cleared only the
    # higher of flap and page. Now on none (60 points each; the least gap 0.66 of it).
    for seed in (4, *range(109, 116)):
        m = newspaper(np.random.default_rng(seed), (0.4, 0.34, 0.0), LIGHT, folds=1, pages=1)
        layers = _heights(m.verts, m.faces, _inner_points(m.verts, 40))
        two = [h for h in layers if len(h) >= 2]
        assert len(two) > 0.5 * len(layers), seed
        gap = min(np.diff(h).min() for h in two)
        assert gap > 0.5 * LAYER_GAP, (seed, gap / LAYER_GAP)


def test_magazines_have_a_corner_or_edge_curled_or_folded_over():
    # the old magazine kept 0.03 of its area steeper than 60 degrees (the page-stack edge) on average
    steep = [_steep_share(build_mesh({"kind": "magazine", "size": [0.25, 0.3, 0.0], "deform": DEFORM, "seed": s}))
             for s in range(48)]
    # (max 0.08 until round 12: the lift of every edge (_edge_curl), a dome paper cannot make, went, and its
    # steep rim with it; on 16 seeds the max fell from 0.08+ to 0.077, the mean to 0.042.) Over 160 seeds:
    # 0.011-0.14, mean 0.045, 15 % over 0.07; the mean of 16 seeds ranged 0.036-0.056 (under 0.04 one set in
    # five), of 48 (3 sets) 0.040-0.047.
    assert np.mean(steep) > 0.035 and max(steep) > 0.07, np.round(steep, 3)


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
    # 0.6-29 points more of its top bent (median 11); the other 18 are the same mesh as before. Over 160
    # seeds: 99 creased, gaining 0.6-32 points (median 13); over 4 sets of 40, 22-28 creased, medians 10-17.
    from zerowaste.synth import objects

    def bent(seed: int) -> float:
        return _bent_top_share(magazine(np.random.default_rng(seed), (0.25, 0.3, 0.0), DEFORM, pose="closed"))

    creased = [bent(seed) for seed in range(40)]
    monkeypatch.setattr(objects, "MAGAZINE_CREASES", (0.0, *objects.MAGAZINE_CREASES[1:]))
    gain = np.array(creased) - np.array([bent(seed) for seed in range(40)])
    assert 14 <= (gain != 0).sum() <= 32, gain
    assert gain.min() >= 0 and gain[gain != 0].min() > 0.004 and np.median(gain[gain != 0]) > 0.07, np.round(gain, 3)


def _closed_volume(m) -> float:
    tri = np.array([t for f in m.faces for t in ([f] if len(f) == 3 else [f[:3], (f[0], f[2], f[3])])])
    p = m.verts[tri]
    return abs(float(np.einsum("ij,ij->i", p[:, 0], np.cross(p[:, 1], p[:, 2])).sum())) / 6


def test_crumpled_balls_come_in_a_family_of_shapes():
    # the old balls were all alike: over 30 seeds the longest over the shortest extent had a
    # spread (sd) of 0.17, the longest over the middle one 0.06 (none elongated), their volume over
    # their hull's 0.03 (0.76-0.88: none loose). Now, over 160 seeds: sd 0.59, 0.41 and 0.049 (fill 0.57-0.82,
    # 8 % over 0.78); the fill's sd over 30 seeds ranged 0.036-0.056 between sets and a set of 30 held no ball
    # over 0.78 one time in thirteen, so: 80 balls (2 sets: sd 0.045 and 0.052, the fullest 0.81 and 0.82)
    from scipy.spatial import ConvexHull

    aspect, long, fill, size = [], [], [], []
    for seed in range(80):
        crush = float(np.random.default_rng(seed).uniform(0, 0.8))
        m = build_mesh({"kind": "crumpled", "size": [0.14, 0.14, 0.09], "deform": {**DEFORM, "crush": crush}, "seed": seed})
        ext = np.sort(np.ptp(m.verts, axis=0))
        aspect.append(ext[2] / ext[0])
        long.append(ext[2] / ext[1])
        fill.append(_closed_volume(m) / ConvexHull(m.verts).volume)
        size.append(float(np.prod(ext)) ** (1 / 3))
    assert np.std(aspect) > 0.35 and np.std(long) > 0.2 and max(long) > 1.6  # some twisted long
    assert np.std(fill) > 0.038 and min(fill) < 0.7 and max(fill) > 0.78  # tight balls and loose, half-open wads
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
    # sheet sd 0.075 over 30 seeds; now tight wads, sheets opened flat and long twists. Over 160 seeds:
    # elongation sd 0.48 (1.06-3.36), footprint sd 0.124 (0.08-0.60, mean 0.31); the footprint's sd over 30
    # seeds fell under 0.1 one set in 20, so: 40 sheets (4 sets: sd 0.113-0.130, 0.28-0.56, means 0.28-0.33)
    foot, _, elong = _sheet_shapes("crumpled_sheet", (0.32, 0.4), 40)
    assert np.std(elong) > 0.2 and max(elong) > 1.8, np.round(elong, 2)
    assert np.std(foot) > 0.09 and min(foot) < 0.2 and max(foot) > 0.45, np.round(foot, 2)
    assert 0.25 < np.mean(foot) < 0.4  # (on average as big as before: the frames keep their paper)


def test_office_sheets_lie_opened_out_low_and_keep_most_of_their_rectangle():
    """Round 18: an office sheet was a grid crumpled like a newspaper page, a flat white card with stair-stepped
    creases. Now it is a handled sheet (:func:`crumpled_sheet` ``flat``, :data:`SHEET_HANDLED`): facets and exact
    creases like a crumpled sheet's (above), but opened out -- over 20 seeds it covers median 0.63 of its flat
    size (0.47-0.75; crumpled sheets 0.24, 0.13-0.63), stands 3.8-7.2 cm high (crumpled 6.7-15.5 cm) and is
    never twisted long (its footprint's elongation 1.12-1.45 for a 0.22 x 0.28 m sheet; crumpled up to 2.7).

    Over 160 seeds: footprint 0.47-0.77 (10th percentile 0.55, median 0.64), each over the crumpled sheet of its
    seed (the same crumple and crush) by 0.05-0.60 (median 0.34; over 8 sets of 20 seeds, medians 0.25 at the
    least); height 2.6-8.9 cm (90th percentile 6.9 cm; crumpled: median 10.3); elongation 1.08-1.57. The
    crumpled sheets' footprints spread widely (0.08-0.63), so a ratio of the two medians (2.2 here) swung to 1.5
    on a set of 20 seeds: the comparison is per seed."""
    foot, high, elong = _sheet_shapes("sheet", (0.22, 0.28), 20)
    c_foot, c_high, _ = _sheet_shapes("crumpled_sheet", (0.22, 0.28), 20)
    assert np.median(foot) > 0.5 and np.percentile(foot, 10) > 0.45, np.round(foot, 2)
    assert np.median(foot - c_foot) > 0.2, np.round(foot - c_foot, 2)
    assert np.percentile(high, 90) < 0.08 and np.median(high) < 0.7 * np.median(c_high), np.round(high, 3)
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
    # diagonal over 24 bags: median 0.29 before (random facets only), 0.45 now; above 0.4: 4 -> 17. Over 160
    # bags: 0.24-1.5, median 0.46, 65 % above 0.4; over 6 sets of 24 the median 0.42-0.49 and the share above
    # 0.4 0.58-0.79 (a share over a half and a median over 0.38 failed one set in ten)
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
    assert np.median(ratio) > 0.37, np.round(ratio, 2)
    assert np.mean(np.array(ratio) > 0.4) > 0.4, np.round(ratio, 2)


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


def test_crumpled_sheets_are_crossed_by_many_sharp_creases(monkeypatch):
    # round 13's judges: "smooth clay lumps", "polygon facets". Sharp creases (> 25 degrees) per m^2 of
    # footprint over 24 sheets: median 171 (min 61) from the grid's random heights alone, 240 (min 90)
    # with crumple_creases. Sheets differ far more than that (80 seeds: 97-819, median 247), so the median of
    # 24 fell under 210 on one random set of seeds in six; each sheet is compared with itself without
    # crumple_creases (drawn from a stream of their own: the rest of the sheet stays): over 80 seeds every
    # one gains, by 1.06-3.2 times (median 1.27; the medians of 12 seeds, over 6 sets: 1.21-1.32; of the sheets
    # themselves 191-320).
    def per_area(seed: int) -> float:
        rng = np.random.default_rng(seed)
        d = {**DEFORM, "crumple": float(rng.uniform(0.006, 0.03)), "frequency": float(rng.uniform(10, 28)),
             "crush": float(rng.uniform(0, 0.8))}
        m = build_mesh({"kind": "crumpled_sheet", "size": [0.3, 0.4, 0.0], "deform": d, "seed": seed})
        return _sharp_crease_length(m) / float(np.ptp(m.verts[:, 0]) * np.ptp(m.verts[:, 1]))

    creased = np.array([per_area(seed) for seed in range(12)])
    monkeypatch.setattr(objects, "crumple_creases", lambda *args: [])
    gain = creased / np.array([per_area(seed) for seed in range(12)])
    assert np.all(gain > 1.0) and np.median(gain) > 1.15, np.round(gain, 2)
    assert np.median(creased) > 150 and min(creased) > 75, np.round(creased)


def test_open_magazines_rise_from_the_spine():
    # round 10's judge: "magazines are rectangular blocks". An open spread's halves rise from the
    # spine at 4-18 degrees each: the outer edges over the spine (middle band), 16 spreads: median
    # 2.3 cm and min 0.0 cm before (the spine only sunk by the block's thickness), 3.7 and 2.0 cm then.
    # Now, over 160 spreads: median 3.3 cm, 10th percentile 1.8 cm, 4 under 1 cm (one sunk 1 mm); the
    # median of 16 ranged 2.8-3.9 cm between sets of seeds, and a set of 16 held one under 1.2 cm four times
    # in ten, so: 48 spreads (over 3 sets: medians 3.2-3.4 cm, 96-100 % over 1 cm)
    # Round 45: those under 1 cm (6 of 200; 2 of these 48) were spreads bowed down across the spine (a negative
    # bow), which took back their halves' rise; an open spread now bows up. Over 200 spreads: median 3.7 cm,
    # 10th percentile 2.3 cm, 1 under 1 cm (0.86 cm, its halves at their least tilt); the medians of 12: 3.1-4.3 cm.
    rise = []
    for seed in range(96, 144):
        m = magazine(np.random.default_rng(seed), (0.25, 0.3, 0.0), DEFORM, pose="open")
        x, y, z = m.verts.T
        u = (x - x.min()) / np.ptp(x)
        band = np.abs(y - np.median(y)) < 0.05
        outer = np.median(z[band & ((u < 0.08) | (u > 0.92))])
        rise.append(outer - np.median(z[band & (np.abs(u - 0.5) < 0.04)]))
    rise = np.array(rise)
    assert np.median(rise) > 0.027 and (rise > 0.01).sum() >= 47, np.round(rise, 3)


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
