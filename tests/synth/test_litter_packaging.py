"""Small belt litter, PET bottle profiles and package prints that follow a crushed box's board.

Round 10's blind judge: "package prints stretched where the surface bends, boxes too clean", "no
small litter, dust", "plain cylindrical bottles". Pure numpy: no Blender needed.
"""

from __future__ import annotations

import numpy as np

from zerowaste import contract as C
from zerowaste.data.coco import coco_from_masks, semantic_from_coco
from zerowaste.synth import writer
from zerowaste.synth.objects import BOTTLE_NECK_R, BOX_GRID, bottle_profile, box_surface, build_mesh
from zerowaste.synth.params import LITTER_KINDS, _deform, _object_size, sample_scene
from zerowaste.synth.presets import load_preset
from zerowaste.synth.prints import print_extent
from zerowaste.synth.validate import frame_problems

LITTER = frozenset(LITTER_KINDS)
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
    # whole print into every narrow wall: area-weighted p90 anisotropy 4.13 (12 boxes); on the net 1.69.
    aniso, area = [], []
    for size, m in _boxes():
        a, w = texel_stretch(m.verts, m.uv, m.faces[:BOX_FACES], print_extent("crushed_box", size))
        aniso.append(a)
        area.append(w)
    a, w = np.concatenate(aniso), np.concatenate(area)
    assert (
        _weighted_quantile(a, w, 0.5) < 1.2
    )  # measured 1.06 (facets and folds: real board bends, never stretches)
    assert _weighted_quantile(a, w, 0.9) < 2.2  # measured 1.69 (old per-face UVs: 4.13)
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


def _scenes(n: int = 16):
    p = load_preset("default")
    return [sample_scene(p, 40000 + k) for k in range(n)]


def test_litter_counts_classes_and_drop_order_pooled_over_scenes():
    counts, kinds = [], {k: 0 for k in LITTER}
    for s in _scenes():
        lit = [o for o in s["objects"] if o["kind"] in LITTER]
        n = len(lit)
        assert s["objects"][-n:] == lit  # litter is dropped last (nothing presses it into the belt)
        view = s["camera"]["view"][0] * s["camera"]["view"][1]
        counts.append(n / view)
        for o in lit:
            kinds[o["kind"]] += 1
            want = LITTER_KINDS[o["kind"]][0]
            assert o["class"] == want
            assert o["class_id"] == (0 if want == "background" else C.class_id(want, synthetic=True))
    assert 12 < np.mean(counts) < 30  # pieces per m^2 of view: measured 20.9 (preset: 20-35 per 1.3 m^2)
    total = sum(kinds.values())
    for k, (_, w) in LITTER_KINDS.items():
        share = kinds[k] / total
        assert abs(share - w / sum(v for _, v in LITTER_KINDS.values())) < 0.08, (k, share)
    assert C.class_id("paper", synthetic=True) == C.PAPER_ID == 5  # shreds are paper = 5


def test_litter_gathers_round_the_clutter():
    # scraps fall off the heaps (round 11's judge: litter strewn evenly read as "uniform tiny confetti flecks")
    rng = np.random.default_rng(0)
    near, anywhere = [], []
    for s in _scenes():
        clutter = np.array([o["xy"] for o in s["objects"] if o["kind"] not in LITTER])
        x0, x1, y0, y1 = s["area"]
        for o in s["objects"]:
            if o["kind"] in LITTER:
                near.append(np.linalg.norm(clutter - o["xy"], axis=1).min())
                u = (rng.uniform(x0, x1), rng.uniform(y0, y1))  # the same count of points strewn evenly
                anywhere.append(np.linalg.norm(clutter - u, axis=1).min())
    # median distance to the nearest piece of clutter: measured 0.076 m against 0.116 m strewn evenly
    assert np.median(near) < 0.8 * np.median(anywhere)
    x0, x1, y0, y1 = s["area"]
    assert all(x0 <= o["xy"][0] <= x1 and y0 <= o["xy"][1] <= y1 for o in s["objects"] if o["kind"] in LITTER)


def test_litter_leaves_the_clutter_unchanged():
    p = load_preset("default")
    bare = {**p, "clutter": {k: v for k, v in p["clutter"].items() if k != "litter"}}
    for seed in (40000, 40001, 40002):
        with_litter, without = sample_scene(p, seed), sample_scene(bare, seed)
        rest = [o for o in with_litter["objects"] if o["kind"] not in LITTER]
        assert rest == without["objects"]


def test_litter_meshes_are_small_and_sound():
    sizes = {k: [] for k in LITTER}
    for s in _scenes(4):
        for o in s["objects"]:
            if o["kind"] in LITTER:
                m = build_mesh(o)
                assert np.isfinite(m.verts).all() and len(m.faces) >= 8
                t = _triangles(m.faces)
                p = m.verts[t]
                area = np.linalg.norm(np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]), axis=1) / 2
                assert (area > 0).mean() > 0.95
                sizes[o["kind"]].append(float(np.ptp(m.verts[:, :2], axis=0).max()))
    assert all(sizes.values())
    assert max(sizes["grit"]) < 0.02 and max(sizes["cap"]) < 0.04 and max(sizes["shred"]) < 0.09


def test_tiny_and_hidden_litter_makes_no_empty_coco_annotation():
    # a shred hidden under a sheet (0 pixels) gets no instance; a 1-pixel cap gets a valid one
    cat = np.zeros((8, 8), np.uint8)
    ins = np.zeros((8, 8), np.int32)
    cat[1:4, 1:5], ins[1:4, 1:5] = 5, 1  # a sheet of paper
    cat[6, 6], ins[6, 6] = C.class_id("rigid_plastic", synthetic=True), 3  # a cap seen as one pixel
    cat[0, 7], ins[0, 7] = 0, 4  # grit: background
    attrs = [
        {"idx": 1, "category_id": 5},
        {"idx": 2, "category_id": 5},
        {"idx": 3, "category_id": cat[6, 6]},
        {"idx": 4, "category_id": 0},
    ]
    sem, inst = writer.masks_from_segmaps(cat, ins, attrs)
    assert sorted(np.unique(inst).tolist()) == [0, 1, 2] and frame_problems((8, 8, 3), sem, inst) == []
    coco = coco_from_masks([("a.png", sem, inst)], synthetic=True, mode=writer.COCO_MODE)
    anns = coco["annotations"]
    assert len(anns) == 2 and all(a["area"] >= 1 and a["bbox"][2] > 0 and a["bbox"][3] > 0 for a in anns)
    assert (semantic_from_coco(coco, "a.png") == sem).all()
