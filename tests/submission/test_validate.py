"""The validator: one test per class of bad input, each with a specific message; all reported."""

from __future__ import annotations

import io
import zipfile

import cv2
import numpy as np
import pytest
import pyzipper
from PIL import Image

from zerowaste import contract as C
from zerowaste.submission.validate import validate_submission
from zerowaste.submission.zipread import inspect_zip


def only_problem(report, *fragments: str) -> str:
    """Assert the report is invalid with exactly one problem containing every fragment."""
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    for f in fragments:
        assert f in report.problems[0], report.problems[0]
    return report.problems[0]


def first_name(fx) -> str:
    return sorted(fx.masks)[0]


def test_valid_submission(fx):
    report = validate_submission(fx.zip(), fx.gt)
    assert report.ok and report.problems == [] and report.n_images == 2 * len(fx.masks)


def test_deflated_zip_is_fine(fx, zk):
    report = validate_submission(zk.build_zip(fx.tmp / "d.zip", fx.entries(), zipfile.ZIP_DEFLATED), fx.gt)
    assert report.ok


# -- the zip itself -----------------------------------------------------------------------------


def test_missing_file(fx):
    only_problem(validate_submission(fx.tmp / "nope.zip", fx.gt), "does not exist")


def test_not_a_zip(fx):
    path = fx.tmp / "sub.zip"
    path.write_text("hello")
    only_problem(validate_submission(path, fx.gt), "not a zip file")


def test_truncated_zip(fx):
    path = fx.zip()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    only_problem(validate_submission(path, fx.gt), "zip")


def test_corrupt_member_data(fx):
    path = fx.zip()
    data = bytearray(path.read_bytes())
    data[200:260] = bytes(60)  # inside the first stored PNG: CRC no longer matches
    path.write_bytes(bytes(data))
    report = validate_submission(path, fx.gt)
    assert not report.ok and any("corrupt" in p for p in report.problems), report.problems


def test_encrypted_entries(fx):
    path = fx.tmp / "enc.zip"
    with pyzipper.AESZipFile(path, "w", encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(b"secret")
        for name, data in fx.entries().items():
            zf.writestr(name, data)
    report = validate_submission(path, fx.gt)
    assert not report.ok
    assert all("is encrypted" in p for p in report.problems[:-1]) and report.problems[0].startswith("entry")


def test_zip_bomb_compression_ratio(fx, zk):
    entries = fx.entries()
    entries[f"uda/{first_name(fx)}"] = bytes(30_000_000)  # zeros: deflates about 1000x
    report = validate_submission(zk.build_zip(fx.tmp / "bomb.zip", entries, zipfile.ZIP_DEFLATED), fx.gt)
    only_problem(report, "zip bomb guard", "compression ratio")


def test_zip_bomb_caps_checked_from_central_directory(fx):
    with zipfile.ZipFile(fx.zip()) as zf:
        assert inspect_zip(zf, max_entries=3) == (
            [],
            [f"zip bomb guard: {2 * len(fx.masks)} entries (at most 3 allowed)"],
        )
        entries, problems = inspect_zip(zf, max_total_bytes=1000)
        assert entries == [] and "bytes uncompressed in total" in problems[0]


def test_lying_size_header_is_caught_while_streaming(fx, zk):
    name = f"uda/{first_name(fx)}"
    path = zk.build_zip(fx.tmp / "lie.zip", fx.entries(), zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
        real = info.file_size
    data = bytearray(path.read_bytes())
    # declare 100 bytes instead of the real size in the local and central headers
    old, new = real.to_bytes(4, "little"), (100).to_bytes(4, "little")
    assert data.count(old) >= 2
    data = bytes(data).replace(old, new)
    path.write_bytes(data)
    report = validate_submission(path, fx.gt)
    assert not report.ok and any(name in p and ("corrupt" in p or "declared" in p) for p in report.problems)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("/source_only/x.png", "absolute path"),
        ("../uda/x.png", "'..' path component"),
        ("uda\\x.png", "backslash"),
        ("C:/uda/x.png", "drive letter"),
    ],
)
def test_unsafe_paths(fx, zk, entry, message):
    report = validate_submission(zk.build_zip(fx.tmp / "p.zip", {**fx.entries(), entry: b"x"}), fx.gt)
    only_problem(report, message)


@pytest.mark.parametrize(("mode", "message"), [(0o120777, "symbolic link"), (0o010644, "special file")])
def test_symlinks_and_special_entries(fx, mode, message):
    path = fx.tmp / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in fx.entries().items():
            zf.writestr(name, data)
        info = zipfile.ZipInfo("uda/link.png")
        info.create_system = 3
        info.external_attr = mode << 16
        zf.writestr(info, b"/etc/passwd")
    only_problem(validate_submission(path, fx.gt), message, "uda/link.png")


# -- layout ---------------------------------------------------------------------------------------


def test_missing_track_folder(fx):
    entries = {k: v for k, v in fx.entries().items() if not k.startswith("uda/")}
    only_problem(validate_submission(fx.zip(entries), fx.gt), "missing folder uda/")


def test_empty_track_folder_reports_missing_predictions(fx):
    entries = {k: v for k, v in fx.entries().items() if not k.startswith("uda/")}
    only_problem(
        validate_submission(fx.zip([*entries.items(), ("uda/", b"")]), fx.gt), f"uda/: {len(fx.masks)} of"
    )


def test_missing_predictions(fx):
    entries = fx.entries()
    del entries[f"source_only/{first_name(fx)}"]
    only_problem(
        validate_submission(fx.zip(entries), fx.gt),
        "source_only/: 1 of 6 predictions missing",
        first_name(fx),
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("readme.txt", "unexpected top-level file 'readme.txt'"),
        ("__MACOSX/uda/._x.png", "operating-system metadata"),
        ("UDA/x.png", "case-sensitive"),
        ("predictions/uda/x.png", "zip its contents"),
    ],
)
def test_unexpected_top_level_entries(fx, zk, entry, message):
    only_problem(
        validate_submission(zk.build_zip(fx.tmp / "t.zip", {**fx.entries(), entry: b"x"}), fx.gt), message
    )


def test_nested_folder(fx, zk):
    entries = {**fx.entries(), f"uda/extra/{first_name(fx)}": b"x"}
    only_problem(validate_submission(zk.build_zip(fx.tmp / "n.zip", entries), fx.gt), "nested folder")


def test_folder_entries_are_checked_too(fx, zk):
    entries = [
        *fx.entries().items(),
        ("uda/", b""),
        ("uda/sub/", b""),
        ("uda/sub/a.png", b"x"),
        ("extra/", b""),
    ]
    report = validate_submission(zk.build_zip(fx.tmp / "f.zip", entries), fx.gt)
    assert len(report.problems) == 2, report.problems  # one per folder, not one per file
    assert "unexpected top-level folder 'extra'" in report.problems[0]
    assert "nested folder: 'uda/sub/'" in report.problems[1]


def test_track_name_used_as_a_file(fx, zk):
    entries = {k: v for k, v in fx.entries().items() if not k.startswith("uda/")}
    report = validate_submission(zk.build_zip(fx.tmp / "t.zip", {**entries, "uda": b"x"}), fx.gt)
    assert "'uda' is a file; it must be a folder of PNGs" in report.problems[0]


def test_extra_file(fx, zk):
    entries = {**fx.entries(), "uda/99_frame_000099.png": b"x", "uda/.DS_Store": b"x"}
    report = validate_submission(zk.build_zip(fx.tmp / "e.zip", entries), fx.gt)
    assert len(report.problems) == 2
    assert "no target image of that name" in report.problems[1] or "no target image" in report.problems[0]
    assert any("metadata" in p for p in report.problems)


def test_duplicate_entries(fx):
    name = f"uda/{first_name(fx)}"
    entries = [*fx.entries().items(), (name, fx.entries()[name])]
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = fx.zip(entries)
    only_problem(validate_submission(path, fx.gt), "duplicate entry", name)


def test_names_equal_up_to_case(fx):
    name = first_name(fx)
    entries = [*fx.entries().items(), (f"uda/{name.upper()}", fx.entries()[f"uda/{name}"])]
    only_problem(validate_submission(fx.zip(entries), fx.gt), "differ only in case")


def test_wrong_extension_or_case_gets_a_hint(fx):
    name = first_name(fx)
    entries = fx.entries()
    entries[f"uda/{name[:-4]}.PNG"] = entries.pop(f"uda/{name}")
    report = validate_submission(fx.zip(entries), fx.gt)
    assert len(report.problems) == 2  # the misnamed file and the missing prediction
    assert f"should be named uda/{name}" in report.problems[0]


def test_problems_are_capped(fx, zk):
    entries = {**fx.entries(), **{f"uda/x{i}.png": b"x" for i in range(30)}}
    report = validate_submission(zk.build_zip(fx.tmp / "c.zip", entries), fx.gt, max_problems=5)
    assert report.n_problems == 30 and len(report.problems) == 6
    assert report.problems[-1] == "... and 25 more problems"


# -- the PNGs -------------------------------------------------------------------------------------


def with_uda(fx, data: bytes):
    entries = fx.entries()
    entries[f"uda/{first_name(fx)}"] = data
    return fx.zip(entries)


def test_not_a_png(fx):
    ok, jpg = cv2.imencode(".jpg", fx.preds["uda"][first_name(fx)])
    only_problem(validate_submission(with_uda(fx, jpg.tobytes()), fx.gt), "is not a PNG file", "JPEG")


def test_undecodable_png(fx, zk):
    data = bytearray(zk.png_bytes(fx.preds["uda"][first_name(fx)]))
    data[60:] = bytes(len(data) - 60)  # header intact, pixel data destroyed
    only_problem(validate_submission(with_uda(fx, bytes(data)), fx.gt), "not a decodable PNG")


def test_wrong_size(fx, zk):
    small = np.zeros((zk.H // 2, zk.W), np.uint8)
    only_problem(
        validate_submission(with_uda(fx, zk.png_bytes(small)), fx.gt),
        "has size 160x45 (WxH) but the image is 160x90",
    )


def test_rgb_png(fx, zk):
    rgb = np.zeros((zk.H, zk.W, 3), np.uint8)
    only_problem(validate_submission(with_uda(fx, zk.png_bytes(rgb)), fx.gt), "8-bit RGB", "single-channel")


def test_16_bit_png(fx, zk):
    deep = np.zeros((zk.H, zk.W), np.uint16)
    only_problem(validate_submission(with_uda(fx, zk.png_bytes(deep)), fx.gt), "16-bit grayscale")


def test_palette_png_is_rejected(fx):
    im = Image.fromarray(fx.preds["uda"][first_name(fx)], mode="L").convert("P")
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    only_problem(validate_submission(with_uda(fx, buf.getvalue()), fx.gt), "palette ('P' mode)")


def test_values_outside_classes(fx, zk):
    pred = fx.preds["uda"][first_name(fx)].copy()
    pred[:3, :] = C.IGNORE_INDEX
    pred[5, 5] = 5
    message = only_problem(
        validate_submission(with_uda(fx, zk.png_bytes(pred)), fx.gt), "values outside 0..4"
    )
    assert f"{3 * zk.W + 1} pixels" in message and "5, 255" in message and "inflating mIoU" in message


def test_all_problems_reported_together(fx, zk):
    names = sorted(fx.masks)
    entries = fx.entries()
    entries[f"uda/{names[0]}"] = b"not a png"
    entries[f"uda/{names[1]}"] = zk.png_bytes(np.full((zk.H, zk.W), 9, np.uint8))
    entries[f"source_only/{names[2]}"] = zk.png_bytes(np.zeros((5, 5), np.uint8))
    entries["notes.txt"] = b"x"
    report = validate_submission(fx.zip(entries), fx.gt)
    assert report.n_problems == 4 and len(report.problems) == 4


def test_corrupt_deflate_stream(fx, zk):
    path = zk.build_zip(fx.tmp / "d.zip", fx.entries(), zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
        start = info.header_offset + 30 + len(info.filename.encode())
    data = bytearray(path.read_bytes())
    data[start : start + 40] = b"\xff" * 40  # invalid deflate block header
    path.write_bytes(bytes(data))
    report = validate_submission(path, fx.gt)
    assert not report.ok and any(info.filename in p and "corrupt" in p for p in report.problems), (
        report.problems
    )


def test_never_raises_on_damaged_zips(fx):
    """Random byte damage anywhere in the zip gives a report, never an exception."""
    good = fx.zip().read_bytes()
    rng = np.random.default_rng(7)
    path = fx.tmp / "damaged.zip"
    for i in range(200):
        data = bytearray(good)
        low = 0 if i % 2 else len(data) - 600  # every other round: the central directory
        for pos in rng.integers(low, len(data), size=rng.integers(1, 20)):
            data[pos] = rng.integers(0, 256)
        path.write_bytes(bytes(data))
        report = validate_submission(path, fx.gt)
        assert report.ok or report.problems
