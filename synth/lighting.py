"""Overhead lighting: LED bar area lights, an optional hotspot, and ambient world light.

A bar's ``spread`` (degrees, default 180: a bare diffuser) narrows its beam, as the lensed or louvred
LED bars over a sorting line do: the light comes from above, not from grazing angles, so the gaps
between overlapping pieces and the belt under a raised edge fall dark (contact shadows). It costs nothing.
Cycles keeps a light's power as its spread narrows, so the light straight below brightens (3.3 times at
90 degrees for a bar 1.5 m up); :func:`spread_gain` measures that and the bar's power is divided by it:
the belt under a bar stays as bright, only the grazing light goes.

The ambient world is the hall's fill light (its walls and ceiling): it lights every surface softly from
all sides but is not seen in reflections (:func:`light_the_hall`). A sorting hall is dim above the
lamps, so a glossy surface mirrors the lamps, not an evenly lit sky: the worn belt shows a broad sheen
where the bars' reflection falls and stays near black elsewhere (the reference frames' belt runs from
sRGB luma 0.15 in one part of the frame to 0.5 under the lamps in another). Until round 36 the world
was seen in reflections too: the belt's faint specular mirrored it as an even grey veil over all of it,
and a glossier belt lifted its black everywhere instead of under the lamps.

Runs inside the rendering process (BlenderProc). Parameters come from
:func:`zerowaste.synth.params.sample_scene` (``lights``, ``ambient``; colours from colour temperature).

Example (in the rendering process):
    >>> add_lights([{"type": "bar", "location": [0, 0, 2], "size": [0.12, 1.5], "power": 400,
    ...              "color": [1, 0.9, 0.8]}], ambient=0.1)  # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np

#: Brightness straight below a 0.12 x 1.5 m bar 1.5 m up against its spread (degrees), relative to 180
#: (measured in Cycles 4.2: a plane under the bar, 16 px, 16 samples).
SPREAD_GAIN = ((60.0, 5.39), (70.0, 4.57), (90.0, 3.30), (100.0, 2.82), (120.0, 2.10), (180.0, 1.0))
#: The colour of the hall's fill light (:func:`light_the_hall`): faintly cool, light off walls and a roof.
HALL_COLOUR = (0.9, 0.92, 1.0)


def spread_gain(spread_deg: float) -> float:
    """How much brighter a bar's spread makes the belt straight below it (1 at 180 degrees; log-interpolated).

    >>> spread_gain(180.0), round(spread_gain(90.0), 2), round(spread_gain(80.0), 2)
    (1.0, 3.3, 3.88)
    """
    deg, gain = np.array(SPREAD_GAIN).T
    return float(np.exp(np.interp(float(spread_deg), deg, np.log(gain))))


def add_lights(lights: list[dict], ambient: float) -> list:
    """Create the lights of a scene; returns the BlenderProc ``Light`` objects."""
    from zerowaste.compat.blenderproc import import_blenderproc

    bproc = import_blenderproc()
    out = []
    for spec in lights:
        light = bproc.types.Light(light_type="AREA", name=spec["type"])
        light.set_location(spec["location"])
        light.set_energy(float(spec["power"]) / spread_gain(float(spec.get("spread", 180.0))))
        light.set_color(spec["color"])
        data = light.blender_obj.data
        data.shape = "RECTANGLE"
        data.size, data.size_y = float(spec["size"][0]), float(spec["size"][1])
        data.spread = math.radians(float(spec.get("spread", 180.0)))
        out.append(light)
    light_the_hall(ambient)
    return out


def light_the_hall(ambient: float) -> None:
    """The hall's fill light: an even, faintly cool world of strength ``ambient`` that lights surfaces but that
    no reflection shows (glossy rays see black; see the module docstring)."""
    import bpy

    from zerowaste.compat.blenderproc import import_blenderproc

    import_blenderproc().renderer.set_world_background(list(HALL_COLOUR), strength=float(ambient))
    bpy.context.scene.world.cycles_visibility.glossy = False
