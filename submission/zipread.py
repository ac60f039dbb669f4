"""Safe zip reading: inspect the central directory, then stream members into memory.

Nothing is ever extracted to disk. Before any member is decompressed, :func:`inspect_zip` checks
the central directory against the contract's zip-bomb caps (``MAX_ENTRIES``,
``MAX_UNCOMPRESSED_BYTES``, ``MAX_COMPRESSION_RATIO``) and flags unsafe entries (encrypted,
absolute paths, ``..``, symlinks and other special files). Because headers can lie,
:func:`read_member` enforces the declared size again while streaming.

Example:
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("uda/a.png", b"x")
    >>> with zipfile.ZipFile(buf) as zf:
    ...     entries, problems = inspect_zip(zf)
    ...     [e.filename for e in entries], problems, read_member(zf, entries[0])
    (['uda/a.png'], [], b'x')
"""

from __future__ import annotations

import lzma
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from zerowaste import contract as C
from zerowaste.errors import ZeroWasteError

_CHUNK = 1 << 20
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


class ZipReadError(ZeroWasteError):
    """A member could not be read safely (corrupt data, or more bytes than its header declares)."""


def open_zip(path: str | Path) -> tuple[zipfile.ZipFile | None, str | None]:
    """Open ``path`` as a zip; return ``(zipfile, None)`` or ``(None, problem)``. Never raises.

    >>> open_zip("/nonexistent.zip")[1]
    'cannot open the file: /nonexistent.zip does not exist'
    """
    path = Path(path)
    if not path.is_file():
        return None, f"cannot open the file: {path} does not exist"
    try:
        return zipfile.ZipFile(path), None
    except zipfile.BadZipFile as exc:
        return None, f"not a zip file or a corrupt zip ({exc})"
    except (OSError, ValueError, EOFError, NotImplementedError, struct.error) as exc:  # damaged directory
        return None, f"corrupt zip: {exc}"


def unsafe_name_problem(name: str) -> str | None:
    """Why an entry name is unsafe (absolute, ``..``, drive letter, backslash), or None.

    >>> unsafe_name_problem("../etc/passwd")
    "entry '../etc/passwd' has a '..' path component"
    >>> unsafe_name_problem("uda/a.png") is None
    True
    """
    if name.startswith("/"):
        return f"entry {name!r} has an absolute path"
    if "\\" in name:
        return f"entry {name!r} contains a backslash (zip paths must use '/')"
    if len(name) >= 2 and name[1] == ":":
        return f"entry {name!r} has a drive letter (absolute Windows path)"
    if ".." in PurePosixPath(name).parts:
        return f"entry {name!r} has a '..' path component"
    if "\x00" in name:
        return f"entry {name!r} contains a NUL byte"
    return None


def entry_type_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is not a plain file or folder (symlink, device, fifo...), or None."""
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind in (0, stat.S_IFREG, stat.S_IFDIR):
        return None
    if kind == stat.S_IFLNK:
        return f"entry {info.filename!r} is a symbolic link"
    return f"entry {info.filename!r} is a special file (mode {oct(kind)}), not a regular file"


def inspect_zip(
    zf: zipfile.ZipFile,
    *,
    max_entries: int = C.MAX_ENTRIES,
    max_total_bytes: int = C.MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = C.MAX_COMPRESSION_RATIO,
) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """Check the central directory; return ``(safe file entries, problems)``.

    Folder entries are dropped from the list. If a zip-bomb cap is exceeded, no entry is returned
    (nothing should be decompressed at all).
    """
    infos = zf.infolist()
    problems: list[str] = []
    if len(infos) > max_entries:
        return [], [f"zip bomb guard: {len(infos)} entries (at most {max_entries} allowed)"]
    total = sum(i.file_size for i in infos)
    if total > max_total_bytes:
        problems.append(
            f"zip bomb guard: {total} bytes uncompressed in total (at most {max_total_bytes} allowed)"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            problems.append(
                f"zip bomb guard: entry {info.filename!r} expands {ratio:.0f}x "
                f"(compression ratio at most {max_ratio} allowed)"
            )
    if problems:
        return [], problems
    safe: list[zipfile.ZipInfo] = []
    for info in infos:
        problem = unsafe_name_problem(info.filename) or entry_type_problem(info)
        if problem is None and info.flag_bits & 0x1:
            problem = f"entry {info.filename!r} is encrypted (submissions must not use a password)"
        if problem is None and info.compress_type not in _SUPPORTED_METHODS:
            problem = f"entry {info.filename!r} uses an unsupported compression method ({info.compress_type})"
        if problem:
            problems.append(problem)
        elif not info.is_dir():
            safe.append(info)
    return safe, problems


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int | None = None) -> bytes:
    """Stream one member into memory, refusing more bytes than declared (or than ``limit``).

    Raises :class:`ZipReadError` on corrupt data (bad CRC, truncated stream) or a lying header.
    """
    cap = info.file_size if limit is None else min(info.file_size, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as stream:
            while True:
                chunk = stream.read(min(_CHUNK, cap + 1 - size))
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise ZipReadError(
                        f"entry {info.filename!r} decompresses to more than its declared "
                        f"{info.file_size} bytes (zip bomb guard)"
                    )
                chunks.append(chunk)
    except ZipReadError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
    ) as exc:
        raise ZipReadError(f"entry {info.filename!r} is corrupt: {exc}") from exc
    if size != info.file_size:
        raise ZipReadError(f"entry {info.filename!r} is truncated ({size} of {info.file_size} bytes)")
    return b"".join(chunks)
