"""Cardboard meshes (issue #13): straight-edged pieces of boxes, score-line folds, a thick rim. Pure numpy."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from zerowaste.synth.objects import BOARD_THICKNESS, FOLD_DEGREES, board_outline, board_piece, build_mesh

from .conftest import run_in_blender

DEFORM = {"crumple": 0.015, "frequency": 15.0, "folds": 1, "bend": 0.1, "crush": 0.4, "dents": 3}


def _piece(seed: int, kind: str = "flat_piece", size=(0.3, 0.22, 0.0), **deform):
    return build_mesh({"kind": kind, "size": list(size), "deform": {**DEFORM, **deform}, "seed": seed})


def _edge_uses(faces) -> dict[tuple[int, int], int]:
    uses: dict[tuple[int, int], int] = {}
    for f in faces:
        for a, b in zip(f, (*f[1:], f[0]), strict=True):
            uses[(a, b)] = uses.get((a, b), 0) + 1
    return uses


def _front_outline(m) -> np.ndarray:
    """The top-view (x, y) loop of a sheet's outline: the front shell's boundary edges, in order.

    Works on any flat kind's mesh: a mesh without board attributes is one open sheet.
    """
    faces = m.faces
    if "board_rim" in getattr(m, "attrs", {}):
        rim, depth = m.attrs["board_rim"][1], m.attrs["board_depth"][1]
        faces = [f for f, r in zip(m.faces, rim, strict=True) if r == 0 and depth[f[0]] == 0]
    uses = _edge_uses(faces)
    nxt = {a: b for (a, b) in uses if (b, a) not in uses}
    start = next(iter(nxt))
    loop = [start]
    while nxt[loop[-1]] != start:
        loop.append(nxt[loop[-1]])
    return m.verts[loop, :2]


def _straight_share(loop: np.ndarray, degrees: float = 1.0) -> float:
    """Share of outline points where the outline runs on straight (turns by less than ``degrees``)."""
    d1, d2 = loop - np.roll(loop, 1, axis=0), np.roll(loop, -1, axis=0) - loop
    cos = (d1 * d2).sum(axis=1) / (np.linalg.norm(d1, axis=1) * np.linalg.norm(d2, axis=1) + 1e-15)
    return float(np.mean(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))) < degrees))


def test_board_outlines_run_mostly_straight():
    # the old radially warped rectangle (a star of smooth lobes) ran straight at about 30 % of its
    # outline points over these seeds; pieces of boxes are cut and torn along mostly straight lines
    shares = [_straight_share(_front_outline(_piece(seed))) for seed in range(20)]
    assert np.mean(shares) > 0.5, np.round(shares, 2)
    # and torn edges wander inward only a little: the flat outline keeps to the cut polygon
    for seed in range(10):
        pts, torn = board_outline(np.random.default_rng(seed), 0.3, 0.2, 1.0, 0.008)
        assert torn.mean() > 0.5  # (tear=1: every side long enough is torn)
        assert np.abs(pts[:, 0]).max() <= 0.15 + 1e-9 and np.abs(pts[:, 1]).max() <= 0.1 + 1e-9
        area = 0.5 * abs(float(np.dot(pts[:, 0], np.roll(pts[:, 1], -1)) - np.dot(pts[:, 1], np.roll(pts[:, 0], -1))))
        assert area > 0.45 * 0.3 * 0.2


def _face_normals(v: np.ndarray, faces) -> np.ndarray:
    tri = np.array([f[:3] for f in faces])
    n = np.cross(v[tri[:, 1]] - v[tri[:, 0]], v[tri[:, 2]] - v[tri[:, 0]])
    return n / np.linalg.norm(n, axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(6))
def test_a_score_line_fold_makes_two_flat_panels_at_the_sampled_angle(seed):
    m = board_piece(np.random.default_rng(seed), (0.32, 0.24, 0.0), {"bend": 0.0}, tear=0.0, folds=1)
    front = [f for f, r in zip(m.faces, m.attrs["board_rim"][1], strict=True)
             if r == 0 and m.attrs["board_depth"][1][f[0]] == 0]
    n = _face_normals(m.verts, front)
    # the front faces fall into two panels: nearly every normal lies close to one of two directions
    # that meet at the fold's angle (a used board's dents, crush lines and a bent corner tilt a few
    # faces by up to about 20 degrees: 12 degrees held only for perfectly planar panels)
    a = n[0]
    far = n[np.argmin(n @ a)]
    for _ in range(5):  # 2-means on the unit normals
        near_a = (n @ a) >= (n @ far)
        a, far = n[near_a].mean(axis=0), n[~near_a].mean(axis=0)
        a, far = a / np.linalg.norm(a), far / np.linalg.norm(far)
    dihedral = math.degrees(math.acos(float(np.clip(a @ far, -1, 1))))
    assert FOLD_DEGREES[0] - 8 <= dihedral <= FOLD_DEGREES[1] + 8
    spread = np.degrees(np.arccos(np.clip(np.maximum(n @ a, n @ far), -1, 1)))
    assert np.mean(spread < 20) > 0.9 and np.median(spread) < 8 and min(near_a.mean(), 1 - near_a.mean()) > 0.05


def test_without_folds_a_piece_is_one_gently_buckled_panel():
    m = board_piece(np.random.default_rng(3), (0.3, 0.2, 0.0), {"bend": 0.0}, tear=0.0, folds=0)
    n = _face_normals(m.verts, [f for f, r in zip(m.faces, m.attrs["board_rim"][1], strict=True) if r == 0])
    # lies flat: most of it within a few degrees of level; dents and bent corners tilt some faces
    # more (the 5th percentile was 15 degrees before boards were dented, about 25 with corners bent
    # by 8-35 degrees, 40 with corners bent by up to 55)
    assert np.median(np.abs(n[:, 2])) > math.cos(math.radians(8))
    assert np.percentile(np.abs(n[:, 2]), 5) > math.cos(math.radians(50))


def _front_tilts(seed: int) -> np.ndarray:
    """Degrees between each front face of a no-fold piece and the piece's mean front normal."""
    m = board_piece(np.random.default_rng(seed), (0.3, 0.2, 0.0), {"bend": 0.0, "dents": 3}, tear=0.0, folds=0)
    rim, depth = m.attrs["board_rim"][1], m.attrs["board_depth"][1]
    n = _face_normals(m.verts, [f for f, r in zip(m.faces, rim, strict=True) if r == 0 and depth[f[0]] == 0])
    mean = n.mean(axis=0) / np.linalg.norm(n.mean(axis=0))
    return np.degrees(np.arccos(np.clip(n @ mean, -1, 1)))


def test_a_used_board_is_dented_yet_stays_a_stiff_panel():
    # real belt board is never a plane: over 10 seeds the old piece (buckled only) tilted its front
    # faces by 3.7 degrees at the 90th percentile on average and at most 10; a used board's crush
    # lines, dents, warp and bent corners give a real spread of shading ...
    tilts = [_front_tilts(seed) for seed in range(10)]
    assert np.mean([np.percentile(t, 90) for t in tilts]) > 8
    assert all(t.max() > 12 for t in tilts)
    # ... but board is stiff: it dents locally and bends at a corner, the panel between stays flat
    # (never paper's ripples; a corner bent by up to 55 degrees tilts the top percent to about 45)
    assert all(np.median(t) < 10 for t in tilts) and all(np.percentile(t, 99) < 60 for t in tilts)
    assert np.mean([np.median(t) for t in tilts]) < 7


def test_some_board_pieces_have_a_corner_bent_well_up_or_down():
    # round 9's judge: "board panels lie flat". Over these 20 seeds of the old piece only 1 had 3 %
    # of its front bent more than 30 degrees from its mean; bent corners now go to 55 degrees
    bent = []
    for seed in range(20):
        m = board_piece(np.random.default_rng(seed), (0.3, 0.2, 0.0), {"bend": 0.0, "dents": 3}, folds=0)
        rim, depth = m.attrs["board_rim"][1], m.attrs["board_depth"][1]
        n = _face_normals(m.verts, [f for f, r in zip(m.faces, rim, strict=True) if r == 0 and depth[f[0]] == 0])
        mean = n.mean(axis=0) / np.linalg.norm(n.mean(axis=0))
        bent.append(float((np.degrees(np.arccos(np.clip(n @ mean, -1, 1))) > 30).mean()))
    assert np.mean(np.array(bent) > 0.03) >= 0.25, np.round(bent, 3)


@pytest.mark.parametrize("seed", range(4))
def test_the_board_has_a_rim_as_thick_as_corrugated_board(seed):
    m = _piece(seed)
    depth, rim = m.attrs["board_depth"][1], m.attrs["board_rim"][1]
    n = len(m.verts) // 2
    assert len(depth) == len(m.verts) and len(rim) == len(m.faces)
    assert (depth[:n] == 0).all() and (depth[n:] == 1).all()
    # the back shell's vertex i + n lies behind front vertex i, one board thickness away
    gap = np.linalg.norm(m.verts[:n] - m.verts[n:], axis=1)
    assert BOARD_THICKNESS[0] - 1e-9 <= gap.min() and gap.max() <= BOARD_THICKNESS[1] + 1e-9
    assert np.ptp(gap) < 1e-9
    # rim faces are quads joining a front edge to its back edge, all round the outline
    rim_faces = [f for f, r in zip(m.faces, rim, strict=True) if r == 1]
    assert len(rim_faces) == len(_front_outline(m))
    assert all(len(f) == 4 and sorted(depth[list(f)]) == [0, 0, 1, 1] for f in rim_faces)


@pytest.mark.parametrize("kind", ["flat_piece", "crushed_box"])
def test_boards_are_deterministic_by_seed(kind):
    size = (0.3, 0.22, 0.0) if kind == "flat_piece" else (0.3, 0.22, 0.08)
    a, b, c = _piece(5, kind, size), _piece(5, kind, size), _piece(6, kind, size)
    assert np.array_equal(a.verts, b.verts) and a.faces == b.faces
    assert all(np.array_equal(a.attrs[k][1], b.attrs[k][1]) for k in a.attrs)
    assert a.verts.shape != c.verts.shape or not np.allclose(a.verts, c.verts)


@pytest.mark.parametrize("seed", range(30))
def test_board_pieces_are_closed_valid_solids(seed):
    m = _piece(seed, size=(0.2 + 0.01 * seed, 0.15 + 0.005 * seed, 0.0))
    uses = _edge_uses(m.faces)
    # closed and consistently oriented: every directed edge once, and its reverse once
    assert all(c == 1 for c in uses.values()) and all((b, a) in uses for (a, b) in uses)
    idx = np.concatenate([np.asarray(f) for f in m.faces])
    assert idx.min() == 0 and idx.max() == len(m.verts) - 1 and np.isfinite(m.verts).all()
    flat = m.uv * np.array([0.2 + 0.01 * seed, 0.15 + 0.005 * seed])  # the unfolded board
    tri = np.array([f for f in m.faces if len(f) == 3])
    p0, p1, p2 = flat[tri[:, 0]], flat[tri[:, 1]], flat[tri[:, 2]]
    area = (p1[:, 0] - p0[:, 0]) * (p2[:, 1] - p0[:, 1]) - (p1[:, 1] - p0[:, 1]) * (p2[:, 0] - p0[:, 0])
    assert np.abs(area).min() > 1e-7  # no degenerate triangle
    assert (m.uv >= -1e-9).all() and (m.uv <= 1 + 1e-9).all() and m.verts[:, 2].min() == 0.0


def test_crushed_boxes_stay_low_and_their_open_flaps_are_thick_boards():
    flaps = 0
    for seed in range(8):
        box = _piece(seed, "crushed_box", (0.3, 0.22, 0.08), crush=0.7)
        assert np.ptp(box.verts[:, 2]) < 0.08  # squashed below its height, flaps included
        rim = box.attrs["board_rim"][1]
        flaps += int(rim.any())
        uses = _edge_uses([f for f, r in zip(box.faces, rim, strict=True) if r == 1])
        assert len(uses) == 4 * int(rim.sum())  # rim quads
    assert flaps >= 3


def test_torn_edges_are_marked_for_the_peeled_liner():
    rng = np.random.default_rng(2)
    torn = board_piece(rng, (0.3, 0.2, 0.0), {"bend": 0.0}, tear=1.0, folds=0)
    cut = board_piece(np.random.default_rng(2), (0.3, 0.2, 0.0), {"bend": 0.0}, tear=0.0, folds=0)
    to_tear, depth = torn.attrs["board_tear"][1], torn.attrs["board_depth"][1]
    assert (to_tear[depth == 0] < 0.02).mean() > 0.1 and to_tear[depth == 0].max() > 0.05
    assert (to_tear[depth == 1] == 1).all() and (cut.attrs["board_tear"][1] == 1).all()


BLENDER_SCRIPT = r"""
import json, numpy as np
from zerowaste.compat.blenderproc import import_blenderproc, init
import_blenderproc(); init()
from zerowaste.synth.materials import make_material
from zerowaste.synth.objects import build_mesh
from zerowaste.synth.scene import mesh_object
m = build_mesh({"kind": "flat_piece", "size": [0.3, 0.2, 0.0], "deform": {"bend": 0.1}, "seed": 4})
data = mesh_object("board", m).blender_obj.data
out = {"faces": [len(data.polygons), len(m.faces)]}
for name, (domain, values) in m.attrs.items():
    a = data.attributes[name]
    got = np.zeros(len(a.data), np.float32); a.data.foreach_get("value", got)
    out[name] = [a.domain, bool(np.allclose(got, values, atol=1e-6))]
mat = make_material({"family": "cardboard", "color": [0.4, 0.25, 0.1], "print": "plain", "flute": 0.007, "peel": 0.01})
out["reads"] = sorted({n.attribute_name for n in mat.node_tree.nodes if n.bl_idname == "ShaderNodeAttribute"})
print("RESULT" + json.dumps(out))
import os; os._exit(0)
"""


def test_board_attributes_reach_blender_and_its_material_reads_them():
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", BLENDER_SCRIPT], capture_output=True, text=True, timeout=300)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT")), None)
    assert line, done.stdout[-2000:] + done.stderr[-3000:]
    out = json.loads(line[len("RESULT"):])
    assert out["faces"][0] == out["faces"][1]  # no face dropped by Blender (none degenerate)
    assert out["board_depth"] == ["POINT", True] and out["board_tear"] == ["POINT", True]
    assert out["board_rim"] == ["FACE", True]
    # the board attributes, and the crease lines every paper and cardboard material draws (objects.facet_mesh)
    assert out["reads"] == ["board_depth", "board_rim", "board_tear", "crease"]


MOTTLE_SCRIPT = r"""
res = (120, 68)
w, h = top_down(res, 8, light=0.7)
mesh = grid(w * 1.1, h * 1.1, 60, 30)
mesh.verts[:, 2] = 0.3 * (1 - np.abs(mesh.verts[:, 0]) / (w * 0.55))  # a roof: one fold along x = 0
board = mesh_object("board", mesh)
board.set_cp("category_id", 2)
board.blender_obj.pass_index = 1
for case, knobs in json.loads(sys.argv[1]).items():
    board.blender_obj.data.materials.clear()
    _assign(board, make_material({"family": "cardboard", "color": [0.45, 0.27, 0.13], "roughness": 0.85,
                                  "print": "plain", **knobs}, size=(w, h), seed=3))
    data = bproc.renderer.render(verbose=False)
    np.save(f"{sys.argv[2]}/{case}.npy", data["colors"][0][..., :3])
    np.save(f"{sys.argv[2]}/{case}_seg.npy", np.asarray(data["category_id_segmaps"][0]))
print("DONE", flush=True)
import os; os._exit(0)
"""


def test_board_mottling_reaches_cycles_darkens_the_fold_and_leaves_masks_untouched(tmp_path):
    cases = {"clean": {}, "mottled": {"mottle": 1.0}}
    run_in_blender(MOTTLE_SCRIPT, json.dumps(cases), str(tmp_path), timeout=600)
    img = {c: np.load(tmp_path / f"{c}.npy").astype(float).mean(-1) for c in cases}
    segs = [np.load(tmp_path / f"{c}_seg.npy") for c in cases]
    assert np.array_equal(segs[0], segs[1]) and (segs[0] == 2).mean() > 0.95  # masks identical
    mid = img["clean"].shape[1] // 2
    away = np.r_[0: mid - 12, mid + 12: img["clean"].shape[1]]
    spread = {c: float(np.subtract(*np.percentile(img[c][:, away], [95, 5]))) for c in cases}
    # an even tan before; patches of damp, tide lines and rubbed board after (in 0..255 sRGB)
    assert spread["mottled"] > max(15.0, 3 * spread["clean"]), spread
    ratio = img["mottled"] / np.maximum(img["clean"], 1.0)
    assert 0.8 < float(np.median(ratio[:, away])) < 1.1  # clean board keeps its colour on the whole
    fold = float(ratio[:, mid - 2: mid + 2].mean())
    assert fold < 0.92 * float(ratio[:, away].mean()), fold  # dirtier along the fold (about 12 %)
    # round 11's judge: "cardboard always clean and dry". Wet patches darken board below 0.8 of its sRGB
    # value: on none of this sheet before (BOARD_MOTTLE's damp patches 0.6 in linear), on 0.33 of it now
    wet = float((ratio[:, away] < 0.8).mean())
    assert wet > 0.1, wet


def test_used_board_is_sampled_mottled_and_paper_bags_are_not():
    from zerowaste.synth.params import BOARD_MOTTLE_RANGE, BOARD_PEEL, _material

    peels = []
    for seed in range(40):
        for kind in ("flat_piece", "crushed_box"):
            m = _material(np.random.default_rng(seed), "cardboard", kind)
            top = 0.5 if m["print"] == "package" else 1.0  # coated package print: less mottled
            lo, hi = BOARD_MOTTLE_RANGE
            assert lo * top <= m["mottle"] <= hi * top
            assert m == _material(np.random.default_rng(seed), "cardboard", kind)
            peels.append(m["peel"])
        assert "mottle" not in _material(np.random.default_rng(seed), "cardboard", "paper_bag")
    # round 11's judge: "torn corrugated edges". Every torn edge shows its fluting at least 4 mm in (0-12 mm
    # before, a third of the pieces under 4 mm: a clean edge at thumbnail size)
    assert min(peels) >= BOARD_PEEL[0] >= 0.004 and np.mean(peels) > 0.009


KRAFT_SCRIPT = r"""
from zerowaste.synth.params import KRAFT
res = (160, 40)
w, h = top_down(res, 8)
for i, tone in enumerate(KRAFT):  # the palette side by side, one strip per tone, plain and clean
    mesh = grid(w / len(KRAFT), h * 1.2, 8, 4)
    mesh.verts[:, 0] += (i + 0.5) * w / len(KRAFT) - w / 2
    strip = mesh_object(f"kraft{i}", mesh)
    _assign(strip, make_material({"family": "cardboard", "color": list(tone), "roughness": 0.85, "print": "plain"},
                                 size=(w / len(KRAFT), h), seed=i))
np.save(sys.argv[1], bproc.renderer.render(verbose=False)["colors"][0][..., :3])
print("DONE", flush=True)
import os; os._exit(0)
"""


def test_kraft_renders_tan_from_pale_bags_to_deep_brown(tmp_path):
    """Round 38's blind judges picked renders out by their board: "greyish-mauve felt cut-outs", where the
    real kraft is warm tan. In the reference crops the kraft-hued pixels have a median Lab chroma of 17.9 and
    a quarter of them an HSV saturation above 0.49 (the deep brown of crumpled bags); round 37's palette gave
    every tone a chroma of 13-14 at a hue of 67-73 degrees (towards pink)."""
    import cv2

    from zerowaste.synth.params import KRAFT

    run_in_blender(KRAFT_SCRIPT, str(tmp_path / "kraft.npy"), timeout=600)
    img = np.load(tmp_path / "kraft.npy")
    lab = cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    strip = img.shape[1] // len(KRAFT)
    tones = [np.median(lab[:, i * strip + 6: (i + 1) * strip - 6].reshape(-1, 3), axis=0) for i in range(len(KRAFT))]
    chroma = [float(np.hypot(a, b)) for _, a, b in tones]
    hue = [float(np.degrees(np.arctan2(b, a))) for _, a, b in tones]
    assert all(68.0 < x < 85.0 for x in hue), hue  # yellow-brown (a warm tan; now 71-78), not pink-grey
    # (now 16.7-17.2 for the bag tans, 24.8-26.8 for the browns)
    assert min(chroma) > 15.0 and sum(c > 22.0 for c in chroma) >= 2, chroma  # pale bag tan and deep brown both
