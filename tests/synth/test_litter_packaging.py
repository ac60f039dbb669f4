"""PET bottle profiles and package prints that follow a crushed box's board.

Round 10's blind judge: "package prints stretched where the surface bends, boxes too clean", "plain
cylindrical bottles". Pure numpy: no Blender needed.
"""

from __future__ import annotations

import numpy as np

from zerowaste.synth.objects import BOTTLE_NECK_R, BOX_GRID, bottle_profile, box_surface, build_mesh
from zerowaste.synth.params import _deform, _object_size
from zerowaste.synth.prints import print_extent

BOX_FACES = 6 * BOX_GRID**2  # a crushed box's own faces (its flaps after them)


def _triangles(faces: list[tuple[int, ...]]) -> np.ndarray:
    return np.array([(f[0], f[k], f[k + 1]) for f in faces for k in range(1, len(f) - 1)])


def texel_stretch(
    verts: np.ndarray, uv: np.ndarray, faces: list[tuple[int, ...]], extent
) -> tuple[np.ndarray, np.ndarray]:
    """Per triangle: the print's anisotropy (largest over smallest singular value of the map from the
    print, in metres, to the surface) and the triangle's area (m^2). 1 = the print lies undistorted."""
    t = _triangles(faces)
    p, u = verts[t], uv[t] * np.asarray(extent, float)
    dp = np.stack([p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]], -1)
    du = np.stack([u[:, 1] - u[:, 0], u[:, 2] - u[:, 0]], -1)
    ok = np.abs(np.linalg.det(du)) > 1e-12
    s = np.linalg.svd(dp[ok] @ np.linalg.inv(du[ok]), compute_uv=False)
    area = np.linalg.norm(np.cross(dp[ok][:, :, 0], dp[ok][:, :, 1]), axis=1) / 2
    return s[:, 0] / s[:, 1], area


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    o = np.argsort(x)
    return float(x[o][np.searchsorted(np.cumsum(w[o]) / w.sum(), q)])


def _boxes(n: int = 12):
    for seed in range(n):
        rng = np.random.default_rng(seed)
        size = _object_size(rng, "crushed_box", 1.0)
        yield (
            size,
            build_mesh(
                {"kind": "crushed_box", "size": size, "deform": _deform(rng, "crushed_box"), "seed": seed}
            ),
        )


def test_crushed_box_print_is_not_stretched_over_walls_and_folds():
    # The box's own faces (BOX_FACES), the flaps after them. Per-face 0..1 UVs squeezed the
    # whole print into every narrow wall: area-weighted p90 anisotropy 4.08 (12 boxes); on the net 1.82.
    aniso, area = [], []
    for size, m in _boxes():
        a, w = texel_stretch(m.verts, m.uv, m.faces[:BOX_FACES], print_extent("crushed_box", size))
        aniso.append(a)
        area.append(w)
    a, w = np.concatenate(aniso), np.concatenate(area)
    assert (
        _weighted_quantile(a, w, 0.5) < 1.2
    )  # measured 1.08 (facets and folds: real board bends, never stretches)
    assert _weighted_quantile(a, w, 0.9) < 2.2  # measured 1.82 (old per-face UVs: 4.08)
    # and the same boxes with box_surface's per-face UVs fail it (the test sees the fault)
    old = []
    for size, m in _boxes():
        uv = m.uv.copy()
        uv[: 6 * (BOX_GRID + 1) ** 2] = box_surface(*size, BOX_GRID).uv
        old.append(texel_stretch(m.verts, uv, m.faces[:BOX_FACES], size[:2]))
    assert (
        _weighted_quantile(np.concatenate([o[0] for o in old]), np.concatenate([o[1] for o in old]), 0.9)
        > 3.0
    )


def test_crushed_box_flaps_keep_the_print_to_scale():
    # flaps (after the box's own faces) map the print at the box's scale: area-weighted median 1.03 (9 boxes with flaps)
    aniso, area = [], []
    for size, m in _boxes(16):
        if len(m.faces) > BOX_FACES:
            a, w = texel_stretch(m.verts, m.uv, m.faces[BOX_FACES:], print_extent("crushed_box", size))
            aniso.append(a)
            area.append(w)
    assert len(aniso) >= 5
    assert _weighted_quantile(np.concatenate(aniso), np.concatenate(area), 0.5) < 1.3


def test_bottle_profile_has_shoulder_neck_ring_and_cap():
    necks, caps, rings = [], [], []
    for seed in range(20):
        t, r = bottle_profile(np.random.default_rng(seed), 0.25, 0.035)
        assert np.all(np.diff(t) > 0) and t[0] == 0.0 and t[-1] == 1.0
        body = r[(t > 0.06) & (t < 0.5)]
        assert body.max() <= 0.035 + 1e-12 and np.median(body) > 0.034  # a straight body
        top = r[t > 0.8]
        necks.append(top.min() / 0.035)
        rings.append(top.max() / top.min())
        caps.append(r[-2] / top.min())
    assert (
        BOTTLE_NECK_R[0] - 0.01 < min(necks) and max(necks) < BOTTLE_NECK_R[1] + 0.01
    )  # measured 0.376-0.459
    assert min(rings) > 1.2  # the neck's support ring: 1.3x the neck
    assert min(caps) > 1.05  # the cap is wider than the neck: 1.12x


def test_crushed_bottle_is_flat_at_the_body_and_round_at_the_neck():
    body_ratio, neck_ratio = [], []
    for seed in range(12):
        d = {"crush": 0.8, "dents": 2}
        m = build_mesh({"kind": "bottle", "size": [0.25, 0.07, 0.0], "deform": d, "seed": seed})
        x = m.verts[:, 0]
        for sel, out in (((x > -0.08) & (x < 0.0), body_ratio), (x > 0.1, neck_ratio)):
            v = m.verts[sel]
            out.append(np.ptp(v[:, 2]) / np.ptp(v[:, 1]))
    assert np.median(body_ratio) < 0.75  # measured 0.54 (flattened by the crusher)
    assert np.median(neck_ratio) > 0.85  # measured 0.99 (the neck and cap stay round)
