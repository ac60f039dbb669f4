"""The submission file store: a directory with ``tmp/`` (uploads in progress) and ``subs/`` (accepted).

An upload streams into ``tmp/<random>.part`` while holding an exclusive ``flock`` on it, counting
bytes against the size cap. When the database row is about to be committed, the file is moved into
``subs/<random>.zip`` with ``os.replace`` (atomic; same inode, so the lock stays held) and the lock is
released only after the commit. A process killed at any point leaves either nothing, or an unlocked
file that no row references, which :meth:`SubmissionStore.reconcile` deletes at the next start.
File names are always random: user-supplied names never touch the file system.

Example:
    >>> import tempfile
    >>> store = SubmissionStore(tempfile.mkdtemp())
    >>> with store.upload(max_bytes=10) as up:
    ...     up.write(b"PK..")
    ...     name = up.publish()
    >>> store.path(name).read_bytes()
    b'PK..'
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from zerowaste.errors import ZeroWasteError


class UploadTooLarge(ZeroWasteError):
    """The upload went over the size cap."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Upload:
    """One upload in progress: write chunks, then :meth:`publish` it into the store."""

    def __init__(self, store: SubmissionStore, max_bytes: int) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.size = 0
        self.file_name = uuid.uuid4().hex + ".zip"
        self.tmp_path = store.tmp_dir / (self.file_name + ".part")
        self.final_path = store.subs_dir / self.file_name
        self._fh = open(self.tmp_path, "xb")  # noqa: SIM115 - closed in close()
        fcntl.flock(self._fh, fcntl.LOCK_EX)
        self.published = False

    def write(self, chunk: bytes) -> None:
        """Append a chunk; raises :class:`UploadTooLarge` as soon as the cap is passed."""
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise UploadTooLarge(f"upload is larger than the limit of {self.max_bytes} bytes")
        self._fh.write(chunk)

    def head(self, n: int = 4) -> bytes:
        """The first ``n`` bytes written so far (e.g. to check the zip signature)."""
        self._fh.flush()
        with open(self.tmp_path, "rb") as f:
            return f.read(n)

    def publish(self) -> str:
        """Flush, fsync and move the file into ``subs/`` (the lock stays held until :meth:`close`)."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        os.replace(self.tmp_path, self.final_path)
        _fsync_dir(self.store.subs_dir)
        self.published = True
        return self.file_name

    def unpublish(self) -> None:
        """Remove the published file again (the database commit failed)."""
        self.final_path.unlink(missing_ok=True)
        self.published = False

    def close(self, keep: bool) -> None:
        """Release the lock; delete the file unless ``keep`` (and it was published)."""
        if not keep:
            self.tmp_path.unlink(missing_ok=True)
            if self.published:
                self.final_path.unlink(missing_ok=True)
        self._fh.close()


class SubmissionStore:
    """A local directory holding accepted submission zips (shared by servers and workers)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        self.subs_dir = self.root / "subs"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.subs_dir.mkdir(parents=True, exist_ok=True)

    def path(self, file_name: str) -> Path:
        """Path of an accepted submission (``file_name`` comes from the database, never a user)."""
        if "/" in file_name or file_name.startswith("."):
            raise ValueError(f"bad stored file name {file_name!r}")
        return self.subs_dir / file_name

    @contextmanager
    def upload(self, max_bytes: int) -> Iterator[Upload]:
        """Context for one upload: on exit the file is kept only if it was published without error."""
        up = Upload(self, max_bytes)
        ok = False
        try:
            yield up
            ok = True
        finally:
            up.close(keep=ok and up.published)

    def reconcile(self, is_referenced: Callable[[str], bool]) -> list[Path]:
        """Delete leftovers of dead uploads: unlocked ``.part`` files and unreferenced zips.

        A file still locked belongs to a live upload (maybe another server) and is left alone.
        Returns the deleted paths.
        """
        removed: list[Path] = []
        candidates = [(p, False) for p in self.tmp_dir.glob("*.part")]
        candidates += [(p, True) for p in self.subs_dir.glob("*.zip")]
        for path, check_db in candidates:
            try:
                fh = open(path, "rb")  # noqa: SIM115
            except FileNotFoundError:
                continue
            with fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live upload owns it
                if check_db and is_referenced(path.name):
                    continue
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed
