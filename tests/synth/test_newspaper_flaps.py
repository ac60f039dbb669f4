"""Paper bends like paper (round 12): newspapers lift and turn over in flat flaps at straight creases,
magazines bow along one axis only; no rubbery domes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zerowaste.synth.objects import (
    FLAP_HINGE,
    crease_flap,
    crease_flaps,
    grid,
    magazine,
)

DEFORM = {"crumple": 0.015, "frequency": 18.0, "folds": 1, "bend": 0.5, "crush": 0.3, "dents": 2}


def _flat_sheet(w: float = 0.4, h: float = 0.3, cell: float = 0.01):
    m = grid(w, h, round(w / cell), round(h / cell))
    tris = np.array([t for f in m.faces for t in ((f[0], f[1], f[2]), (f[0], f[2], f[3]))])
    return m.verts.copy(), tris


def _edge_lengths(v: np.ndarray, tris: np.ndarray) -> np.ndarray:
    e = np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]])
    return np.linalg.norm(v[e[:, 0]] - v[e[:, 1]], axis=1)


def _unit_normals(v: np.ndarray, tris: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = np.cross(v[tris[:, 1]] - v[tris[:, 0]], v[tris[:, 2]] - v[tris[:, 0]])
    area = np.linalg.norm(n, axis=1)
    return n / np.maximum(area, 1e-18)[:, None], area


@pytest.mark.parametrize("angle_deg", [20.0, 55.0, 90.0, 175.0])
def test_a_crease_flap_neither_stretches_nor_tears_and_stays_flat(angle_deg):
    v, tris = _flat_sheet()
    normal = np.array([math.cos(0.7), math.sin(0.7)])
    point = np.array([0.08, 0.05])
    out = crease_flap(v, point, normal, math.radians(angle_deg), 0.003, 0.0)
    d = (v[:, :2] - point) @ normal
    # isometric: every edge keeps its length (a paper sheet does not stretch), and nothing moves this
    # side; (an edge across the hinge, a few mm round, is a chord of the bend: shorter, never longer)
    e = np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]])
    same_side = (d[e] <= 0).all(axis=1) | (d[e] > 0.003 * math.radians(angle_deg)).all(axis=1)
    new, old = _edge_lengths(out, tris), _edge_lengths(v, tris)
    assert np.allclose(new[same_side], old[same_side], rtol=1e-6) and np.all(new <= old + 1e-9)
    assert np.array_equal(out[d <= 0], v[d <= 0])
    # the flap beyond the hinge is one plane, turned by the angle: a straight crease, no roll
    n, _ = _unit_normals(out, tris)
    flap = (d[tris] > 0.003 * math.radians(angle_deg) + 0.015).all(axis=1)
    tilt = np.degrees(np.arccos(np.clip(np.abs(n[flap, 2]), 0, 1)))
    assert np.ptp(tilt) < 0.5 and abs(tilt.mean() - min(angle_deg, 180 - angle_deg)) < 0.5


def test_crease_flaps_leave_flat_panels_meeting_at_straight_creases():
    # a flat page after its flaps: (nearly) every face lies in the page's plane or in one of a few
    # flap planes (a flap over a flap makes one more); only the hinge strips (a cell wide) bend. Rolled curls (round 11) were
    # cylinders: a spread of tilts over their whole width.
    heights = []
    for seed in range(24):
        v, tris = _flat_sheet()
        out = crease_flaps(np.random.default_rng(seed), v, 0.01)
        n, area = _unit_normals(out, tris)
        planes: list[np.ndarray] = []
        covered = np.zeros(len(n), bool)
        for _ in range(5):  # the five largest planes (by area)
            rest = np.flatnonzero(~covered)
            if len(rest) == 0:
                break
            key = np.round(n[rest] * 50).astype(int)
            codes, inv = np.unique(key, axis=0, return_inverse=True)
            best = np.bincount(inv.ravel(), weights=area[rest]).argmax()
            ref = n[rest[inv.ravel() == best]].mean(axis=0)
            ref /= np.linalg.norm(ref)
            covered |= (n @ ref) > math.cos(math.radians(1.0))
            planes.append(ref)
        assert area[covered].sum() > 0.88 * area.sum(), (seed, area[covered].sum() / area.sum())
        heights.append(float(np.ptp(out[:, 2])))
    # most pages have a flap standing or turned over (NEWS_FLAPS: 90 %), some standing 2 cm and more
    heights = np.array(heights)
    assert (heights > 0.0025).sum() >= 18 and (heights > 0.02).sum() >= 5, heights.round(3)


def test_folded_back_flaps_lie_over_the_page_not_through_it():
    for seed in range(40):
        v, tris = _flat_sheet()
        v[:, 2] = 0.004 * np.sin(v[:, 0] * 40) * np.cos(v[:, 1] * 30) + 0.004  # some relief under the flap
        out = crease_flaps(np.random.default_rng(seed), v, 0.01)
        assert out[:, 2].min() >= v[:, 2].min() - 1e-9
        # (no tear, no spike: the crease presses the relief flat along it, flaps never turn a turned flap)
        assert np.all(_edge_lengths(out, tris) <= 1.1 * _edge_lengths(v, tris))
    assert FLAP_HINGE[0] > 0.001  # a hinge, not a kink


def test_magazines_bow_along_one_axis_not_into_a_dome(monkeypatch):
    # a bent page block is a cylinder: fitted over the middle of its top page, z = a x^2 + b y^2 + c xy
    # has one principal curvature far below the other (before round 12: bow along x plus roll along y,
    # a dome: over these 16 seeds the smaller over the larger curvature had a median of 0.21, 7 above 0.3;
    # now 0.03 and 2: a curl from a corner can reach the middle). The bow alone: round 15's straight creases
    # (objects.MAGAZINE_CREASES, tested in test_paper_shapes) are V's that no quadratic fits.
    from zerowaste.synth import objects

    monkeypatch.setattr(objects, "MAGAZINE_CREASES", (0.0, *objects.MAGAZINE_CREASES[1:]))
    ratios = []
    for seed in range(16):
        m = magazine(np.random.default_rng(seed), (0.25, 0.3, 0.0), DEFORM, pose="closed")
        x, y, z = m.verts.T
        x, y = x - np.median(x), y - np.median(y)
        mid = (np.abs(x) < 0.3 * np.ptp(x)) & (np.abs(y) < 0.3 * np.ptp(y)) & (z > np.median(z) - 0.002)
        a = np.c_[x[mid] ** 2, y[mid] ** 2, x[mid] * y[mid], x[mid], y[mid], np.ones(mid.sum())]
        cxx, cyy, cxy = np.linalg.lstsq(a, z[mid], rcond=None)[0][:3]
        k = np.abs(np.linalg.eigvalsh(np.array([[cxx, cxy / 2], [cxy / 2, cyy]])))
        ratios.append(k.min() / max(k.max(), 1e-9))
    assert np.median(ratios) < 0.1 and (np.array(ratios) > 0.3).sum() <= 3, np.round(ratios, 2)
