"""Procedural meshes per object kind, and a cheap settling scheme. Pure numpy, no bpy.

Each builder returns a :class:`Mesh` in object space (centred on the origin, lying flat, z up).
Deformation is code, not simulation: sums of random plane waves crumple sheets, a random fold
set creases them, radial noise crushes balls, cans and bottles get dents.

Settling (instead of a slow rigid-body drop and cloth simulation): a :class:`HeightField` over the
belt records the top surface so far. Objects are dropped in order; a rigid piece comes to rest on
the highest point under its footprint, a sheet drapes (every vertex lies on what is below it plus
its own crumple). Objects therefore lie on the belt, overlap and occlude plausibly.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> m = build_mesh({"kind": "sheet", "size": [0.2, 0.3, 0.0], "deform": {"crumple": 0.01,
    ...     "frequency": 10, "folds": 1, "bend": 0.2, "crush": 0.0, "dents": 1}, "seed": 1})
    >>> m.verts.shape[1], len(m.faces) > 100
    (3, True)
    >>> hf = HeightField((-1, 1, -1, 1), cell=0.02)
    >>> placed = settle(m, [0.0, 0.0], 0.3, hf, drape=True)
    >>> bool(placed[:, 2].min() >= 0), bool(hf.z.max() > 0)
    (True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from zerowaste.synth.params import RIGID_KINDS


@dataclass
class Mesh:
    """Vertices (N, 3), faces (tuples of vertex indices) and per-vertex UVs (N, 2)."""

    verts: np.ndarray
    faces: list[tuple[int, ...]]
    uv: np.ndarray


# ---------------------------------------------------------------------------------------------
# Primitives
# ---------------------------------------------------------------------------------------------


def grid(w: float, h: float, nx: int, ny: int) -> Mesh:
    """A flat (nx+1) x (ny+1) vertex grid of size w x h centred on the origin."""
    xs, ys = np.linspace(-w / 2, w / 2, nx + 1), np.linspace(-h / 2, h / 2, ny + 1)
    gx, gy = np.meshgrid(xs, ys, indexing="xy")
    verts = np.stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)], axis=1)
    idx = np.arange(gx.size).reshape(ny + 1, nx + 1)
    quads = np.stack([idx[:-1, :-1], idx[:-1, 1:], idx[1:, 1:], idx[1:, :-1]], axis=-1).reshape(-1, 4)
    uv = np.stack([(gx.ravel() + w / 2) / w, (gy.ravel() + h / 2) / h], axis=1)
    return Mesh(verts, [tuple(int(i) for i in q) for q in quads], uv)


def revolve(profile_r: np.ndarray, profile_x: np.ndarray, segments: int, cap: bool = True) -> Mesh:
    """Surface of revolution around the x axis (radius ``profile_r`` at positions ``profile_x``)."""
    n = len(profile_r)
    ang = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    x = np.repeat(profile_x, segments)
    r = np.repeat(profile_r, segments)
    a = np.tile(ang, n)
    verts = np.stack([x, r * np.cos(a), r * np.sin(a)], axis=1)
    faces = []
    for i in range(n - 1):
        for j in range(segments):
            k = (j + 1) % segments
            faces.append((i * segments + j, i * segments + k, (i + 1) * segments + k, (i + 1) * segments + j))
    if cap:
        faces.append(tuple(range(segments))[::-1])
        faces.append(tuple(range((n - 1) * segments, n * segments)))
    uv = np.stack([np.tile(ang / (2 * math.pi), n), np.repeat(np.linspace(0, 1, n), segments)], axis=1)
    return Mesh(verts, faces, uv)


def sphere(radius: float, rings: int, segments: int) -> Mesh:
    """A UV sphere built as a surface of revolution (poles slightly open, capped)."""
    t = np.linspace(0.05, math.pi - 0.05, rings)
    return revolve(radius * np.sin(t), -radius * np.cos(t), segments)


def box_surface(w: float, d: float, h: float, n: int) -> Mesh:
    """A closed box made of six subdivided grids (so it can be dented and crushed)."""
    parts = []
    for axis, sign in ((2, 1), (2, -1), (0, 1), (0, -1), (1, 1), (1, -1)):
        dims = {0: (d, h), 1: (w, h), 2: (w, d)}[axis]
        g = grid(dims[0], dims[1], n, n)
        v = g.verts.copy()
        a, b = v[:, 0].copy(), v[:, 1].copy()
        if axis == 2:
            v = np.stack([a, b, np.full_like(a, sign * h / 2)], axis=1)
        elif axis == 0:
            v = np.stack([np.full_like(a, sign * w / 2), a, b], axis=1)
        else:
            v = np.stack([a, np.full_like(a, sign * d / 2), b], axis=1)
        parts.append(Mesh(v, g.faces if sign > 0 else [f[::-1] for f in g.faces], g.uv))
    return merge(parts)


def merge(parts: list[Mesh]) -> Mesh:
    """Concatenate meshes into one."""
    verts, faces, uvs, off = [], [], [], 0
    for p in parts:
        verts.append(p.verts)
        uvs.append(p.uv)
        faces.extend(tuple(i + off for i in f) for f in p.faces)
        off += len(p.verts)
    return Mesh(np.concatenate(verts), faces, np.concatenate(uvs))


# ---------------------------------------------------------------------------------------------
# Deformations
# ---------------------------------------------------------------------------------------------


def wave_noise(rng: np.random.Generator, xy: np.ndarray, freq: float, modes: int = 12) -> np.ndarray:
    """Sum of random plane waves over 2-D points, roughly unit amplitude, spectrum ~ 1/f."""
    out = np.zeros(len(xy))
    for _ in range(modes):
        f = freq * rng.uniform(0.4, 2.5)
        ang = rng.uniform(0, 2 * math.pi)
        k = 2 * math.pi * f * np.array([math.cos(ang), math.sin(ang)])
        out += np.sin(xy @ k + rng.uniform(0, 2 * math.pi)) / f
    return out / (np.abs(out).max() + 1e-9)


def crumple_sheet(rng: np.random.Generator, mesh: Mesh, d: dict) -> Mesh:
    """Crumple (multi-scale waves, sharpened into creases), fold and bend a flat sheet."""
    v = mesh.verts.copy()
    xy = v[:, :2]
    n = wave_noise(rng, xy, d["frequency"]) + 0.5 * np.abs(wave_noise(rng, xy, d["frequency"] * 2.5))
    z = d["crumple"] * (np.sign(n) * np.abs(n) ** 0.7)
    for _ in range(d["folds"]):  # a crease: a line across the sheet, one side lifted
        ang = rng.uniform(0, math.pi)
        normal = np.array([math.cos(ang), math.sin(ang)])
        dist = xy @ normal - rng.uniform(-0.3, 0.3) * np.abs(xy @ normal).max()
        z += np.minimum(np.clip(dist, 0, None) * rng.uniform(0.05, 0.25), 0.03)
    z += d["bend"] * 0.4 * (xy[:, 0] ** 2)  # a gentle curl along x
    shrink = 1.0 - 0.25 * d["crush"] * (0.5 + 0.5 * wave_noise(rng, xy, d["frequency"] / 3))
    v[:, 0] *= shrink
    v[:, 1] *= shrink
    v[:, 2] = z
    return Mesh(v, mesh.faces, mesh.uv)


def warp_outline(rng: np.random.Generator, mesh: Mesh, roughness: float) -> Mesh:
    """Turn a flat rectangle into an irregular, torn-looking piece by a smooth radial warp.

    Each vertex moves towards the centre by a factor that depends on its direction (a few random
    harmonics), so the outline becomes ragged while the mesh stays one clean sheet.
    ``roughness`` 0 keeps the rectangle; 0.35 gives strongly irregular pieces.
    """
    if roughness <= 0:
        return mesh
    uv = mesh.uv * 2 - 1
    angle = np.arctan2(uv[:, 1], uv[:, 0])
    wobble = np.zeros(len(angle))
    for k in range(1, 7):
        wobble += rng.normal(0, 1 / k) * np.cos(k * angle + rng.uniform(0, 2 * math.pi))
    wobble = (wobble - wobble.min()) / (np.ptp(wobble) + 1e-9)  # 0..1
    reach = np.clip(np.abs(uv).max(axis=1), 0, 1) ** 1.5  # the centre stays, the rim moves most
    factor = 1 - roughness * wobble * reach
    v = mesh.verts.copy()
    v[:, 0] *= factor
    v[:, 1] *= factor
    return Mesh(v, mesh.faces, mesh.uv)


#: How ragged the outline of each flat kind is (0 = intact rectangle).
TEAR = {"newspaper": 0.25, "flat_piece": 0.35, "film": 0.45, "bag": 0.35, "foil": 0.45, "rag": 0.4,
        "paper_bag": 0.2, "sheet": 0.15, "magazine": 0.05}


def radial_dents(rng: np.random.Generator, mesh: Mesh, amount: float, freq: float, axis_scale=(1, 1, 1)) -> Mesh:
    """Push vertices in/out along their direction from the centre (lumps, dents, crushing)."""
    v = mesh.verts.copy()
    c = v.mean(axis=0)
    d = v - c
    r = np.linalg.norm(d, axis=1, keepdims=True) + 1e-9
    dirs = d / r
    noise = wave_noise(rng, dirs[:, :2] + dirs[:, 1:] * 0.7, freq) + 0.6 * wave_noise(rng, dirs[:, [0, 2]], freq * 2)
    v = c + dirs * r * (1 + amount * noise[:, None])
    v = c + (v - c) * np.asarray(axis_scale)
    return Mesh(v, mesh.faces, mesh.uv)


# ---------------------------------------------------------------------------------------------
# Builders per kind
# ---------------------------------------------------------------------------------------------


def _res(size: float, spacing: float, lo: int = 6, hi: int = 40) -> int:
    return int(np.clip(round(size / spacing), lo, hi))


def build_mesh(obj: dict) -> Mesh:
    """The object-space mesh of one sampled object (see :func:`zerowaste.synth.params.sample_objects`)."""
    rng = np.random.default_rng(obj["seed"])
    kind, (sx, sy, sz), d = obj["kind"], obj["size"], obj["deform"]
    if kind in ("sheet", "newspaper", "magazine", "flat_piece", "film", "foil", "rag", "paper_bag", "bag"):
        m = warp_outline(rng, grid(sx, sy, _res(sx, 0.012), _res(sy, 0.012)), TEAR[kind])
        if kind == "bag":  # puffed: a bulge in the middle, wrinkled
            d = {**d, "crumple": d["crumple"] * 1.3}
        m = crumple_sheet(rng, m, d)
        if kind == "bag":
            r2 = (m.verts[:, 0] / (sx / 2)) ** 2 + (m.verts[:, 1] / (sy / 2)) ** 2
            m.verts[:, 2] += np.clip(1 - r2, 0, None) * rng.uniform(0.02, 0.07)
        return m
    if kind in ("crumpled", "lump"):
        m = sphere(sx / 2, 14, 18)
        m = radial_dents(rng, m, 0.35 if kind == "crumpled" else 0.2, 2.5, (1, sy / sx, sz / sx * 1.2))
        return m
    if kind == "crushed_box":
        m = box_surface(sx, sy, sz, 6)
        m = radial_dents(rng, m, 0.08 + 0.1 * d["crush"], 3.0)
        m.verts[:, 2] *= 1 - 0.6 * d["crush"]
        return m
    if kind in ("bottle", "can", "cup"):
        length, r = sx, sy / 2
        t = np.linspace(0, 1, 14)
        if kind == "bottle":
            prof = r * np.where(t < 0.7, 1.0, np.clip(1 - (t - 0.7) / 0.22, 0.35, 1.0))
        elif kind == "cup":
            prof = r * (0.75 + 0.25 * t)
        else:
            prof = r * np.where((t < 0.05) | (t > 0.95), 0.9, 1.0)
        m = revolve(prof, (t - 0.5) * length, 16, cap=kind != "cup")
        m = radial_dents(rng, m, 0.04 * d["dents"] / 3 + 0.15 * d["crush"] * (kind == "can"), 4.0)
        m.verts[:, 2] *= 1 - 0.5 * d["crush"] * (kind != "cup")
        return m
    if kind == "tray":
        parts = box_surface(sx, sy, sz, 5)
        top = sz / 2 - 1e-6
        keep = [f for f in parts.faces if not all(parts.verts[i, 2] >= top for i in f)]
        m = Mesh(parts.verts, keep, parts.uv)
        return radial_dents(rng, m, 0.05, 3.0)
    raise ValueError(f"unknown object kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# Settling
# ---------------------------------------------------------------------------------------------


class HeightField:
    """The top surface (z, metres) over the belt, on a regular grid; 0 is the belt surface."""

    def __init__(self, area: tuple[float, float, float, float], cell: float = 0.01):
        self.x0, self.y0, self.cell = area[0] - 0.5, area[2] - 0.5, cell
        nx = int((area[1] - area[0] + 1.0) / cell) + 1
        ny = int((area[3] - area[2] + 1.0) / cell) + 1
        self.z = np.zeros((ny, nx))

    def _ij(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i = np.clip(((xy[:, 1] - self.y0) / self.cell).astype(int), 0, self.z.shape[0] - 1)
        j = np.clip(((xy[:, 0] - self.x0) / self.cell).astype(int), 0, self.z.shape[1] - 1)
        return i, j

    def sample(self, xy: np.ndarray, radius: int = 1) -> np.ndarray:
        """Highest surface within ``radius`` cells of each point."""
        i, j = self._ij(xy)
        out = np.zeros(len(xy))
        for di in range(-radius, radius + 1):
            for dj in range(-radius, radius + 1):
                ii = np.clip(i + di, 0, self.z.shape[0] - 1)
                jj = np.clip(j + dj, 0, self.z.shape[1] - 1)
                out = np.maximum(out, self.z[ii, jj])
        return out

    def splat(self, xyz: np.ndarray, radius: int = 1) -> None:
        """Raise the surface to the given points (each covers a (2r+1)^2 cell square)."""
        i, j = self._ij(xyz[:, :2])
        for di in range(-radius, radius + 1):
            for dj in range(-radius, radius + 1):
                ii = np.clip(i + di, 0, self.z.shape[0] - 1)
                jj = np.clip(j + dj, 0, self.z.shape[1] - 1)
                np.maximum.at(self.z, (ii, jj), xyz[:, 2])


def _rotate_z(v: np.ndarray, yaw: float) -> np.ndarray:
    c, s = math.cos(yaw), math.sin(yaw)
    out = v.copy()
    out[:, 0], out[:, 1] = c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1]
    return out


def settle(
    mesh: Mesh, xy, yaw: float, hf: HeightField, drape: bool, gap: float = 0.002, compress: float = 0.75
) -> np.ndarray:
    """World-space vertices of ``mesh`` dropped at ``xy`` with ``yaw``; updates ``hf``.

    Rigid (``drape=False``): the lowest point rests on the highest surface under the footprint.
    Drape: each vertex lies ``gap`` above the surface under it, plus its own relief.
    ``compress`` < 1 lets the pile give under new objects (keeps piles realistically low).
    """
    v = _rotate_z(mesh.verts, yaw)
    v[:, 0] += xy[0]
    v[:, 1] += xy[1]
    if drape:
        relief = v[:, 2] - v[:, 2].min()
        under = hf.sample(v[:, :2], radius=2)
        # Soft clutter gives under weight: the pile compresses, so a sheet sinks a little.
        v[:, 2] = compress * under + gap + relief
    else:
        # A rigid piece pushes the soft stuff under it aside: it rests on the median support.
        v[:, 2] += compress * float(np.median(hf.sample(v[:, :2], radius=1))) - v[:, 2].min() + gap
    hf.splat(v, radius=1)
    return v


def settle_scene(objects: list[dict], area) -> list[tuple[dict, Mesh]]:
    """Build and settle every object of a scene in order: (object, world-space mesh) pairs."""
    hf = HeightField(tuple(area), cell=0.01)
    out = []
    for obj in objects:
        mesh = build_mesh(obj)
        verts = settle(mesh, obj["xy"], obj["yaw"], hf, drape=obj["kind"] not in RIGID_KINDS)
        out.append((obj, Mesh(verts, mesh.faces, mesh.uv)))
    return out
