"""The camera look at the size frames are rendered (640 px): soft like the real video, contrasty mid-tones.

Realism round 12: at 640 px the presets' lens blur was 0.1-0.2 px (below the 0.15 px a blur needs to act),
so the frames stayed as crisp as the render, and the codec's 8 px blocks were 24 px of the stream's frame.
"""

from __future__ import annotations

import numpy as np
import pytest

from zerowaste.synth.compare import frame_stats, to_analysis
from zerowaste.synth.params import camera_look, frame_seed, sample_scene
from zerowaste.synth.post import AE_LIMIT, auto_exposure, codec, defocus, postprocess, tone_curve
from zerowaste.synth.presets import PresetError, load_preset

OFF = {"motion_blur_px": 0.0, "vignette": 0.0, "noise": 0.0, "exposure": 1.0, "seed": 0}
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


def _scene(seed: int, h: int = 360, w: int = 640) -> np.ndarray:
    """A belt-like test frame: a dark grainy belt with bright and coloured sheets carrying fine print."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 40.0) + rng.normal(0, 6, (h, w, 1))
    for _ in range(14):
        y, x = rng.integers(0, h - 40), rng.integers(0, w - 60)
        sh, sw = rng.integers(30, 140), rng.integers(40, 200)
        colour = rng.choice([rng.uniform(190, 240, 1).repeat(3), rng.uniform(30, 230, 3)])
        sheet = np.broadcast_to(colour, (min(sh, h - y), min(sw, w - x), 3)).copy()
        sheet[::3] *= rng.uniform(0.5, 0.8)  # lines of print
        img[y:y + sheet.shape[0], x:x + sheet.shape[1]] = sheet
    return np.clip(img, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["default", "mrf-a", "mrf-b"])
def test_every_preset_softens_a_640_px_frame(name):
    """The camera takes fine detail out of a 640 px frame (high-frequency share and spectral slope of the
    frame statistics), on every seed: the lens blur, given at 1920 px, still acts at 640 px."""
    preset = load_preset(name, ["resolution=[640, 360]"])
    for i in range(4):
        frame = _scene(i)
        post = sample_scene(preset, frame_seed(12, i))["post"]
        before, after = frame_stats(to_analysis(frame)), frame_stats(to_analysis(postprocess(frame, post)))
        assert after["high_freq"] < 0.85 * before["high_freq"], (name, i)
        assert after["spectral_slope"] < before["spectral_slope"] - 0.1, (name, i)  # steeper: less fine detail


def test_a_sharp_focus_centre_keeps_the_soft_corners():
    """A centre blur too small to act (0.1 px) must not switch off the blur growing towards the corners."""
    rng = np.random.default_rng(3)
    lin = rng.uniform(0, 1, (90, 160, 3)).astype(np.float32)
    out = defocus(lin, 0.1, 4.0, (0.5, 0.5))
    corner_change = np.abs(out[:10, :10] - lin[:10, :10]).mean()
    centre_change = np.abs(out[40:50, 75:85] - lin[40:50, 75:85]).mean()
    assert corner_change > 0.05 and centre_change < 0.25 * corner_change
    assert np.array_equal(defocus(lin, 0.1, 0.0, (0.5, 0.5)), lin)  # no growth: nothing to do


def test_the_codec_blocks_shrink_with_the_frame():
    """A 640 px frame of a stream coded at 0.6 x 1920 px: coded at the stream's width and scaled down, its
    blocks are 8 / 1.8 px, so its 8 px seams almost vanish and the coding changes it less than JPEG at 640 px."""

    def seams(img: np.ndarray) -> float:
        d = np.abs(np.diff(img.astype(float).mean(axis=2), axis=1))
        return float(d[:, 7::8].mean() / d.mean())  # steps across the 8 px grid against all steps

    for seed in range(3):
        frame = _scene(seed)
        native, stream = codec(frame, 40, 1.0), codec(frame, 40, 0.6 * 3).astype(float)
        assert seams(native) > 1.5 * seams(frame) and seams(stream) < 1.2 * seams(frame)
        round_trip = codec(frame, 95, 0.6 * 3).astype(float)  # scaled up and down, coded almost losslessly
        assert np.abs(stream - round_trip).mean() < 0.7 * np.abs(native.astype(float) - frame).mean()
    assert np.array_equal(codec(_scene(0), 0, 3.0), _scene(0))  # scaling up and back without JPEG: untouched


def test_the_tone_curve_steepens_the_mid_tones_and_keeps_black_grey_white_and_hue():
    for seed in range(4):
        rng = np.random.default_rng(seed)
        img = rng.uniform(0.0, 1.0, (64, 64, 3)).astype(np.float32)
        out = tone_curve(img, 0.2)
        luma, curved = img @ LUMA, out @ LUMA
        assert curved.std() > 1.05 * luma.std()  # more contrast ...
        assert abs(curved.mean() - luma.mean()) < 0.02  # ... about mid grey: the exposure stays
        inside = (out < 1).all(axis=2) & (luma > 0.02)
        ratio = out[inside] / img[inside]
        assert np.allclose(ratio, ratio[:, :1], atol=1e-4)  # each pixel scaled as a whole: its hue kept
    ramp = np.linspace(0, 1, 256, dtype=np.float32)[None, :, None].repeat(3, axis=2)
    for amount in (0.1, 0.5, 0.9):
        curve = tone_curve(ramp, amount)[0, :, 0]
        assert (np.diff(curve) > 0).all()  # monotonic: no tone reversed
        assert np.allclose(curve[[0, 128, 255]], ramp[0, [0, 128, 255], 0], atol=2e-3)  # black, grey, white stay
    assert tone_curve(img, 0.0) is img


def test_the_contrast_knob_comes_from_the_preset_and_is_checked():
    assert camera_look({}, 1)["contrast"] == 0.0
    for s in range(5):  # drawn last: every other knob keeps its value
        plain, curved = camera_look({"tint": [0.1, 0.1]}, s), camera_look({"tint": [0.1, 0.1], "contrast": [0.1, 0.2]}, s)
        assert plain.pop("contrast") == 0.0 and 0.1 <= curved.pop("contrast") <= 0.2 and plain == curved
    for bad, message in (("[0.5, 1.2]", "must not go above 0.9"), ("[-0.1, 0.1]", "must not go below 0"),
                         ("[0.3, 0.1]", "low 0.3 > high 0.1"), ("abc", "[low, high] pair")):
        with pytest.raises(PresetError, match=__import__("re").escape(message)):
            load_preset("default", [f"post.contrast={bad}"])


def test_auto_exposure_exposes_a_paper_heavy_frame_down_and_a_belt_heavy_one_up():
    """The camera meters each frame: a frame half-covered by white paper gets less light, a frame of open
    belt more, by ``share`` of the way (in log) to the reference, within the meter's range."""
    lin = np.full((40, 80, 3), 0.02, np.float32)  # dark belt (linear)
    paper, belt = lin.copy(), lin.copy()
    paper[:, :40] = 0.4  # half white paper: metered 0.21
    belt[:, :8] = 0.4  # a tenth paper: metered 0.058
    ref = 0.115
    assert auto_exposure(paper, 1.0, ref) == pytest.approx(ref / 0.21, rel=1e-3)
    assert auto_exposure(belt, 1.0, ref) == pytest.approx(ref / 0.058, rel=1e-3)
    half = auto_exposure(paper, 0.5, ref)
    assert half == pytest.approx((ref / 0.21) ** 0.5, rel=1e-3) and ref / 0.21 < half < 1.0
    assert auto_exposure(paper, 0.0, ref) == 1.0
    # within the meter's range: all paper is exposed down by AE_LIMIT at most, a black frame up by as much
    assert auto_exposure(np.full_like(lin, 0.9), 1.0, ref) == 1 / AE_LIMIT
    assert auto_exposure(np.zeros_like(lin), 1.0, ref) == AE_LIMIT
    glint = paper.copy()
    glint[:2, :2] = 50.0  # a specular glint meters as white, not as 50 times paper white
    assert auto_exposure(glint, 1.0, ref) == pytest.approx(auto_exposure(paper, 1.0, ref), rel=0.02)


def test_auto_exposure_in_the_camera_brings_frames_of_unlike_brightness_together():
    """Through the whole camera (exposure 1, nothing else), a bright and a dark frame end closer in mean
    luminance with the metering than without; without the knob the frame is untouched by it."""
    dark, bright = _scene(0).astype(np.float32) * 0.4, np.clip(_scene(0).astype(np.float32) * 1.6, 0, 255)
    frames = [dark.astype(np.uint8), bright.astype(np.uint8)]
    plain = [postprocess(f, OFF).mean() for f in frames]
    metered = [postprocess(f, {**OFF, "auto_exposure": 0.8}).mean() for f in frames]
    assert metered[1] / metered[0] < 0.6 * plain[1] / plain[0]
    assert np.array_equal(postprocess(frames[0], OFF), postprocess(frames[0], {**OFF, "auto_exposure": 0.0}))


def test_the_auto_exposure_knob_comes_from_the_preset_and_is_checked():
    assert "auto_exposure" not in camera_look({}, 1)  # absent: off, and the look keeps its keys
    for s in range(5):  # drawn last: every other knob keeps its value
        plain, metered = camera_look({"contrast": [0.1, 0.2]}, s), camera_look(
            {"contrast": [0.1, 0.2], "auto_exposure": [0.3, 0.6]}, s)
        assert 0.3 <= metered.pop("auto_exposure") <= 0.6 and plain == metered
    for name in ("default", "mrf-a", "mrf-b"):
        lo, hi = load_preset(name)["post"]["auto_exposure"]
        assert 0 < lo <= hi <= 1
    for bad, message in (("[0.5, 1.2]", "must not go above 1"), ("[-0.1, 0.1]", "must not go below 0"),
                         ("[0.3, 0.1]", "low 0.3 > high 0.1")):
        with pytest.raises(PresetError, match=__import__("re").escape(message)):
            load_preset("default", [f"post.auto_exposure={bad}"])
