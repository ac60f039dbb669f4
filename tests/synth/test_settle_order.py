"""Drop order holds in the settled scene: whatever lands later lies on top where it covers something,
rigid pieces included (they sink into the soft heap and press what they cover under themselves).
Pure Python (settle_scene), no bpy; seeded."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import minimum_filter

from zerowaste.synth.objects import (
    BRIDGE,
    COMPRESS,
    RIGID_KINDS,
    STIFF_KINDS,
    HeightField,
    build_mesh,
    press_under,
    settle,
    settle_scene,
)
from zerowaste.synth.params import LITTER_KINDS, frame_seed, sample_scene
from zerowaste.synth.presets import load_preset

CELL = 0.005  # m


def _tops(v: np.ndarray, lo: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Highest vertex of ``v`` per CELL square of a grid starting at ``lo`` (-inf where none)."""
    ij = np.floor((v[:, :2] - lo) / CELL).astype(int)
    ok = (ij >= 0).all(axis=1) & (ij[:, 0] < shape[1]) & (ij[:, 1] < shape[0])
    top = np.full(shape, -np.inf)
    np.maximum.at(top, (ij[ok, 1], ij[ok, 0]), v[ok, 2])
    return top


def _poking(placed: list, k: int) -> float:
    """How far (m) any earlier object rises above object ``k`` inside its outline: in the cells where
    both have vertices and ``k`` covers all 8 neighbours too (along its edge a sheet may tuck against
    the flank of a taller piece)."""
    v = placed[k][1].verts
    lo, hi = v[:, :2].min(axis=0), v[:, :2].max(axis=0)
    shape = tuple(int(n) + 1 for n in np.ceil((hi - lo) / CELL)[::-1])
    mine = _tops(v, lo, shape)
    inside = minimum_filter(np.isfinite(mine).astype(np.uint8), size=3, mode="constant") > 0
    worst = 0.0
    for _, m in placed[:k]:
        theirs = _tops(m.verts, lo, shape)
        both = inside & np.isfinite(theirs)
        if both.any():
            worst = max(worst, float((theirs[both] - mine[both]).max()))
    return worst


@pytest.mark.parametrize("kind", ["crushed_box", "bottle", "can"])
def test_a_rigid_piece_dropped_on_a_heap_is_not_poked_through(kind):
    preset = load_preset("default")
    objects = [o for s in range(40) for o in sample_scene(preset, s)["objects"]]
    ball = next(o for o in objects if o["kind"] == "crumpled" and o["size"][2] > 0.07)
    sheets = [o for o in objects if o["kind"] == "crumpled_sheet"][:3]
    piece = next(o for o in objects if o["kind"] == kind)
    heap = [{**o, "xy": [0.02 * i, -0.01 * i], "yaw": 0.7 * i} for i, o in enumerate([ball, *sheets])]
    placed = settle_scene([*heap, {**piece, "xy": [0.0, 0.0], "yaw": 0.3}], (-0.4, 0.4, -0.3, 0.3))
    # it landed on the heap, not beside it (beside: its lowest point on the belt, 0; a box wider than
    # the heap tilts onto it by at most MAX_LEAN, so one corner may come within a centimetre of the belt)
    assert placed[-1][1].verts[:, 2].min() > 0.005
    assert _poking(placed, len(placed) - 1) < 0.002  # (sank 2-3 cm into the heap's top before: poked through)


def _poked_share(placed: list, view=(-0.7, 0.7, -0.4, 0.4), cell: float = 0.003) -> float:
    """Share of the covered view where the top surface belongs to an earlier object than the last one
    dropped there, by over 1 mm: something showing through what covers it. Triangles are sampled
    densely (21 points each) so a cell sees the surfaces, not only the vertices."""
    x0, x1, y0, y1 = view
    shape = (int((y1 - y0) / cell), int((x1 - x0) / cell))
    w = np.array([(a, b) for a in np.linspace(0, 1, 6) for b in np.linspace(0, 1, 6) if a + b <= 1 + 1e-9])
    top = np.full(shape, -1.0)
    last = np.full(shape, -1.0)
    for _, m in placed:
        tri = np.array([f[:3] for f in m.faces] + [(f[0], f[2], f[3]) for f in m.faces if len(f) == 4])
        v = m.verts
        p = (v[tri[:, 0], None] * (1 - w.sum(1))[None, :, None] + v[tri[:, 1], None] * w[None, :, :1]
             + v[tri[:, 2], None] * w[None, :, 1:]).reshape(-1, 3)
        i, j = ((p[:, 1] - y0) / cell).astype(int), ((p[:, 0] - x0) / cell).astype(int)
        ok = (i >= 0) & (i < shape[0]) & (j >= 0) & (j < shape[1])
        z = np.full(shape, -1.0)
        np.maximum.at(z, (i[ok], j[ok]), p[ok, 2])
        last = np.where(z >= 0, z, last)
        top = np.maximum(top, z)
    covered = top >= 0
    return float(((top - last > 0.001) & covered).sum() / covered.sum())


@pytest.mark.parametrize("seed", [3001, 3002])
def test_in_default_scenes_what_lies_below_does_not_show_through(seed):
    scene = sample_scene(load_preset("default"), frame_seed(seed, 0))  # 3001: boxes on a heap
    placed = settle_scene(scene["objects"], scene["area"])
    assert _poked_share(placed) < 0.001  # (before: 2.1 % and 0.2 % of the view, up to 5 cm through a box)


def test_a_dome_pressed_beside_a_sheet_gives_smoothly():
    """A puffed bag under the edge of a later sheet: pressed down along the sheet's ramp without
    1 cm facets (a kinked pile top put 1.7-1.9 mm creases into it every cell: glints on glossy film)."""
    hf = HeightField((-0.4, 0.4, -0.4, 0.4), cell=0.01)
    x, y = np.meshgrid(np.arange(-0.15, 0.15, 0.002), np.arange(-0.15, 0.15, 0.002))
    height = 0.02 + 0.1 * np.sqrt(np.clip(1 - (x**2 + y**2) / 0.15**2, 0, 1))
    dome = np.c_[x.ravel(), y.ravel(), height.ravel()]
    sx, sy = np.meshgrid(np.arange(-0.3, -0.02, 0.007), np.arange(-0.2, 0.2, 0.007))
    press_under(np.c_[sx.ravel(), sy.ravel(), np.full(sx.size, 0.05)], [dome], hf)
    z = dome[:, 2].reshape(x.shape)
    zone = (x > -0.02) & (x < 0.08) & (np.abs(y) < 0.1)  # beside the sheet, down its ramp
    assert (height - z)[zone].mean() > 0.03  # really pressed
    bend = np.abs(np.diff(z, 2, axis=1))[zone[:, 1:-1]]
    assert bend.max() < 0.0005, bend.max()


@pytest.mark.parametrize(("preset", "seed"), [("default", 3000), ("mrf-b", 5000)])
def test_nothing_is_pressed_flush_with_the_belt(preset, seed):
    """A face lying on z = 0 is coplanar with the belt's top and shades black in Cycles (a pile
    pressed down to the belt put 14-17 % of all vertices there); pressed points stay above it."""
    scene = sample_scene(load_preset(preset), frame_seed(seed, 1))
    placed = settle_scene(scene["objects"], scene["area"])
    lowest = min(float(m.verts[:, 2].min()) for _, m in placed)
    assert lowest >= 0.0009, lowest


@pytest.mark.parametrize("kind", ["crushed_box", "crumpled_sheet"])
def test_a_piece_lands_on_the_heap_as_it_now_lies(kind):
    """The last piece of a scene lands on exactly the surface a height field made afresh from the
    settled pieces gives: where earlier pieces pressed the heap down, it does not land on the heap's
    old top (before round 39 the field only rose as pieces landed: these two landed 5.7 and 6.3 cm over
    the heap as it lay)."""
    scene = sample_scene(load_preset("default"), frame_seed(81000, 1))
    clutter = [o for o in scene["objects"] if o["kind"] not in LITTER_KINDS and not o.get("asset")]
    piece = next(o for o in clutter if o["kind"] == kind)
    heap = np.array([o["xy"] for o in clutter])
    probe = {**piece, "xy": [float(v) for v in np.median(heap, axis=0)], "yaw": 0.4}  # in the thick of a heap
    placed = settle_scene([*clutter, probe], scene["area"])
    hf = HeightField(tuple(scene["area"]), cell=0.01)
    for _, m in settle_scene(clutter, scene["area"]):  # the heap before the probe pressed it
        hf.splat(m.verts, radius=1)
    mesh = build_mesh(probe)
    fresh = settle(mesh, probe["xy"], probe["yaw"], hf, drape=kind not in RIGID_KINDS, tilt=True,
                   stiff=kind in STIFF_KINDS, compress=COMPRESS, bridge=(BRIDGE, 2.0))
    lowest = placed[-1][1].verts[:, 2].min()
    assert lowest > 0.01  # it landed on the heap ...
    np.testing.assert_allclose(placed[-1][1].verts, fresh, atol=1e-9)  # ... as the heap now lies
