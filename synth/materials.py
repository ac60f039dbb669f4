"""Procedural Cycles materials (Blender shader nodes) for the belt and every object family.

Runs inside the rendering process only (imports bpy lazily). Knobs come from
:func:`zerowaste.synth.params._material` (see :func:`make_material`); prints are images from
:mod:`zerowaste.synth.prints` mapped on the object's UVs, so pixels and masks stay consistent.

Example (in the rendering process):
    >>> mat = make_material({"family": "paper", "color": [0.8, 0.8, 0.8], "roughness": 0.6,
    ...                      "print": "news"}, size=(0.3, 0.4), seed=7, px_per_m=700)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from zerowaste.synth.prints import INK_ONLY, KINDS, back_print, make_print, print_extent


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


def _print_texture(nt, kind: str, seed: int, extent, px_per_m: float, name: str, mirror: bool = False):
    """An Image Texture node showing a procedural print (:mod:`zerowaste.synth.prints`) on the UVs.

    ``mirror`` maps it on (1 - u, v): a print on a sheet's back face, which reads the right way round
    when the sheet is turned over.
    """
    import bpy

    rgba = make_print(kind, seed, extent, px_per_m)
    h, w = rgba.shape[:2]
    img = bpy.data.images.new(name, width=w, height=h, alpha=True)
    # Blender stores rows bottom-up; a byte image keeps the sRGB values as given.
    img.pixels.foreach_set((rgba[::-1].astype(np.float32) * (1.0 / 255.0)).ravel())
    node = nt.nodes.new("ShaderNodeTexImage")
    node.image = img
    node.interpolation = "Linear"
    node.extension = "EXTEND"
    vec = nt.nodes.new("ShaderNodeTexCoord").outputs["UV"]
    if mirror:
        flip = nt.nodes.new("ShaderNodeMapping")
        flip.inputs["Location"].default_value = (1.0, 0.0, 0.0)
        flip.inputs["Scale"].default_value = (-1.0, 1.0, 1.0)
        nt.links.new(vec, flip.inputs["Vector"])
        vec = flip.outputs["Vector"]
    nt.links.new(vec, node.inputs["Vector"])
    return node


def _math(nt, op: str, *values, clamp: bool = True):
    """A Math node (``op`` as in Blender, e.g. ``MULTIPLY_ADD``) on sockets or floats; returns its output."""
    node = nt.nodes.new("ShaderNodeMath")
    node.operation = op
    node.use_clamp = clamp
    for sock, val in zip(node.inputs, values, strict=False):
        if isinstance(val, (int, float)):
            sock.default_value = float(val)
        else:
            nt.links.new(val, sock)
    return node.outputs[0]


def _set(nt, sock, value) -> None:
    """Set a socket to a constant or link it to an output socket."""
    if isinstance(value, (int, float)):
        sock.default_value = float(value)
    elif isinstance(value, tuple):
        sock.default_value = value
    else:
        nt.links.new(value, sock)


def _noise(nt, vec, scale: float, detail: float = 2.0, roughness: float = 0.5):
    node = nt.nodes.new("ShaderNodeTexNoise")
    node.inputs["Scale"].default_value = scale
    node.inputs["Detail"].default_value = detail
    node.inputs["Roughness"].default_value = roughness
    nt.links.new(vec, node.inputs["Vector"])
    return node.outputs["Fac"]


def _ramp(nt, fac, lo: float, hi: float):
    """0 below ``lo``, 1 above ``hi``, linear between (a ColorRamp's value)."""
    ramp = nt.nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].position = lo
    ramp.color_ramp.elements[1].position = hi
    nt.links.new(fac, ramp.inputs["Fac"])
    return ramp.outputs["Color"]


def _grime(nt, vec, colour, amount: float):
    """Darken a surface in soft patches (handling dirt, damp): multiply by 1 - amount * noise."""
    if amount <= 0:
        return colour
    dirt = _ramp(nt, _noise(nt, vec, 6.0, 3.0, 0.6), 0.45, 0.8)
    shade = _mix(nt, dirt, (1.0, 1.0, 1.0, 1.0), (1 - amount, 1 - amount * 1.05, 1 - amount * 1.2, 1.0))
    node = nt.nodes.new("ShaderNodeMix")
    node.data_type = "RGBA"
    node.blend_type = "MULTIPLY"
    node.inputs[0].default_value = 1.0
    _set(nt, node.inputs[6], colour)
    nt.links.new(shade, node.inputs[7])
    return node.outputs[2]


def _bump_from(nt, bsdf, height, strength: float, distance: float = 0.01) -> None:
    bump = nt.nodes.new("ShaderNodeBump")
    bump.inputs["Strength"].default_value = strength
    bump.inputs["Distance"].default_value = distance
    nt.links.new(height, bump.inputs["Height"])
    nt.links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])


def _thin_film(nt, bsdf, tint, amount) -> None:
    """See-through film (bags, wrappers): light passes straight through, tinted, with a glossy sheen.

    A single-sided sheet with refractive transmission acts like the surface of a solid block of
    glass (rays enter and never leave), which makes thin films look opaque and saturated. A film
    is instead a mix of the opaque surface and a tinted Transparent BSDF (``amount`` 0..1, a
    socket or a number), plus a Fresnel-weighted gloss: highlights on the crinkles, the belt
    showing through.
    """
    out = nt.nodes["Material Output"]
    clear = nt.nodes.new("ShaderNodeBsdfTransparent")
    clear.inputs["Color"].default_value = tint
    mix = nt.nodes.new("ShaderNodeMixShader")
    _set(nt, mix.inputs[0], amount)
    nt.links.new(bsdf.outputs["BSDF"], mix.inputs[1])
    nt.links.new(clear.outputs["BSDF"], mix.inputs[2])
    gloss = nt.nodes.new("ShaderNodeBsdfGlossy")
    gloss.inputs["Roughness"].default_value = float(bsdf.inputs["Roughness"].default_value)
    fresnel = nt.nodes.new("ShaderNodeFresnel")
    fresnel.inputs["IOR"].default_value = 1.5
    sheen = nt.nodes.new("ShaderNodeMixShader")
    nt.links.new(fresnel.outputs["Fac"], sheen.inputs[0])
    nt.links.new(mix.outputs["Shader"], sheen.inputs[1])
    nt.links.new(gloss.outputs["BSDF"], sheen.inputs[2])
    nt.links.new(sheen.outputs["Shader"], out.inputs["Surface"])


def make_material(m: dict, size=(0.3, 0.3), name: str = "obj", seed: int = 0, px_per_m: float = 0.0,
                  extent=None):
    """A Principled BSDF material from sampled knobs (:func:`zerowaste.synth.params._material`).

    ``size`` (m) sets the physical scale of procedural detail (corrugation, grime, crinkles).
    With ``px_per_m`` > 0, a ``print`` kind of :data:`zerowaste.synth.prints.KINDS` becomes an
    image texture of ``extent`` metres (default ``size``) on the object's UVs, drawn from ``seed``;
    ink-only kinds (kraft flexo print, bottle labels, can prints, bag logos) lie over ``color``.
    The back face (Blender's ``Backfacing``) shows what :func:`zerowaste.synth.prints.back_print`
    picks: bare ``color`` or a second print, mirrored so it reads right on a turned sheet.
    Knobs: ``color``, ``roughness``, ``coat`` (clear-coat weight: glossy magazines, packaging),
    ``metallic``, ``anisotropic``, ``transmission`` (clear/tinted plastic; a label stays opaque),
    ``ior``, ``grime`` (dirt patches), ``corrugated``, ``crinkle`` (foil facets).
    """
    mat, nt, bsdf = _nodes(name)
    vec = _uv_scaled(nt, size)
    base = _rgba(m["color"])
    colour, ink = base, None
    kind = m.get("print", "plain")
    if kind in KINDS and px_per_m > 0:
        tex = _print_texture(nt, kind, seed, extent or size, px_per_m, f"{name}_print")
        if kind in INK_ONLY:
            ink = tex.outputs["Alpha"]
            colour = _mix(nt, ink, base, tex.outputs["Color"])
        else:
            colour = tex.outputs["Color"]
        back, back_seed = back_print(kind, seed)
        if back == "plain" and float(m.get("transmission", 0.0)) > 0:
            back = "same"  # a logo on clear film is seen through it from inside
        if back != "same":  # the back face: bare stock or another print (masks are untouched)
            facing = nt.nodes.new("ShaderNodeNewGeometry").outputs["Backfacing"]
            other = base if back == "plain" else _print_texture(
                nt, back, back_seed, extent or size, px_per_m, f"{name}_back", mirror=True).outputs["Color"]
            colour = _mix(nt, facing, colour, other)
            if ink is not None:  # no ink on the back: bare metal, clear film
                ink = _math(nt, "MULTIPLY", ink, _math(nt, "SUBTRACT", 1.0, facing))
    colour = _grime(nt, vec, colour, float(m.get("grime", 0.0)))
    _set(nt, bsdf.inputs["Base Color"], colour)
    rough = float(m.get("roughness", 0.5))
    _set(nt, bsdf.inputs["Roughness"], rough)
    metallic = float(m.get("metallic", 0.0))
    if metallic > 0:
        if ink is not None and "print_metallic" in m:
            # Printed can: bare metal (no ink) is fully metallic, the inked body less so.
            pm = float(m["print_metallic"])
            _set(nt, bsdf.inputs["Metallic"], _math(nt, "MULTIPLY_ADD", ink, pm - metallic, metallic))
        else:
            bsdf.inputs["Metallic"].default_value = metallic
    if m.get("anisotropic", 0.0) > 0:
        bsdf.inputs["Anisotropic"].default_value = float(m["anisotropic"])
        bsdf.inputs["Anisotropic Rotation"].default_value = float(m.get("anisotropic_rotation", 0.0))
    coat = float(m.get("coat", 0.0))
    if coat > 0:
        bsdf.inputs["Coat Weight"].default_value = coat
        bsdf.inputs["Coat Roughness"].default_value = float(m.get("coat_roughness", 0.08))
    t = float(m.get("transmission", 0.0))
    if t > 0 and m.get("thin"):
        _thin_film(nt, bsdf, base, t if ink is None else _math(nt, "MULTIPLY", _math(nt, "SUBTRACT", 1.0, ink), t))
    elif t > 0:
        bsdf.inputs["IOR"].default_value = float(m.get("ior", 1.45))
        # A label or printed logo stays opaque: transmission only where there is no ink.
        _set(nt, bsdf.inputs["Transmission Weight"], t if ink is None else _math(nt, "MULTIPLY", _math(nt, "SUBTRACT", 1.0, ink), t))
    if "specular" in m:
        bsdf.inputs["Specular IOR Level"].default_value = float(m["specular"])
    if m.get("corrugated"):
        wave = nt.nodes.new("ShaderNodeTexWave")  # flutes of corrugated board
        wave.inputs["Scale"].default_value = 60.0
        nt.links.new(vec, wave.inputs["Vector"])
        _bump_from(nt, bsdf, wave.outputs["Fac"], float(m["corrugated"]), 0.002)
    if m.get("crinkle"):
        vor = nt.nodes.new("ShaderNodeTexVoronoi")  # faceted crinkles of crushed foil
        vor.inputs["Scale"].default_value = 35.0
        nt.links.new(vec, vor.inputs["Vector"])
        _bump_from(nt, bsdf, vor.outputs["Distance"], float(m["crinkle"]), 0.004)
    return mat


def object_material(obj: dict, px_per_m: float, name: str = "obj"):
    """The material of one sampled clutter object (prints sized to its UV layout, seeded by it)."""
    m = obj["material"]
    return make_material(m, size=obj["size"][:2], name=name, seed=int(m.get("print_seed", obj["seed"])),
                         px_per_m=px_per_m, extent=print_extent(obj["kind"], obj["size"]))


def make_belt_material(belt: dict, name: str = "belt"):
    """Worn dark rubber: near-black base, dusty stains, dark oily spots, scuffs along the belt, seam.

    The roughness follows the dirt (dusty patches are matte, bare rubber has a soft sheen).
    """
    mat, nt, bsdf = _nodes(name)
    coord = nt.nodes.new("ShaderNodeTexCoord")
    obj_vec = coord.outputs["Object"]
    g = float(belt["grey"])
    dirt_amount = float(belt["dirt"])
    w = float(belt["seed"] % 1000)
    dirt = nt.nodes.new("ShaderNodeTexNoise")
    dirt.noise_dimensions = "4D"
    dirt.inputs["Scale"].default_value = 2.5
    dirt.inputs["Detail"].default_value = 6.0
    dirt.inputs["Roughness"].default_value = 0.65
    dirt.inputs["W"].default_value = w
    nt.links.new(obj_vec, dirt.inputs["Vector"])
    stain = _ramp(nt, dirt.outputs["Fac"], 0.6 - 0.2 * dirt_amount, 0.82)
    colour = _mix(nt, stain, (g, g, g, 1.0), (g * 3.2, g * 2.9, g * 2.5, 1.0))
    # Dark oily spots and wet patches.
    oil = _ramp(nt, _noise(nt, obj_vec, 7.0, 3.0, 0.55), 0.66, 0.74)
    colour = _mix(nt, _math(nt, "MULTIPLY", oil, 0.8 * dirt_amount), colour, (g * 0.45, g * 0.45, g * 0.45, 1.0))
    # Scuffs: fine light streaks stretched along the belt (x).
    mapping = nt.nodes.new("ShaderNodeMapping")
    mapping.inputs["Scale"].default_value = (0.04, 1.0, 1.0)
    nt.links.new(obj_vec, mapping.inputs["Vector"])
    scuff = _ramp(nt, _noise(nt, mapping.outputs["Vector"], 90.0, 2.0), 0.68 - 0.15 * float(belt["wear"]), 0.78)
    colour = _mix(nt, scuff, colour, (g * 2.4, g * 2.4, g * 2.3, 1.0))
    # Grain: a little speckle so the rubber never looks like flat paint.
    grain = _noise(nt, obj_vec, 400.0, 0.0)
    colour = _mix(nt, _math(nt, "MULTIPLY", grain, 0.35), colour, (g * 1.8, g * 1.8, g * 1.8, 1.0))
    nt.links.new(colour, bsdf.inputs["Base Color"])
    _set(nt, bsdf.inputs["Roughness"], _math(nt, "MULTIPLY_ADD", stain, 0.3, 0.55))
    return mat


def make_flat_material(color, roughness: float = 0.5, metallic: float = 0.0, name: str = "flat"):
    """A plain material (rails, seams)."""
    mat, _, bsdf = _nodes(name)
    bsdf.inputs["Base Color"].default_value = _rgba(color)
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    return mat
