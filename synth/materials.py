"""Procedural Cycles materials (Blender shader nodes) for the belt and every object family.

Runs inside the rendering process only (imports bpy lazily). Knobs come from
:func:`zerowaste.synth.params._material` (see :func:`make_material`); prints are images from
:mod:`zerowaste.synth.prints` mapped on the object's UVs, so pixels and masks stay consistent.

Example (in the rendering process):
    >>> mat = make_material({"family": "paper", "color": [0.8, 0.8, 0.8], "roughness": 0.6,
    ...                      "print": "news"}, size=(0.3, 0.4), seed=7, px_per_m=700)  # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np

from zerowaste.synth.params import FILM_DARK, FILM_TINTED
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


def _print_texture(nt, kind: str, seed: int, extent, px_per_m: float, name: str, mirror: bool = False,
                   both_sides: bool = False):
    """An Image Texture node showing a procedural print (:mod:`zerowaste.synth.prints`) on the UVs.

    ``mirror`` maps it on (1 - u, v): a print on a sheet's back face, which reads the right way round
    when the sheet is turned over. ``both_sides`` maps it so on back faces only: one print that reads
    the right way round from either side (a flattened bag, printed on both its faces).
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
    uv = vec = nt.nodes.new("ShaderNodeTexCoord").outputs["UV"]
    if mirror or both_sides:
        flip = nt.nodes.new("ShaderNodeMapping")
        flip.inputs["Location"].default_value = (1.0, 0.0, 0.0)
        flip.inputs["Scale"].default_value = (-1.0, 1.0, 1.0)
        nt.links.new(uv, flip.inputs["Vector"])
        vec = flip.outputs["Vector"]
    if both_sides:  # uv + backside * (flipped - uv)
        diff = nt.nodes.new("ShaderNodeVectorMath")
        diff.operation = "SUBTRACT"
        nt.links.new(vec, diff.inputs[0])
        nt.links.new(uv, diff.inputs[1])
        blend = nt.nodes.new("ShaderNodeVectorMath")
        blend.operation = "MULTIPLY_ADD"
        nt.links.new(diff.outputs["Vector"], blend.inputs[0])
        nt.links.new(_backside(nt), blend.inputs[1])
        nt.links.new(uv, blend.inputs[2])
        vec = blend.outputs["Vector"]
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


def _attribute(nt, name: str):
    """A mesh attribute (see :class:`zerowaste.synth.objects.Mesh` ``attrs``); 0 where the mesh has none."""
    node = nt.nodes.new("ShaderNodeAttribute")
    node.attribute_type = "GEOMETRY"
    node.attribute_name = name
    return node.outputs["Fac"]


def _backside(nt):
    """1 on a sheet's back: faces seen from behind, or a board's back shell (``board_depth`` 1)."""
    facing = nt.nodes.new("ShaderNodeNewGeometry").outputs["Backfacing"]
    return _math(nt, "MAXIMUM", facing, _attribute(nt, "board_depth"))


def _board_rim(nt, vec, colour, m: dict):
    """Corrugated board's cut edge (faces with ``board_rim`` 1): the two liners and, between them,
    the wavy fluting medium (lighter kraft) over dark channels, one wave per ``m["flute"]`` m along x.
    ``board_depth`` runs 0 (front) to 1 (back) across the edge. With ``m["peel"]`` (m), the top liner
    is torn off along torn edges (``board_tear`` closer than about that): the ridged fluting shows.
    """
    depth = _attribute(nt, "board_depth")
    split = nt.nodes.new("ShaderNodeSeparateXYZ")
    nt.links.new(vec, split.inputs[0])
    phase = _math(nt, "SINE", _math(nt, "MULTIPLY", split.outputs["X"], 2 * math.pi / float(m["flute"]), clamp=False),
                  clamp=False)
    c = np.clip(np.asarray(m["color"][:3]) * 1.35 + 0.03, 0, 1)
    if m.get("peel"):
        wobble = _noise(nt, vec, 30.0, 2.0)  # the liner tears off in a ragged band
        width = _math(nt, "MULTIPLY_ADD", wobble, 1.6 * float(m["peel"]), 0.2 * float(m["peel"]), clamp=False)
        band = _math(nt, "LESS_THAN", _attribute(nt, "board_tear"), width)
        ridges = _math(nt, "MULTIPLY_ADD", phase, 0.3, 0.7)  # crests light, grooves dark
        colour = _mix(nt, band, colour, _mix(nt, ridges, _rgba(c * 0.45), _rgba(c)))
    wave = _math(nt, "MULTIPLY_ADD", phase, 0.3, 0.5, clamp=False)
    dist = _math(nt, "ABSOLUTE", _math(nt, "SUBTRACT", depth, wave, clamp=False), clamp=False)
    medium = _math(nt, "MULTIPLY_ADD", dist, -1 / 0.08, 1.9)  # clamped: 1 on the medium, 0 in a channel
    liner = _math(nt, "MULTIPLY", _math(nt, "SUBTRACT", _math(nt, "ABSOLUTE", _math(
        nt, "SUBTRACT", depth, 0.5, clamp=False), clamp=False), 0.36), 40.0)
    lit = _math(nt, "MAXIMUM", medium, liner)
    edge = _mix(nt, lit, _rgba(c * 0.22), _rgba(c))
    return _mix(nt, _attribute(nt, "board_rim"), colour, edge)


#: Multipliers of a used board's colour (linear RGB), at noise values 0.3 .. 0.7 of :func:`_board_mottle`:
#: a wet patch (dark, warm), its dried tide line, clean board, a rubbed or bleached patch (the noise
#: lies mostly within 0.35-0.65). Round 11's judge: "cardboard always clean and dry" (real board on the
#: belt has wet-darkened patches, about half as bright): the wet part now reaches noise 0.45 (was 0.42)
#: and darkens to 0.42 (was 0.6).
BOARD_MOTTLE = ((0.37, (0.42, 0.36, 0.28)), (0.45, (0.55, 0.49, 0.4)), (0.465, (0.5, 0.44, 0.35)),
                (0.485, (0.84, 0.82, 0.79)), (0.54, (0.87, 0.87, 0.87)), (0.62, (1.0, 1.0, 0.97)))


def _board_mottle(nt, vec, colour, m: dict, seed: int):
    """Used corrugated board is never one even tan: ``m["mottle"]`` (0..1) sets how strongly.

    Soft patches 5-15 cm across, darker and warmer (damp, dirt) with a darker tide line round them
    (a dried water mark) or lighter (rubbed, bleached), and darker, dirtier bands along the cut
    edges, score folds, crush lines and dents (Cycles' Pointiness away from 0.5: where the board is
    handled and scuffed). One two-octave noise shapes the patches (noise is most of the render cost).
    """
    a = float(m["mottle"])
    ramp = nt.nodes.new("ShaderNodeValToRGB")
    els = ramp.color_ramp.elements
    for _ in range(len(BOARD_MOTTLE) - len(els)):
        els.new(0.5)
    for el, (pos, rgb) in zip(els, BOARD_MOTTLE, strict=True):  # a ramp stays within 0..1
        el.position = pos
        el.color = (*(1 - a + a * c for c in rgb), 1.0)
    nt.links.new(_noise(nt, _offset(nt, vec, seed + 1), 7.0, 2.0, 0.6), ramp.inputs["Fac"])
    tint = nt.nodes.new("ShaderNodeVectorMath")
    tint.operation = "MULTIPLY"
    _set(nt, tint.inputs[0], colour[:3] if isinstance(colour, tuple) else colour)  # RGBA constant -> vector
    nt.links.new(ramp.outputs["Color"], tint.inputs[1])
    lift = nt.nodes.new("ShaderNodeVectorMath")  # clean board (0.87 in the ramp) back to its colour
    lift.operation = "SCALE"
    nt.links.new(tint.outputs["Vector"], lift.inputs[0])
    lift.inputs["Scale"].default_value = 1 / (1 - a + a * BOARD_MOTTLE[4][1][0])
    point = nt.nodes.new("ShaderNodeNewGeometry").outputs["Pointiness"]
    crease = _math(nt, "ABSOLUTE", _math(nt, "SUBTRACT", point, 0.5, clamp=False), clamp=False)
    edge = _math(nt, "MULTIPLY", _math(nt, "MULTIPLY_ADD", crease, 30.0, -0.15), 0.6 * a)
    dirty = nt.nodes.new("ShaderNodeMix")
    dirty.data_type, dirty.blend_type = "RGBA", "MULTIPLY"
    nt.links.new(edge, dirty.inputs[0])
    nt.links.new(lift.outputs["Vector"], dirty.inputs[6])
    dirty.inputs[7].default_value = (0.5, 0.44, 0.36, 1.0)
    return dirty.outputs[2]


#: Largest share of light a see-through film lets pass (keeps it in the segmentation pass).
FILM_MAX_CLEAR = 0.9
#: Fresnel IOR of a film's gloss: both faces of the film reflect (about 8 % head-on, one face 4 %).
FILM_GLOSS_IOR = 1.8
#: Fresnel IOR of a tinted film's gloss (:func:`_tinted_film`; about 2 % head-on). Round 11's judge:
#: our yellow and orange bags looked mustard "with broad gloss streaks" (at 1.8 each smooth lump
#: mirrored the lamps in a white patch, the 99th percentile of a yellow bag clipped at 255); the real
#: yellow bag is a softly lit, matte-looking yellow (its 99th percentile sRGB (217, 179, 110)), the light
#: caught only in small crisp lines on its crinkles.
FILM_TINT_GLOSS_IOR = 1.33


def _thin_film(nt, bsdf, tint, amount, streak: float = 0.0, ior: float = FILM_GLOSS_IOR) -> None:
    """See-through film (bags, wrappers): light passes straight through, tinted, with a glossy sheen.

    A single-sided sheet with refractive transmission acts like the surface of a solid block of
    glass (rays enter and never leave), which makes thin films look opaque and saturated. A film
    is instead a mix of the opaque surface and a tinted Transparent BSDF (``amount`` 0..1, a
    socket or a number), plus a Fresnel-weighted gloss (IOR ``ior``: :data:`FILM_GLOSS_IOR`; a tinted film's faint
    :data:`FILM_TINT_GLOSS_IOR`): highlights on the
    crinkles, the belt showing through. ``streak`` (0..1) stretches the gloss along the film's UV
    ``u`` (anisotropic): the bright streaks along a bag's creases. At most :data:`FILM_MAX_CLEAR`
    of the light passes, so the film stays in the object-index pass that the masks come from
    (BlenderProc keeps surfaces above 5 % alpha).
    """
    if isinstance(amount, float | int):
        amount = min(float(amount), FILM_MAX_CLEAR)
    else:
        amount = _math(nt, "MINIMUM", amount, FILM_MAX_CLEAR)
    out = nt.nodes["Material Output"]
    clear = nt.nodes.new("ShaderNodeBsdfTransparent")
    _set(nt, clear.inputs["Color"], tint)
    mix = nt.nodes.new("ShaderNodeMixShader")
    _set(nt, mix.inputs[0], amount)
    nt.links.new(bsdf.outputs["BSDF"], mix.inputs[1])
    nt.links.new(clear.outputs["BSDF"], mix.inputs[2])
    gloss = nt.nodes.new("ShaderNodeBsdfGlossy")
    gloss.inputs["Roughness"].default_value = float(bsdf.inputs["Roughness"].default_value)
    if bsdf.inputs["Normal"].is_linked:  # the fine wrinkles' bump shapes the gloss too
        nt.links.new(bsdf.inputs["Normal"].links[0].from_socket, gloss.inputs["Normal"])
    if streak > 0:
        tangent = nt.nodes.new("ShaderNodeTangent")
        tangent.direction_type = "UV_MAP"
        gloss.inputs["Anisotropy"].default_value = float(streak)
        nt.links.new(tangent.outputs["Tangent"], gloss.inputs["Tangent"])
    fresnel = nt.nodes.new("ShaderNodeFresnel")
    fresnel.inputs["IOR"].default_value = float(ior)
    sheen = nt.nodes.new("ShaderNodeMixShader")
    nt.links.new(fresnel.outputs["Fac"], sheen.inputs[0])
    nt.links.new(mix.outputs["Shader"], sheen.inputs[1])
    nt.links.new(gloss.outputs["BSDF"], sheen.inputs[2])
    nt.links.new(sheen.outputs["Shader"], out.inputs["Surface"])


#: Tinted bags and film are thinly dyed: the light through them is tinted this share of the way
#: from white to the film's colour (the full colour, met twice on the way down and back up, turned a
#: blue bag over a white print as deep blue as the bag itself: a solid sheet, round 10's judge).
FILM_DYE = 0.5


def _tinted_film(base, m: dict) -> bool:
    """Whether ``m`` is a see-through tinted bag or film (soft plastic, colour spread > :data:`FILM_TINTED`)."""
    return m.get("family") == "soft_plastic" and max(base[:3]) - min(base[:3]) > FILM_TINTED


def _dyed(base, share: float) -> tuple[float, float, float, float]:
    """White taken ``share`` (0..1) of the way to the colour ``base`` (RGBA): a thin dye's filter."""
    return (*(1.0 - share * (1.0 - float(c)) for c in base[:3]), 1.0)


def _film_tint(base, m: dict):
    """The colour a film tints the light through it: a tinted bag's thin dye (:data:`FILM_DYE`)."""
    if not _tinted_film(base, m):
        return base
    return _dyed(base, FILM_DYE)


#: A tinted bag is two layers of film, and it lies folded over itself: where it doubles (or triples) the
#: light meets the dye again, so the film is deeper in colour and less see-through, with a sharp step
#: at the fold. :func:`_film_layers`: the share of a tinted bag or film lying doubled (a third of those
#: tripled), the size of the folded-over flaps (straight-edged cells, this many per metre: ~14 cm),
#: how far each extra layer takes the colour toward its square (:func:`_dyed`), and the share of the
#: light passing each extra layer. The real yellow bag's darker parts, sRGB (170, 126, 37) by its
#: median (199, 160, 58): green / red 0.74 by 0.80; a flat yellow bag in test_film_layers' scene,
#: green / red 0.78 single, 0.69 doubled (0.66 at a dye of 0.7, which in seed 81000's default frames
#: raised colourfulness from +1.2 to +1.7 deviations). Round 12's judge and the lead: our tinted bags
#: read as smooth, even-coloured pillows or satin; the real one is patchy -- thin and light where
#: single, deep orange where it folds over, the patches meeting in hard edges. Flaps ~14 cm (7 per metre)
#: since round 13's judge: at 10 per metre a flat yellow sheet read as a camouflage of small polygons.
FILM_DOUBLED = (0.4, 7.0, 0.5, 0.45)


def _film_layers(nt, vec, seed: int):
    """How many extra film layers lie over each point of a tinted bag: 0, 1 or 2 (a socket).

    Voronoi cells on the film's UVs (metres, :data:`FILM_DOUBLED`, shifted by ``seed``), each with its
    own random value: cells under the doubled share are folded over once, a third of them twice. The
    cells' straight edges are the folds' hard edges.
    """
    share, cells = FILM_DOUBLED[:2]
    vor = nt.nodes.new("ShaderNodeTexVoronoi")
    vor.inputs["Scale"].default_value = cells
    nt.links.new(_offset(nt, vec, seed + 1), vor.inputs["Vector"])
    r = nt.nodes.new("ShaderNodeSeparateColor")
    nt.links.new(vor.outputs["Color"], r.inputs["Color"])
    cell = r.outputs["Red"]  # uniform 0..1, one value per cell
    once = _math(nt, "LESS_THAN", cell, share)
    twice = _math(nt, "LESS_THAN", cell, share / 3.0)
    return _math(nt, "ADD", once, twice, clamp=False)


def _doubled(nt, value, layers, per_layer):
    """``value`` (a colour socket or RGBA tuple) times ``per_layer`` (RGBA tuple) once per extra layer."""
    for k in (1.0, 2.0):  # (at most two extra layers: _film_layers)
        node = nt.nodes.new("ShaderNodeMix")
        node.data_type, node.blend_type = "RGBA", "MULTIPLY"
        _set(nt, node.inputs[0], _math(nt, "GREATER_THAN", layers, k - 0.5))
        _set(nt, node.inputs[6], value)
        node.inputs[7].default_value = per_layer
        value = node.outputs[2]
    return value


def _hazy(nt, colour, haze: float, ink):
    """A clear film's own (diffuse) colour: ``colour`` times ``haze`` (0..1) where there is no ink.

    A milky film's large opaque share in white turned it satin; a clear film's opaque share is small (at
    least 1 - :data:`FILM_MAX_CLEAR`), and a dark grey one there laid a smoky veil over what lies under it
    (``params.FILM_CLEAR_HAZE``). ``ink`` (a socket or None) keeps a printed logo at full colour.
    """
    node = nt.nodes.new("ShaderNodeMix")
    node.data_type, node.blend_type = "RGBA", "MULTIPLY"
    fac = 1.0 - haze if ink is None else _math(nt, "MULTIPLY", _math(nt, "SUBTRACT", 1.0, ink), 1.0 - haze)
    _set(nt, node.inputs[0], fac)
    _set(nt, node.inputs[6], colour)
    node.inputs[7].default_value = (0.0, 0.0, 0.0, 1.0)
    return node.outputs[2]


#: A film's fold lines in its own colour (:func:`_film_fold_lines`): how much darker its sharpest valleys
#: and how much lighter its sharpest ridges, and the bends (Cycles' Pointiness off 0.5) where a line
#: starts to show and where it is at full strength (a puffed bag's broad dome must not count: from
#: 0.004 on, a black bag's whole dome lit grey, median 99 of the belt's 100 in test_film's scene). Round 11's judge read our bags as "smooth balloons, no crinkle": a film's diffuse shading
#: barely changes over a crinkle 4 mm high (cos 20 degrees: 6 %), so the crinkles (objects.crinkles)
#: showed only where the gloss caught them; the real yellow bag shows its wrinkles as thin darker lines
#: (film folded on itself: twice the dye) and small pale highlights along the ridges.
FILM_FOLD_SHADE = (0.35, 0.2, 0.012, 0.04)
#: ... and how much lighter a dark (black bin) film's ridges: a pale line on black plastic is stress-whitening, rare
#: on a bin bag; its ridges shine only where the gloss catches them. (Round 19: at 0.2 the smooth ridges of a
#: gathered black bag, 3 cm high, lay as broad grey stripes, "zebra"; the reference black bag is dark all over,
#: with a soft sheen and a few thin highlights.)
FILM_FOLD_LIGHT_DARK = 0.03


def _film_fold_lines(nt, colour, dark_film: bool = False):
    """``colour`` darkened along a film's sharp valleys and lightened along its ridges (:data:`FILM_FOLD_SHADE`;
    a ``dark_film``'s ridges only by :data:`FILM_FOLD_LIGHT_DARK`)."""
    dark, light, start, full = FILM_FOLD_SHADE
    if dark_film:
        light = FILM_FOLD_LIGHT_DARK
    point = nt.nodes.new("ShaderNodeNewGeometry").outputs["Pointiness"]
    off = _math(nt, "SUBTRACT", point, 0.5, clamp=False)  # < 0 in a valley, > 0 on a ridge
    per = 1.0 / (full - start)
    valley = _math(nt, "MULTIPLY_ADD", off, -per, -start * per)  # (clamped: 0 .. 1)
    ridge = _math(nt, "MULTIPLY_ADD", off, per, -start * per)
    colour = _mix(nt, _math(nt, "MULTIPLY", valley, dark), colour, (0.0, 0.0, 0.0, 1.0))
    return _mix(nt, _math(nt, "MULTIPLY", ridge, light), colour, (1.0, 1.0, 1.0, 1.0))


def _streaks(nt, vec, bsdf, strength: float, seed: int, scale: float = 20.0, stretch: float = 12.0) -> None:
    """Fine wrinkles of plastic film (a bump, one octave of noise ``scale`` per metre, ``stretch``
    times finer across ``v``): by default thin streaks ~4 mm across and ~5 cm long, one way per film
    (along ``u``, turned a little per object), each catching the light in a line, not a spot."""
    rng = np.random.default_rng([int(seed), 23])
    mapping = nt.nodes.new("ShaderNodeMapping")
    mapping.inputs["Location"].default_value = (*rng.uniform(-50.0, 50.0, 2), 0.0)
    mapping.inputs["Rotation"].default_value = (0.0, 0.0, float(rng.uniform(-0.4, 0.4)))
    mapping.inputs["Scale"].default_value = (1.0, float(stretch), 1.0)  # short across v: lines along u
    nt.links.new(vec, mapping.inputs["Vector"])
    _bump_from(nt, bsdf, _noise(nt, mapping.outputs["Vector"], scale, 0.0, 0.5), strength, 0.003)  # one octave


#: Paper's fine creases (:func:`_paper_creases`; which kinds: ``params.PAPER_CREASED``): cells per metre of
#: the coarse and the fine layer, and the fine layer's share of the tilt.
PAPER_CREASE_CELLS = (45.0, 110.0, 0.5)


def _paper_creases(nt, vec, bsdf, tilt: float, seed: int) -> None:
    """Creases finer than the mesh's facets: each Voronoi cell a flat facet, tilted its own way.

    The cell's random colour (-1..1 each way) tilts the shading normal (a tangent-space normal map), so
    neighbouring facets catch the light differently and meet at sharp, straight-edged creases (a
    Voronoi distance bump gives round dimples). Two layers (:data:`PAPER_CREASE_CELLS`) on the sheet's
    own UVs (metres), so the creases crowd where the crumpling gathered the sheet; ``tilt`` is the
    largest slope of the coarse layer (0.3: 17 degrees), ``seed`` shifts the cells.
    """
    coarse, fine, share = PAPER_CREASE_CELLS
    total = None
    for k, (cells, weight) in enumerate(((coarse, 1.0), (fine, share))):
        shifted = nt.nodes.new("ShaderNodeVectorMath")
        shifted.operation = "ADD"
        nt.links.new(vec, shifted.inputs[0])
        shifted.inputs[1].default_value = ((seed * 0.618 + 3.1 * k) % 7.0, (seed * 0.382 + 1.7 * k) % 5.0, 0.0)
        vor = nt.nodes.new("ShaderNodeTexVoronoi")
        vor.voronoi_dimensions = "2D"
        vor.inputs["Scale"].default_value = cells
        nt.links.new(shifted.outputs["Vector"], vor.inputs["Vector"])
        slope = nt.nodes.new("ShaderNodeVectorMath")  # the cell's colour as a slope, -1..1 each way
        slope.operation = "MULTIPLY_ADD"
        nt.links.new(vor.outputs["Color"], slope.inputs[0])
        slope.inputs[1].default_value = (2 * tilt * weight, 2 * tilt * weight, 0.0)
        slope.inputs[2].default_value = (-tilt * weight, -tilt * weight, 0.0)
        if total is None:
            total = slope.outputs["Vector"]
        else:
            add = nt.nodes.new("ShaderNodeVectorMath")
            add.operation = "ADD"
            nt.links.new(total, add.inputs[0])
            nt.links.new(slope.outputs["Vector"], add.inputs[1])
            total = add.outputs["Vector"]
    encoded = nt.nodes.new("ShaderNodeVectorMath")  # a normal map's colour: (x, y, 1) / 2 + 0.5
    encoded.operation = "MULTIPLY_ADD"
    nt.links.new(total, encoded.inputs[0])
    encoded.inputs[1].default_value = (0.5, 0.5, 0.0)
    encoded.inputs[2].default_value = (0.5, 0.5, 1.0)
    normal = nt.nodes.new("ShaderNodeNormalMap")
    normal.space = "TANGENT"
    nt.links.new(encoded.outputs["Vector"], normal.inputs["Color"])
    nt.links.new(normal.outputs["Normal"], bsdf.inputs["Normal"])


def _stripes(nt, vec, direction: str, per_m: float, duty: float):
    """1 on stripes ``duty`` of each period wide, 0 between; ``per_m`` stripes per metre along ``direction``."""
    wave = nt.nodes.new("ShaderNodeTexWave")  # SAW bands: a 0..1 ramp repeating 20 / 2 pi times per unit of Scale
    wave.wave_type, wave.bands_direction, wave.wave_profile = "BANDS", direction, "SAW"
    wave.inputs["Scale"].default_value = per_m * 2 * math.pi / 20
    wave.inputs["Distortion"].default_value = 0.6  # hand-woven, washed out of true
    nt.links.new(vec, wave.inputs["Vector"])
    return _math(nt, "LESS_THAN", wave.outputs["Fac"], duty)


def _weave(nt, vec, colour, m: dict):
    """A rag's textile pattern (params._weave): stripes or checks of ``weave_color``, or a mottle of it,
    over ``colour``, with a fine yarn noise. Round 11's judge read a plain rag as "a uniform green blob"."""
    per_m, duty = float(m.get("weave_scale", 30.0)), float(m.get("weave_duty", 0.3))
    if m["weave"] == "mottle":
        fac = _ramp(nt, _noise(nt, vec, per_m / 4, 4.0, 0.6), 0.5, 0.65)
    else:
        fac = _stripes(nt, vec, "X", per_m, duty)
        if m["weave"] == "checks":
            fac = _math(nt, "MAXIMUM", fac, _stripes(nt, vec, "Y", per_m, duty))
    colour = _mix(nt, fac, colour, _rgba(m.get("weave_color", (0.5, 0.5, 0.5))))
    yarn = _mix(nt, _noise(nt, vec, per_m * 6, 2.0, 0.7), (0.8, 0.8, 0.8, 1.0), (1.15, 1.15, 1.15, 1.0))
    node = nt.nodes.new("ShaderNodeMix")
    node.data_type, node.blend_type = "RGBA", "MULTIPLY"
    node.inputs[0].default_value = 1.0
    _set(nt, node.inputs[6], colour)
    nt.links.new(yarn, node.inputs[7])
    return node.outputs[2]


def _offset(nt, vec, seed: int):
    """``vec`` shifted by metres drawn from ``seed``: every object gets its own stains and scuffs."""
    node = nt.nodes.new("ShaderNodeVectorMath")
    node.operation = "ADD"
    nt.links.new(vec, node.inputs[0])
    node.inputs[1].default_value = (*np.random.default_rng([int(seed), 17]).uniform(-50.0, 50.0, 2), 0.0)
    return node.outputs["Vector"]


#: Light-faded, yellowed stock: the stock's colour times this (linear RGB).
AGED = (0.9, 0.8, 0.58)
#: Multiplier of a coffee or food stain (darker and warmer, so a print under it looks more saturated).
STAIN_TINT = (0.62, 0.45, 0.28)


def _wear(nt, vec, colour, base, m: dict, seed: int, printed: bool):
    """Used, not new: the colour after fading, ink rub-off along creases, and stains (knobs 0..1 of
    :func:`zerowaste.synth.params._wear`) on a colour socket; ``printed``: ink to rub off.

    ``fade`` mixes the surface up to 40 % toward aged stock (``base`` times :data:`AGED`):
    print loses saturation and contrast, white paper yellows and greys. ``rub`` lifts ink, leaving the
    bare stock, where the sheet is folded or a box's edge is (Cycles' Pointiness away from 0.5), in
    ragged patches. ``stain`` sets a few cm-sized blotches (darker, warmer, with a darker rim). One
    noise (~4-8 cm features, offset per object) shapes both: noise is most of the render cost.
    """
    blot = None
    if (m.get("rub", 0.0) >= 0.1 and printed) or m.get("stain", 0.0) > 0:
        blot = _noise(nt, _offset(nt, vec, seed), 12.0, 1.0, 0.5)
    if m.get("fade", 0.0) > 0:
        aged = tuple(float(b) * a for b, a in zip(base[:3], AGED, strict=True)) + (1.0,)
        colour = _mix(nt, 0.4 * float(m["fade"]), colour, aged)
    if m.get("rub", 0.0) >= 0.1 and printed:  # below that it barely shows: spare the nodes
        point = nt.nodes.new("ShaderNodeNewGeometry").outputs["Pointiness"]
        crease = _math(nt, "ABSOLUTE", _math(nt, "SUBTRACT", point, 0.5, clamp=False), clamp=False)
        lifted = _math(nt, "MULTIPLY", _math(nt, "MULTIPLY_ADD", crease, 25.0, -0.3), blot)  # folds over ~25 deg
        lighten = nt.nodes.new("ShaderNodeMix")  # ink gone: the stock shows, never darker than the print
        lighten.data_type, lighten.blend_type = "RGBA", "LIGHTEN"
        nt.links.new(_math(nt, "MULTIPLY", lifted, 1.6 * float(m["rub"])), lighten.inputs[0])
        _set(nt, lighten.inputs[6], colour)
        lighten.inputs[7].default_value = tuple(min(1.0, 1.05 * float(b)) for b in base[:3]) + (1.0,)
        colour = lighten.outputs[2]
    if m.get("stain", 0.0) > 0:
        t = 0.7 - 0.08 * float(m["stain"])  # higher stain: more, larger blotches
        edge = nt.nodes.new("ShaderNodeValToRGB")  # the blotch, its rim darkest (a dried drop)
        edge.color_ramp.elements[0].position = t
        edge.color_ramp.elements[1].position = t + 0.008
        nt.links.new(blot, edge.inputs["Fac"])
        inside = _ramp(nt, blot, t + 0.01, t + 0.04)
        fac = _math(nt, "MULTIPLY_ADD", inside, -0.45, edge.outputs["Color"])
        node = nt.nodes.new("ShaderNodeMix")
        node.data_type = "RGBA"
        node.blend_type = "MULTIPLY"
        nt.links.new(_math(nt, "MULTIPLY", fac, 0.5 + 0.5 * float(m["stain"])), node.inputs[0])
        _set(nt, node.inputs[6], colour)
        node.inputs[7].default_value = STAIN_TINT + (1.0,)
        colour = node.outputs[2]
    return colour


def _scuffs(nt, vec, bsdf, m: dict, seed: int, socket: str, rough: float) -> None:
    """Glossy coats and smooth plastic scuffed: mm-sized scratches, one way per object, roughen ``socket``."""
    rng = np.random.default_rng([int(seed), 19])
    scratch = nt.nodes.new("ShaderNodeMapping")  # scratches run one way, per object
    scratch.inputs["Location"].default_value = (*rng.uniform(-50.0, 50.0, 2), 0.0)
    scratch.inputs["Rotation"].default_value = (0.0, 0.0, float(rng.uniform(0, math.pi)))
    scratch.inputs["Scale"].default_value = (1.0, 6.0, 1.0)
    nt.links.new(vec, scratch.inputs["Vector"])
    fine = _noise(nt, scratch.outputs["Vector"], 250.0, 0.0, 0.5)  # ~4 mm, one octave (cheap)
    s = float(m["scuff"])
    marks = _ramp(nt, fine, 0.62 - 0.1 * s, 0.7 - 0.1 * s)
    _set(nt, bsdf.inputs[socket], _math(nt, "MULTIPLY_ADD", marks, 0.45 * s, rough))


#: How much a full-strength crease (mesh attribute ``crease`` 1, a sharp valley) darkens paper and board.
CREASE_DARK = 0.4


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
    ``ior``, ``grime`` (dirt patches), ``corrugated``, ``crinkle`` (foil facets; on paper and paper bags the slope of
    :func:`_paper_creases`), ``haze`` (a clear film's diffuse share, 0..1: :func:`_hazy`), ``streak``
    (see-through film's anisotropic gloss, 0..1; clear film also gets the wrinkle streaks of
    :func:`_streaks`).
    """
    mat, nt, bsdf = _nodes(name)
    vec = _uv_scaled(nt, size)
    base = _rgba(m["color"])
    colour, ink = base, None
    kind = m.get("print", "plain")
    if kind in KINDS and px_per_m > 0:
        back, back_seed = back_print(kind, seed)
        # a see-through film or bag shows its one print from both sides, the right way round either way up (a
        # flattened bag is printed on both faces; seen through from behind, round 15's judges read it backwards)
        both_sides = back == "plain" and float(m.get("transmission", 0.0)) > 0
        if both_sides:
            back = "same"
        tex = _print_texture(nt, kind, seed, extent or size, px_per_m, f"{name}_print", both_sides=both_sides)
        if kind in INK_ONLY:
            ink = tex.outputs["Alpha"]
            colour = _mix(nt, ink, base, tex.outputs["Color"])
        else:
            colour = tex.outputs["Color"]
        if back != "same":  # the back face: bare stock or another print (masks are untouched)
            facing = _backside(nt)
            other = base if back == "plain" else _print_texture(
                nt, back, back_seed, extent or size, px_per_m, f"{name}_back", mirror=True).outputs["Color"]
            colour = _mix(nt, facing, colour, other)
            if ink is not None:  # no ink on the back: bare metal, clear film
                ink = _math(nt, "MULTIPLY", ink, _math(nt, "SUBTRACT", 1.0, facing))
    printed = colour is not base
    if m.get("weave"):  # a rag's textile pattern
        colour = _weave(nt, vec, colour, m)
    if m.get("flute"):  # a board's cut edge shows its fluting
        colour = _board_rim(nt, vec, colour, m)
    colour = _wear(nt, vec, colour, base, m, seed, printed)
    if "cap_color" in m:  # a bottle's screw cap (mesh attribute ``cap``): coloured and opaque
        cap = _attribute(nt, "cap")
        colour = _mix(nt, cap, colour, _rgba(m["cap_color"]))
        ink = cap if ink is None else _math(nt, "MAXIMUM", ink, cap)
    colour = _grime(nt, vec, colour, float(m.get("grime", 0.0)))
    if m.get("family") in ("paper", "cardboard"):  # crumpled paper's dark crease lines (objects.facet_mesh)
        line = _math(nt, "POWER", _attribute(nt, "crease"), 2.0)  # (squared: a thin line, not a band)
        colour = _mix(nt, _math(nt, "MULTIPLY", line, CREASE_DARK), colour, _rgba((0, 0, 0)))
    if m.get("mottle"):  # used board: water marks, dirt, rubbed patches, dark edges and folds
        colour = _board_mottle(nt, vec, colour, m, seed)
    if m.get("family") == "soft_plastic":  # bags and film: fold lines in the film's own colour
        colour = _film_fold_lines(nt, colour, dark_film=max(m["color"][:3]) < FILM_DARK)
    t = float(m.get("transmission", 0.0))
    tinted = _tinted_film(base, m)
    layers = None
    if t > 0 and m.get("thin") and tinted:  # a tinted bag folded over itself (FILM_DOUBLED)
        layers = _film_layers(nt, vec, seed)
        colour = _doubled(nt, colour, layers, _dyed(base, FILM_DOUBLED[2]))
    if "haze" in m:
        colour = _hazy(nt, colour, float(m["haze"]), ink)
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
    see_through = float(m.get("transmission", 0.0)) > 0.3  # crinkled clear film: scuffs would not show
    if m.get("scuff", 0.0) >= 0.1 and (coat > 0 or rough < 0.5) and not see_through:  # the glossy layer scuffs
        socket = "Coat Roughness" if coat > 0 else "Roughness"
        _scuffs(nt, vec, bsdf, m, seed, socket, float(bsdf.inputs[socket].default_value))
    # Clear film: fine wrinkles (its only bump: bumps are costly) and a streaked Fresnel gloss
    # (_thin_film). Tinted and opaque film get no fine bump: the mesh's crinkles and stretch wrinkles
    # (objects.crinkles) shape their sheen; a fine bump broke it into speckle (round 9's judge).
    if m.get("streak") and t > 0 and m.get("thin") and max(base[:3]) - min(base[:3]) < FILM_TINTED:
        _streaks(nt, vec, bsdf, 0.2, seed)
    if t > 0:
        # A label or printed logo stays opaque: light passes only where there is no ink.
        clear = t if ink is None else _math(nt, "MULTIPLY", _math(nt, "SUBTRACT", 1.0, ink), t)
        tint = _film_tint(base, m)
        if layers is not None:  # each extra layer passes FILM_DOUBLED[3] of the light, dyed again
            clear = _math(nt, "MULTIPLY", clear, _math(nt, "POWER", FILM_DOUBLED[3], layers))
            tint = _doubled(nt, tint, layers, tint)
        if m.get("thin"):
            ior = FILM_TINT_GLOSS_IOR if tinted else FILM_GLOSS_IOR  # (a tinted film: a faint sheen)
            _thin_film(nt, bsdf, tint, clear, float(m.get("streak", 0.0)), ior)
        else:
            bsdf.inputs["IOR"].default_value = float(m.get("ior", 1.45))
            _set(nt, bsdf.inputs["Transmission Weight"], clear)
    if "specular" in m:
        bsdf.inputs["Specular IOR Level"].default_value = float(m["specular"])
    if m.get("corrugated"):
        wave = nt.nodes.new("ShaderNodeTexWave")  # flutes of corrugated board
        wave.inputs["Scale"].default_value = 60.0
        nt.links.new(vec, wave.inputs["Vector"])
        _bump_from(nt, bsdf, wave.outputs["Fac"], float(m["corrugated"]), 0.002)
    if m.get("crinkle") and m.get("family") in ("paper", "cardboard"):  # (on board: paper bags' creases)
        _paper_creases(nt, vec, bsdf, float(m["crinkle"]), seed)
    elif m.get("crinkle"):
        vor = nt.nodes.new("ShaderNodeTexVoronoi")  # faceted crinkles of crushed foil
        vor.inputs["Scale"].default_value = 35.0
        nt.links.new(vec, vor.inputs["Vector"])
        _bump_from(nt, bsdf, vor.outputs["Distance"], float(m["crinkle"]), 0.004)
    return mat


def object_material(obj: dict, px_per_m: float, name: str = "obj"):
    """The material of one sampled clutter object (prints sized to its UV layout, seeded by it)."""
    m = obj["material"]
    extent = print_extent(obj["kind"], obj["size"])
    size = extent if obj["kind"] in ("crushed_box", "shred") else obj["size"][:2]  # (UVs span a box's net, a shred's page)
    return make_material(m, size=size, name=name, seed=int(m.get("print_seed", obj["seed"])),
                         px_per_m=px_per_m, extent=extent)


def _belt_coords(nt, pos, rng: np.random.Generator, stretch: float = 1.0, angle: float = 0.0):
    """World position (m) squeezed ``stretch`` times along x (patterns run along the belt), turned by
    ``angle`` (rad) about z and shifted by a random offset drawn from ``rng`` (a new pattern per scene)."""
    mapping = nt.nodes.new("ShaderNodeMapping")
    mapping.inputs["Scale"].default_value = (stretch, 1.0, 1.0)
    mapping.inputs["Rotation"].default_value = (0.0, 0.0, angle)
    mapping.inputs["Location"].default_value = (*rng.uniform(-40.0, 40.0, 2), 0.0)
    nt.links.new(pos, mapping.inputs["Vector"])
    return mapping.outputs["Vector"]


def _scale_colour(nt, colour, factor):
    """``colour`` times a scalar ``factor`` socket (Vector Math SCALE)."""
    node = nt.nodes.new("ShaderNodeVectorMath")
    node.operation = "SCALE"
    _set(nt, node.inputs[0], colour)
    nt.links.new(factor, node.inputs["Scale"])
    return node.outputs["Vector"]


#: Roughness of the belt's bare rubber, of its dustiest smears, and how much a wet patch takes off. Round 13:
#: 0.5 / 0.85 / 0.3 left wet patches at 0.2, mirrors that caught the bars and the hotspot as round bright
#: blotches on the open belt (default, seed 81000). Round 36: at 0.72 / 0.92 / 0.12 the belt was matte, an even
#: dark grey under every lamp, where the reference belts run from near black to a broad grey sheen (sRGB luma up
#: to 0.5) in the part of the frame the lamps mirror in: a third of their unsaturated mid grey is belt. Now that
#: the hall's fill light is not mirrored (:func:`zerowaste.synth.lighting.light_the_hall`), a satin belt shows
#: the bars' reflection as that broad sheen; a wet patch stays above 0.4, no mirror.
BELT_ROUGHNESS = (0.48, 0.7, 0.08)
#: Debris specks on the belt: where a fine noise plus ``SPECK_DRIFT`` times a coarse one (the drifts they gather
#: in), over ``1 + SPECK_DRIFT``, peaks above ``SPECK_THRESHOLD`` (less a little for a dirtier belt). Round 13: a
#: drift of 0.5 and a threshold of 0.667 strewed light flakes evenly over the open belt of mrf-b (seed 81000,
#: frames 2-3: they stayed with the litter off), confetti.
#: A drift of 1 and 0.675 leave a few specks gathered in drifts (0.04 % of a mrf-b belt lit evenly, was 0.18 %;
#: 0.69 left none). Round 33's judges: "tiny bright debris crumbs, dust specks ... almost missing": 0.668 leaves
#: twice as many (0.05 % of an evenly lit default belt, seed 1, over 0.1 above its neighbourhood; 0.023 %).
SPECK_DRIFT, SPECK_THRESHOLD = 1.0, 0.668
#: Linear colours of the specks: the dim ones as multiples of the dust's albedo, the light ones (paper crumbs).
#: (1.6 times the dust and light crumbs of 0.3, sRGB 0.58, shone against the near-black belt like snow; trodden
#: crumbs are dirty: 0.14 is sRGB 0.41.)
SPECK_COLOURS = ((1.3, 1.27, 1.2), (0.14, 0.135, 0.125))
#: The belt's specular level (Principled "Specular IOR Level"; 0.5 is a plain dielectric). 0.3 before round 36,
#: when the belt mirrored the hall's even fill light (0.7 now lifts the darkest 5 % of the frame: +1.3 spreads).
BELT_SPECULAR = 0.5
#: The share of the belt's colour cast (:data:`BELT_TINT`) in its sheen (Principled "Specular Tint"): the
#: reference belts' sheen is olive grey like the rest of them (Lab b* +2.5 to +4.5), not the lamps' white.
#: The full cast turned the dark belt's pixels saturated (mean saturation +1.1 spreads).
BELT_SHEEN_TINT = 0.35
#: The belt's dusty smears: width over length (0.25-0.5 before round 14). Round 13's judge: "clean dark grey with
#: even, fine horizontal streaks; the real belts patchy and dirty": blotchier smears, and the fine streaks
#: (:data:`BELT_LINES`) shorter and fainter.
BELT_SMEAR_STRETCH = (0.35, 0.7)
#: The fine streaks: width over length (0.03 before round 14) and their weight, and the scuffed tracks' weight,
#: as shares of round 13's (a belt-only render read as brushed metal, scanlines from edge to edge). The tracks
#: went from 0.35 to 3.5 in round 15, when they moved into a few patches (:data:`BELT_SCUFF_PATCHES`) and became
#: scratches some 7 mm x 20 cm (were 1 cm x 1 m) fading in and out along their length. Round 48: at 3.5 the
#: scratches all over the belt (:data:`BELT_SCRATCH`) drew a dense, even grain of bright parallel lines, which the
#: blind judges of rounds 47 and 48 called "wood grain" and "brushed metal" (the reference belts: mottled grime and
#: crumbs, a few scratches); at 1.5 two blind judges of belt crops chose the new belt in 7 of 7 pairs where they
#: chose, and with none (0.0) two more chose 1.5 in 3 of 4 ("too flat and plastic").
BELT_LINES = (0.08, 0.4, 1.5)
#: Where the scuffed tracks show: patches of a noise drawn out this much along the belt (width over length), at
#: this many per metre, above this level (in 0..1; noise gathers round 0.5). Before round 15 they ran in
#: bands the length of the belt (0.05, 2 per m, from 0.45), faint (0.35 of round 13's weight) so as not to
#: read as brushed metal; the reference belts show a few patches of clear lengthwise scratches instead.
BELT_SCUFF_PATCHES = (0.3, 3.0, 0.5)
#: The scratches: cells per metre across the belt (their width), width over length, and the share of their
#: strength outside the worn patches (:data:`BELT_SCUFF_PATCHES`). Round 33's judges: our scratches were "a few
#: bright, cream-coloured, fairly thick strokes bunched in patches, like brush or motion-blur marks"; the real
#: belts' are "much thinner and lower in contrast, and cover the whole surface". 150 per metre and 0.03 (7 mm x
#: 22 cm) before, only in the worn patches (and a sparser field, 0.66-0.74 of the noise, now 0.62-0.7).
BELT_SCRATCH = (220.0, 0.02, 0.35)
#: The scratches' linear colour: this many times the rubber's grey plus this many times its dust (tinted like
#: them). 5 x grey + 1 x dust before round 33 (about 9 times the bare rubber): rows of bright white dashes,
#: "speed lines" on the preset sheet of `mrf-a`. Now about 5 times the bare rubber, and each scratch fades in
#: and out along its length more gradually (so most of it is fainter still).
BELT_SCUFF = (1.5, 1.0)
#: The rubber's grain: the contrast of a fine speckle (2.5 mm) and of a coarser grit (about 1 cm, a little
#: drawn out along the belt). Round 14's second judge: "clean, smooth, even grey ... no dirt or fine debris";
#: the fine speckle alone (0.3) vanished under the defocus and the codec. Round 15's judges called the grit at
#: 0.8 "carpet-like" (the reference belts are smooth rubber with smudges, specks and scratches): 0.5.
#: Round 29: the fine speckle 5 mm across (was 2.5 mm) at 0.8 (0.5); at 640 px the dark pixels' finest detail
#: (mean |grey - Gaussian 1.5 px|) was 0.50-0.76 grey levels against the real frames' 0.77-1.12, now 0.64-0.97.
#: Round 43: with the camera's later noise and codec the frames' dark pixels had more than the real ones (median
#: over 32 scenes 1.10 grey levels, the real frames' 0.88-1.12, median 1.00; the median pixel's 0.72 against 0.60),
#: and all four blind judges of belt crops named an "even fine grain", "salt-and-pepper": now 0.4 (1.01 and 0.64).
BELT_GRAIN = (0.4, 0.5)
#: The fine speckle's cells per metre (:data:`BELT_GRAIN`).
BELT_SPECKLE_PER_M = 220.0
#: The belt's colour cast at full ``belt["warm"]`` (linear RGB multipliers of the rubber; its dust and scuffs take
#: :data:`BELT_DUST_TINT` of it; a scene's ``warm`` 0..1 takes that share of it). Round 16: the reference belts are
#: a dark olive-brown grey (dark pixels sRGB 51, 50, 45: Lab b* +2.9) where ours were a neutral grey (58, 59, 59;
#: b* +0.1) that read as cool, even "studio" light; dust of paper and board on black rubber is brownish.
#: (1.03, 1.0, 0.8) left b* +1.7. Round 38: (1.06, 1.0, 0.7) with its dust at half of it left the frames' dark
#: unsaturated pixels at b* +2.2 (the reference +2.9; `belt_warmth` -0.75 spreads): the rubber is more olive and
#: its dust less (:data:`BELT_DUST_TINT` 0.3): +2.6 (-0.32) on the same 32 scenes, the lit dust as yellow as before.
BELT_TINT = (1.06, 1.0, 0.62)
#: The share of :data:`BELT_TINT` in the belt's dust and scuffs (their own 0.97 / 0.92 green and blue on top of the
#: full cast before round 37). The reference belts' olive grey is no more olive where they are dusty and lit
#: (Lab b* +1.3 to +2.8 at sRGB luma 0.3-0.6) than where they are dark (+3.3 to +3.6); ours grew yellower with
#: the light (b* +4.9 at 0.25-0.4, +7.2 above), lit belt in the frames' band of middling saturation (HSV 0.1-0.2:
#: 7.7 % of a frame was belt). 0.5 in round 37, 0.3 since round 38's more olive rubber (the dust's blue 0.89 of
#: its green, was 0.85).
BELT_DUST_TINT = 0.3
#: The belt's large-scale brightness swing: its amplitude (+- share, drawn per scene in this range) and how many
#: swings per metre. Round 26: the reference belts' dark grey runs from sRGB luma 0.12 to 0.40 (5th to 95th
#: percentile of the dark unsaturated pixels), near black in places and dusty grey in others; ours ran from 0.17
#: under a swing of +-0.25-0.45 at 0.5 per metre (wider than the frame: an even grey), and the darkest 5 % of the
#: frame sat at 0.20 against the real 0.15 (round 25's stronger black level took everything else down with it).
#: At +-0.6-0.85 once per metre the belt runs from 0.14 and the darkest 5 % sit at 0.18. (+-0.7-0.92 went a
#: little further but lit khaki patches on the belt; capping the bright side left more of it dark than is real.)
BELT_TONE = (0.6, 0.85, 1.0)


def belt_look(belt: dict) -> dict:
    """The per-scene look of the belt, drawn from ``belt["seed"]`` and its grey, dirt and wear (pure).

    Keeps the scene's other random draws untouched: everything here comes from the belt's own seed.

    Example:
        >>> look = belt_look({"grey": 0.03, "dirt": 0.5, "wear": 0.4, "seed": 7})
        >>> look == belt_look({"grey": 0.03, "dirt": 0.5, "wear": 0.4, "seed": 7}), 0.0 < look["wet"] < 1.0
        (True, True)
    """
    rng = np.random.Generator(np.random.PCG64(int(belt["seed"]) + 7919))
    g, dirt, wear = float(belt["grey"]), float(belt["dirt"]), float(belt["wear"])
    return {
        "angle": float(rng.normal(0.0, math.radians(1.5))),   # streaks run along x, give or take
        "stretch": float(rng.uniform(*BELT_SMEAR_STRETCH)),    # smear width / length
        "smear_scale": float(rng.uniform(2.0, 4.0)),           # 1/m: how many dusty smears across
        "dust": float(rng.uniform(0.05, 0.09) + 1.2 * g),      # linear albedo of the dust
        "smear": float(np.clip(dirt * rng.uniform(0.8, 1.25), 0.0, 1.0)),
        "streaks": float(np.clip((0.3 + 0.7 * dirt) * rng.uniform(0.6, 1.2), 0.0, 1.0)),
        "tracks": float(np.clip(wear * rng.uniform(0.7, 1.3), 0.0, 1.0)),
        "wet": float(rng.uniform(0.1, 0.8)),
        "tone": float(rng.uniform(*BELT_TONE[:2])),            # large-scale brightness swing (+-)
        "specks": float((0.003 + 0.012 * dirt) * rng.uniform(0.5, 1.5)),  # crumb litter (lowers the peak threshold;
                                                                            # more read as a sprinkled, speckled belt)
    }


def make_belt_material(belt: dict, name: str = "belt"):
    """Worn dark rubber, olive-brown by ``belt["warm"]`` (:data:`BELT_TINT`), different in every scene (see
    :func:`belt_look`).

    Layers, in metres of belt (the running direction is x): a large-scale brightness swing, long
    lighter dusty smears and fine streaks along the belt, scuffed tracks of thin lines, dark wet
    patches, and small light debris specks (paper shreds, crumbs). All of it is satin
    (:data:`BELT_ROUGHNESS`): dusty areas dullest, bare and wet rubber a little glossier, with an olive sheen
    where the lamps are mirrored (:data:`BELT_SHEEN_TINT`).
    """
    mat, nt, bsdf = _nodes(name)
    look = belt_look(belt)
    rng = np.random.Generator(np.random.PCG64(int(belt["seed"]) + 104729))  # pattern offsets
    pos = nt.nodes.new("ShaderNodeNewGeometry").outputs["Position"]
    g, d = float(belt["grey"]), look["dust"]
    bare = 0.85 * g  # bare rubber below the preset's mean grey: the dust brings the average back
    tint = [1.0 + float(belt.get("warm", 0.0)) * (t - 1.0) for t in BELT_TINT]
    dust_tint = [1.0 + BELT_DUST_TINT * (t - 1.0) for t in tint]
    dust = (*(d * t for t in dust_tint), 1.0)
    bare_c = (bare * tint[0], bare * tint[1], bare * tint[2], 1.0)
    angle = look["angle"]
    # Dusty smears: broad, long, soft; a second, finer layer of streaks.
    smear_n = _noise(nt, _belt_coords(nt, pos, rng, look["stretch"], angle), look["smear_scale"], 3.0, 0.62)
    lo = 0.56 - 0.14 * look["smear"]  # noise values gather around 0.5: narrow ramps
    smear = _math(nt, "MULTIPLY", _ramp(nt, smear_n, lo, lo + 0.14), 0.45 + 0.5 * look["smear"])
    colour = _mix(nt, smear, bare_c, dust)
    streak_stretch, streak_share, track_share = BELT_LINES
    streak_n = _noise(nt, _belt_coords(nt, pos, rng, streak_stretch, angle), 28.0, 3.0, 0.6)
    w = streak_share * look["streaks"]
    streak_w = _math(nt, "MULTIPLY_ADD", smear, 0.8 * w, 0.3 * w)  # most in the dust
    streak = _math(nt, "MULTIPLY", _ramp(nt, streak_n, 0.5, 0.62), streak_w)
    colour = _mix(nt, streak, colour, dust)
    # Scuffed tracks: thin, faint lighter lines along the belt, all over it, clearest in a few worn patches.
    patch_stretch, patch_scale, patch_lo = BELT_SCUFF_PATCHES
    band = _ramp(nt, _noise(nt, _belt_coords(nt, pos, rng, patch_stretch, angle), patch_scale, 2.0),
                 patch_lo, patch_lo + 0.1)
    per_m, stretch, outside = BELT_SCRATCH
    line_n = _noise(nt, _belt_coords(nt, pos, rng, stretch, angle), per_m, 2.0)
    lines = _ramp(nt, line_n, 0.62 - 0.1 * look["tracks"], 0.7)
    # each scratch fades in and out along its length (whole lines edge to edge read as brushed metal)
    # (its offset from a stream of its own: every other pattern of the belt stays where it was)
    own = np.random.Generator(np.random.PCG64(int(belt["seed"]) + 15485863))
    broken = _ramp(nt, _noise(nt, _belt_coords(nt, pos, own, 0.1, angle), 25.0, 2.0), 0.35, 0.75)
    lines = _math(nt, "MULTIPLY", lines, broken)
    worn = _math(nt, "MULTIPLY_ADD", band, 1.0 - outside, outside)
    track = _math(nt, "MULTIPLY", _math(nt, "MULTIPLY", lines, worn), 0.9 * track_share * look["tracks"])
    scuff = BELT_SCUFF[0] * g + BELT_SCUFF[1] * d
    colour = _mix(nt, track, colour, (*(scuff * t for t in dust_tint), 1.0))
    # Wet, dark patches (glossy).
    wet_n = _noise(nt, _belt_coords(nt, pos, rng, 0.5, angle), 1.4, 3.0, 0.6)
    wet = _ramp(nt, wet_n, 0.72 - 0.22 * look["wet"], 0.8 - 0.2 * look["wet"])
    colour = _scale_colour(nt, colour, _math(nt, "MULTIPLY_ADD", wet, -0.45, 1.0))
    # Large-scale brightness swing across the frame.
    tone_n = _noise(nt, _belt_coords(nt, pos, rng, 0.6), BELT_TONE[2], 1.0)
    tone = _math(nt, "MULTIPLY_ADD", _ramp(nt, tone_n, 0.38, 0.62), 2 * look["tone"], 1 - look["tone"], clamp=False)
    colour = _scale_colour(nt, colour, tone)
    # Debris specks: the highest peaks of a fine noise (irregular crumbs and shreds of every size),
    # gathered in drifts; most are grey, a few are white paper.
    speck_n = _noise(nt, _belt_coords(nt, pos, rng, 0.6, angle), 40.0, 2.0, 0.65)
    drift = _noise(nt, _belt_coords(nt, pos, rng), 2.5, 1.0)
    # (scaled back into 0..1: a ColorRamp clamps its input, so no threshold above 1 could ever be reached)
    peaks = _math(nt, "MULTIPLY", _math(nt, "MULTIPLY_ADD", drift, SPECK_DRIFT, speck_n, clamp=False),
                  1.0 / (1.0 + SPECK_DRIFT))
    t = SPECK_THRESHOLD - 0.5 * look["specks"] / (1.0 + SPECK_DRIFT)
    speck = _ramp(nt, peaks, t, t + 0.008)
    shade = _ramp(nt, _noise(nt, _belt_coords(nt, pos, rng), 12.0, 1.0), 0.45, 0.65)
    dim, light = SPECK_COLOURS
    crumb = _mix(nt, shade, tuple(d * c for c in dim) + (1.0,), (*light, 1.0))
    colour = _mix(nt, speck, colour, crumb)
    # Grain: a faint speckle so the rubber never looks like flat paint.
    fine, coarse = BELT_GRAIN
    grain = _math(nt, "MULTIPLY_ADD", _noise(nt, pos, BELT_SPECKLE_PER_M, 0.0), fine, 1.0 - fine / 2, clamp=False)
    grit = _noise(nt, _belt_coords(nt, pos, rng, 0.5, angle), 110.0, 3.0, 0.7)  # worn rubber's grit, mm to cm
    grain = _math(nt, "MULTIPLY", grain, _math(nt, "MULTIPLY_ADD", grit, 2 * coarse, 1.0 - coarse, clamp=False),
                  clamp=False)
    colour = _scale_colour(nt, colour, grain)
    nt.links.new(colour, bsdf.inputs["Base Color"])
    bare_rough, dusty_rough, wet_gloss = BELT_ROUGHNESS
    rough = _math(nt, "MULTIPLY_ADD", smear, dusty_rough - bare_rough, bare_rough)
    _set(nt, bsdf.inputs["Roughness"], _math(nt, "MULTIPLY_ADD", wet, -wet_gloss, rough))
    bsdf.inputs["Specular IOR Level"].default_value = BELT_SPECULAR
    top = max(tint)
    bsdf.inputs["Specular Tint"].default_value = (*(1.0 + BELT_SHEEN_TINT * (c / top - 1.0) for c in tint), 1.0)
    return mat


def make_flat_material(color, roughness: float = 0.5, metallic: float = 0.0, name: str = "flat"):
    """A plain material (rails, seams)."""
    mat, _, bsdf = _nodes(name)
    bsdf.inputs["Base Color"].default_value = _rgba(color)
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    return mat
