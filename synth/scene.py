"""Assemble one scene in Blender from sampled parameters: belt, rails, clutter, lights, camera.

Runs inside the rendering process only. Every object carries a ``category_id`` custom property
(SynthWaste ids, 0 for belt and distractors) and a ``synth_instance`` flag, which the renderer's
segmentation output turns into the semantic and instance masks.

Example (in the rendering process):
    >>> from zerowaste.synth.params import sample_scene; from zerowaste.synth.presets import load_preset
    >>> build_scene(sample_scene(load_preset("tiny"), 1))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from zerowaste.errors import ZeroWasteError
from zerowaste.synth.camera import set_camera
from zerowaste.synth.lighting import add_lights
from zerowaste.synth.materials import make_belt_material, make_flat_material, object_material
from zerowaste.synth.objects import Mesh, build_mesh, settle_scene
from zerowaste.synth.prints import texel_density

ASSET_SUFFIXES = (".obj", ".glb", ".gltf", ".blend")



class AssetError(ZeroWasteError, ValueError):
    """An --assets folder or file that cannot be used; the message names it."""

def _bproc():
    from zerowaste.compat.blenderproc import import_blenderproc

    return import_blenderproc()


def mesh_object(name: str, mesh: Mesh):
    """A BlenderProc ``MeshObject`` from a numpy :class:`~zerowaste.synth.objects.Mesh` (smooth shaded, with UVs)."""
    import bpy
    from blenderproc.python.types.MeshObjectUtility import MeshObject

    data = bpy.data.meshes.new(name)
    data.from_pydata(mesh.verts.tolist(), [], [tuple(f) for f in mesh.faces])
    uv_layer = data.uv_layers.new(name="UVMap")
    loop_verts = np.zeros(len(data.loops), dtype=np.int64)
    data.loops.foreach_get("vertex_index", loop_verts)
    uv_layer.data.foreach_set("uv", mesh.uv[loop_verts].astype(np.float32).ravel())
    data.polygons.foreach_set("use_smooth", np.ones(len(data.polygons), dtype=bool))
    for attr_name, (domain, values) in mesh.attrs.items():  # e.g. a board's depth and rim (materials read them)
        attr = data.attributes.new(name=attr_name, type="FLOAT", domain=domain)
        attr.data.foreach_set("value", np.asarray(values, dtype=np.float32))
    if mesh.sharp > 0:  # creases and facets stay crisp, the rest smooth
        data.set_sharp_from_angle(angle=math.radians(mesh.sharp))
    data.update()
    obj = bpy.data.objects.new(name, data)
    bpy.context.collection.objects.link(obj)
    return MeshObject(obj)


def _assign(mesh_object, material) -> None:
    """Give a MeshObject a single (raw bpy) material."""
    mats = mesh_object.blender_obj.data.materials
    mats.clear()
    mats.append(material)


def _box(name: str, size, location, material):
    bproc = _bproc()
    box = bproc.object.create_primitive("CUBE", scale=[s / 2 for s in size], location=location)
    box.set_name(name)
    _assign(box, material)
    box.set_cp("category_id", 0)
    return box


def build_belt(belt: dict) -> None:
    """A thin solid belt (top surface at z = 0), an optional seam and optional side rails.

    The seam is a slightly raised, lighter strip of the same worn rubber: the belt's dirt runs on
    across it (the patterns are laid out in world coordinates).
    """
    length, width = belt["length"], belt["width"]
    _box("belt", (length, width, 0.02), (0, 0, -0.01), make_belt_material(belt))
    if belt["seam"]:
        seam = make_belt_material({**belt, "grey": belt["grey"] * 1.8}, name="seam")
        _box("seam", (0.03, width, 0.002), (belt["seam_x"], 0, 0.0), seam)
    if belt["rails"]:
        # painted steel skirt boards, dulled by years of dust (bright bare steel read as a studio set)
        steel = make_flat_material((0.08, 0.085, 0.08), 0.75, metallic=0.2, name="rail")
        for side in (-1, 1):
            _box(f"rail{side}", (length, 0.08, 0.25), (0, side * (width / 2 + 0.04), 0.1), steel)


def _asset_mesh(path: str):
    """Load a user asset; returns (list of MeshObjects, object-space Mesh of all their vertices)."""
    bproc = _bproc()
    if path.endswith(".blend"):
        objs = [o for o in bproc.loader.load_blend(path) if hasattr(o, "get_mesh")]
    else:
        objs = bproc.loader.load_obj(path)
    if not objs:
        raise AssetError(f"asset {path} holds no mesh")
    verts = []
    for o in objs:
        m = np.array(o.get_local2world_mat())
        v = np.array([tuple(p.co) for p in o.get_mesh().vertices])
        verts.append(v @ m[:3, :3].T + m[:3, 3])
    return objs, np.concatenate(verts)


def asset_local_mesh(obj: dict, verts: np.ndarray) -> tuple[Mesh, float, np.ndarray]:
    """An asset's vertices scaled to the sampled size and centred: (settling mesh, scale, centre)."""
    extent = float(np.ptp(verts[:, :2], axis=0).max()) or 1.0
    scale = max(obj["size"][:2]) / extent
    centre = (verts.max(axis=0) + verts.min(axis=0)) / 2
    local = (verts - centre) * scale
    return Mesh(local, [], np.zeros((len(local), 2))), scale, centre


def place_asset(obj: dict, objs: list, local: Mesh, scale: float, centre: np.ndarray, placed: np.ndarray,
                index: int) -> list:
    """Move a loaded user asset where its settling mesh came to rest (``placed``, world space)."""
    shift = placed[0] - _yaw(local.verts[:1], obj["yaw"])[0]
    for k, o in enumerate(objs):
        # Bake the normalisation into a parent-free transform: scale and centre, then yaw and drop.
        o.set_scale([scale] * 3)
        o.set_rotation_euler([0, 0, obj["yaw"]])
        o.set_location((shift - _yaw((centre * scale)[None], obj["yaw"])[0]).tolist())
        o.set_cp("category_id", obj["class_id"])
        o.set_name(f"obj{index:03d}_{k}")
    return objs


def _yaw(v: np.ndarray, yaw: float) -> np.ndarray:
    c, s = math.cos(yaw), math.sin(yaw)
    return np.stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1], v[:, 2]], axis=1)


def build_scene(scene: dict) -> list[tuple[str, int]]:
    """Create everything of one sampled scene; returns (object name, category id) per clutter object.

    Every object is settled first (:func:`zerowaste.synth.objects.settle_scene`: a draped sheet
    presses what it covers down under itself), then created in Blender.
    """
    build_belt(scene["belt"])
    px_per_m = texel_density(scene["resolution"], scene["camera"]["view"])  # print texture detail
    objects = scene["objects"]
    assets = {i: _asset_mesh(obj["asset"]) for i, obj in enumerate(objects) if obj.get("asset")}
    local = {i: asset_local_mesh(objects[i], v) for i, (_, v) in assets.items()}
    meshes = [local[i][0] if i in local else build_mesh(obj) for i, obj in enumerate(objects)]
    placed = []
    for i, (obj, mesh) in enumerate(settle_scene(objects, scene["area"], meshes)):
        if i in assets:
            for o in place_asset(obj, assets[i][0], *local[i], mesh.verts, i):
                placed.append((o.get_name(), obj["class_id"]))
            continue
        mo = mesh_object(f"obj{i:03d}", mesh)
        _assign(mo, object_material(obj, px_per_m, name=f"mat{i:03d}"))
        mo.set_cp("category_id", obj["class_id"])
        placed.append((mo.get_name(), obj["class_id"]))
    add_lights(scene["lights"], scene["ambient"])
    set_camera(scene["camera"], tuple(scene["resolution"]))
    return placed


def find_assets(assets_dir: str | None) -> dict[str, list[str]]:
    """``DIR/<class>/*.obj|*.glb|*.gltf|*.blend`` -> {class: [paths]} (classes as in the contract)."""
    if not assets_dir:
        return {}
    from zerowaste import contract as C

    root = Path(assets_dir)
    if not root.is_dir():
        raise AssetError(f"--assets {assets_dir}: not a directory")
    out: dict[str, list[str]] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if sub.name not in (*C.SYNTH_CLASS_NAMES, "background"):
            raise AssetError(f"--assets: folder {sub.name!r} is not a class; use one of {', '.join(C.SYNTH_CLASS_NAMES)}")
        files = sorted(str(p) for p in sub.iterdir() if p.suffix.lower() in ASSET_SUFFIXES)
        if files:
            out[sub.name] = files
    if not out:
        raise AssetError(f"--assets {assets_dir}: no {'/'.join(ASSET_SUFFIXES)} files under <class>/ folders")
    return out
