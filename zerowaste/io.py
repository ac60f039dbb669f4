"""Writing files safely, in one place: atomic, umask-respecting writers and small formatters.

A reader (another process, a crashed run's resume, a scorer polling a folder) never sees a
half-written file: every writer goes through a temporary file in the target's folder and
``os.replace``. The file gets the permissions any ordinary ``open(path, "w")`` would give
(``0o666`` minus the umask), not ``mkstemp``'s private ``0o600``, so renders, checkpoints and
submissions on shared storage stay readable by the other users the umask allows.

* :func:`atomic_path` -- a context manager yielding a temporary path for code that writes by path
  (``torch.save``, ``zipfile``, ``fig.savefig``); replaced into place only on success.
* :func:`write_bytes_atomic`, :func:`write_text_atomic`, :func:`write_json_atomic`.
* :func:`save_figure` -- a matplotlib figure as PNG, atomically, and closed.
* :func:`fmt_pct` / :func:`to_pct` -- a fraction as a percent string (``None``/NaN as ``n/a``) or number.
* :func:`csv_text` -- rows as CSV text, every cell passed through :func:`spreadsheet_safe` (the one
  way the kit writes CSV: participant text never becomes a live spreadsheet formula).

Example:
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_json_atomic(d / "scores.json", {"mIoU": 0.5})
    >>> (d / "scores.json").read_text()
    '{"mIoU": 0.5}'
    >>> sorted(p.name for p in d.iterdir())   # no temporary file left behind
    ['scores.json']
    >>> fmt_pct(0.45491), fmt_pct(None)
    ('45.49', 'n/a')
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_path", "csv_text", "fmt_pct", "save_figure", "spreadsheet_safe", "to_pct", "write_bytes_atomic",
           "write_json_atomic", "write_text_atomic"]


def _file_mode() -> int:
    """``0o666`` minus the process umask (what ``open(path, "w")`` would create)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    On an exception the temporary file is removed and ``path`` is left as it was. ``suffix``
    (default: ``path``'s own) matters to writers that pick the format from the name.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix if suffix is not None else path.suffix,
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (parents created)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, data: Any, indent: int | None = None, **dumps_kwargs: Any) -> None:
    """Write ``data`` as JSON atomically (``indent`` and other ``json.dumps`` options passed on)."""
    text = json.dumps(data, indent=indent, **dumps_kwargs)
    write_text_atomic(path, text + "\n" if indent is not None else text)


def save_figure(fig: Any, path: str | os.PathLike, dpi: int = 100, **savefig_kwargs: Any) -> Path:
    """Save a matplotlib figure as PNG atomically, close it, and return the path."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, **savefig_kwargs)
    finally:
        plt.close(fig)
    write_bytes_atomic(path, buf.getvalue())
    return Path(path)


def to_pct(value: float | None, digits: int = 2) -> float | None:
    """A fraction in 0..1 as a percent number rounded to ``digits``; ``None``/NaN give ``None``.

    >>> to_pct(0.454912, 2), to_pct(None)
    (45.49, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(100.0 * value, digits)


def fmt_pct(value: float | None, digits: int = 2) -> str:
    """A fraction in 0..1 as a percent string with ``digits`` decimals; ``None``/NaN give ``n/a``."""
    pct = to_pct(value, digits)
    return "n/a" if pct is None else f"{pct:.{digits}f}"


#: A cell starting with one of these is evaluated as a formula by Excel, LibreOffice or Google Sheets
#: (OWASP "CSV Injection": = + - @ tab carriage return, and their full-width forms).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting with a formula trigger gets a
    leading ``'`` (OWASP's rule); numbers and other values are returned as they are.

    >>> print(spreadsheet_safe('=HYPERLINK("http://x","y")'))
    '=HYPERLINK("http://x","y")
    >>> spreadsheet_safe("-1+2"), spreadsheet_safe(-0.5)
    ("'-1+2", -0.5)
    >>> spreadsheet_safe("DAFormer")
    'DAFormer'
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows (dicts with the same keys) as CSV text with a header line; every cell made
    :func:`spreadsheet_safe`. Write it with :func:`write_text_atomic`.

    >>> print(csv_text([{"team": "a", "method": "@SUM(A1)", "mIoU": 0.5}]), end="")
    team,method,mIoU
    a,'@SUM(A1),0.5
    """
    import csv

    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return buf.getvalue()
