"""Shared by the synth tests that render with the real Cycles in a child process.

A render test writes a short script and runs it after :data:`TOP_DOWN_STAGE`, which imports
Blender through BlenderProc and defines ``top_down(res, samples)``: a camera looking straight down
on a world lit evenly from every side, so what a material does shows without shadows.

Example (in a test):
    >>> done = run_in_blender("w, h = top_down((64, 36), 4)\\nprint('RESULT', json.dumps([w, h]))")  # doctest: +SKIP
    >>> result(done)  # doctest: +SKIP
    [1.46..., 0.82...]
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

TOP_DOWN_STAGE = r'''
import json, sys, numpy as np
from zerowaste.compat.blenderproc import import_blenderproc, init
from zerowaste.synth.camera import set_camera
from zerowaste.synth.materials import make_material
from zerowaste.synth.objects import Mesh, grid
from zerowaste.synth.params import view_size
from zerowaste.synth.render import configure_renderer
from zerowaste.synth.scene import _assign, mesh_object
bproc = import_blenderproc(); init()


def top_down(res, samples, light=1.0, height=1.0, lens_mm=35.0):
    """Production render settings, a camera straight down from ``height`` m, a uniform white sky.

    Returns the size (m) of the belt area the camera sees."""
    configure_renderer(samples, "cpu", 0)
    set_camera({"height": height, "lens_mm": lens_mm, "tilt_deg": 0.0, "tilt_dir": 0.0, "roll_deg": 0.0,
                "sensor_mm": 36.0}, res)
    bproc.renderer.set_world_background([1, 1, 1], strength=light)
    return view_size(height, lens_mm, res)


def label(objects, category_ids):
    """Give each object its class (``category_id``) and an instance index 1, 2, ... for the segmaps."""
    for i, (o, cid) in enumerate(zip(objects, category_ids)):
        o.set_cp("category_id", cid)
        o.blender_obj.pass_index = i + 1


def area_lamp(location, size, energy):
    """One square area light (the key light of a close-up test scene)."""
    lamp = bproc.types.Light(light_type="AREA")
    lamp.set_location(location)
    lamp.blender_obj.data.size = size
    lamp.set_energy(energy)
    return lamp
'''


def run_in_blender(script: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``TOP_DOWN_STAGE + script`` with ``args`` in a fresh interpreter; fail the test on a crash."""
    done = subprocess.run([sys.executable, "-c", TOP_DOWN_STAGE + script, *args], capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def result(done: subprocess.CompletedProcess, tag: str = "RESULT"):
    """The JSON a render script printed on its ``tag`` line."""
    return json.loads(done.stdout.split(tag, 1)[1].splitlines()[0])


def edge_cosines(verts: np.ndarray, faces) -> tuple[np.ndarray, np.ndarray]:
    """The interior edges of a mesh of triangles and quads, as (E, 2) vertex ids, and the cosine between
    the normals of the two faces meeting at each: 1 flat, 0 a right-angled crease, -1 folded flat back."""
    normals, faces_of = [], {}
    for fi, f in enumerate(faces):
        p = verts[list(f)]
        n = np.cross(p[1] - p[0], p[2] - p[0]) if len(f) == 3 else np.cross(p[2] - p[0], p[3] - p[1])
        normals.append(n / (np.linalg.norm(n) + 1e-15))
        for a, b in zip(f, (*f[1:], f[0]), strict=True):
            faces_of.setdefault((min(a, b), max(a, b)), []).append(fi)
    normals = np.array(normals)
    interior = [(e, fs) for e, fs in faces_of.items() if len(fs) == 2]
    edges = np.array([e for e, _ in interior], dtype=int).reshape(-1, 2)
    pairs = np.array([fs for _, fs in interior], dtype=int).reshape(-1, 2)
    return edges, (normals[pairs[:, 0]] * normals[pairs[:, 1]]).sum(axis=1)
