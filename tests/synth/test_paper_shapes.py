"""Newspapers and magazines as they land on a sorting belt: folded layers, stacked pages, page blocks."""

from __future__ import annotations

import numpy as np
import pytest

from zerowaste.synth.objects import (
    LAYER_GAP,
    MAGAZINE_THICKNESS,
    RAMP_SLOPE,
    HeightField,
    build_mesh,
    magazine,
    newspaper,
    press_under,
    settle,
)

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
