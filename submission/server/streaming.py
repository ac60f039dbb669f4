"""Streaming ``multipart/form-data`` reception: the file part goes straight into the store.

FastAPI's ``UploadFile`` would spool the whole body to a temporary file first, with no size cap.
Here the request body is fed chunk by chunk to ``python_multipart``'s push parser; the file part's
bytes are written to an :class:`~zerowaste.submission.server.store.Upload` that counts them and aborts past
the cap, and the small text fields are kept in memory (capped too).

Example (inside an ASGI handler):
    >>> # with store.upload(max_bytes=cap) as up:
    >>> #     form = await receive_form(request, up)
    >>> #     form.fields["phase"], form.filename
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from zerowaste.errors import ZeroWasteError

from .store import Upload, UploadTooLarge

MAX_FIELDS = 8
MAX_FIELD_BYTES = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FormError(ZeroWasteError):
    """The request body is not an acceptable upload form; ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    file_field: str | None = None


def clean_text(value: str, max_len: int) -> str:
    """Drop control characters, trim, cap the length (the text is escaped wherever it is shown).

    >>> clean_text(" a\\x00b<script> ", 20)
    'ab<script>'
    """
    return _CONTROL.sub("", value).strip()[:max_len]


def clean_filename(name: str) -> str:
    """The base name of a client-side file name, for display only (never used as a path).

    >>> clean_filename("../../etc/passwd"), clean_filename("C:\\\\x\\\\sub.zip")
    ('passwd', 'sub.zip')
    """
    return clean_text(PurePosixPath(name.replace("\\", "/")).name, 255)


class _Receiver:
    """Callbacks of the push parser: routes part data to the upload or to a text field."""

    def __init__(self, upload: Upload, file_field: str) -> None:
        self.upload, self.file_field = upload, file_field
        self.form = Form()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[str, str] = {}
        self.current: str | None = None
        self.is_file = False
        self.buffer = bytearray()
        self.parts = 0
        self.ended = False
        self.file_started = False

    def callbacks(self) -> dict:
        return {"on_part_begin": self.part_begin, "on_part_data": self.part_data, "on_part_end": self.part_end,
                "on_header_field": lambda d, s, e: self.header_field.extend(d[s:e]),
                "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
                "on_header_end": self.header_end, "on_headers_finished": self.headers_finished,
                "on_end": self.end}

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_FIELDS:
            raise FormError(f"too many form parts (at most {MAX_FIELDS})")
        self.headers, self.buffer, self.current, self.is_file = {}, bytearray(), None, False

    def header_end(self) -> None:
        key = self.header_field.decode("latin-1").strip().lower()
        self.headers[key] = self.header_value.decode("latin-1")
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        disposition, params = parse_options_header(self.headers.get("content-disposition"))
        if disposition != b"form-data" or b"name" not in params:
            raise FormError("malformed multipart body: a part has no Content-Disposition: form-data; name=...")
        self.current = params[b"name"].decode("utf-8", "replace")
        if b"filename" in params:
            if self.current != self.file_field:
                raise FormError(f"unexpected file field {self.current!r}; send the zip as {self.file_field!r}")
            if self.form.filename is not None:
                raise FormError("only one file per upload")
            self.is_file = self.file_started = True
            self.form.file_field = self.current
            self.form.filename = clean_filename(params[b"filename"].decode("utf-8", "replace"))

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.is_file:
            self.upload.write(data[start:end])
            return
        self.buffer.extend(data[start:end])
        if len(self.buffer) > MAX_FIELD_BYTES:
            raise FormError(f"form field {self.current!r} is longer than {MAX_FIELD_BYTES} bytes")

    def part_end(self) -> None:
        if not self.is_file and self.current is not None:
            self.form.fields[self.current] = self.buffer.decode("utf-8", "replace")

    def end(self) -> None:
        self.ended = True


async def _chunks(request: Request, idle_timeout: float | None) -> AsyncIterator[bytes]:
    """The request body's chunks; :class:`FormError` (408) when none arrives for ``idle_timeout`` s."""
    stream = request.stream().__aiter__()
    while True:
        try:
            yield await asyncio.wait_for(anext(stream), idle_timeout)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise FormError(f"the upload stalled: no data received for {idle_timeout:g} s", 408) from None


async def receive_form(request: Request, upload: Upload, file_field: str = "file",
                       before_file: Callable[[dict[str, str]], Awaitable[None]] | None = None,
                       idle_timeout: float | None = None) -> Form:
    """Stream a multipart request into ``upload``; return the text fields and the file's name.

    ``before_file(fields)`` is awaited once, as soon as the file part starts, with the text fields
    sent before it: it may raise to refuse the upload before the file is transferred (e.g. quota).
    A body that sends nothing for ``idle_timeout`` seconds is abandoned with :class:`FormError` (408).
    Raises :class:`FormError` for a malformed body (400), and lets
    :class:`~zerowaste.submission.server.store.UploadTooLarge` through for an oversize file.
    """
    ctype, params = parse_options_header(request.headers.get("content-type"))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise FormError("expected a multipart/form-data body with a boundary", 415 if ctype != b"multipart/form-data" else 400)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > upload.max_bytes + 64 * 1024:
        raise UploadTooLarge(f"upload of {int(declared)} bytes is larger than the limit of {upload.max_bytes} bytes")
    receiver = _Receiver(upload, file_field)
    parser = MultipartParser(params[b"boundary"], receiver.callbacks())
    checked = before_file is None
    try:
        async for chunk in _chunks(request, idle_timeout):
            if chunk:
                parser.write(chunk)
            if not checked and receiver.file_started:
                checked = True
                await before_file(dict(receiver.form.fields))
        parser.finalize()
    except MultipartParseError as exc:
        raise FormError(f"malformed multipart body: {exc}") from None
    except ClientDisconnect:
        raise FormError("the client disconnected before the upload finished") from None
    if not receiver.ended:
        raise FormError("malformed multipart body: it ends before the closing boundary")
    if receiver.form.filename is None:
        raise FormError(f"no file in the upload; send the zip in the form field {file_field!r}")
    return receiver.form
