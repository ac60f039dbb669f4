"""Presets are YAML data under ``synth/presets/``; a preset may start from another (``base:``).

Overrides use dotted paths with YAML values, exactly like ``--set`` on the CLI.

Example:
    >>> p = load_preset("tiny", overrides=["clutter.count=[5, 6]", "samples=2"])
    >>> p["name"], p["samples"], p["clutter"]["count"], p["resolution"]
    ('tiny', 2, [5, 6], [160, 90])
    >>> "default" in list_presets()
    True
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from zerowaste.errors import ZeroWasteError

PRESET_DIR = Path(__file__).with_name("presets")


class PresetError(ZeroWasteError, ValueError):
    """A preset name, file or override that cannot be used."""


def list_presets() -> list[str]:
    """Names of the shipped presets, sorted."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def deep_merge(base: dict, over: dict) -> dict:
    """A new dict: ``over`` merged into ``base`` recursively (dicts merge, anything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read(name_or_path: str, relative_to: Path | None = None) -> tuple[dict, Path]:
    """(data, path) of a preset name or ``.yaml`` path; a relative ``base:`` path is taken from the
    folder of the file that names it."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PRESET_DIR / f"{name_or_path}.yaml"
    elif relative_to is not None and not path.is_absolute() and (relative_to / path).is_file():
        path = relative_to / path
    if not path.is_file():
        raise PresetError(f"unknown preset {name_or_path!r}; known: {', '.join(list_presets())} (or a .yaml path)")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise PresetError(f"preset {path}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict):
        raise PresetError(f"preset {path} is not a YAML mapping")
    return data, path


#: Keys a preset file may hold besides the parameters; ``clutter.class_mix`` and ``clutter.kinds`` hold
#: class and kind names (checked apart, in :func:`check_preset`).
META_KEYS = frozenset({"base", "name", "description"})
FREE_KEYS = frozenset({"clutter.class_mix", "clutter.kinds"})


def _key_tree(data: dict) -> dict:
    return {k: _key_tree(v) if isinstance(v, dict) else {} for k, v in data.items()}


def preset_schema() -> dict:
    """Every key (as a nested dict of keys) that some shipped preset file uses: what a preset may set."""
    schema: dict = {}
    for name in list_presets():
        schema = deep_merge(schema, _key_tree(_read(name)[0]))
    return schema


def check_keys(data: dict, path: Path, schema: dict | None = None, prefix: str = "") -> None:
    """Raise :class:`PresetError` naming the first key of a preset file that no preset knows (a typo)."""
    schema = preset_schema() if schema is None else schema
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if not prefix and key in META_KEYS:
            continue
        if key not in schema:
            known = ", ".join(k for k in schema if not (not prefix and k in META_KEYS))
            raise PresetError(f"preset {path}: unknown key {dotted!r} (known{' under ' + prefix[:-1] if prefix else ''}: "
                              f"{known})")
        if isinstance(value, dict) and dotted not in FREE_KEYS:
            check_keys(value, path, schema[key], prefix=f"{dotted}.")


def apply_override(preset: dict, assignment: str) -> dict:
    """Return ``preset`` with one ``dotted.key=yaml-value`` assignment applied (keys must exist)."""
    if "=" not in assignment:
        raise PresetError(f"override {assignment!r} is not of the form key.path=value")
    key, raw = assignment.split("=", 1)
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise PresetError(f"override {assignment!r}: value is not valid YAML ({exc})") from None
    out = copy.deepcopy(preset)
    node: Any = out
    parts = key.strip().split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            where = ".".join(parts[: i + 1])
            raise PresetError(f"override {assignment!r}: unknown preset key {where!r}")
        if i == len(parts) - 1:
            node[part] = value
        else:
            node = node[part]
    return out


def load_preset(name: str = "default", overrides: list[str] | tuple[str, ...] = ()) -> dict:
    """Load a preset by name (or .yaml path), resolve its ``base`` chain, apply overrides and check it."""
    chain, seen = [], set()
    data, path = _read(name)
    top = path
    schema = preset_schema()
    while True:
        check_keys(data, path, schema)
        chain.append(data)
        base = data.get("base")
        if not base:
            break
        if base in seen:
            raise PresetError(f"preset {name!r}: circular base {base!r}")
        seen.add(base)
        data, path = _read(str(base), relative_to=path.parent)
    preset: dict = {}
    for layer in reversed(chain):
        preset = deep_merge(preset, {k: v for k, v in layer.items() if k != "base"})
    preset["name"] = str(chain[0].get("name") or top.stem)  # never the base's name
    for assignment in overrides:
        preset = apply_override(preset, assignment)
    check_preset(preset)
    return preset


def _check_range(preset: dict, path: str) -> None:
    node: Any = preset
    for part in path.split("."):
        node = node[part]
    if not (isinstance(node, list) and len(node) == 2 and all(isinstance(v, int | float) for v in node)):
        raise PresetError(f"preset key {path!r} must be a [low, high] pair of numbers, got {node!r}")
    if node[0] > node[1]:
        raise PresetError(f"preset key {path!r}: low {node[0]} > high {node[1]}")


RANGES = (
    "belt.grey", "belt.dirt", "belt.wear", "camera.height", "camera.tilt_deg", "camera.roll_deg",
    "camera.lens_mm", "lighting.bars", "lighting.bar_power", "lighting.temperature_k", "lighting.ambient",
    "clutter.count", "clutter.size_scale", "post.motion_blur_px", "post.vignette", "post.noise", "post.exposure",
)

#: Optional [low, high] knobs, checked when a preset sets them: path -> the smallest allowed low (None: any).
OPTIONAL_RANGES = {
    "post.defocus_px": 0, "post.defocus_edge": 0, "post.defocus_patches": 0, "post.smear": 0, "post.light_pools": 0,
    "post.fringe_px": 0, "post.shoulder": 0, "post.white": 0, "post.awb": 0, "post.wb_drift": 0, "post.tint": None,
    "post.tint_green": None, "post.sharpen": 0, "post.jpeg_quality": 1, "post.codec_scale": 0, "post.saturation": -1,
    "post.contrast": 0, "post.auto_exposure": 0, "post.black": 0,
    "lighting.bar_height": 0, "lighting.bar_side": None, "lighting.hotspot_power": 0, "lighting.bar_spread": 0,
    "clutter.piles": 0, "clutter.pile_radius": 0, "clutter.litter": 0, "surfaces.grime": 0, "belt.warm": 0,
}

#: ... and the largest allowed high of some of them (the tone curve's S folds over at a contrast of 1; the auto
#: exposure's share goes up to the full correction, the belt's cast to the full ``materials.BELT_TINT``).
OPTIONAL_CEILINGS = {"post.contrast": 0.9, "post.auto_exposure": 1, "belt.warm": 1}


def denoise(preset: dict) -> bool:
    """Whether ``preset`` renders under Cycles' denoiser (a complete preset written before the key: yes)."""
    return preset.get("denoise", True)


def check_preset(preset: dict) -> None:
    """Raise :class:`PresetError` naming the first problem of a resolved preset."""
    from zerowaste.synth.params import CLASS_KINDS

    for path in RANGES:
        try:
            _check_range(preset, path)
        except (KeyError, TypeError):
            raise PresetError(f"preset is missing key {path!r}") from None
    for path, floor in OPTIONAL_RANGES.items():
        section, key = path.split(".")
        if not isinstance(preset.get(section), dict) or key not in preset[section]:
            continue
        _check_range(preset, path)
        if floor is not None and preset[section][key][0] < floor:
            raise PresetError(f"preset key {path!r} must not go below {floor}, got {preset[section][key]!r}")
        ceiling = OPTIONAL_CEILINGS.get(path)
        if ceiling is not None and preset[section][key][1] > ceiling:
            raise PresetError(f"preset key {path!r} must not go above {ceiling}, got {preset[section][key]!r}")
    res = preset.get("resolution")
    if not (isinstance(res, list) and len(res) == 2 and all(isinstance(v, int) and v >= 8 for v in res)):
        raise PresetError(f"preset resolution must be [width, height] in pixels, got {res!r}")
    if not isinstance(preset.get("samples"), int) or preset["samples"] < 1:
        raise PresetError(f"preset samples must be a positive integer, got {preset.get('samples')!r}")
    if not isinstance(denoise(preset), bool):
        raise PresetError(f"preset denoise must be true or false, got {preset['denoise']!r}")
    mix = preset["clutter"].get("class_mix", {})
    unknown = set(mix) - set(CLASS_KINDS)
    if unknown:
        raise PresetError(f"clutter.class_mix: unknown classes {sorted(unknown)}; known: {sorted(CLASS_KINDS)}")
    if not mix or any(float(w) < 0 for w in mix.values()) or sum(float(w) for w in mix.values()) <= 0:
        raise PresetError("clutter.class_mix needs non-negative weights with a positive sum")
    for cls, weights in preset["clutter"].get("kinds", {}).items():
        if cls not in CLASS_KINDS:
            raise PresetError(f"clutter.kinds: unknown class {cls!r}; known: {sorted(CLASS_KINDS)}")
        if not isinstance(weights, dict) or set(weights) - set(CLASS_KINDS[cls]):
            known = sorted(CLASS_KINDS[cls])
            raise PresetError(f"clutter.kinds.{cls} must map kinds of {cls} to weights; known kinds: {known}, got {weights!r}")
        merged = {**CLASS_KINDS[cls], **weights}
        if not all(isinstance(w, int | float) and w >= 0 for w in merged.values()) or sum(merged.values()) <= 0:
            raise PresetError(f"clutter.kinds.{cls} needs non-negative numeric weights with a positive sum")
    wear = preset.get("surfaces", {}).get("wear", [0.0, 0.0])
    if not (isinstance(wear, list) and len(wear) == 2 and all(isinstance(v, int | float) for v in wear)
            and 0 <= wear[0] <= wear[1] <= 1):
        raise PresetError(f"preset key 'surfaces.wear' must be a [low, high] pair within 0..1, got {wear!r}")
