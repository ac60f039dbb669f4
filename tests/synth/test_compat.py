"""zerowaste.compat.blenderproc: BlenderProc 2.8.0 importable and usable on pip bpy 4.2.0."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import sys, numpy as np
from zerowaste.compat.blenderproc import import_blenderproc, init
bproc = import_blenderproc()
init()
init()  # idempotent
assert any(p.endswith("site-packages") for p in sys.path), "site-packages was dropped from sys.path"
assert np.in1d is np.isin and np.string_ is np.bytes_
monkey = bproc.object.create_primitive("MONKEY")
monkey.add_auto_smooth_modifier(30.0)  # needs Blender's datafiles: the resource lookup works
monkey.set_cp("category_id", 3)
bproc.camera.set_resolution(32, 24)
bproc.camera.add_camera_pose(bproc.math.build_transformation_mat([0, -3, 0], [1.5708, 0, 0]))
light = bproc.types.Light(); light.set_location([0, -3, 2]); light.set_energy(300)
bproc.renderer.set_max_amount_of_samples(1)
bproc.renderer.enable_segmentation_output(map_by=["category_id"], default_values={"category_id": 0})
data = bproc.renderer.render()
print("classes", sorted(np.unique(data["category_id_segmaps"][0]).tolist()), flush=True)
import os; os._exit(0)  # pip bpy may crash in interpreter teardown (see synth/render.py)
"""


def test_blenderproc_imports_renders_and_segments_in_a_plain_venv():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "classes [0, 3]" in result.stdout


LAZY_SCRIPT = r"""
import importlib, sys, numpy as np
from zerowaste.compat.blenderproc import API_GROUPS, import_blenderproc, init
from zerowaste.synth.params import sample_scene
from zerowaste.synth.presets import load_preset
from zerowaste.synth.render import configure_renderer, render_frame
bproc = import_blenderproc(); init()
preset = load_preset("tiny"); preset["resolution"] = [160, 90]
configure_renderer(2, "cpu", 1)
lazy = render_frame(sample_scene(preset, 3))
# what the kit's render path never imports (BlenderProc's own "inside" import loads all of it)
print("unused", sorted(m for m in ("sklearn", "matplotlib.pyplot", "blenderproc.api.loader",
      "blenderproc.python.object.FaceSlicer") if m in sys.modules), flush=True)
# every API name resolves to BlenderProc's own object; then everything is imported, as before
for group in API_GROUPS:
    api = importlib.import_module(f"blenderproc.api.{group}")
    names = [n for n in vars(api) if not n.startswith("_") and not isinstance(getattr(api, n), type(sys))]
    assert names and all(getattr(getattr(bproc, group), n) is getattr(api, n) for n in names), group
assert bproc.clean_up is importlib.import_module("blenderproc.python.utility.Initializer").clean_up
full = render_frame(sample_scene(preset, 3))
for key in ("colors", "category_id_segmaps", "instance_segmaps"):
    assert np.array_equal(np.asarray(lazy[key][0]), np.asarray(full[key][0])), key
print("same frame", float(np.asarray(lazy["colors"][0]).std()) > 0, flush=True)
import os; os._exit(0)
"""


def test_blenderproc_api_imported_lazily_renders_the_same_frame():
    """The kit imports only the BlenderProc modules it uses; importing all of them changes no pixel."""
    result = subprocess.run([sys.executable, "-c", LAZY_SCRIPT], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "unused []" in result.stdout and "same frame True" in result.stdout
