"""fetch: a real HTTP server on 127.0.0.1 with Range support, resumed and corrupted downloads,
encrypted zips, multi-part zips made by Info-ZIP's `zip -s`, and unsafe archives."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import stat
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyzipper
from click.testing import CliRunner

from zerowaste.data.cli import data
from zerowaste.data.fetch import download, extract_zip, fetch, join_split_zip, split_parts
from zerowaste.data.fixtures import make_dataset
from zerowaste.data.io import DataError
from zerowaste.data.verify import verify_dataset


class RangeServer(http.server.ThreadingHTTPServer):
    """Serves ``files`` (name -> bytes) with Range support; ``cut`` names files whose next response stops halfway."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RangeHandler)
        self.files: dict[str, bytes] = {}
        self.cut: set[str] = set()
        self.requests: list[tuple[str, str | None]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class RangeHandler(http.server.BaseHTTPRequestHandler):
    server: RangeServer

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        name = self.path.lstrip("/").split("?")[0]
        rng = self.headers.get("Range")
        self.server.requests.append((name, rng))
        body = self.server.files.get(name)
        if body is None:
            self.send_error(404)
            return
        start = int(rng.removeprefix("bytes=").split("-")[0]) if rng else 0
        if start >= len(body):
            self.send_response(416)
            self.end_headers()
            return
        self.send_response(206 if rng else 200)
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        payload = body[start:]
        if name in self.server.cut:  # simulate a dropped connection halfway
            self.server.cut.discard(name)
            payload = payload[: len(payload) // 2]
            self.close_connection = True
        self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[RangeServer]:
    srv = RangeServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _zip_dir(src: Path, out: Path, password: str | None = None, aes: bool = True) -> Path:
    """Zip every file under ``src`` with paths relative to it (AES or ZipCrypto when a password is given)."""
    if password and not aes:  # pyzipper writes AES only: ZipCrypto via Info-ZIP
        subprocess.run(["zip", "-q", "-r", "-P", password, str(out.resolve()), "."], cwd=src, check=True)
        return out
    kwargs = {"encryption": pyzipper.WZ_AES} if password else {}
    with pyzipper.AESZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as zf:
        if password:
            zf.setpassword(password.encode())
        for p in sorted(src.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(src).as_posix())
    return out


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A password-protected (AES) zerowaste-f-final.zip of a fixture dataset, in the real archive layout."""
    base = tmp_path_factory.mktemp("archive")
    src = make_dataset(base / "src", "zerowaste-f", n=2, size=(36, 64), archive_root=True)
    return _zip_dir(src, base / "zerowaste-f-final.zip", password="s3cret")


def test_cli_download_resumes_after_a_drop_and_unpacks(server: RangeServer, archive: Path, tmp_path: Path) -> None:
    body = archive.read_bytes()
    server.files[archive.name] = body
    server.cut.add(archive.name)
    dest = tmp_path / "dest"
    result = CliRunner().invoke(data, ["fetch", "zerowaste-f", "--dest", str(dest), "--url", server.url + archive.name,
                                       "--md5", hashlib.md5(body).hexdigest(), "--password", "s3cret"])
    assert result.exit_code == 0, result.output
    first, second = server.requests
    assert first == (archive.name, None)
    assert second[1] is not None and int(second[1].removeprefix("bytes=").rstrip("-")) > 0  # resumed, not restarted
    assert (dest / archive.name).read_bytes() == body
    # the archive's top folder (splits_final_deblurred/) is not where the docs look: DEST/zerowaste-f is
    assert sorted(p.name for p in dest.iterdir()) == sorted([archive.name, "zerowaste-f"])
    assert sorted(p.name for p in (dest / "zerowaste-f").iterdir()) == ["test", "train", "val"]
    assert f"zerowaste-f dataset: {dest / 'zerowaste-f'}" in result.output
    assert verify_dataset(dest / "zerowaste-f", "zerowaste-f", size=(64, 36), progress=False).ok


def test_interrupted_download_resumes_in_a_later_run(server: RangeServer, archive: Path, tmp_path: Path) -> None:
    body = archive.read_bytes()
    server.files["a.zip"] = body
    server.cut.add("a.zip")
    target = tmp_path / "a.zip"
    with pytest.raises(DataError, match="download interrupted .* run the command again to resume"):
        download(server.url + "a.zip", target, md5=hashlib.md5(body).hexdigest(), retries=0, progress=False)
    kept = (tmp_path / "a.zip.part").stat().st_size
    assert 0 < kept < len(body) and not target.exists()
    download(server.url + "a.zip", target, md5=hashlib.md5(body).hexdigest(), progress=False)
    assert target.read_bytes() == body
    assert server.requests[-1] == ("a.zip", f"bytes={kept}-")
    n_requests = len(server.requests)
    download(server.url + "a.zip", target, md5=hashlib.md5(body).hexdigest(), progress=False)  # complete: kept
    assert len(server.requests) == n_requests
    with pytest.raises(DataError, match="it was there before this run: delete it"):
        download(server.url + "a.zip", target, md5="0" * 32, progress=False)
    assert target.exists()  # a file we did not download is never deleted


def test_corrupted_download_refused_by_md5(server: RangeServer, archive: Path, tmp_path: Path) -> None:
    body = bytearray(archive.read_bytes())
    good_md5 = hashlib.md5(body).hexdigest()
    body[len(body) // 3] ^= 0xFF
    server.files[archive.name] = bytes(body)
    dest = tmp_path / "dest"
    result = CliRunner().invoke(data, ["fetch", "zerowaste-f", "--dest", str(dest), "--url", server.url + archive.name,
                                       "--md5", good_md5, "--password", "s3cret"])
    assert result.exit_code == 1
    assert f"does not match the expected {good_md5}" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in dest.iterdir()) == []  # nothing kept, nothing unpacked


def test_known_md5_is_used_without_override(server: RangeServer, tmp_path: Path) -> None:
    server.files["z.zip"] = b"not the real archive"
    with pytest.raises(DataError, match="does not match the expected e26e31a58080bca6782dca0e56074c5d"):
        fetch("zerowaste-f", tmp_path, url=server.url + "z.zip", progress=False)


def test_both_v2_archives_fill_one_folder_and_a_second_fetch_is_refused(tmp_path: Path) -> None:
    """README: `fetch zerowaste-v2-trainval --dest data/` then the test archive -> data/zerowaste-v2/{train,val,test}."""
    src = make_dataset(tmp_path / "src", "zerowaste-v2", n=1, size=(36, 64))
    for split in ("train", "val", "test"):  # the real archives' top folder: zerowaste-v2/<split>/data
        (tmp_path / "v2" / "zerowaste-v2").mkdir(parents=True, exist_ok=True)
        shutil.copytree(src / split, tmp_path / "v2" / "zerowaste-v2" / split)
        (tmp_path / "v2" / "zerowaste-v2" / "LICENSE.txt").write_text("CC BY-NC 4.0")  # both archives carry it
    trainval = tmp_path / "zerowaste-v2-trainval.zip"
    with zipfile.ZipFile(trainval, "w") as zf:
        for p in sorted((tmp_path / "v2").rglob("*")):
            if p.is_file() and "/test/" not in p.as_posix():
                zf.write(p, p.relative_to(tmp_path / "v2").as_posix())
    test_zip = tmp_path / "zerowaste-v2-test.zip"
    with zipfile.ZipFile(test_zip, "w") as zf:
        for p in sorted((tmp_path / "v2").rglob("*")):
            if p.is_file() and ("/test/" in p.as_posix() or p.name == "LICENSE.txt"):
                zf.write(p, p.relative_to(tmp_path / "v2").as_posix())
    dest = tmp_path / "data"
    assert fetch("zerowaste-v2-trainval", dest, from_path=trainval, progress=False) == dest / "zerowaste-v2"
    assert fetch("zerowaste-v2-test", dest, from_path=test_zip, progress=False) == dest / "zerowaste-v2"
    assert sorted(p.name for p in (dest / "zerowaste-v2").iterdir()) == ["LICENSE.txt", "test", "train", "val"]
    assert verify_dataset(dest / "zerowaste-v2", "zerowaste-v2", size=(64, 36), progress=False).ok
    with pytest.raises(DataError, match=r"zerowaste-v2: test already exist\(s\); remove them or choose another --dest"):
        fetch("zerowaste-v2-test", dest, from_path=test_zip, progress=False)
    assert sorted(p.name for p in dest.iterdir()) == ["zerowaste-v2"]  # no staging left behind
    # an archive that holds something else is named, not unpacked somewhere odd
    with zipfile.ZipFile(tmp_path / "odd.zip", "w") as zf:
        zf.writestr("notes/readme.txt", "hello")
    with pytest.raises(DataError, match=r"does not hold a zerowaste-f dataset \(it unpacked to: notes\)"):
        fetch("zerowaste-f", tmp_path / "d2", from_path=tmp_path / "odd.zip", check=False, progress=False)
    # an unknown name with --from is unpacked as it is into DEST/<name>
    assert fetch("my-notes", tmp_path / "d3", from_path=tmp_path / "odd.zip", progress=False) == tmp_path / "d3" / "my-notes"
    assert (tmp_path / "d3" / "my-notes" / "notes" / "readme.txt").read_text() == "hello"


def test_failed_download_names_no_missing_part_file(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DataError, match="nothing was downloaded") as info:
        download(f"http://127.0.0.1:{port}/a.zip", tmp_path / "a.zip", retries=0, progress=False)
    assert ".part" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_http_error_is_clear(server: RangeServer, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="HTTP 404"):
        download(server.url + "missing.zip", tmp_path / "m.zip", progress=False)


@pytest.mark.parametrize("aes", [True, False], ids=["aes", "zipcrypto"])
def test_passwords(archive: Path, tmp_path: Path, aes: bool) -> None:
    src = tmp_path / "src"
    (src / "top").mkdir(parents=True)
    (src / "top" / "f.txt").write_text("hello")
    z = _zip_dir(src, tmp_path / "p.zip", password="pw", aes=aes)
    with pytest.raises(DataError, match="password-protected: pass --password"):
        extract_zip(z, tmp_path / "o1", progress=False)
    with pytest.raises(DataError, match="wrong password"):
        extract_zip(z, tmp_path / "o2", password="nope", progress=False)
    assert not (tmp_path / "o2" / "top").exists()  # nothing half-unpacked
    extract_zip(z, tmp_path / "o3", password="pw", progress=False)
    assert (tmp_path / "o3" / "top" / "f.txt").read_text() == "hello"


@pytest.mark.parametrize("extra", [[], ["-fz"], ["-P", "pw"]], ids=["plain", "zip64", "zipcrypto"])
def test_multipart_zip_from_info_zip(tmp_path: Path, extra: list[str]) -> None:
    src = make_dataset(tmp_path / "s", "zerowaste-s", n=6, size=(120, 200))
    subprocess.run(["zip", "-q", "-r", "-s", "64k", *extra, str(tmp_path / "zerowaste-s-parts.zip"), "data"], cwd=src, check=True)
    parts = split_parts(tmp_path / "zerowaste-s-parts.z01")
    assert len(parts) >= 3 and parts[-1].suffix == ".zip"
    password = ["--password", "pw"] if "-P" in extra else []
    result = CliRunner().invoke(data, ["fetch", "zerowaste-s", "--dest", str(tmp_path / "out"), "--from", str(parts[-1]), *password])
    assert result.exit_code == 0, result.output
    for f in (src / "data").iterdir():
        assert (tmp_path / "out" / "zerowaste-s" / "data" / f.name).read_bytes() == f.read_bytes()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["zerowaste-s"]  # joined zip, staging cleaned up


def test_multipart_with_a_missing_part(tmp_path: Path) -> None:
    src = make_dataset(tmp_path / "s", "zerowaste-s", n=8, size=(120, 200))
    subprocess.run(["zip", "-q", "-r", "-s", "64k", str(tmp_path / "x.zip"), "data"], cwd=src, check=True)
    parts = split_parts(tmp_path / "x.zip")
    n = len(parts)
    assert n >= 4 and [p.name for p in parts] == [*(f"x.z{i:02d}" for i in range(1, n)), "x.zip"]
    with pytest.raises(DataError, match=rf"the archive has {n} parts, 2 were given"):
        join_split_zip([parts[0], parts[-1]], tmp_path / "j.zip")
    # a gap in the middle: named, and the count is what is there (not what precedes the gap)
    (tmp_path / "x.z02").rename(tmp_path / "held-back")
    message = rf"missing x\.z02 \(the archive has {n} parts; found {n - 1}: x\.z01, x\.z03"
    with pytest.raises(DataError, match=message):
        split_parts(tmp_path / "x.zip")
    result = CliRunner().invoke(data, ["fetch", "zerowaste-s", "--dest", str(tmp_path / "out"), "--from", str(tmp_path / "x.z01")])
    assert result.exit_code == 1 and "missing x.z02" in result.output and "Traceback" not in result.output
    # the last numbered part missing is found from the .zip's end record, the .zip itself by its name
    (tmp_path / "held-back").rename(tmp_path / "x.z02")
    (tmp_path / f"x.z{n - 1:02d}").unlink()
    with pytest.raises(DataError, match=rf"missing x\.z{n - 1:02d} \(the archive has {n} parts; found {n - 1}"):
        split_parts(tmp_path / "x.z01")
    (tmp_path / "x.zip").unlink()
    with pytest.raises(DataError, match=r"missing x\.zip \(at least"):
        split_parts(tmp_path / "x.z01")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _raw_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, payload in members:
            zf.writestr(info, payload)
    return path


def _symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([("../evil.txt", b"x")], "'..' in the path"),
        ([("/etc/evil", b"x")], "absolute path"),
        ([("C:/evil", b"x")], "absolute path"),
        ([(_symlink_info("data/link"), b"/etc/passwd")], "symbolic link"),
        ([("bomb.bin", b"\0" * 5_000_000)], "possible zip bomb"),
    ],
    ids=["dotdot", "absolute", "drive", "symlink", "bomb"],
)
def test_unsafe_archives_refused(tmp_path: Path, members: list, message: str) -> None:
    z = _raw_zip(tmp_path / "bad.zip", [*members, ("ok/fine.txt", b"fine")])
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(DataError, match=message):
        extract_zip(z, dest, progress=False)
    assert list(dest.iterdir()) == []


def test_size_and_entry_caps_and_clashes(tmp_path: Path) -> None:
    z = _raw_zip(tmp_path / "a.zip", [(f"top/{i}.txt", b"abc" * 100) for i in range(5)])
    with pytest.raises(DataError, match="more than the limit of 1000"):
        extract_zip(z, tmp_path / "o", max_bytes=1000, progress=False)
    with pytest.raises(DataError, match="5 entries, more than the limit of 3"):
        extract_zip(z, tmp_path / "o", max_entries=3, progress=False)
    extract_zip(z, tmp_path / "o", progress=False)
    with pytest.raises(DataError, match="top already exist"):
        extract_zip(z, tmp_path / "o", progress=False)
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(DataError, match="not a readable zip"):
        extract_zip(tmp_path / "junk.zip", tmp_path / "o", progress=False)


def test_cli_list_and_unknown_name(tmp_path: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(data, ["fetch", "--list"])
    assert listing.exit_code == 0 and "e26e31a58080bca6782dca0e56074c5d" in listing.output
    unknown = runner.invoke(data, ["fetch", "imagenet", "--dest", str(tmp_path)])
    assert unknown.exit_code == 1 and "unknown archive 'imagenet'" in unknown.output
    no_url = runner.invoke(data, ["fetch", "zerowaste-s", "--dest", str(tmp_path)])
    assert no_url.exit_code == 1 and "use --from or --url" in no_url.output
    shutil.rmtree(tmp_path)


def test_rewritten_entries_use_zip64_past_4_gib(tmp_path: Path) -> None:
    """The >4 GiB path of join_split_zip, without 4 GiB of data: pretend the parts are huge."""
    import struct

    from zerowaste.data.fetch import _CDH, _EOCD, _rewrite_entry

    src = make_dataset(tmp_path / "s", "zerowaste-s", n=4, size=(120, 200))
    subprocess.run(["zip", "-q", "-r", "-s", "64k", str(tmp_path / "x.zip"), "data"], cwd=src, check=True)
    parts = split_parts(tmp_path / "x.zip")
    last = parts[-1].read_bytes()
    eocd = _EOCD.unpack_from(last, last.rfind(b"PK\x05\x06"))
    assert eocd[2] == len(parts) - 1  # the central directory sits in the last part
    raw = last[eocd[6]: eocd[6] + eocd[5]]
    fake_starts = [i * 3 * 2**30 for i in range(len(parts))]  # 3 GiB per part
    pos, seen_big = 0, False
    for _ in range(eocd[4]):
        fields = _CDH.unpack_from(raw, pos)
        disk, offset = fields[13], fields[16]
        entry, pos = _rewrite_entry(raw, pos, fake_starts)
        new = _CDH.unpack_from(entry, 0)
        absolute = fake_starts[disk] + offset
        assert new[13] == 0  # everything on disk 0 now
        if absolute >= 0xFFFFFFFF:
            seen_big = True
            assert new[16] == 0xFFFFFFFF and new[2] >= 45
            extra = entry[_CDH.size + new[10]: _CDH.size + new[10] + new[11]]
            fields_by_tag, at = {}, 0
            while at < len(extra):
                tag, size = struct.unpack_from("<HH", extra, at)
                fields_by_tag[tag] = extra[at + 4: at + 4 + size]
                at += 4 + size
            assert struct.unpack("<Q", fields_by_tag[1])[0] == absolute  # the Zip64 field holds the offset
        else:
            assert new[16] == absolute
    assert seen_big
