"""Pure scene-parameter sampling: (preset, seed) -> a JSON-able scene description. No bpy here.

The same preset and seed always give the same parameters (``numpy.random.Generator(PCG64)``),
and each frame's seed is derived from (base seed, frame index), so shards and reruns agree.

Example:
    >>> from zerowaste.synth.presets import load_preset
    >>> p = load_preset("tiny")
    >>> a = sample_scene(p, frame_seed(0, 3)); b = sample_scene(p, frame_seed(0, 3))
    >>> a == b, len(a["objects"]) >= 40, a["objects"][0]["class_id"] in range(6)
    (True, True, True)
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from zerowaste import contract as C
from zerowaste.synth.post import WHITE

SENSOR_MM = 36.0

#: Object kinds per class and their relative weights. ``background`` holds distractors (id 0).
CLASS_KINDS: dict[str, dict[str, float]] = {
    "paper": {"sheet": 0.1, "newspaper": 0.15, "crumpled_sheet": 0.5, "crumpled": 0.07, "magazine": 0.18},
    # belt cardboard (reference frames): mostly crumpled kraft and printed food boxes, few flat pieces
    "cardboard": {"flat_piece": 0.2, "crushed_box": 0.35, "paper_bag": 0.45},
    "soft_plastic": {"film": 0.5, "bag": 0.5},
    # round 11's judge: real frames show several clear crushed PET bottles and a few drink cans; at
    # 0.5 / 0.65 bottles and cans were rare next to trays, cups and foil
    "rigid_plastic": {"bottle": 0.7, "tray": 0.2, "cup": 0.1},
    "metal": {"can": 0.8, "foil": 0.2},
    "background": {"lump": 0.35, "rag": 0.65},
}
#: Kinds that keep their shape (dropped as rigid bodies); all others drape over what lies below.
RIGID_KINDS = frozenset({"crushed_box", "bottle", "tray", "cup", "can", "lump", "crumpled", "cap", "grit"})
#: Small litter scattered over the belt (``clutter.litter``, pieces per ``clutter.reference_area``):
#: kind -> (class, weight). Shreds of paper are paper (5), bits of film soft plastic, bottle caps
#: rigid plastic, grit background. Round 10's judge: "no small litter, dust" on the open belt.
LITTER_KINDS: dict[str, tuple[str, float]] = {
    "shred": ("paper", 0.35), "film_bit": ("soft_plastic", 0.15), "cap": ("rigid_plastic", 0.08), "grit": ("background", 0.25),
}
#: Share of the litter lying near a piece of the clutter (Gaussian, :data:`LITTER_SPREAD` m): scraps fall off
#: the heaps. Round 11's judge: litter strewn evenly over the belt read as "uniform tiny confetti flecks";
#: round 13's lead still saw flakes over the open belt (most were the belt's own specks, materials.SPECK_*):
#: 0.75 within 0.12 m became 0.85 within 0.09 m, the bits closer round the heaps.
LITTER_NEAR = 0.85
LITTER_SPREAD = 0.09
#: Kinds that drape as a whole: they lie on a plane fitted to the pile under them (board).
STIFF_KINDS = frozenset({"flat_piece"})

#: Base colours (linear RGB) per material family, jittered per object.
PALETTES: dict[str, list[tuple[float, float, float]]] = {
    "paper": [(0.85, 0.85, 0.82), (0.8, 0.8, 0.8), (0.9, 0.88, 0.8), (0.75, 0.78, 0.82)],
    "cardboard": [(0.26, 0.14, 0.06), (0.32, 0.19, 0.09), (0.2, 0.11, 0.05), (0.4, 0.27, 0.15)],
    "soft_plastic": [(0.9, 0.9, 0.92), (0.35, 0.5, 0.8), (0.9, 0.75, 0.2), (0.02, 0.02, 0.02),
                     (0.8, 0.3, 0.25), (0.5, 0.7, 0.8), (0.95, 0.95, 0.95), (0.85, 0.88, 0.9), (0.7, 0.75, 0.7)],
    "rigid_plastic": [(0.9, 0.95, 1.0), (0.2, 0.55, 0.3), (0.1, 0.3, 0.8), (0.85, 0.3, 0.05),
                      (0.95, 0.95, 0.9), (0.6, 0.1, 0.05)],
    "metal": [(0.8, 0.8, 0.82), (0.75, 0.1, 0.1), (0.1, 0.25, 0.6), (0.85, 0.7, 0.4)],
    "background": [(0.2, 0.15, 0.1), (0.3, 0.3, 0.28), (0.1, 0.1, 0.1), (0.4, 0.32, 0.2)],
}


@dataclass(frozen=True)
class FitRange:
    """A preset key that ``zerowaste synth fit`` may change, and the range it may move in.

    ``span`` keys hold a ``[lo, hi]`` pair sampled per scene: the fit moves the pair's centre
    inside ``[low, high]`` and keeps its width (the per-scene variety of the base preset);
    other keys are a single number searched inside ``[low, high]``. ``log`` searches on a log
    scale (for quantities like light power); ``integer`` rounds (object counts).
    """

    path: str
    low: float
    high: float
    span: bool = True
    log: bool = False
    integer: bool = False


#: Declared ranges of everything ``synth fit`` searches (presets outside them are clipped into them).
#: Add a line here when you add a parameter that changes the look; keep ranges physically plausible.
FIT_RANGES: tuple[FitRange, ...] = (
    FitRange("belt.grey", 0.008, 0.2),                # albedo of the rubber
    FitRange("belt.dirt", 0.0, 1.0),
    FitRange("belt.wear", 0.0, 1.0),
    FitRange("camera.height", 0.9, 2.0),              # m: object scale in the frame
    FitRange("lighting.bar_power", 1.0, 30.0, log=True),
    FitRange("lighting.bar_height", 0.8, 3.0),        # m above the belt: how hard and oblique the light is
    FitRange("lighting.bar_side", 0.0, 1.6),          # m off the centre line
    FitRange("lighting.temperature_k", 2700.0, 8000.0),
    FitRange("lighting.ambient", 0.0, 0.6),
    FitRange("lighting.hotspot_prob", 0.0, 1.0, span=False),
    FitRange("clutter.count", 20, 150, integer=True),
    FitRange("clutter.size_scale", 0.6, 1.6),
    FitRange("clutter.class_mix.paper", 0.05, 1.0, span=False),
    FitRange("clutter.class_mix.cardboard", 0.0, 0.6, span=False),
    FitRange("clutter.class_mix.soft_plastic", 0.0, 0.6, span=False),
    FitRange("clutter.class_mix.rigid_plastic", 0.0, 0.4, span=False),
    FitRange("clutter.class_mix.metal", 0.0, 0.3, span=False),
    FitRange("post.exposure", 0.6, 3.0),
    FitRange("post.motion_blur_px", 0.0, 16.0),
    FitRange("post.noise", 0.0, 0.03),
    FitRange("post.vignette", 0.0, 0.5),
    FitRange("post.defocus_px", 0.0, 4.0),
    FitRange("post.awb", 0.0, 1.0),
    FitRange("post.wb_drift", 0.0, 0.08),
    FitRange("post.sharpen", 0.0, 1.2),
    FitRange("post.jpeg_quality", 20, 95, integer=True),
    FitRange("surfaces.grime", 0.0, 0.6),
    FitRange("surfaces.wear", 0.0, 1.0),
    FitRange("surfaces.clear_plastic", 0.0, 1.0, span=False),
    FitRange("lighting.hotspot_power", 0.5, 15.0, log=True),
    FitRange("clutter.piles", 1, 8, integer=True),
    FitRange("clutter.pile_radius", 0.1, 0.8),
    FitRange("clutter.pile_share", 0.0, 1.0, span=False),
    FitRange("post.shoulder", 0.3, 1.0),              # where the highlight roll-off starts
    FitRange("post.white", 0.75, 1.3),                # where it ends (> 1: the brightest paper clips)
    FitRange("post.light_pools", 0.0, 0.7),           # uneven light: pools (1 + a) / (1 - a) times the darkest part
    FitRange("post.defocus_edge", 0.0, 3.0),          # defocus growth towards the corners (x defocus_px)
    FitRange("post.fringe_px", 0.0, 4.0),             # lateral chromatic aberration at the side edges (px at 1920)
    FitRange("post.tint", 0.0, 0.3),                  # the cast the white balance leaves (log gain)
    FitRange("post.codec_scale", 0.4, 1.0),           # the codec's working width (share of 1920 px)
    FitRange("lighting.bar_spread", 40.0, 180.0),     # the bars' beam (degrees): narrow = dark contact shadows
    FitRange("post.defocus_patches", 0.0, 1.0),       # share of the defocus pattern in random patches
    FitRange("post.smear", 0.0, 3.0),                 # motion blur (1 + this) times longer in patches
    FitRange("post.tint_green", -1.0, 1.0),           # green (> 0) or magenta (< 0) share of the cast the AWB leaves
    FitRange("clutter.size_skew", 1.0, 3.0, span=False),  # piece sizes lean large (1: uniform in size_scale)
    FitRange("post.saturation", 0.0, 0.6),            # the camera's chroma boost (share added to the colours)
    FitRange("post.contrast", 0.0, 0.9),              # the tone curve's S in the mid-tones (0: plain sRGB)
    FitRange("post.auto_exposure", 0.0, 1.0),         # share of the metering correction the camera applies
    FitRange("post.black", 0.0, 0.08),                # the black level (linear luminance its toe halves)
    FitRange("belt.warm", 0.0, 1.0),                  # the rubber's olive-brown cast (share of materials.BELT_TINT)
)


def frame_seed(base_seed: int, index: int) -> int:
    """Seed of frame ``index`` of a run started with ``base_seed`` (stable across shards/reruns)."""
    return int(np.random.SeedSequence([int(base_seed), int(index)]).generate_state(1)[0])


def _u(rng: np.random.Generator, pair) -> float:
    return float(rng.uniform(pair[0], pair[1]))


def view_size(height: float, lens_mm: float, resolution: tuple[int, int]) -> tuple[float, float]:
    """Belt area (m, along x and y) seen by a top-down camera at ``height`` with ``lens_mm``."""
    w = height * SENSOR_MM / lens_mm
    return w, w * resolution[1] / resolution[0]


def _color(rng: np.random.Generator, family: str) -> list[float]:
    base = np.array(PALETTES[family][rng.integers(len(PALETTES[family]))])
    return [round(float(c), 4) for c in np.clip(base * rng.uniform(0.8, 1.1) + rng.normal(0, 0.03, 3), 0, 1)]


def size_scale(rng: np.random.Generator, clutter: dict) -> float:
    """One object's size factor: ``clutter.size_scale`` ([lo, hi]) drawn with density rising towards
    ``hi`` as ``u ** (1 / clutter.size_skew)`` (1, the default: uniform; 2: density growing linearly,
    three quarters of the pieces in the upper half). Real belt frames show a few big pieces (whole
    sheets, open bags, flyers) over fewer tiny ones. One draw either way: no other knob moves.

    >>> r = np.random.default_rng(0)
    >>> s = [size_scale(r, {"size_scale": [0.8, 1.2], "size_skew": 2.0}) for _ in range(4000)]
    >>> bool(0.72 < np.mean(np.array(s) > 1.0) < 0.78), 0.8 <= min(s) and max(s) <= 1.2
    (True, True)
    """
    skew = float(clutter.get("size_skew", 1.0))
    if skew == 1.0:
        return _u(rng, clutter["size_scale"])
    lo, hi = (float(v) for v in clutter["size_scale"])
    return lo + (hi - lo) * float(rng.uniform(0.0, 1.0)) ** (1.0 / skew)


def _object_size(rng: np.random.Generator, kind: str, scale: float) -> list[float]:
    """(x, y, z) extent in metres before deformation."""
    s = scale
    table = {
        "sheet": (rng.uniform(0.16, 0.3), rng.uniform(0.2, 0.32), 0.0),
        "newspaper": (rng.uniform(0.28, 0.5), rng.uniform(0.3, 0.45), 0.0),
        "magazine": (rng.uniform(0.2, 0.3), rng.uniform(0.26, 0.34), 0.0),
        "crumpled": (rng.uniform(0.09, 0.2),) * 2 + (rng.uniform(0.06, 0.12),),
        "crumpled_sheet": (rng.uniform(0.21, 0.42), rng.uniform(0.28, 0.45), 0.0),
        "flat_piece": (rng.uniform(0.2, 0.45), rng.uniform(0.15, 0.35), 0.0),
        "crushed_box": (rng.uniform(0.18, 0.4), rng.uniform(0.14, 0.3), rng.uniform(0.03, 0.1)),
        "paper_bag": (rng.uniform(0.2, 0.32), rng.uniform(0.3, 0.42), 0.0),
        "film": (rng.uniform(0.2, 0.5), rng.uniform(0.2, 0.45), 0.0),
        "bag": (rng.uniform(0.25, 0.45), rng.uniform(0.3, 0.5), 0.0),
        "bottle": (rng.uniform(0.18, 0.3), rng.uniform(0.06, 0.09), 0.0),
        "tray": (rng.uniform(0.14, 0.24), rng.uniform(0.1, 0.18), rng.uniform(0.025, 0.05)),
        "cup": (rng.uniform(0.08, 0.12), rng.uniform(0.06, 0.09), 0.0),
        "can": (rng.uniform(0.1, 0.15), rng.uniform(0.055, 0.07), 0.0),
        "foil": (rng.uniform(0.1, 0.25), rng.uniform(0.1, 0.2), 0.0),
        "lump": (rng.uniform(0.05, 0.12),) * 2 + (rng.uniform(0.03, 0.06),),
        "rag": (rng.uniform(0.1, 0.22), rng.uniform(0.08, 0.16), 0.0),
    }
    return [round(float(v) * s, 4) for v in table[kind]]


#: Kinds drawn with ``crush`` 0.3-0.95 (the others 0-0.8).
CRUSHED_KINDS = frozenset({"bottle", "can", "crushed_box"})


def _deform(rng: np.random.Generator, kind: str) -> dict[str, float]:
    """Deformation parameters: crumple amplitude (m) / frequency, folds, bend, dents, crush."""
    soft = kind in ("film", "bag", "rag", "foil")
    return {
        "crumple": round(float(rng.uniform(0.006, 0.03) if not soft else rng.uniform(0.01, 0.035)), 4),
        "frequency": round(float(rng.uniform(10, 28) if not soft else rng.uniform(5, 14)), 3),
        "folds": int(rng.integers(0, 3)),
        "bend": round(float(rng.uniform(-0.5, 0.5)), 3),
        # bottles, cans and boxes on a sorting line are almost all crushed (intact cylinders read as CG; round 27's
        # judge: boxes "with clean, straight edges and flat, evenly lit faces, like intact CAD boxes")
        "crush": round(float(rng.uniform(0.3, 0.95) if kind in CRUSHED_KINDS else rng.uniform(0.0, 0.8)), 3),
        "dents": int(rng.integers(1, 6)),
    }


#: Plain paper of grey stock (recycled office paper, tissue, unprinted newsprint): the share of plain sheets drawn
#: grey, and their linear albedo (white office paper 0.76-0.88). Round 36 (with newsprint greyer too): on 32
#: `default` scenes the paper's median luminance 0.750 -> 0.743, the real 0.712 (paired distance -0.021, 90 %:
#: -0.054 to +0.011: no clear difference, the camera's meter takes most of it back).
PAPER_GREY = (0.3, (0.45, 0.68))
#: Print kind (:data:`zerowaste.synth.prints.KINDS`, or ``plain``) per object kind, with weights.
PRINTS: dict[str, dict[str, float]] = {
    # (the reference frames: white office paper, flyers, ads and magazine pages more than newsprint). Round 24:
    # plain 0.4 -> 0.15 (letter 0.35, flyer 0.15 before): a flat blank sheet read as "a featureless
    # white card"; a blind paired judge chose the printed one where it saw a change; 32 scenes 0.354 -> 0.350
    "sheet": {"plain": 0.15, "letter": 0.55, "flyer": 0.2, "news": 0.1},
    "newspaper": {"news": 0.8, "flyer": 0.2},
    "magazine": {"magazine": 0.75, "flyer": 0.25},
    "crumpled": {"plain": 0.5, "letter": 0.15, "news": 0.1, "magazine": 0.15, "flyer": 0.1},
    "crumpled_sheet": {"plain": 0.45, "letter": 0.15, "news": 0.08, "magazine": 0.2, "flyer": 0.12},
    "flat_piece": {"kraft": 0.45, "package": 0.55},
    "crushed_box": {"package": 0.6, "kraft": 0.4},
    "paper_bag": {"bag": 0.6, "plain": 0.4},
    # (film: round 11's judge -- real film on the line is mostly clear or milky with print, wrappers and
    # labels; ours were plain sheets: now a logo or label on 30 %, a printed wrapper on 25 %)
    "film": {"plain": 0.45, "bag": 0.3, "snack": 0.25},
    # (bags, round 25: plain 0.55 -> 0.35, a logo 0.25 -> 0.45: a blind paired judge chose the bags with a
    # logo in all 4 pairs where it saw a change; the real frames' carrier bags are mostly printed)
    "bag": {"plain": 0.35, "bag": 0.45, "snack": 0.2},
    "bottle": {"label": 0.65, "plain": 0.35},
    "shred": {"plain": 0.4, "letter": 0.25, "news": 0.2, "magazine": 0.15},
    "can": {"can": 0.85, "plain": 0.15},
}
#: Plastics (linear RGB, transmission range): clear, milky, tinted see-through, and opaque ones.
PLASTICS: dict[str, list[tuple[tuple[float, float, float], tuple[float, float]]]] = {
    # films and bags (round 9's judge: real ones are mostly see-through and tinted): clear (three entries:
    # drawn three times as often), milky, tinted yellow, blue and red (each twice), from a milky
    # bag (transmission 0.3) to a see-through one (0.75; FILM_TINT_HAZE); yellow bags milky
    # (0.2-0.45: more see-through they turned mustard-gold over the dark belt). Round 24: the orange
    # (0.9, 0.3, 0.03) became a third clear film (the judges' "opaque orange film, painted cardboard"; on 32
    # scenes 0.371 -> 0.354, a blind paired judge chose the clear film where it saw a change). Opaque: black bin
    # bags and white carrier bags (printed ones get a logo: PRINTS), no solid coloured ones. The yellow
    # was (0.95, 0.45, 0.03) before round 12: the real yellow bag's median is sRGB (198, 158, 58), its
    # green 0.80 of its red; our yellow bags' in the frames 0.77 (0.84 with (0.95, 0.58, 0.05)). Round 25:
    # (0.95, 0.51, 0.04) -> (0.93, 0.6, 0.03), lemon: judges read ours as orange, deepest where doubled (the
    # real lemon bags' lit parts sit at hue 51-52 degrees); a blind paired judge chose lemon in 7 of 7 pairs
    # Round 46: the pink film (0.85, 0.3, 0.42) became a second red one: the reference frames' bags are red,
    # yellow, blue, white, black and clear, and a third of the renders' vivid magenta was that film
    # (`synth compare`'s other_hues, with the muted inks of prints.INKS: +0.65 -> +0.08 on 32 scenes)
    "soft_plastic": [((0.92, 0.93, 0.95), (0.8, 0.95)), ((0.92, 0.93, 0.95), (0.8, 0.95)),
                     ((0.95, 0.95, 0.95), (0.45, 0.65)),
                     ((0.93, 0.6, 0.03), (0.2, 0.45)), ((0.93, 0.6, 0.03), (0.2, 0.45)),
                     ((0.92, 0.93, 0.95), (0.8, 0.95)), ((0.15, 0.35, 0.9), (0.3, 0.75)),
                     ((0.15, 0.35, 0.9), (0.3, 0.75)), ((0.8, 0.12, 0.06), (0.3, 0.75)),
                     ((0.75, 0.05, 0.04), (0.3, 0.75)),
                     ((0.015, 0.015, 0.018), (0.0, 0.0)), ((0.015, 0.015, 0.018), (0.0, 0.0)),
                     ((0.8, 0.8, 0.78), (0.0, 0.0)), ((0.8, 0.8, 0.78), (0.0, 0.0))],
    "rigid_plastic": [((0.95, 0.97, 1.0), (0.9, 1.0)), ((0.95, 0.97, 1.0), (0.9, 1.0)),
                      ((0.55, 0.8, 0.95), (0.85, 1.0)), ((0.15, 0.55, 0.25), (0.8, 0.95)),
                      ((0.85, 0.85, 0.83), (0.0, 0.0)), ((0.9, 0.35, 0.02), (0.0, 0.0)),
                      ((0.03, 0.15, 0.7), (0.0, 0.0)), ((0.4, 0.05, 0.45), (0.0, 0.0)),
                      ((0.02, 0.02, 0.02), (0.0, 0.0)), ((0.75, 0.05, 0.04), (0.0, 0.0))],
}
#: The opaque trays' colours (of :data:`PLASTICS` ``rigid_plastic``): black meat trays and white foam ones.
#: Round 18: orange, blue, purple and red trays lay on the belt as flat single-colour cards.
TRAY_OPAQUE = ((0.85, 0.85, 0.83), (0.02, 0.02, 0.02))
#: Kraft and board browns (linear RGB). Round 27: the reference frames' kraft bags and boxes have HSV saturation
#: 0.22-0.43 under the hall's light; ours (sRGB saturation 0.38-0.47 before light) filled the frames with middling
#: orange-brown (pixels of saturation 0.3-0.5: 15 % of a frame against the real 7-10 %). A quarter of the way to
#: grey (sRGB saturation 0.3-0.37): 32 scenes' distance 0.329 -> 0.295, the saturation statistic +0.46 -> +0.08.
#: Round 37: still the frames' largest band of middling colour (HSV saturation 0.3-0.4 above value 0.3: 7.9 % of a
#: frame, the real 3.6 %, 4.5 % of it board). Another 30 % of the way to grey (sRGB saturation 0.21-0.27, still
#: light brown under the hall's light): the saturation statistic +0.59 -> +0.35, white paper -0.78 -> -0.61,
#: distance 0.345 -> 0.307 (paired -0.038, 90 %: -0.078 to +0.002).
#: Round 38: two blind judges of a thumbnail sheet both named the board: "greyish-mauve felt cut-outs",
#: where the real kraft is warm tan. The reference crops' kraft-hued pixels have a median Lab chroma of 17.9 (hue
#: 74 degrees) and a quarter of them HSV saturation above 0.49 (crumpled brown bags); ours had 12.6 at 71 degrees, all
#: alike. Now two pale bag tans (sRGB saturation 0.28-0.3) and two deep browns (0.45-0.5), yellower (hue 72-77):
#: in `default`'s frames 17.9 at 75 degrees. The middling colour they bring back is offset by less board in the presets.
KRAFT = [(0.477, 0.355, 0.233), (0.367, 0.269, 0.171), (0.42, 0.253, 0.116), (0.29, 0.163, 0.068)]
#: Prints on coated stock (glossy: a clear coat gives the specular highlights of magazines).
COATED = frozenset({"magazine", "flyer", "package", "snack"})


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    w = np.array([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def kind_weights(clutter: dict, cls: str) -> dict[str, float]:
    """Relative weights of the object kinds of class ``cls``: :data:`CLASS_KINDS`, with the preset's
    optional ``clutter.kinds.<class>`` weights laid over them (a facility with more newspapers).

    >>> kind_weights({"kinds": {"metal": {"foil": 0.0}}}, "metal")
    {'can': 0.8, 'foil': 0.0}
    """
    return {**CLASS_KINDS[cls], **{k: float(w) for k, w in clutter.get("kinds", {}).get(cls, {}).items()}}


def _r(rng: np.random.Generator, lo: float, hi: float) -> float:
    return round(float(rng.uniform(lo, hi)), 3)


#: Roughness range of plastic film: clear (near-mirror, so what lies under it shows), tinted
#: see-through, black bin bags (glossy but crinkled) and other opaque bags (a dull sheen).
#: Opaque carrier bags: a soft, broad sheen (round 9's judge: speckle glints on a solid bag read as CG).
#: Tinted film: rougher than clear (sharp glints on its crinkles read as speckle), a soft milky sheen.
#: Black bags 0.18-0.28 since round 11b (0.22-0.34): on a taut puffed bag the broad lobe lit half of it
#: as grey as the belt (median 87 of the belt's 100 in test_film's Cycles scene; now 70).
#: Tinted and milky film 0.25-0.4 (specular 0.2) before round 32, when the denoiser no longer smudged glints
#: (round 31): a blind judge picked coloured bags out of a sheet with real frames first ("large, clean, saturated
#: bags with smooth, rubbery shading, soft gradients instead of sharp crinkles"); two blind paired judges chose
#: these glossier bags in 11 of the 12 pairs where they saw a difference (55-70 %; 0.15-0.28 / 0.25: too faint
#: to see). Their highlights clip on a puffed yellow bag as round 11's sheen did (test_film_patches), but as
#: small glints along the folds, where the real bags glint, not as broad streaks.
FILM_ROUGH = {"clear": (0.04, 0.12), "tinted": (0.12, 0.25), "black": (0.18, 0.28), "opaque": (0.3, 0.45)}
#: Principled specular level of a black bin bag (0.8 before round 11b, 0.6 before round 12: its
#: highlights still clipped white in the frames, round 11's judge).
FILM_BLACK_SPECULAR = 0.4
#: A clear film's diffuse share (``haze``, :func:`zerowaste.synth.materials._hazy`; its opaque share is at least
#: 1 - ``FILM_MAX_CLEAR``). Round 23: at 0.15-0.45 that share was a dark grey, so clear film darkened what lay
#: under it (test_film's print: the dark parts 25 grey levels darker, median of six prints; a bag's light crosses
#: up to four layers) and read as "a dark, smoky smear". At 0.6-0.8 it lifts them 10 levels, a light sheen; a blind
#: paired judge preferred it in 8 of 8 held-out pairs ("real clear plastic adds a light sheen over whatever is
#: under it").
FILM_CLEAR_HAZE = (0.6, 0.8)
#: A tinted film's diffuse colour (``haze``, :func:`zerowaste.synth.materials._hazy`): the rest of its
#: light passes, tinted. Less (0.3-0.7 with transmission 0.5-0.8) left yellow bags mustard-dark on the belt.
FILM_TINT_HAZE = (0.85, 1.0)
#: A tinted film's Principled specular level (0.7 before round 11b, 0.35 before round 12): on top of
#: the film's Fresnel gloss it gave every lump a broad sheen, satin cloth at thumbnail size (round 11's
#: lead), broad gloss streaks on yellow bags (round 11's judge); 0.2 before round 32 (see FILM_ROUGH).
FILM_TINT_SPECULAR = 0.3
#: Share of see-through film pieces (not bags) drawn from the clear and milky films only: the rest from
#: every see-through colour (7 of 10 tinted). Round 11's judge: real film on the line is mostly clear or
#: milky (wrappers, labels); ours were often plain tinted sheets. Films tinted: 70 % -> 28 % of see-through.
FILM_UNTINTED = 0.6
#: Paper kinds creased finer than their mesh's facets, and the facets' slope (materials._paper_creases).
#: Round 21: with round 20's dimple bump (0.08) crumpled sheets read "smooth, rubbery", "faceted low-poly".
#: Newsprint and office sheets are handled, not balled up: fainter creases (round 21, on 20 scenes: distance
#: 0.206 -> 0.203 with crumpled paper alone, 0.199 with these; edges -0.65 -> -0.46 spreads; 0.3-0.45 on
#: crumpled paper: 0.206, gradient +0.41, paper shading -0.25). Round 22: a kraft paper bag (class cardboard)
#: is paper too; its judge read bags as "brown paper with low-polygon facets". Round 25 (with the facets'
#: bow, objects.PAPER_BOW): every range halved. At the full tilt a patchwork of grey cells ("crazy paving") lay
#: over newspapers; a blind paired judge chose the fainter creases in 8 of 8 pairs ("softer, like the real
#: paper"), paper's fine detail came nearer the real frames' (median 2.15 -> 2.06 grey levels, real 2.04), but
#: over 32 scenes the distance went 0.353 -> 0.362 (luminance spread +0.09 -> +0.15, edges -0.23 -> -0.30).
PAPER_CREASED = {"crumpled_sheet": (0.09, 0.15), "crumpled": (0.09, 0.15), "newspaper": (0.05, 0.1), "sheet": (0.04, 0.075),
                 "paper_bag": (0.075, 0.125)}
#: A film whose colour spans more than this (max - min channel) is tinted (materials: a faint sheen, no
#: fine streak bump; :data:`FILM_UNTINTED`: the clear and milky ones are the rest).
FILM_TINTED = 0.2
#: A film whose brightest channel is below this is a black film (a bin bag): a deeper gloss here, ridges
#: that do not lighten towards white in materials (round 19: gathered black bags lay as grey stripes).
FILM_DARK = 0.1
#: Films and bags are see-through more often than rigid plastics: their share is the preset's
#: ``surfaces.clear_plastic`` to this power (0.6 -> 0.77, 0.7 -> 0.84; 0 and 1 stay).
FILM_CLEAR_EXP = 0.5
#: (m) how far in from a torn board edge the liner is torn off, baring the ridged fluting. Round 11's judge:
#: real board shows torn corrugated edges; 0-1.2 cm left most torn edges clean.
BOARD_PEEL = (0.004, 0.02)
#: How strongly used board is mottled (materials._board_mottle; coated package print half as much).
#: 0.5-1.0 before round 13's judge: wet and rubbed patches read as a camouflage pattern on kraft.
BOARD_MOTTLE_RANGE = (0.25, 0.55)
#: Bottles are clear PET more often than trays and cups: their see-through share is ``clear_plastic`` to
#: this power (0.6 -> 0.77). Round 11's judge: real frames show several clear crushed bottles catching light.
BOTTLE_CLEAR_EXP = 0.5


def _film_gloss(rng: np.random.Generator, transmission: float, dark: bool, tinted: bool = False) -> dict:
    """Gloss knobs of plastic film (bags, wrappers): a used, crinkled sheen, neither cloth nor wax.

    Rough film (0.45-0.65) read as cloth, smooth opaque film (0.08-0.28) as wax or metal (one big
    even highlight). Clear film (colourless, ``transmission`` > 0.5) is near-mirror and hazes little
    (``haze``: its diffuse share, the rest of its opaque share is gloss); a ``tinted`` or milky one
    is glossy; an opaque carrier bag has a soft plastic sheen (:data:`FILM_ROUGH`); a ``dark``
    (black bin) bag is glossier. ``streak`` stretches a see-through film's highlights along its
    wrinkles (see :func:`zerowaste.synth.materials._streaks`).

    >>> k = _film_gloss(np.random.default_rng(0), 0.8, False)
    >>> k["roughness"] < 0.15 and FILM_CLEAR_HAZE[0] <= k["haze"] <= FILM_CLEAR_HAZE[1]
    True
    """
    clear, opaque = transmission > 0.5 and not tinted, transmission <= 0
    rough = FILM_ROUGH["clear" if clear else "tinted" if not opaque else "black" if dark else "opaque"]
    k = {"roughness": _r(rng, *rough), "streak": _r(rng, 0.3, 0.7), "specular": FILM_BLACK_SPECULAR if dark else 0.7}
    if tinted and not opaque:  # its gloss is mostly the film's own Fresnel sheen (materials._thin_film)
        k["specular"] = FILM_TINT_SPECULAR
    if clear:
        k["haze"] = _r(rng, *FILM_CLEAR_HAZE)
    elif tinted and not opaque:
        k["haze"] = _r(rng, *FILM_TINT_HAZE)
        k["streak"] = 0.0  # no streaked (anisotropic) gloss: on a coloured film it read as gold satin
    return k


def _material(rng: np.random.Generator, cls: str, kind: str, surfaces: dict | None = None) -> dict:
    """Material knobs of one object (consumed by :func:`zerowaste.synth.materials.make_material`).

    Draws a single number from ``rng`` and the rest from its own stream, so changing the
    surfaces never moves the clutter. ``surfaces`` is the preset's optional ``surfaces`` section
    (``grime: [lo, hi]`` dirt on every surface, ``clear_plastic``: share of see-through plastics).
    """
    s = surfaces or {}
    seed = int(rng.integers(2**31 - 1))
    rng = np.random.Generator(np.random.PCG64([seed, 7]))
    prt = _pick(rng, PRINTS[kind]) if kind in PRINTS else "plain"
    m: dict = {"family": cls, "print": prt, "print_seed": int(rng.integers(2**31 - 1))}
    m["grime"] = _r(rng, *s.get("grime", (0.0, 0.25)))  # dust and handling dirt, on every surface
    if cls == "paper":
        v = float(rng.uniform(0.76, 0.88))  # crisp white office paper; prints bring their own colours
        # (grey stock: a stream of its own, every other knob stays; 31 is a rag's weave too, never the same object)
        grey = np.random.default_rng([seed, 31])
        if grey.random() < PAPER_GREY[0]:
            v = float(grey.uniform(*PAPER_GREY[1]))
        m["color"] = [round(v * float(rng.uniform(0.98, 1.02)), 4) for _ in range(3)]
        m["roughness"] = _r(rng, 0.82, 0.95)  # matte: uncoated paper has no sheen (glossy crumples read as foil)
    elif cls == "cardboard":
        white_bag = kind == "paper_bag" and rng.random() < 0.3
        base = np.array((0.8, 0.8, 0.78) if white_bag else KRAFT[int(rng.integers(len(KRAFT)))])
        m["color"] = [round(float(c), 4) for c in np.clip(base * rng.uniform(0.85, 1.1), 0, 1)]
        m["roughness"] = _r(rng, 0.75, 0.9) if prt != "package" else _r(rng, 0.35, 0.5)
        if kind != "paper_bag" and prt != "package":
            m["corrugated"] = _r(rng, 0.05, 0.2)
        if kind != "paper_bag":  # flute pitch (m): B to A flute, seen on the cut edges
            m["flute"] = round(float(rng.uniform(0.0065, 0.0085)), 4)
            m["peel"] = round(float(rng.uniform(*BOARD_PEEL)), 4)  # liner torn off along torn edges (m)
            # used board is mottled (materials._board_mottle); coated package prints less so. Its own
            # stream: no other knob moves
            mottle = float(np.random.default_rng([seed, 23]).uniform(*BOARD_MOTTLE_RANGE))
            m["mottle"] = round(mottle * (0.5 if prt == "package" else 1.0), 3)
    elif cls in PLASTICS:
        clear = float(s.get("clear_plastic", 0.6))
        if cls == "soft_plastic":  # films and bags: mostly see-through (FILM_CLEAR_EXP)
            clear = clear**FILM_CLEAR_EXP
        elif kind == "bottle":  # drink bottles: mostly clear PET (BOTTLE_CLEAR_EXP)
            clear = clear**BOTTLE_CLEAR_EXP
        options = PLASTICS[cls]
        see_through = [o for o in options if o[1][1] > 0]
        opaque = [o for o in options if o[1][1] == 0]
        pool = see_through if rng.random() < clear else opaque
        if kind == "tray" and pool is opaque:  # (TRAY_OPAQUE: black meat trays and white foam ones)
            pool = [o for o in opaque if o[0] in TRAY_OPAQUE]
        if kind == "film" and pool is see_through and rng.random() < FILM_UNTINTED:  # (this material's own stream)
            pool = [o for o in see_through if np.ptp(o[0]) <= FILM_TINTED]
        colour, (t_lo, t_hi) = pool[int(rng.integers(len(pool)))]
        m["color"] = [round(float(c), 4) for c in np.clip(np.array(colour) * rng.uniform(0.9, 1.05), 0, 1)]
        m["transmission"] = _r(rng, t_lo, t_hi) if t_hi > 0 else 0.0
        if cls == "soft_plastic":
            tinted = max(m["color"]) - min(m["color"]) > FILM_TINTED  # a coloured see-through film
            m.update(_film_gloss(rng, m["transmission"], max(m["color"]) < FILM_DARK, tinted))
        else:
            m["roughness"] = _r(rng, 0.04, 0.25)
            m["specular"] = 0.6
        m["thin"] = True  # films and thin-walled bottles, trays, cups: see materials._thin_film
        if prt == "snack":  # printed wrapper: opaque, often metallised inside
            m["transmission"] = 0.0
            m.pop("haze", None)
            m["metallic"] = _r(rng, 0.0, 0.5)
            m["roughness"] = _r(rng, 0.15, 0.3)
    elif cls == "metal":
        gold = kind == "foil" and rng.random() < 0.15
        m["color"] = [0.85, 0.65, 0.3] if gold else [round(float(rng.uniform(0.78, 0.9)), 4)] * 3
        m["metallic"] = 1.0
        m["roughness"] = _r(rng, 0.12, 0.3)
        m["anisotropic"] = _r(rng, 0.4, 0.8)
        m["anisotropic_rotation"] = _r(rng, 0.0, 1.0)
        if prt == "can":
            m["print_metallic"] = _r(rng, 0.3, 0.6)
        if kind == "foil":
            m["crinkle"] = _r(rng, 0.2, 0.5)
    else:  # background distractors (wood, lumps, rags)
        m["color"] = _color(rng, cls)
        m["roughness"] = _r(rng, 0.5, 0.9)
    if prt in COATED:
        m["coat"] = _r(rng, 0.3, 0.7) if prt in ("magazine", "snack") else _r(rng, 0.15, 0.45)
        m["coat_roughness"] = _r(rng, 0.03, 0.12)
        if cls == "paper":
            m["roughness"] = _r(rng, 0.3, 0.5)
    m.update(_wear(seed, cls, s.get("wear", WEAR_DEFAULT)))
    if kind in ("bottle", "cap"):  # an opaque coloured screw cap (its own stream: no other knob moves)
        cap = CAP_COLOURS[int(np.random.default_rng([seed, 29]).integers(len(CAP_COLOURS)))]
        if kind == "bottle":
            m["cap_color"] = list(cap)
        else:  # a loose cap: all cap
            m.update(color=list(cap), transmission=0.0)
    if kind in PAPER_CREASED:  # paper's (and paper bags') fine creases between the mesh's facets
        m["crinkle"] = _r(np.random.default_rng([seed, 37]), *PAPER_CREASED[kind])  # (materials._paper_creases)
    if kind == "rag":  # a worn textile, not a uniform blob (its own stream: no other knob moves)
        m.update(_weave(np.random.default_rng([seed, 31])))
    return m


#: A rag's woven or printed pattern (:func:`_weave`): kind -> weight. Round 11's judge: a plain rag read
#: as "a uniform green blob" ("flat single-colour pieces with no texture at all").
WEAVES = {"stripes": 0.4, "checks": 0.35, "mottle": 0.25}
#: Yarn colours (linear RGB) of a rag's second colour: off-white, black, red, navy, mustard, grey.
WEAVE_COLOURS = [(0.62, 0.6, 0.55), (0.03, 0.03, 0.035), (0.45, 0.05, 0.04), (0.04, 0.07, 0.25),
                 (0.5, 0.36, 0.08), (0.28, 0.29, 0.3)]


def _weave(rng: np.random.Generator) -> dict:
    """A rag's pattern knobs: ``weave`` (:data:`WEAVES`), ``weave_color``, ``weave_scale`` (stripes per
    metre) and ``weave_duty`` (the second colour's share of a stripe), for materials._weave.

    >>> w = _weave(np.random.default_rng(0))
    >>> w["weave"] in WEAVES and 12 <= w["weave_scale"] <= 60
    True
    """
    return {"weave": _pick(rng, WEAVES),
            "weave_color": list(WEAVE_COLOURS[int(rng.integers(len(WEAVE_COLOURS)))]),
            "weave_scale": _r(rng, 12.0, 60.0), "weave_duty": _r(rng, 0.2, 0.5)}


#: Screw caps (linear RGB): white, blue, red, green, black, orange, light blue (water, soda, milk).
CAP_COLOURS = [(0.85, 0.85, 0.83), (0.02, 0.12, 0.6), (0.7, 0.03, 0.03), (0.05, 0.35, 0.08), (0.02, 0.02, 0.02),
               (0.9, 0.35, 0.02), (0.25, 0.55, 0.85)]


#: Per-object wear level drawn from this range when a preset's ``surfaces`` has no ``wear``.
WEAR_DEFAULT = (0.1, 0.7)
#: How much of the level each family shows as (fade, rub, stain, scuff): paper and board yellow,
#: stain and lose ink; plastics and metal barely fade or soak up stains but scuff.
WEAR_FAMILY = {
    # (fade kept moderate: real packs on the belt are still vivid; faded at 1.0/0.7 the frames' share
    #  of vivid pixels fell to 0.06-0.08 against the real frames' 0.10-0.13)
    "paper": (0.6, 1.0, 1.0, 0.8), "cardboard": (0.4, 1.0, 0.9, 0.8),
    "soft_plastic": (0.2, 0.6, 0.3, 0.8), "rigid_plastic": (0.2, 0.6, 0.3, 1.0), "metal": (0.0, 0.8, 0.2, 1.0),
}


def _wear(seed: int, cls: str, level) -> dict[str, float]:
    """Wear knobs of one object, each 0..1 (consumed by :func:`zerowaste.synth.materials.make_material`).

    ``fade`` (light-faded, yellowed stock), ``rub`` (ink rubbed off along creases and edges),
    ``stain`` (coffee/food blotches; about half the objects have none), ``scuff`` (glossy surfaces
    roughened by scratches). A level is drawn from ``level`` ([lo, hi] in 0..1, the preset's
    ``surfaces.wear``, checked when the preset loads), then shared out per :data:`WEAR_FAMILY`. Drawn from a stream of its own,
    so no other knob of the object moves; background distractors get none.

    Example:
        >>> _wear(5, "paper", (0.5, 0.5)) == _wear(5, "paper", [0.5, 0.5]), _wear(5, "wood", (0, 1))
        (True, {})
    """
    share = WEAR_FAMILY.get(cls)
    if share is None:
        return {}
    rng = np.random.Generator(np.random.PCG64([seed, 13]))
    w = float(rng.uniform(level[0], level[1]))
    draws = rng.uniform(0.3, 1.0, 4)
    stained = rng.random() < 0.2 + 0.6 * w
    fade, rub, stain, scuff = (round(w * float(d) * f, 3) for d, f in zip(draws, share, strict=True))
    return {"fade": fade, "rub": rub, "stain": stain if stained else 0.0, "scuff": scuff}


#: A heap is a Gaussian stretched along a random direction by this factor (real heaps are oblong).
PILE_STRETCH = (1.0, 1.8)
#: Candidate centres tried per heap; the one farthest from the heaps so far wins, so heaps stand
#: apart with open belt between them instead of merging into one even carpet.
PILE_TRIES = 6
#: Heap centres keep this many ``clutter.margin`` from the spawn area's edges (in the view).
PILE_INSET = 2.0


def _piles(rng: np.random.Generator, clutter: dict, area) -> list[tuple[float, float, float, float, float]]:
    """Heaps the clutter gathers in (``clutter.piles``; none if absent): centre x, y and the sigmas
    (m) along and across the heap's axis, and that axis' angle.

    Heap centres lie in the view (``area`` less :data:`PILE_INSET` margins, as the view is tilted
    off the spawn area's centre by up to a margin: a heap near the edge is cut by the frame, one
    centred off-frame would only waste its objects), each the best of
    :data:`PILE_TRIES` candidates (farthest, in heap radii, from the heaps so far: Mitchell's
    best-candidate sampling), so the heaps spread over the view with open belt between them.

    >>> hs = _piles(np.random.default_rng(0), {"piles": [3, 3], "pile_radius": [0.1, 0.2]}, (-1, 1, -0.5, 0.5))
    >>> len(hs), all(0.1 / 1.4 < h[3] <= h[2] < 0.2 * 1.4 for h in hs)
    (3, True)
    """
    if not clutter.get("piles"):
        return []
    k = int(rng.integers(clutter["piles"][0], clutter["piles"][1] + 1))
    m = PILE_INSET * float(clutter.get("margin", 0.0))
    inner = [v for lo, hi in (area[:2], area[2:]) for v in (lo + min(m, 0.4 * (hi - lo)), hi - min(m, 0.4 * (hi - lo)))]
    piles: list[tuple[float, float, float, float, float]] = []
    for _ in range(k):
        r, stretch = _u(rng, clutter["pile_radius"]), math.sqrt(_u(rng, PILE_STRETCH))
        angle = float(rng.uniform(0, math.pi))
        cands = [(_u(rng, inner[:2]), _u(rng, inner[2:])) for _ in range(PILE_TRIES)]

        def room(c: tuple[float, float], r: float = r) -> float:
            return min((math.hypot(c[0] - p[0], c[1] - p[1]) / (r + p[2]) for p in piles), default=0.0)

        cx, cy = max(cands, key=room)
        piles.append((cx, cy, r * stretch, r / stretch, angle))
    return piles


def _position(rng: np.random.Generator, area, piles, share: float) -> list[float]:
    """Where an object lands: in a heap (a stretched Gaussian round its centre) with probability
    ``share``, else anywhere (loose pieces on the open belt). Draws as many numbers either way, so
    ``share`` moves the positions only, never the other objects' draws."""
    in_pile, loose = rng.random() < share, [_u(rng, area[:2]), _u(rng, area[2:])]
    if not piles:
        return [round(v, 4) for v in loose]
    cx, cy, s_along, s_across, angle = piles[int(rng.integers(len(piles)))]
    a, b = rng.normal(0, s_along), rng.normal(0, s_across)
    if not in_pile:
        return [round(v, 4) for v in loose]
    x = cx + a * math.cos(angle) - b * math.sin(angle)
    y = cy + a * math.sin(angle) + b * math.cos(angle)
    return [round(float(np.clip(x, *area[:2])), 4), round(float(np.clip(y, *area[2:])), 4)]


def sample_objects(rng: np.random.Generator, clutter: dict, area: tuple[float, float, float, float],
                   surfaces: dict | None = None, view_area: float | None = None) -> list[dict]:
    """The clutter: class, kind, size, position, yaw, deformation, material for each object.

    ``area`` is (x_min, x_max, y_min, y_max) of the spawn region in metres. Objects are listed in
    drop order: rigid pieces partly first (they end up under the sheets), then the rest. With
    ``clutter.reference_area``, the count scales with ``view_area`` (m² of belt the camera sees).
    """
    names = list(clutter["class_mix"])
    weights = np.array([float(clutter["class_mix"][n]) for n in names])
    weights = weights / weights.sum()
    n = int(rng.integers(clutter["count"][0], clutter["count"][1] + 1))
    if clutter.get("reference_area") and view_area:  # same density whatever the camera sees
        n = max(1, round(n * view_area / float(clutter["reference_area"])))
    piles = _piles(rng, clutter, area)
    objects = []
    for _ in range(n):
        cls = names[rng.choice(len(names), p=weights)]
        kinds = kind_weights(clutter, cls)
        kw = np.array(list(kinds.values()), dtype=float)
        kind = list(kinds)[rng.choice(len(kinds), p=kw / kw.sum())]
        objects.append(
            {
                "class": cls,
                "class_id": 0 if cls == "background" else C.class_id(cls, synthetic=True),
                "kind": kind,
                "size": _object_size(rng, kind, size_scale(rng, clutter)),
                "xy": _position(rng, area, piles, float(clutter.get("pile_share", 0.0))),
                "yaw": round(float(rng.uniform(0, 2 * math.pi)), 4),
                "deform": _deform(rng, kind),
                "material": _material(rng, cls, kind, surfaces),
                "seed": int(rng.integers(2**31 - 1)),
            }
        )
    first = [o for o in objects if o["kind"] in RIGID_KINDS and rng.random() < clutter.get("rigid_first", 0.5)]
    rest = [o for o in objects if not any(o is f for f in first)]
    return first + rest


def _litter_size(rng: np.random.Generator, kind: str) -> list[float]:
    """(x, y, z) extent in metres of a piece of small litter (shreds: strips up to 8 cm long)."""
    if kind == "shred":
        size = (rng.uniform(0.02, 0.08), rng.uniform(0.006, 0.03), 0.0)
    elif kind == "film_bit":
        size = (rng.uniform(0.025, 0.07), rng.uniform(0.02, 0.05), 0.0)
    elif kind == "cap":
        dia = rng.uniform(0.028, 0.034)
        size = (dia, dia, rng.uniform(0.01, 0.016))
    else:  # grit
        g = rng.uniform(0.003, 0.012)
        size = (g, g * rng.uniform(0.6, 1.0), g * rng.uniform(0.3, 0.7))
    return [round(float(v), 4) for v in size]


def _litter_xy(rng: np.random.Generator, area, near: np.ndarray | None) -> list[float]:
    """Where a piece of litter lands: round a piece of the clutter (``near``), else anywhere in ``area``."""
    if near is not None and len(near) and rng.random() < LITTER_NEAR:
        x, y = np.asarray(near[int(rng.integers(len(near)))], float) + rng.normal(0.0, LITTER_SPREAD, 2)
        return [round(float(np.clip(x, *area[:2])), 4), round(float(np.clip(y, *area[2:])), 4)]
    return [round(_u(rng, area[:2]), 4), round(_u(rng, area[2:]), 4)]


def sample_litter(rng: np.random.Generator, clutter: dict, area: tuple[float, float, float, float],
                  surfaces: dict | None = None, view_area: float | None = None,
                  near: np.ndarray | None = None) -> list[dict]:
    """Small litter (:data:`LITTER_KINDS`): ``clutter.litter`` ([lo, hi] pieces per
    ``clutter.reference_area``; none without it) shreds, film bits, caps and grit on the belt, of the
    classes ``clutter.class_mix`` gives a weight (all without a mix). ``near`` (an (n, 2) array of the
    clutter's positions) draws :data:`LITTER_NEAR` of them round a piece of the clutter, the rest anywhere.

    Drawn from its own ``rng`` (the clutter keeps its draws); the pieces are dropped after the clutter:
    on the open belt between the heaps and, some, on top of them.

    >>> lit = sample_litter(np.random.default_rng(0), {"litter": [40, 40]}, (-0.5, 0.5, -0.3, 0.3))
    >>> len(lit), {o["class_id"] for o in lit if o["kind"] == "shred"}
    (40, {5})
    """
    if not clutter.get("litter"):
        return []
    n = int(rng.integers(clutter["litter"][0], clutter["litter"][1] + 1))
    if clutter.get("reference_area") and view_area:
        n = max(0, round(n * view_area / float(clutter["reference_area"])))
    mix = clutter.get("class_mix")  # litter of the classes the clutter has (a paper-only mix: only shreds)
    kinds = [k for k, (cls, _) in LITTER_KINDS.items() if not mix or float(mix.get(cls, 0.0)) > 0]
    if not kinds:
        return []
    w = np.array([LITTER_KINDS[k][1] for k in kinds])
    out = []
    for _ in range(n):
        kind = kinds[int(rng.choice(len(kinds), p=w / w.sum()))]
        cls = LITTER_KINDS[kind][0]
        out.append({
            "class": cls,
            "class_id": 0 if cls == "background" else C.class_id(cls, synthetic=True),
            "kind": kind,
            "size": _litter_size(rng, kind),
            "xy": _litter_xy(rng, area, near),
            "yaw": round(float(rng.uniform(0, 2 * math.pi)), 4),
            "deform": {"crumple": round(float(rng.uniform(0.001, 0.004)), 4),
                       "frequency": round(float(rng.uniform(60, 120)), 3), "folds": int(rng.integers(0, 2)),
                       "bend": round(float(rng.uniform(-8.0, 8.0)), 3), "crush": 0.0, "dents": 1},
            "material": _material(rng, cls, kind, surfaces),
            "seed": int(rng.integers(2**31 - 1)),
        })
        if kind == "shred":  # scraps on the belt are trodden and dirty (clean white ones read as confetti)
            m = out[-1]["material"]
            m["color"] = [round(c * float(rng.uniform(0.55, 0.85)), 4) for c in m["color"]]
            m["grime"] = round(max(m["grime"], 0.3), 4)
    return out


def blackbody_rgb(kelvin: float) -> list[float]:
    """Approximate linear RGB (max channel 1) of a black body at ``kelvin`` (Tanner Helland's fit).

    >>> [round(c, 2) for c in blackbody_rgb(6600)]
    [1.0, 1.0, 1.0]
    """
    t = kelvin / 100.0
    r = 255.0 if t <= 66 else 329.698727446 * (t - 60) ** -0.1332047592
    g = 99.4708025861 * math.log(t) - 161.1195681661 if t <= 66 else 288.1221695283 * (t - 60) ** -0.0755148492
    b = 255.0 if t >= 66 else (0.0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307)
    srgb = np.clip(np.array([r, g, b]) / 255.0, 0, 1)
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    return [round(float(c), 4) for c in lin / lin.max()]


def camera_look(post_p: dict, seed: int) -> dict:
    """The video-camera knobs of :mod:`zerowaste.synth.post` (a knob a preset leaves out stays off).

    Drawn from their own stream (seeded by the post seed), so adding a knob never moves the clutter.

    >>> look = camera_look({}, 0)
    >>> look["defocus_px"], look["jpeg_quality"], look["wb_gains"], look["white"], look["codec_scale"]
    (0.0, 0, [1.0, 1.0, 1.0], 0.9, 1.0)
    """
    rng = np.random.Generator(np.random.PCG64([int(seed), 1]))
    out: dict = {k: round(_u(rng, post_p.get(k, (0.0, 0.0))), 4) for k in ("defocus_px", "sharpen", "awb")}
    out["shoulder"] = round(_u(rng, post_p.get("shoulder", (0.0, 0.0))), 4)
    out["jpeg_quality"] = int(round(_u(rng, post_p.get("jpeg_quality", (0, 0)))))
    drift = _u(rng, post_p.get("wb_drift", (0.0, 0.0)))
    out["wb_gains"] = [round(float(np.exp(g)), 4) for g in rng.normal(0, drift, 3)] if drift > 0 else [1.0] * 3
    out["white"] = round(_u(rng, post_p.get("white", (WHITE, WHITE))), 4)  # (drawn after the older knobs: they
    # keep their values; the knobs below came later still)
    for key in ("light_pools", "defocus_edge", "fringe_px"):
        out[key] = round(_u(rng, post_p.get(key, (0.0, 0.0))), 4)
    out["codec_scale"] = round(_u(rng, post_p.get("codec_scale", (1.0, 1.0))), 4)
    tint, green = _u(rng, post_p.get("tint", (0.0, 0.0))), float(rng.uniform(0.0, 1.0))
    lo, hi = post_p.get("tint_green", (0.0, 1.0))  # fluorescent tubes leave green, LEDs magenta (< 0)
    green = float(lo) + (float(hi) - float(lo)) * green
    if tint > 0:  # a warm cast the white balance leaves, some with a fluorescent green (log gains)
        cast = tint * (green * np.array([-0.25, 0.5, -0.25]) + np.array([0.5, 0.0, -0.5]))
        out["wb_gains"] = [round(float(g * np.exp(c)), 4) for g, c in zip(out["wb_gains"], cast, strict=True)]
    for key in ("defocus_patches", "smear"):  # soft and smeared patches anywhere in the frame
        out[key] = round(_u(rng, post_p.get(key, (0.0, 0.0))), 4)
    out["saturation"] = round(_u(rng, post_p.get("saturation", (0.0, 0.0))), 4)  # chroma boost
    out["contrast"] = round(_u(rng, post_p.get("contrast", (0.0, 0.0))), 4)  # the tone curve's S
    if "auto_exposure" in post_p:  # the camera's metering (drawn last; absent, the look keeps its old keys)
        out["auto_exposure"] = round(_u(rng, post_p["auto_exposure"]), 4)
    if "black" in post_p:  # the camera's black level (later still, and as optional)
        out["black"] = round(_u(rng, post_p["black"]), 4)
    if "moving" in post_p:  # pieces moving on their own: how many on average, and how far (px at 1920)
        out["moving"] = round(_u(rng, post_p["moving"]), 4)
        out["moving_px"] = round(_u(rng, post_p.get("moving_px", (0.0, 0.0))), 4)
    return out


def preset_key(name: str) -> int:
    """A preset name as a 32-bit number that :func:`sample_scene` mixes into the scene's seed.

    >>> preset_key("default") != preset_key("mrf-a"), preset_key("default") == preset_key("default")
    (True, True)
    """
    return zlib.crc32(str(name).encode("utf-8"))


def sample_scene(preset: dict, seed: int, assets: dict[str, list[str]] | None = None) -> dict:
    """All parameters of one scene, sampled from ``preset`` with ``seed`` (pure, deterministic).

    ``assets`` ({class: [mesh paths]}, see ``--assets``) replaces a share
    (``clutter.asset_share``) of the objects of those classes by the user's meshes.
    The preset's name takes part in the seed: two presets rendered with the same ``--seed`` (a source
    and a target domain, say) get unrelated scenes. With the seed alone, presets that draw the same
    number of lights and objects laid out the very same pile (the same objects at the same places),
    a silent leak between domains.
    """
    rng = np.random.Generator(np.random.PCG64([int(seed), preset_key(preset["name"])]))
    res = tuple(preset["resolution"])
    cam_p, belt_p, light_p, post_p = preset["camera"], preset["belt"], preset["lighting"], preset["post"]
    height, lens = _u(rng, cam_p["height"]), _u(rng, cam_p["lens_mm"])
    view_x, view_y = view_size(height, lens, res)
    tilt, roll = _u(rng, cam_p["tilt_deg"]), _u(rng, cam_p["roll_deg"])
    tilt_dir = float(rng.uniform(0, 2 * math.pi))
    camera = {"height": round(height, 4), "lens_mm": round(lens, 3), "tilt_deg": round(tilt, 3),
              "tilt_dir": round(tilt_dir, 4), "roll_deg": round(roll, 3), "sensor_mm": SENSOR_MM,
              "view": [round(view_x, 4), round(view_y, 4)]}
    # Offset the view centre by the tilt so the belt stays centred in the frame.
    shift = height * math.tan(math.radians(tilt))
    margin = float(preset["clutter"]["margin"])
    half_x, half_y = view_x / 2 + margin + shift, view_y / 2 + margin + shift
    # With side rails, the belt is narrow enough for the rails to show at the frame's long edges.
    rails = bool(rng.random() < belt_p["rails_prob"])
    width = min(belt_p["width"], view_y * float(rng.uniform(0.8, 0.95))) if rails else belt_p["width"]
    half_y = min(half_y, width / 2 - 0.02)
    area = (-half_x, half_x, -half_y, half_y)
    belt = {"width": round(width, 4), "length": round(2 * half_x + 1.0, 3),
            "grey": round(_u(rng, belt_p["grey"]), 4), "dirt": round(_u(rng, belt_p["dirt"]), 4),
            "wear": round(_u(rng, belt_p["wear"]), 4), "seam": bool(rng.random() < belt_p["seam_prob"]),
            "seam_x": round(float(rng.uniform(-half_x, half_x)), 3),
            "rails": rails, "seed": int(rng.integers(2**31 - 1))}
    if "warm" in belt_p:  # the rubber's colour cast (own stream: every other draw keeps its value)
        tone = np.random.Generator(np.random.PCG64([int(seed), 4, preset_key(preset["name"])]))
        belt["warm"] = round(_u(tone, belt_p["warm"]), 4)
    # The lights draw from a stream of their own: a lighting range searched or changed (synth fit,
    # --set lighting.*) leaves the clutter, the belt and the camera of a seed where they were.
    glow = np.random.Generator(np.random.PCG64([int(seed), 6, preset_key(preset["name"])]))
    ambient = round(_u(glow, light_p["ambient"]), 4)
    n_bars = int(glow.integers(light_p["bars"][0], light_p["bars"][1] + 1))
    # The bars hang at one side of the belt (their row offset by `bar_side` m): light falls
    # obliquely, so the facets of crumpled paper turned to it are bright and the others grey.
    side = _u(glow, light_p["bar_side"]) * (1.0 if glow.random() < 0.5 else -1.0)
    lights = []
    for i in range(n_bars):
        x = -view_x / 2 + view_x * (i + 0.5) / n_bars + glow.normal(0, 0.1)
        lights.append({"type": "bar", "location": [round(x, 3), round(side + float(glow.normal(0, 0.1)), 3),
                                                   round(_u(glow, light_p["bar_height"]), 3)],
                       "size": [0.12, round(belt_p["width"] * 0.9, 3)],
                       "power": round(_u(glow, light_p["bar_power"]), 2),
                       "color": blackbody_rgb(_u(glow, light_p["temperature_k"]))})
    if glow.random() < light_p["hotspot_prob"]:
        lights.append({"type": "spot", "location": [round(float(glow.uniform(-view_x / 2, view_x / 2)), 3),
                                                    round(float(glow.uniform(-view_y / 2, view_y / 2)), 3),
                                                    round(height * 0.9, 3)],
                       "size": [0.3, 0.3], "power": round(_u(glow, light_p.get("hotspot_power", (2.0, 6.0))), 2),
                       "color": blackbody_rgb(_u(glow, light_p["temperature_k"]))})
    if "bar_spread" in light_p:  # the bars' beam (degrees; lighting.py): own stream, the clutter keeps its seed
        beam = np.random.Generator(np.random.PCG64([int(seed), 3, preset_key(preset["name"])]))
        for light in lights:
            if light["type"] == "bar":
                light["spread"] = round(_u(beam, light_p["bar_spread"]), 1)
    post = {k: round(_u(rng, post_p[k]), 4) for k in ("motion_blur_px", "vignette", "noise", "exposure")}
    post["seed"] = int(rng.integers(2**31 - 1))
    post.update(camera_look(post_p, post["seed"]))
    objects = sample_objects(rng, preset["clutter"], area, preset.get("surfaces"), view_x * view_y)
    if assets:
        share = float(preset["clutter"].get("asset_share", 0.5))
        for obj in objects:
            files = assets.get(obj["class"])
            if files and rng.random() < share:
                obj["asset"] = files[int(rng.integers(len(files)))]
    # small litter (never an asset): its own stream (the clutter keeps its draws), dropped last, so
    # nothing presses it flush into the belt (dropped first, the sheets lying flat over it did, and
    # most of it lay hidden under the heaps: rendered for nothing)
    litter = np.random.Generator(np.random.PCG64([int(seed), 5, preset_key(preset["name"])]))
    near = np.array([o["xy"] for o in objects], float).reshape(-1, 2)
    objects = objects + sample_litter(litter, preset["clutter"], area, preset.get("surfaces"), view_x * view_y, near)
    return {
        "seed": int(seed),
        "preset": preset["name"],
        "resolution": list(res),
        "camera": camera,
        "belt": belt,
        "lights": lights,
        "ambient": ambient,
        "area": [round(v, 4) for v in area],
        "objects": objects,
        "post": post,
    }
