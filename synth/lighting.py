"""Overhead lighting: LED bar area lights, an optional hotspot, and ambient world light.

A bar's ``spread`` (degrees, default 180: a bare diffuser) narrows its beam, as the lensed or louvred
LED bars over a sorting line do: the light comes from above, not from grazing angles, so the gaps
between overlapping pieces and the belt under a raised edge fall dark (contact shadows). It costs nothing.

Runs inside the rendering process (BlenderProc). Parameters come from
:func:`zerowaste.synth.params.sample_scene` (``lights``, ``ambient``; colours from colour temperature).

Example (in the rendering process):
    >>> add_lights([{"type": "bar", "location": [0, 0, 2], "size": [0.12, 1.5], "power": 400,
    ...              "color": [1, 0.9, 0.8]}], ambient=0.1)  # doctest: +SKIP
"""

from __future__ import annotations

import math


def add_lights(lights: list[dict], ambient: float) -> list:
    """Create the lights of a scene; returns the BlenderProc ``Light`` objects."""
    from zerowaste.compat.blenderproc import import_blenderproc

    bproc = import_blenderproc()
    out = []
    for spec in lights:
        light = bproc.types.Light(light_type="AREA", name=spec["type"])
        light.set_location(spec["location"])
        light.set_energy(float(spec["power"]))
        light.set_color(spec["color"])
        data = light.blender_obj.data
        data.shape = "RECTANGLE"
        data.size, data.size_y = float(spec["size"][0]), float(spec["size"][1])
        data.spread = math.radians(float(spec.get("spread", 180.0)))
        out.append(light)
    bproc.renderer.set_world_background([0.9, 0.92, 1.0], strength=float(ambient))
    return out
