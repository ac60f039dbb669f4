"""`synth compare`: image statistics on hand-made frames with known answers, the distance, the CLI."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from zerowaste.synth import compare as K
from zerowaste.synth.cli import synth


def _write(path, rgb):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def _scene(seed: int, h: int = 180, w: int = 320, belt: int = 30) -> np.ndarray:
    """A dark belt with random bright rectangles: a crude stand-in for a frame."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), belt, np.uint8)
    for _ in range(12):
        y, x = rng.integers(0, h - 20), rng.integers(0, w - 30)
        img[y : y + rng.integers(10, 60), x : x + rng.integers(20, 90)] = rng.integers(60, 250, 3)
    return img


def test_colourfulness_of_flat_colours():
    assert K.colourfulness(np.full((8, 8, 3), 77, np.uint8)) == 0.0
    # pure red: rg = 255, yb = 127.5, no spread -> 0.3 * hypot(255, 127.5)
    red = np.zeros((8, 8, 3), np.uint8)
    red[..., 0] = 255
    assert K.colourfulness(red) == pytest.approx(0.3 * np.hypot(255, 127.5))


def test_belt_and_paper_fractions_count_the_right_pixels():
    img = np.zeros((40, 80, 3), np.uint8)
    img[:, :40] = 30            # dark grey belt: half the frame
    img[:, 40:60] = 240         # white paper: a quarter
    img[:, 60:] = (200, 30, 30)  # saturated red print: neither
    s = K.frame_stats(img)
    assert s["dark_belt"] == pytest.approx(0.5)
    assert s["white_paper"] == pytest.approx(0.25)
    assert s["vivid"] == pytest.approx(0.25)
    assert s["highlights"] == 0.0


def test_paper_shading_is_the_spread_of_paper_in_light_and_shade():
    img = np.full((40, 80, 3), 30, np.uint8)  # the belt (dark: not paper)
    img[:, 40:] = 230  # paper lit alike: no spread
    flat = K.frame_stats(img)["paper_shading"]
    img[:, 60:] = 140  # half of it in shade (a crumple's facets turned from the light)
    shaded = K.frame_stats(img)["paper_shading"]
    assert flat == pytest.approx(0.0, abs=1e-6) and shaded == pytest.approx((230 - 140) / 255, abs=0.01)
    img[:, 40:] = (200, 30, 30)  # no paper at all: 0, not a spread of a few stray pixels
    assert K.frame_stats(img)["paper_shading"] == 0.0


def test_paper_level_is_where_the_paper_sits_between_mid_grey_and_white():
    img = np.full((40, 80, 3), 30, np.uint8)  # the belt (dark: not paper)
    img[:, 40:70] = 240  # paper lit near white: the level is its luminance ...
    img[:, 70:] = (200, 30, 30)  # ... a red print is not paper
    glowing = K.frame_stats(img)["paper_level"]
    assert glowing == pytest.approx(240 / 255, abs=1e-3)
    img[:, 40:60] = 150  # two thirds of it in shade or grey: the median follows the paper, not the belt or the print
    assert K.frame_stats(img)["paper_level"] == pytest.approx(150 / 255, abs=1e-3)
    img[:, 40:] = (200, 30, 30)  # no paper at all: 0, not the level of a few stray pixels
    img[0, 40] = 250
    assert K.frame_stats(img)["paper_level"] == 0.0


def test_belt_warmth_is_the_colour_of_the_dark_belt_alone():
    img = np.full((40, 80, 3), 235, np.uint8)  # neutral white paper ...
    img[:, :40] = (52, 50, 44)  # ... beside an olive-brown belt (the reference belts' dark pixels: 51, 50, 45)
    warm = K.frame_stats(img)
    img[:, :40] = 50  # a neutral grey belt
    grey = K.frame_stats(img)
    assert warm["belt_warmth"] > 3.0 and abs(grey["belt_warmth"]) < 0.1, (warm["belt_warmth"], grey["belt_warmth"])
    img[:, 40:] = (240, 235, 200)  # cream paper moves the frame's warmth, not the belt's
    assert K.frame_stats(img)["belt_warmth"] == pytest.approx(grey["belt_warmth"], abs=1e-6)
    assert K.frame_stats(img)["warmth"] > grey["warmth"] + 3
    img[:, :40] = 235  # no belt in view: 0, not the colour of a few stray pixels
    assert K.frame_stats(img)["belt_warmth"] == 0.0


def test_shadows_is_the_black_of_the_darkest_twentieth_of_the_frame():
    img = np.full((40, 100, 3), 200, np.uint8)
    img[:, :10] = 40  # a tenth of the frame dark belt ...
    veiled = img.copy()
    veiled[:, :10] = 60  # ... and the same belt under a veil of scattered light
    deep, lifted = K.frame_stats(img)["shadows"], K.frame_stats(veiled)["shadows"]
    assert deep == pytest.approx(40 / 255, abs=1e-4)  # (frames are measured in sRGB, as a viewer sees them)
    assert lifted == pytest.approx(60 / 255, abs=1e-4) and K.frame_stats(np.full((8, 8, 3), 200, np.uint8))["shadows"] > 0.7


def _grey_rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def test_belt_lines_tell_scratches_along_the_belt_from_mottled_grime():
    """Round 48: the reference belts are mottled (their texture 1.27 times as strong across its main direction as
    along it); a grain of parallel scratches, which blind judges called wood grain, measures well above that."""
    rng = np.random.default_rng(3)
    grime = cv2.GaussianBlur(rng.normal(0, 6, (180, 320)).astype(np.float32), (0, 0), 1.2)
    mottled = np.clip(45 + grime, 0, 255)
    scratched = mottled.copy()
    scratched[::5] += 10  # light scratches one pixel wide, every 5 px down the frame, along the belt (x)
    flat, lined = K.frame_stats(_grey_rgb(mottled))["belt_lines"], K.frame_stats(_grey_rgb(scratched))["belt_lines"]
    assert 0.9 < flat < 1.15 and lined > 1.5, (flat, lined)
    up = K.frame_stats(np.ascontiguousarray(_grey_rgb(scratched).transpose(1, 0, 2)))["belt_lines"]
    assert up == pytest.approx(lined, rel=0.05)  # a belt running up the frame: the same
    paper = _grey_rgb(scratched)
    paper[:, 40:] = 235  # bright paper beside it: only the belt counts ...
    assert K.frame_stats(paper)["belt_lines"] > 1.5
    paper[:] = 235  # ... and a frame with no belt in view is 0
    assert K.frame_stats(paper)["belt_lines"] == 0.0


def test_other_hues_is_the_share_of_vivid_pixels_neither_red_to_yellow_nor_blue():
    img = np.full((40, 100, 3), 30, np.uint8)  # the belt: not vivid, not counted
    img[:, 40:60] = (200, 30, 30)    # red print
    img[:, 60:70] = (230, 170, 20)   # gold
    img[:, 70:80] = (30, 80, 170)    # a blue bag
    img[:, 80:90] = (0, 140, 70)     # green (150 degrees)
    img[:, 90:100] = (220, 0, 115)   # magenta (329 degrees)
    s = K.frame_stats(img)
    assert s["vivid"] == pytest.approx(0.6) and s["other_hues"] == pytest.approx(2 / 6)
    img[:, 80:] = (0, 150, 215)  # a cyan-blue (198 degrees: still counted) ...
    assert K.frame_stats(img)["other_hues"] == pytest.approx(2 / 6)
    img[:, 80:] = (30, 110, 200)  # ... a plain blue (211 degrees) is not
    assert K.frame_stats(img)["other_hues"] == 0.0
    pale = np.full((40, 100, 3), 30, np.uint8)
    pale[:, 50:] = (150, 200, 160)  # pale green paper (saturation 0.25): not vivid
    pale[0, 0] = (0, 200, 0)  # one stray vivid green pixel: too few to count
    assert K.frame_stats(pale)["other_hues"] == 0.0


def test_luminance_histogram_puts_each_pixel_in_its_band():
    img = np.zeros((20, 40, 3), np.uint8)  # a quarter black, a quarter at 0.235, a quarter mid grey, a quarter white
    img[:, 10:20], img[:, 20:30], img[:, 30:] = 60, 128, 255
    assert K.luminance_histogram(img) == pytest.approx([0.25, 0, 0.25, 0.25, 0, 0, 0.25])
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (30, 50, 3), dtype=np.uint8)
    assert sum(K.luminance_histogram(noise)) == pytest.approx(1.0)
    # green weighs most in the luma: pure green (0.715) lies in 0.6-0.8, pure blue (0.072) in 0-0.1
    green, blue = np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 3), np.uint8)
    green[..., 1], blue[..., 2] = 255, 255
    assert K.luminance_histogram(green)[4] == 1.0 and K.luminance_histogram(blue)[0] == 1.0
    assert K.median_histogram([[0.2, 0.8], [0.4, 0.6], [0.9, 0.1]]) == [0.4, 0.6]


def test_blur_lowers_detail_statistics():
    sharp = _scene(1)
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.5)
    a, b = K.frame_stats(sharp), K.frame_stats(blurred)
    for key in ("edges", "gradient", "high_freq", "sharpness"):
        assert b[key] < a[key], key
    assert b["spectral_slope"] < a["spectral_slope"]  # power falls faster with frequency
    assert b["luminance"] == pytest.approx(a["luminance"], abs=0.01)  # blur keeps the mean light


def test_frames_are_measured_at_one_scale(tmp_path):
    big = cv2.resize(_scene(2), (1280, 720), interpolation=cv2.INTER_NEAREST)
    _write(tmp_path / "big.png", big)
    _write(tmp_path / "small.png", cv2.resize(big, (640, 360), interpolation=cv2.INTER_AREA))
    a = K.frame_stats(K.load_frame(tmp_path / "big.png"))
    b = K.frame_stats(K.load_frame(tmp_path / "small.png"))
    assert K.load_frame(tmp_path / "big.png").shape == (180, K.ANALYSIS_WIDTH, 3)
    for key in K.STAT_KEYS:
        assert abs(a[key] - b[key]) <= next(s.floor for s in K.STATS if s.key == key), key


def test_distance_is_mean_absolute_deviation_in_real_spreads():
    real = K.summarize([{k: float(v) for k in K.STAT_KEYS} for v in (0.0, 1.0, 2.0, 3.0, 4.0)])
    # IQR of 0..4 is 2 (above every floor but colourfulness 5, warmth 2: max(IQR, floor))
    shifted = K.summarize([{k: float(v) + 1.0 for k in K.STAT_KEYS} for v in (0.0, 1.0, 2.0, 3.0, 4.0)])
    spreads = K.spreads(real)
    assert spreads["colourfulness"] == 5.0 and spreads["luminance"] == 2.0
    expected = np.mean([1.0 / spreads[k] for k in K.STAT_KEYS])
    assert K.distance(real, shifted) == pytest.approx(expected, abs=1e-6)
    assert K.distance(real, real) == 0.0
    dev = K.deviations(real, shifted)
    assert all(v > 0 for v in dev.values())


def _frames(rng: np.random.Generator, n: int, spread: float) -> dict[str, list]:
    """``n`` frames' statistics scattered ``spread`` real IQRs (2) round a level one IQR above the real median (2)."""
    return {k: list(4.0 + 2.0 * spread * rng.normal(size=n)) for k in K.STAT_KEYS}


def test_a_small_change_stands_out_paired_and_not_unpaired():
    real = K.summarize([{k: float(v) for k in K.STAT_KEYS} for v in (0.0, 1.0, 2.0, 3.0, 4.0)])
    base = _frames(np.random.default_rng(5), 32, spread=1.0)  # frames as unlike each other as renders are
    # the same scenes, each a little further (by 0.05 IQR, give or take as much: a change acts on each frame its way)
    noise = np.random.default_rng(105)
    worse = {k: list(np.array(vals) + 0.1 + 0.1 * noise.normal(size=32)) for k, vals in base.items()}
    paired = K.distance_difference(real, base, worse, paired=True)
    assert paired["difference"] == pytest.approx(K.distance(real, K.summarize(worse)) - K.distance(real, K.summarize(base)),
                                                 abs=1e-5)
    assert 0 < paired["p05"] <= paired["difference"] <= paired["p95"] and paired["paired"] and paired["frames"] == 32
    # the same change seen on other frames (another draw of 32 scenes) is lost in the luck of the draw
    # (over 20 seeds: paired p05 > 0 in all 20, the unpaired interval holds 0 in 14 and is 7-11 times wider)
    noise = np.random.default_rng(205)
    other = {k: list(np.array(vals) + 0.1 + 0.1 * noise.normal(size=32))
             for k, vals in _frames(np.random.default_rng(1005), 32, spread=1.0).items()}
    unpaired = K.distance_difference(real, base, other, paired=False)
    assert unpaired["p05"] < 0 < unpaired["p95"] and not unpaired["paired"]
    assert unpaired["p95"] - unpaired["p05"] > 3 * (paired["p95"] - paired["p05"])
    # nothing changed: no difference, no interval
    same = K.distance_difference(real, base, base, paired=True)
    assert same["difference"] == same["p05"] == same["p95"] == 0.0
    assert K.distance_difference(real, base, base, paired=True, seed=3) == K.distance_difference(real, base, base,
                                                                                                  paired=True, seed=3)
    with pytest.raises(K.CompareError, match="same frames on both sides"):
        K.distance_difference(real, base, {k: v[:20] for k, v in base.items()}, paired=True)


def test_a_constant_real_statistic_uses_its_floor():
    frames = [K.frame_stats(_scene(3)) for _ in range(3)]  # identical frames: IQR 0
    real = K.summarize(frames)
    assert K.spreads(real) == {s.key: s.floor for s in K.STATS}


def test_find_frames_in_root_split_or_plain_folder(tmp_path):
    for split in ("train", "val"):
        _write(tmp_path / "root" / split / "data" / f"{split}_0.png", _scene(0))
    _write(tmp_path / "root" / "train" / "sem_seg" / "train_0.png", _scene(0))  # masks are not frames
    _write(tmp_path / "plain" / "A.JPG", _scene(1))
    assert [p.name for p in K.find_frames(tmp_path / "root")] == ["train_0.png", "val_0.png"]
    assert [p.name for p in K.find_frames(tmp_path / "root" / "val")] == ["val_0.png"]
    assert [p.name for p in K.find_frames(tmp_path / "plain")] == ["A.JPG"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(K.CompareError, match="no images here"):
        K.find_frames(tmp_path / "empty")


def test_bad_frames_are_named(tmp_path):
    _write(tmp_path / "a.png", _scene(0))
    with pytest.raises(K.CompareError, match="at least 2"):
        K.folder_stats(tmp_path, min_frames=2)
    (tmp_path / "b.png").write_bytes(b"not a png")
    with pytest.raises(K.CompareError, match="b.png: cannot decode"):
        K.folder_stats(tmp_path)


@pytest.fixture
def folders(tmp_path):
    for i in range(4):
        _write(tmp_path / "real" / f"r{i}.png", _scene(10 + i, belt=30))
        _write(tmp_path / "close" / "train" / "data" / f"c{i}.png", _scene(20 + i, belt=32))
        _write(tmp_path / "far" / f"f{i}.png", cv2.GaussianBlur(_scene(30 + i, belt=120), (0, 0), 3))
    return tmp_path


def test_cli_ranks_folders_and_writes_a_sheet_with_its_key(folders):
    sheet = folders / "sheet.png"
    args = ["compare", "--real", str(folders / "real"), str(folders / "close"), str(folders / "far"),
            "--sheet", str(sheet), "--n", "3", "--json"]
    result = CliRunner().invoke(synth, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    close, far = (report["synth"][str(folders / n)]["distance"] for n in ("close", "far"))
    assert close < far
    assert report["real"]["frames"] == 4
    key = report["sheet_key"]
    assert sorted(key.values()) == ["close"] * 3 + ["far"] * 3 + ["real"] * 3
    img = cv2.imread(str(sheet))
    assert img is not None and img.shape[1] >= 1000
    text = CliRunner().invoke(synth, args[:-1])
    assert text.exit_code == 0 and "distance" in text.output and "dark_belt" in text.output
    # far (other frames than close's) is set against close, the first folder, unpaired
    against = report["synth"][str(folders / "far")]["against_first"]
    assert against["against"] == str(folders / "close") and not against["paired"] and against["difference"] > 0
    assert "against_first" not in report["synth"][str(folders / "close")]
    assert f"{folders / 'far'} against {folders / 'close'} (other frames, unpaired)" in text.output


def test_cli_pairs_renders_of_the_same_scenes(folders):
    """A second render of close's scenes (the same frame names), a little blurred: paired frame by frame."""
    for path in sorted((folders / "close" / "train" / "data").iterdir()):
        img = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        _write(folders / "soft" / "train" / "data" / path.name, cv2.GaussianBlur(img, (0, 0), 1.5))
    args = ["compare", "--real", str(folders / "real"), str(folders / "close"), str(folders / "soft")]
    report = json.loads(CliRunner().invoke(synth, [*args, "--json"]).output)
    against = report["synth"][str(folders / "soft")]["against_first"]
    assert against["paired"] and against["frames"] == 4
    assert against["difference"] == pytest.approx(report["synth"][str(folders / "soft")]["distance"]
                                                  - report["synth"][str(folders / "close")]["distance"], abs=1e-5)
    text = CliRunner().invoke(synth, args).output
    assert f"{folders / 'soft'} against {folders / 'close'} paired frame by frame (the same names)" in text


def test_cli_shows_where_each_folder_s_luminance_lies(folders):
    """The real frames' belt (grey 30: luminance 0.12) fills the 0.1-0.2 band, far's (grey 120: 0.47) 0.35-0.6."""
    args = ["compare", "--real", str(folders / "real"), str(folders / "close"), str(folders / "far")]
    report = json.loads(CliRunner().invoke(synth, [*args, "--json"]).output)
    real, far = report["real"]["luminance_histogram"], report["synth"][str(folders / "far")]["luminance_histogram"]
    assert len(real) == len(far) == len(K.LUMINANCE_BANDS) - 1
    assert max(range(len(real)), key=real.__getitem__) == 1 and real[1] > 0.5
    assert max(range(len(far)), key=far.__getitem__) == 3 and far[1] < 0.05
    lines = CliRunner().invoke(synth, args).output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("luminance histogram"))
    assert lines[at + 1].split()[:3] == ["band", "0-0.1", "0.1-0.2"]
    assert lines[at + 2].split() == ["real", *(f"{v:.3f}" for v in real)]
    assert [line.split()[0] for line in lines[at + 3 : at + 5]] == ["close", "far"]


def test_inside_real_range_counts_frames_not_medians():
    """Frames split between two looks can share the real median and lie outside the real range, every one."""
    real = K.summarize([{k: v for k in K.STAT_KEYS} for v in (1.0, 1.1, 1.2, 1.3)])
    split = {k: [0.0, 0.0, 1.15, 2.5, 2.5] for k in K.STAT_KEYS}
    assert K.distance(real, K.summarize(split)) < K.distance(real, K.summarize({k: [1.5] * 5 for k in K.STAT_KEYS}))
    inside = K.inside_real_range(real, split)
    for s in K.STATS:  # 1.15 always; 0 too where the floor is 1 or more (tint), 2.5 too where it is 1.2 or more
        want = 0.2 if s.floor < 1.0 else 1.0 if s.floor >= 1.2 else 0.6
        assert inside[s.key] == pytest.approx(want), s.key
    edges = {s.key: [1.0 - s.floor, 1.3 + s.floor] for s in K.STATS}
    assert set(K.inside_real_range(real, edges).values()) == {1.0}  # the widened range's ends are inside


def test_cli_names_the_statistics_most_frames_miss(tmp_path):
    """Half the frames with a black belt (grey 5) and half with a light one (grey 60): the darkest twentieth is
    right in none of them, while the real belt (grey 30) and a renders' folder like it keep every frame inside."""
    for i in range(4):
        _write(tmp_path / "real" / f"r{i}.png", _scene(10 + i, belt=30))
        _write(tmp_path / "like" / f"l{i}.png", _scene(20 + i, belt=30))
        _write(tmp_path / "split" / f"s{i}.png", _scene(30 + i, belt=5 if i % 2 else 60))
    args = ["compare", "--real", str(tmp_path / "real"), str(tmp_path / "like"), str(tmp_path / "split")]
    report = json.loads(CliRunner().invoke(synth, [*args, "--json"]).output)
    like, split = (report["synth"][str(tmp_path / n)]["inside_real_range"] for n in ("like", "split"))
    assert like["shadows"] == 1.0 and split["shadows"] == 0.0
    assert set(like) == set(split) == set(K.STAT_KEYS)
    lines = CliRunner().invoke(synth, args).output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("frames inside the real frames' range"))
    assert lines[at + 1].startswith("like ") and "shadows" not in lines[at + 1]
    assert lines[at + 2].startswith("split ") and "shadows 0%" in lines[at + 2]


@pytest.mark.parametrize("case", ["one_real_frame", "corrupt", "missing"])
def test_cli_bad_input_is_one_line(folders, case):
    real = folders / "real"
    if case == "one_real_frame":
        for p in sorted(real.iterdir())[1:]:
            p.unlink()
        message = "need at least 2"
    elif case == "corrupt":
        (real / "r9.png").write_bytes(b"\x89PNG broken")
        message = "r9.png: cannot decode"
    else:
        real = folders / "nope"
        message = "does not exist"
    result = CliRunner().invoke(synth, ["compare", "--real", str(real), str(folders / "close")])
    assert result.exit_code != 0 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
