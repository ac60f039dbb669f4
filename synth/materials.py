"""Procedural Cycles materials (Blender shader nodes) for the belt and every object family.

Runs inside the rendering process only (imports bpy lazily). Knobs come from
:func:`zerowaste.synth.params._material`: ``family``, ``color``, ``roughness``, optional ``print`` (plain,
text, news, magazine, label), ``ink``, ``transmission``, ``metallic``.

Example (in the rendering process):
    >>> mat = make_material({"family": "paper", "color": [0.8, 0.8, 0.8], "roughness": 0.6,
    ...                      "print": "news", "ink": [0.1, 0.1, 0.1]}, size=(0.3, 0.4))  # doctest: +SKIP
"""

from __future__ import annotations


def _nodes(name: str):
    import bpy

    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nt = mat.node_tree
    bsdf = nt.nodes["Principled BSDF"]
    return mat, nt, bsdf


def _rgba(c) -> tuple[float, float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]), 1.0)


def _uv_scaled(nt, size):
    """UV coordinates scaled to metres (so prints have the same physical scale everywhere)."""
    uv = nt.nodes.new("ShaderNodeTexCoord")
    mapping = nt.nodes.new("ShaderNodeMapping")
    mapping.inputs["Scale"].default_value = (float(size[0]), float(size[1]), 1.0)
    nt.links.new(uv.outputs["UV"], mapping.inputs["Vector"])
    return mapping.outputs["Vector"]


def _mix(nt, fac, a, b):
    """Colour mix node: returns its output socket (``a`` where fac=0, ``b`` where fac=1)."""
    node = nt.nodes.new("ShaderNodeMix")
    node.data_type = "RGBA"
    nt.links.new(fac, node.inputs[0]) if not isinstance(fac, float) else None
    if isinstance(fac, float):
        node.inputs[0].default_value = fac
    for sock, val in ((node.inputs[6], a), (node.inputs[7], b)):
        if isinstance(val, tuple):
            sock.default_value = val
        else:
            nt.links.new(val, sock)
    return node.outputs[2]


def _text_mask(nt, vec, line: float):
    """Rows of short dark dashes that read as printed text from a distance (1 = ink)."""
    brick = nt.nodes.new("ShaderNodeTexBrick")
    brick.inputs["Scale"].default_value = 1.0
    brick.inputs["Mortar Size"].default_value = line * 0.2
    brick.inputs["Brick Width"].default_value = line * 3.0
    brick.inputs["Row Height"].default_value = line
    brick.inputs["Color1"].default_value = (1, 1, 1, 1)
    brick.inputs["Color2"].default_value = (1, 1, 1, 1)
    brick.inputs["Mortar"].default_value = (0, 0, 0, 1)
    nt.links.new(vec, brick.inputs["Vector"])
    # Columns: a coarse wave switches text off between columns / around pictures.
    wave = nt.nodes.new("ShaderNodeTexWave")
    wave.inputs["Scale"].default_value = 4.0
    wave.wave_profile = "SAW"
    nt.links.new(vec, wave.inputs["Vector"])
    col = nt.nodes.new("ShaderNodeMath")
    col.operation = "GREATER_THAN"
    col.inputs[1].default_value = 0.06
    nt.links.new(wave.outputs["Fac"], col.inputs[0])
    inv = nt.nodes.new("ShaderNodeMath")
    inv.operation = "SUBTRACT"
    inv.inputs[0].default_value = 1.0
    nt.links.new(brick.outputs["Color"], inv.inputs[1])
    mul = nt.nodes.new("ShaderNodeMath")
    mul.operation = "MULTIPLY"
    inv.use_clamp = True
    nt.links.new(inv.outputs[0], mul.inputs[0])
    nt.links.new(col.outputs[0], mul.inputs[1])
    return mul.outputs[0]


def _picture(nt, vec, scale: float, ink, coverage: float = 0.55):
    """Colourful blotches (photos, logos): returns (colour socket, mask socket)."""
    vor = nt.nodes.new("ShaderNodeTexVoronoi")
    vor.inputs["Scale"].default_value = scale
    nt.links.new(vec, vor.inputs["Vector"])
    noise = nt.nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = scale * 2.5
    noise.inputs["Detail"].default_value = 2.0
    nt.links.new(vec, noise.inputs["Vector"])
    # Muted photo colours: Voronoi's random cell colours pulled towards grey, mixed with the ink.
    muted = _mix(nt, 0.45, vor.outputs["Color"], (0.35, 0.33, 0.3, 1.0))
    colour = _mix(nt, noise.outputs["Fac"], muted, _rgba(ink))
    mask_noise = nt.nodes.new("ShaderNodeTexNoise")
    mask_noise.inputs["Scale"].default_value = scale * 0.6
    nt.links.new(vec, mask_noise.inputs["Vector"])
    ramp = nt.nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].position = coverage - 0.02
    ramp.color_ramp.elements[1].position = coverage + 0.02
    nt.links.new(mask_noise.outputs["Fac"], ramp.inputs["Fac"])
    return colour, ramp.outputs["Color"]


def _bump(nt, bsdf, scale: float, strength: float) -> None:
    noise = nt.nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = scale
    noise.inputs["Detail"].default_value = 1.0
    bump = nt.nodes.new("ShaderNodeBump")
    bump.inputs["Strength"].default_value = strength
    nt.links.new(noise.outputs["Fac"], bump.inputs["Height"])
    nt.links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])


def make_material(m: dict, size=(0.3, 0.3), name: str = "obj"):
    """A material from sampled knobs; ``size`` (m) sets the physical scale of prints."""
    mat, nt, bsdf = _nodes(name)
    base = _rgba(m["color"])
    bsdf.inputs["Roughness"].default_value = float(m.get("roughness", 0.5))
    vec = _uv_scaled(nt, size)
    colour = base
    kind = m.get("print", "plain")
    ink = m.get("ink", (0.1, 0.1, 0.1))
    if kind in ("text", "news"):
        text = _text_mask(nt, vec, 0.009 if kind == "news" else 0.011)
        colour = _mix(nt, text, base, (0.25, 0.25, 0.26, 1.0))
        if kind == "news":
            pic, pmask = _picture(nt, vec, 6.0, (0.3, 0.3, 0.3), coverage=0.62)
            colour = _mix(nt, pmask, colour, pic)
    elif kind in ("magazine", "label"):
        pic, pmask = _picture(nt, vec, 5.0 if kind == "magazine" else 3.0, ink, 0.45 if kind == "magazine" else 0.6)
        colour = _mix(nt, pmask, pic, base) if kind == "magazine" else _mix(nt, pmask, base, pic)
    if isinstance(colour, tuple):
        bsdf.inputs["Base Color"].default_value = colour
    else:
        nt.links.new(colour, bsdf.inputs["Base Color"])
    family = m["family"]
    if family == "metal":
        bsdf.inputs["Metallic"].default_value = 1.0
        bsdf.inputs["Anisotropic"].default_value = 0.6
        _bump(nt, bsdf, 40.0, 0.25)
    elif family in ("soft_plastic", "rigid_plastic"):
        t = float(m.get("transmission", 0.0))
        if family == "soft_plastic" and t > 0:
            # Thin films: alpha translucency (>= 0.5 keeps the film in the object-index pass).
            bsdf.inputs["Alpha"].default_value = 1.0 - 0.45 * t
            bsdf.inputs["Transmission Weight"].default_value = 0.3 * t
        else:
            bsdf.inputs["Transmission Weight"].default_value = t
        # No bump here: the wrinkles are geometry, and a bump node costs ~20% of render time.
        bsdf.inputs["Specular IOR Level"].default_value = 0.7  # shiny plastic highlights
    elif family == "cardboard":
        wave = nt.nodes.new("ShaderNodeTexWave")  # corrugation
        wave.inputs["Scale"].default_value = 60.0
        nt.links.new(vec, wave.inputs["Vector"])
        bump = nt.nodes.new("ShaderNodeBump")
        bump.inputs["Strength"].default_value = 0.15
        nt.links.new(wave.outputs["Fac"], bump.inputs["Height"])
        nt.links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])
    return mat


def make_belt_material(belt: dict, name: str = "belt"):
    """Dark rubber with lighter stains (dirt), longitudinal scratches (wear) and an optional seam."""
    mat, nt, bsdf = _nodes(name)
    coord = nt.nodes.new("ShaderNodeTexCoord")
    g = float(belt["grey"])
    dirt = nt.nodes.new("ShaderNodeTexNoise")
    dirt.inputs["Scale"].default_value = 3.0
    dirt.inputs["Detail"].default_value = 4.0
    dirt.inputs["Roughness"].default_value = 0.65
    dirt.noise_dimensions = "4D"
    dirt.inputs["W"].default_value = float(belt["seed"] % 1000)
    nt.links.new(coord.outputs["Object"], dirt.inputs["Vector"])
    ramp = nt.nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].position = 0.62 - 0.2 * float(belt["dirt"])
    ramp.color_ramp.elements[1].position = 0.8
    nt.links.new(dirt.outputs["Fac"], ramp.inputs["Fac"])
    colour = _mix(nt, ramp.outputs["Color"], (g, g, g, 1.0), (g * 3.5, g * 3.2, g * 2.8, 1.0))
    # Wear: scratches along the belt (x): a wave stretched in x.
    mapping = nt.nodes.new("ShaderNodeMapping")
    mapping.inputs["Scale"].default_value = (0.05, 1.0, 1.0)
    nt.links.new(coord.outputs["Object"], mapping.inputs["Vector"])
    scratch = nt.nodes.new("ShaderNodeTexNoise")
    scratch.inputs["Scale"].default_value = 80.0
    scratch.inputs["Detail"].default_value = 2.0
    nt.links.new(mapping.outputs["Vector"], scratch.inputs["Vector"])
    sramp = nt.nodes.new("ShaderNodeValToRGB")
    sramp.color_ramp.elements[0].position = 0.7 - 0.15 * float(belt["wear"])
    sramp.color_ramp.elements[1].position = 0.78
    nt.links.new(scratch.outputs["Fac"], sramp.inputs["Fac"])
    colour = _mix(nt, sramp.outputs["Color"], colour, (g * 2.5, g * 2.5, g * 2.5, 1.0))
    nt.links.new(colour, bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.75
    return mat


def make_flat_material(color, roughness: float = 0.5, metallic: float = 0.0, name: str = "flat"):
    """A plain material (rails, seams)."""
    mat, _, bsdf = _nodes(name)
    bsdf.inputs["Base Color"].default_value = _rgba(color)
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    return mat
