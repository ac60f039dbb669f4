"""Download and unpack the dataset archives: resumable, checked, safe.

* :data:`ARCHIVES` lists the known archives (SPEC): file names, sizes, md5 sums, URLs.
* :func:`download` fetches a URL into ``<file>.part`` and resumes it with HTTP ``Range``
  requests, after an interruption within the same call (retries) or in a later call; the size and
  md5 are checked before the file takes its final name. A wrong md5 removes the download.
* :func:`join_split_zip` turns a multi-part zip (``name.z01, name.z02, ..., name.zip``, as made by
  ``zip -s``) into one ordinary zip: the parts are concatenated and the central directory is
  rewritten with absolute offsets on disk 0 (Zip64 records are written when offsets pass 4 GiB),
  which is what ``zip -FF`` does for a well-formed set.
* :func:`extract_zip` refuses absolute paths, ``..`` components, links, too many entries, too
  many bytes and zip bombs (compression ratio), decrypts ZipCrypto and AES entries (pyzipper), and
  unpacks into a staging folder that is moved into place only when everything succeeded.
* :func:`fetch` does the whole job and puts each dataset in ``DEST/<dataset>``
  (:func:`dataset_folder`: ``data/zerowaste-f``, whatever top folder the archive has, e.g.
  ``splits_final_deblurred/``); the two ZeroWaste v2 archives fill one ``DEST/zerowaste-v2``.

Example:
    >>> sorted(ARCHIVES)[:2]
    ['zerowaste-f', 'zerowaste-f-visda']
    >>> ARCHIVES["zerowaste-f"].md5
    'e26e31a58080bca6782dca0e56074c5d'
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import stat
import struct
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import pyzipper
import requests
from tqdm import tqdm

from zerowaste import contract
from zerowaste.data.io import DataError

#: Bound on what one dataset archive may unpack to (the largest real one is ~18 GB).
MAX_EXTRACT_BYTES: int = 100 * 1024**3
MAX_EXTRACT_ENTRIES: int = 200_000
MAX_COMPRESSION_RATIO: int = contract.MAX_COMPRESSION_RATIO
CHUNK: int = 1024 * 1024
VISDA_FTP = "http://csr.bu.edu/ftp/recycle/visda-2022/"


@dataclass(frozen=True)
class Archive:
    """A known dataset archive. ``parts`` > 1 means a multi-part zip ``.z01 ... .zip``."""

    name: str
    kind: str
    file: str
    size: int | None
    md5: str | None
    urls: tuple[str, ...]
    password: bool = False
    multipart: bool = False
    note: str = ""


ARCHIVES: dict[str, Archive] = {
    a.name: a
    for a in (
        Archive("zerowaste-f", "zerowaste-f", "zerowaste-f-final.zip", 7_518_242_799, "e26e31a58080bca6782dca0e56074c5d",
                ("https://zenodo.org/records/6412647/files/zerowaste-f-final.zip?download=1",), password=True,
                note="Zenodo record 6412647 v1.2.1; the password is published on the dataset page"),
        Archive("zerowaste-f-visda", "zerowaste-f", "zerowaste-f.zip", None, None, (VISDA_FTP + "zerowaste-f.zip",),
                note="challenge copy, about 7 GB (size and md5 not published)"),
        Archive("zerowaste-v2-trainval", "zerowaste-v2", "zerowaste-v2-trainval.zip", None, None,
                (VISDA_FTP + "zerowaste-v2-trainval.zip",), note="about 12 GB, unlabeled"),
        Archive("zerowaste-v2-test", "zerowaste-v2", "zerowaste-v2-test.zip", None, None,
                (VISDA_FTP + "zerowaste-v2-test.zip",), note="about 1.8 GB, unlabeled"),
        Archive("zerowaste-s", "zerowaste-s", "zerowaste-s-parts.zip", None, None, (), multipart=True,
                note="multi-part zip zerowaste-s-parts.z01 ... .zip; download the parts and pass --from"),
    )
}


def md5_file(path: str | os.PathLike, progress: bool = False) -> str:
    """Hex md5 of a file, read in 1 MiB chunks."""
    path = Path(path)
    h = hashlib.md5()
    with open(path, "rb") as fh, tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=f"md5 {path.name}",
                                       disable=not progress, leave=False) as bar:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            bar.update(len(chunk))
    return h.hexdigest()


def file_name_from_url(url: str) -> str:
    """The file name a URL points at (query string ignored)."""
    name = PurePosixPath(unquote(urlparse(url).path)).name
    if not name:
        raise DataError(f"{url}: cannot tell the file name from the URL")
    return name


def check_file(path: Path, size: int | None, md5: str | None, progress: bool = False, remove_bad: bool = False) -> None:
    """Raise :class:`DataError` when ``path`` has the wrong size or md5 (optionally removing it)."""
    problem = None
    if size is not None and path.stat().st_size != size:
        problem = f"{path.name}: {path.stat().st_size} bytes, expected {size}"
    elif md5 is not None and (got := md5_file(path, progress)) != md5.lower():
        problem = f"{path.name}: md5 {got} does not match the expected {md5}"
    if problem:
        if remove_bad:
            path.unlink()
            problem += "; the download was removed, run the command again to fetch it anew"
        raise DataError(problem)


def _stream_once(url: str, part: Path, progress: bool, timeout: float) -> None:
    """One GET, resuming ``part`` with a Range request when it has bytes already."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
    with requests.get(url, headers=headers, stream=True, timeout=timeout) as resp:
        if resp.status_code == 416 and have:  # nothing left to fetch
            return
        if resp.status_code not in (200, 206):
            raise DataError(f"{url}: HTTP {resp.status_code} {resp.reason}")
        if resp.status_code == 206:
            match = re.match(r"bytes (\d+)-", resp.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != have:
                raise DataError(f"{url}: the server resumed at the wrong offset ({resp.headers.get('Content-Range')})")
        else:
            have = 0  # the server ignored Range: start over
        length = resp.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        with open(part, "ab" if have else "wb") as fh, tqdm(total=total, initial=have, unit="B", unit_scale=True,
                                                            desc=part.name.removesuffix(".part"), disable=not progress) as bar:
            # Read the raw stream ourselves so that the bytes received before a dropped connection
            # are kept (urllib3 would discard a short last read); completeness is checked below.
            resp.raw.enforce_content_length = False
            while chunk := resp.raw.read(CHUNK, decode_content=False):
                fh.write(chunk)
                bar.update(len(chunk))
        if total is not None and part.stat().st_size < total:
            raise requests.ConnectionError(f"connection closed after {part.stat().st_size} of {total} bytes")


def download(
    url: str,
    dest: str | os.PathLike,
    size: int | None = None,
    md5: str | None = None,
    retries: int = 3,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to the file ``dest``, resuming a previous ``dest.part`` and checking size/md5.

    An existing ``dest`` that passes the checks is kept as is.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        try:
            check_file(dest, size, md5, progress)
        except DataError as exc:
            raise DataError(f"{exc}; it was there before this run: delete it to download it again") from exc
        return dest
    part = dest.with_name(dest.name + ".part")
    for attempt in range(retries + 1):
        try:
            _stream_once(url, part, progress, timeout)
            break
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            if attempt == retries:
                have = part.stat().st_size if part.exists() else 0
                if not have:  # nothing to resume: no empty .part left behind, none named
                    part.unlink(missing_ok=True)
                    raise DataError(f"{url}: download failed ({exc}); nothing was downloaded: check the "
                                    "URL and the connection, then run the command again") from exc
                raise DataError(f"{url}: download interrupted ({exc}); {have} bytes kept in {part}, "
                                "run the command again to resume") from exc
            time.sleep(min(2**attempt, 10) * 0.5)
    check_file(part, size, md5, progress, remove_bad=True)
    os.replace(part, dest)
    return dest


# --------------------------------------------------------------------------------------------
# multi-part zips
# --------------------------------------------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")
_Z64_LOCATOR = struct.Struct("<4sLQL")
_Z64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CDH = struct.Struct("<4s6H3L5H2L")  # central directory file header, 46 bytes


def _declared_part_count(last: Path) -> int | None:
    """How many parts the end record of a multi-part zip's ``.zip`` says the archive has (None: unreadable)."""
    size = last.stat().st_size
    with open(last, "rb") as fh:
        fh.seek(max(0, size - 66_000 - _Z64_LOCATOR.size))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        return None
    disk = _EOCD.unpack_from(tail, at)[1]
    loc = at - _Z64_LOCATOR.size
    if disk == 0xFFFF and loc >= 0 and tail[loc: loc + 4] == b"PK\x06\x07":
        return _Z64_LOCATOR.unpack_from(tail, loc)[3]  # total number of disks
    return disk + 1


def split_parts(path: str | os.PathLike) -> list[Path]:
    """The parts of a multi-part zip, in order, given any of them (``x.z01`` ... ``x.zip``).

    Every part must be there: a gap (``x.z02`` missing), a missing last part (``x.zip``) or fewer
    parts than the end record declares is a :class:`DataError` naming the missing files.
    A plain zip (no ``.z01`` beside it) is returned alone.
    """
    path = Path(path)
    last = path.with_suffix(".zip")
    numbers = {}
    for p in path.parent.glob(f"{glob.escape(path.stem)}.[zZ][0-9][0-9]*"):
        if re.fullmatch(r"\.z\d{2,}", p.suffix.lower()):
            numbers[int(p.suffix[2:])] = p
    declared = _declared_part_count(last) if last.is_file() else None
    count = declared or max([*numbers, 0]) + 1
    missing = [path.with_suffix(f".z{n:02d}").name for n in range(1, count) if n not in numbers]
    if not last.is_file():
        missing.append(last.name)
    if missing:
        found = [numbers[n].name for n in sorted(numbers)] + ([last.name] if last.is_file() else [])
        total = f"the archive has {count} parts" if declared else f"at least {count} parts"
        raise DataError(f"multi-part zip {path.stem}: missing {', '.join(missing)} ({total}; found "
                        f"{len(found)}: {', '.join(found) or 'none'}); a multi-part zip ends with the .zip part")
    return [numbers[n] for n in sorted(numbers)] + [last]


def local_parts(path: Path) -> list[Path]:
    """The files of a local archive: all parts of a multi-part zip, or the one file."""
    siblings = path.parent.glob(f"{glob.escape(path.stem)}.[zZ][0-9][0-9]*") if path.parent.is_dir() else ()
    if re.fullmatch(r"\.z\d{2,}", path.suffix.lower()) or any(siblings):
        return split_parts(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    return [path]


def _zip64_values(extra: bytes, needs: list[bool]) -> list[int | None]:
    """Values of the Zip64 extra field (0x0001) for the fields flagged in ``needs``, in order."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag == 1:
            body, out, off = extra[pos + 4: pos + 4 + size], [], 0
            for need, width in zip(needs, (8, 8, 8, 4), strict=True):
                if need:
                    out.append(int.from_bytes(body[off: off + width], "little"))
                    off += width
                else:
                    out.append(None)
            return out
        pos += 4 + size
    raise DataError("multi-part zip: a central directory entry needs a Zip64 field it does not have")


def _strip_zip64(extra: bytes) -> bytes:
    out, pos = b"", 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag != 1:
            out += extra[pos: pos + 4 + size]
        pos += 4 + size
    return out


def _rewrite_entry(raw: bytes, pos: int, starts: list[int]) -> tuple[bytes, int]:
    """One central directory entry with absolute offset on disk 0; returns (bytes, next position)."""
    f = list(_CDH.unpack_from(raw, pos))
    csize, usize, name_len, extra_len, comment_len, disk, offset = f[8], f[9], f[10], f[11], f[12], f[13], f[16]
    start = pos + _CDH.size
    name = raw[start: start + name_len]
    extra = raw[start + name_len: start + name_len + extra_len]
    comment = raw[start + name_len + extra_len: start + name_len + extra_len + comment_len]
    needs = [usize == 0xFFFFFFFF, csize == 0xFFFFFFFF, offset == 0xFFFFFFFF, disk == 0xFFFF]
    if any(needs):
        z_usize, z_csize, z_offset, z_disk = _zip64_values(extra, needs)
        usize, csize = z_usize if needs[0] else usize, z_csize if needs[1] else csize
        offset, disk = z_offset if needs[2] else offset, z_disk if needs[3] else disk
    if disk >= len(starts):
        raise DataError(f"multi-part zip: entry {name!r} starts on part {disk + 1}, but only {len(starts)} parts were given")
    absolute = starts[disk] + offset
    values = [usize, csize, absolute]
    big = [v >= 0xFFFFFFFF for v in values]
    z64 = b"".join(struct.pack("<Q", v) for v, b in zip(values, big, strict=True) if b)
    extra = _strip_zip64(extra) + (struct.pack("<HH", 1, len(z64)) + z64 if z64 else b"")
    f[8], f[9], f[16] = (0xFFFFFFFF if big[1] else csize), (0xFFFFFFFF if big[0] else usize), (0xFFFFFFFF if big[2] else absolute)
    f[11], f[13] = len(extra), 0
    if z64:
        f[2] = max(f[2], 45)  # version needed to extract: 4.5 for Zip64
    return _CDH.pack(*f) + name + extra + comment, start + name_len + extra_len + comment_len


def join_split_zip(parts: list[Path], out: str | os.PathLike) -> Path:
    """Join the parts of a ``zip -s`` archive into one ordinary zip file ``out``."""
    out = Path(out)
    starts, total = [], 0
    for p in parts:
        starts.append(total)
        total += p.stat().st_size
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "wb") as fh:
        for p in parts:
            with open(p, "rb") as src:
                shutil.copyfileobj(src, fh, CHUNK)
    try:
        with open(tmp, "r+b") as fh:
            tail_len = min(total, 66_000 + _Z64_EOCD.size + _Z64_LOCATOR.size)
            fh.seek(total - tail_len)
            tail = fh.read()
            at = tail.rfind(b"PK\x05\x06")
            if at < 0:
                raise DataError(f"{parts[-1].name}: no end-of-central-directory record (not a zip, or parts missing)")
            _, last_disk, cd_disk, _, n_entries, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, at)
            if last_disk + 1 != len(parts) and last_disk != 0xFFFF:
                raise DataError(f"{parts[-1].name}: the archive has {last_disk + 1} parts, {len(parts)} were given "
                                "(a missing .zNN file?)")
            loc = at - _Z64_LOCATOR.size
            if loc >= 0 and tail[loc: loc + 4] == b"PK\x06\x07":
                _, z_disk, z_offset, _ = _Z64_LOCATOR.unpack_from(tail, loc)
                fh.seek(starts[z_disk] + z_offset)
                z = _Z64_EOCD.unpack(fh.read(_Z64_EOCD.size))
                cd_disk, n_entries, cd_size, cd_offset = z[5], z[7], z[8], z[9]
            cd_start = starts[cd_disk] + cd_offset
            fh.seek(cd_start)
            raw = fh.read(cd_size)
            entries, pos = [], 0
            for _ in range(n_entries):
                if raw[pos: pos + 4] != b"PK\x01\x02":
                    raise DataError(f"{parts[-1].name}: corrupt central directory (are all parts present and in order?)")
                entry, pos = _rewrite_entry(raw, pos, starts)
                entries.append(entry)
            cd = b"".join(entries)
            fh.seek(cd_start)
            fh.truncate()
            fh.write(cd)
            end = cd_start + len(cd)
            if cd_start >= 0xFFFFFFFF or len(cd) >= 0xFFFFFFFF or n_entries >= 0xFFFF:
                fh.write(_Z64_EOCD.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, n_entries, n_entries, len(cd), cd_start))
                fh.write(_Z64_LOCATOR.pack(b"PK\x06\x07", 0, end, 1))
            fh.write(_EOCD.pack(b"PK\x05\x06", 0, 0, min(n_entries, 0xFFFF), min(n_entries, 0xFFFF),
                                min(len(cd), 0xFFFFFFFF), min(cd_start, 0xFFFFFFFF), 0))
    except (struct.error, IndexError) as exc:
        tmp.unlink(missing_ok=True)
        raise DataError(f"{parts[-1].name}: cannot read the multi-part zip ({exc})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return out


# --------------------------------------------------------------------------------------------
# safe extraction
# --------------------------------------------------------------------------------------------


def _safe_member_path(name: str) -> PurePosixPath:
    """The member's relative path, or :class:`DataError` if it could escape the destination."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or path.is_absolute() or re.match(r"^[A-Za-z]:", clean):
        raise DataError(f"unsafe archive member {name!r}: absolute path")
    if ".." in path.parts:
        raise DataError(f"unsafe archive member {name!r}: '..' in the path")
    return path


def check_zip_members(infos: list[zipfile.ZipInfo], max_bytes: int, max_entries: int, max_ratio: int) -> int:
    """Refuse unsafe or oversized members before anything is written; returns the total size."""
    if len(infos) > max_entries:
        raise DataError(f"archive has {len(infos)} entries, more than the limit of {max_entries}")
    total = 0
    for info in infos:
        _safe_member_path(info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise DataError(f"unsafe archive member {info.filename!r}: symbolic link")
        if info.compress_size and info.file_size / info.compress_size > max_ratio:
            raise DataError(f"archive member {info.filename!r} expands {info.file_size // info.compress_size}x "
                            f"(limit {max_ratio}x): refused as a possible zip bomb")
        total += info.file_size
    if total > max_bytes:
        raise DataError(f"archive unpacks to {total} bytes, more than the limit of {max_bytes}")
    return total


def extract_zip(
    archive: str | os.PathLike,
    dest: str | os.PathLike,
    password: str | None = None,
    max_bytes: int = MAX_EXTRACT_BYTES,
    max_entries: int = MAX_EXTRACT_ENTRIES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
    progress: bool = True,
) -> list[Path]:
    """Safely unpack a (possibly encrypted) zip into ``dest``; returns the top-level paths created."""
    archive, dest = Path(archive), Path(dest)
    try:
        zf = pyzipper.AESZipFile(archive)
    except (zipfile.BadZipFile, pyzipper.BadZipFile, OSError) as exc:
        raise DataError(f"{archive.name}: not a readable zip ({exc})") from exc
    staging = dest / f".extract-{archive.stem}"
    with zf:
        infos = zf.infolist()
        total = check_zip_members(infos, max_bytes, max_entries, max_ratio)
        encrypted = any(i.flag_bits & 0x1 for i in infos)
        if encrypted and not password:
            raise DataError(f"{archive.name} is password-protected: pass --password (the dataset page publishes it)")
        if password:
            zf.setpassword(password.encode())
        tops = {_safe_member_path(i.filename).parts[0] for i in infos if _safe_member_path(i.filename).parts}
        clashes = sorted(t for t in tops if (dest / t).exists())
        if clashes:
            raise DataError(f"{dest}: {', '.join(clashes)} already exist(s); remove or choose another --dest")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            with tqdm(total=total, unit="B", unit_scale=True, desc=f"unpack {archive.name}", disable=not progress) as bar:
                for info in infos:
                    _extract_member(zf, info, staging, bar)
            for top in sorted(tops):
                os.replace(staging / top, dest / top)
        except RuntimeError as exc:  # pyzipper: "Bad password for file ..."
            raise DataError(f"{archive.name}: wrong password ({exc})") from exc
        except (zipfile.BadZipFile, pyzipper.BadZipFile) as exc:
            raise DataError(f"{archive.name}: corrupt archive ({exc})") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [dest / t for t in sorted(tops)]


def _extract_member(zf: pyzipper.AESZipFile, info: zipfile.ZipInfo, root: Path, bar: tqdm) -> None:
    target = root / _safe_member_path(info.filename)
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise DataError(f"archive member {info.filename!r} is larger than its declared size")
            dst.write(chunk)
            bar.update(len(chunk))


# --------------------------------------------------------------------------------------------
# the whole job
# --------------------------------------------------------------------------------------------


def dataset_folder(name: str, dest: str | os.PathLike) -> Path:
    """Where :func:`fetch` puts archive ``name``: ``dest/<dataset>``, the dataset kind for known
    archives (both ZeroWaste v2 archives fill ``dest/zerowaste-v2``), the name itself otherwise.

    >>> dataset_folder("zerowaste-v2-test", "data").as_posix(), dataset_folder("my-set", "data").as_posix()
    ('data/zerowaste-v2', 'data/my-set')
    """
    known = ARCHIVES.get(name)
    return Path(dest) / (known.kind if known else name)


def find_dataset_root(unpacked: Path, kind: str) -> Path:
    """The folder holding the splits of a ``kind`` dataset in an unpacked archive: the folder itself,
    one of the layout's archive top folders (``splits_final_deblurred/``), or its single top folder."""
    from zerowaste.data.datasets import resolve_root

    candidates = [unpacked, *sorted(p for p in unpacked.iterdir() if p.is_dir())]
    for candidate in candidates:
        try:
            return resolve_root(candidate, kind)
        except DataError:
            continue
    tops = ", ".join(sorted(p.name for p in unpacked.iterdir())) or "nothing"
    raise DataError(f"the archive does not hold a {kind} dataset (it unpacked to: {tops})")


def _same_file(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def place_dataset(unpacked: Path, target: Path, kind: str | None) -> Path:
    """Move the dataset in ``unpacked`` into ``target``, next to what is there already.

    The splits of the dataset's root become ``target/<split>`` (so the two ZeroWaste v2 archives fill
    one folder); with ``kind=None`` the archive's top-level entries are moved as they are. A split or
    file that ``target`` already has is refused before anything moves (a file with identical content,
    such as a licence both archives carry, is kept).
    """
    root = unpacked if kind is None else find_dataset_root(unpacked, kind)
    entries = sorted(root.iterdir())
    clashes = [e.name for e in entries if (target / e.name).exists() and not _same_file(e, target / e.name)]
    if clashes:
        raise DataError(f"{target}: {', '.join(clashes)} already exist(s); remove them or choose another --dest")
    target.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        if not (target / entry.name).exists():
            os.replace(entry, target / entry.name)
    return target


def fetch(
    name: str,
    dest: str | os.PathLike,
    from_path: str | os.PathLike | None = None,
    url: str | None = None,
    password: str | None = None,
    md5: str | None = None,
    check: bool = True,
    progress: bool = True,
) -> Path:
    """Get archive ``name`` (download or ``from_path``), check it, unpack it to :func:`dataset_folder`.

    The archive file stays in ``dest``; the dataset lands in ``dest/<dataset>`` (``data/zerowaste-f``
    for ``zerowaste-f``, whatever top folder the archive has), which is returned. ``url`` replaces the
    table's URL, ``md5`` its checksum (``check=False`` skips checking). An unknown ``name`` needs ``url``
    or ``from_path`` and is unpacked as it is into ``dest/<name>``.
    """
    known = ARCHIVES.get(name)
    if known is None and not (url or from_path):
        raise DataError(f"unknown archive {name!r}; known: {', '.join(ARCHIVES)} (or give --url / --from)")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    want_md5 = (md5 or (known.md5 if known else None)) if check else None
    want_size = known.size if known and check and not (url or md5) else None
    if from_path is not None:
        parts = local_parts(Path(from_path).expanduser())
        if len(parts) == 1:
            check_file(parts[0], want_size, want_md5, progress)
    else:
        source = url or (known.urls[0] if known and known.urls else None)
        if source is None:
            raise DataError(f"{name}: no public URL is known ({known.note if known else ''}); use --from or --url")
        file_name = file_name_from_url(url) if url else known.file
        parts = [download(source, dest / file_name, size=want_size, md5=want_md5, progress=progress)]
    staging = dest / f".fetch-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    joined = dest / f".{parts[-1].stem}.joined.zip"
    try:
        archive = join_split_zip(parts, joined) if len(parts) > 1 else parts[0]
        extract_zip(archive, staging, password=password, progress=progress)
        return place_dataset(staging, dataset_folder(name, dest), known.kind if known else None)
    finally:
        joined.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
