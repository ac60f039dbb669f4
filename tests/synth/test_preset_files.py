"""Preset files are validated like `--set`: typos are errors naming key and file; names come from the file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zerowaste.synth.cli import synth
from zerowaste.synth.presets import PresetError, list_presets, load_preset, preset_schema


def test_shipped_presets_pass_their_own_schema():
    schema = preset_schema()
    assert {"belt", "camera", "lighting", "clutter", "post", "resolution", "samples"} <= set(schema)
    for name in list_presets():
        assert load_preset(name)["name"] == name


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("base: tiny\nclutter: {cnt: [3, 4]}\n", "clutter.cnt"),
        ("base: tiny\nlighting:\n  bar_powr: [1, 2]\n", "lighting.bar_powr"),
        ("base: tiny\nresolutoin: [10, 10]\n", "resolutoin"),
    ],
)
def test_unknown_key_names_key_and_file(tmp_path, text, key):
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    with pytest.raises(PresetError, match=f"preset {path}: unknown key '{key}'"):
        load_preset(str(path))


def test_class_mix_keys_are_checked_as_classes(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("base: tiny\nclutter:\n  class_mix: {glass: 1}\n")
    with pytest.raises(PresetError, match=r"unknown classes \['glass'\]"):
        load_preset(str(path))


def test_a_preset_without_name_is_called_after_its_file(tmp_path):
    (tmp_path / "facility.yaml").write_text("base: mrf-a\nsamples: 2\n")
    (tmp_path / "sub").mkdir()
    # a relative base is found next to the file that names it, whatever the working folder
    (tmp_path / "sub" / "line3.yaml").write_text("base: ../facility.yaml\nname: line-3\n")
    p = load_preset(str(tmp_path / "facility.yaml"))
    assert p["name"] == "facility" and p["samples"] == 2 and p["belt"] == load_preset("mrf-a")["belt"]
    assert load_preset(str(tmp_path / "sub" / "line3.yaml"))["name"] == "line-3"


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("base: tiny\nclutter: [unclosed\n")
    with pytest.raises(PresetError, match=f"preset {path}: not valid YAML"):
        load_preset(str(path))


def test_cli_refuses_a_typo_preset_and_shows_a_path_preset(tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text("base: tiny\nclutter: {cnt: [3, 4]}\n")
    result = CliRunner().invoke(synth, ["render", "--out", str(tmp_path / "o"), "--n", "1", "--preset", str(bad)])
    assert result.exit_code == 1 and "unknown key 'clutter.cnt'" in result.output and str(bad) in result.output
    assert not (tmp_path / "o").exists()
    good = tmp_path / "good.yaml"
    good.write_text("base: tiny\n")
    shown = CliRunner().invoke(synth, ["presets", str(good), "--json"])
    assert shown.exit_code == 0 and '"name": "good"' in shown.output


def test_kind_weights_of_a_preset_steer_the_clutter(tmp_path):
    from zerowaste.synth.params import LITTER_KINDS, sample_scene

    path = tmp_path / "news.yaml"
    path.write_text("base: tiny\nclutter:\n  class_mix: {paper: 1, cardboard: 0, soft_plastic: 0, rigid_plastic: 0,"
                    " metal: 0, background: 0}\n  kinds: {paper: {newspaper: 1, sheet: 0, crumpled_sheet: 0,"
                    " crumpled: 0, magazine: 0}}\n")
    objects = sample_scene(load_preset(str(path)), 4)["objects"]
    assert {o["kind"] for o in objects if o["kind"] not in LITTER_KINDS} == {"newspaper"}
    # the small litter keeps to the classes of the mix: only paper shreds
    assert {o["kind"] for o in objects if o["kind"] in LITTER_KINDS} == {"shred"}


@pytest.mark.parametrize(("kinds", "message"), [
    ("{glass: {bottle: 1}}", "clutter.kinds: unknown class 'glass'"),
    ("{paper: {bottle: 1}}", r"clutter.kinds.paper must map kinds of paper to weights; known kinds: \["),
    ("{metal: {can: -1}}", "clutter.kinds.metal needs non-negative numeric weights"),
    ("{metal: {can: 0, foil: 0}}", "clutter.kinds.metal needs non-negative numeric weights with a positive sum"),
])
def test_kind_weights_are_checked(tmp_path, kinds, message):
    path = tmp_path / "bad.yaml"
    path.write_text(f"base: tiny\nclutter:\n  kinds: {kinds}\n")
    with pytest.raises(PresetError, match=message):
        load_preset(str(path))


@pytest.mark.parametrize("override, message", [
    ("clutter.litter=abc", r"'clutter.litter' must be a \[low, high\] pair of numbers, got 'abc'"),
    ("clutter.litter=[50, 10]", r"'clutter.litter': low 50 > high 10"),
    ("clutter.litter=[-5, 3]", r"'clutter.litter' must not go below 0"),
    ("post.saturation=x", r"'post.saturation' must be a \[low, high\] pair"),
    ("post.saturation=[-2, 1]", r"'post.saturation' must not go below -1"),
    ("post.sharpen=[1]", r"'post.sharpen' must be a \[low, high\] pair"),
    ("lighting.bar_spread=[120, 90]", r"'lighting.bar_spread': low 120 > high 90"),
    ("belt.warm=[0.5, 1.5]", r"'belt.warm' must not go above 1"),
])
def test_optional_knobs_are_checked_when_a_preset_sets_them(override, message):
    # (they were sampled unchecked: 'abc' raised a TypeError deep in sampling, [-5, 3] litter drew quietly)
    with pytest.raises(PresetError, match=message):
        load_preset("default", [override])
    assert load_preset("default", ["post.saturation=[0.0, 0.2]"])["post"]["saturation"] == [0.0, 0.2]
