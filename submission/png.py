"""PNG header parsing and strict mask decoding (OpenCV; releases the GIL, so threads scale).

The header (``IHDR``) tells size, bit depth and colour type without decoding, so a wrong or
oversized image is rejected before any pixel is decompressed.

Example:
    >>> import cv2, numpy as np
    >>> ok, buf = cv2.imencode(".png", np.zeros((3, 4), np.uint8))
    >>> png_header(buf.tobytes())
    PngHeader(width=4, height=3, bit_depth=8, color_type=0)
    >>> decode_mask(buf.tobytes()).shape
    (3, 4)
"""

from __future__ import annotations

import struct
from typing import NamedTuple

import cv2
import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG colour types (IHDR byte 9) and what they mean to a participant.
COLOR_TYPES = {0: "grayscale", 2: "RGB", 3: "palette ('P' mode)", 4: "grayscale+alpha", 6: "RGBA"}


class PngHeader(NamedTuple):
    width: int
    height: int
    bit_depth: int
    color_type: int


def png_header(data: bytes) -> PngHeader | None:
    """Parse the IHDR chunk; None if ``data`` does not start like a PNG."""
    if len(data) < 26 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height, depth, ctype = struct.unpack(">IIBB", data[16:26])
    return PngHeader(width, height, depth, ctype)


def describe_format(header: PngHeader) -> str:
    """Human description, e.g. ``'16-bit grayscale'``."""
    return f"{header.bit_depth}-bit {COLOR_TYPES.get(header.color_type, f'colour type {header.color_type}')}"


def header_problem(header: PngHeader | None, data: bytes, expected_hw: tuple[int, int]) -> str | None:
    """Why a prediction PNG header is not an 8-bit single-channel image of the expected size.

    Returns a sentence without the file name (callers prefix it), or None when fine.
    """
    if header is None:
        kind = _sniff(data)
        return f"is not a PNG file ({kind})" if kind else "is not a PNG file"
    if (header.height, header.width) != tuple(expected_hw):
        h, w = expected_hw
        return f"has size {header.width}x{header.height} (WxH) but the image is {w}x{h}"
    if header.bit_depth != 8 or header.color_type != 0:
        return (
            f"is {describe_format(header)}; predictions must be 8-bit single-channel "
            "(grayscale, mode 'L') PNGs holding class ids 0..4"
        )
    return None


def decode_mask(data: bytes) -> np.ndarray | None:
    """Decode PNG bytes as stored (no colour conversion); None if undecodable."""
    arr = np.frombuffer(data, dtype=np.uint8)
    try:
        return cv2.imdecode(arr, cv2.IMREAD_UNCHANGED)
    except cv2.error:
        return None


def _sniff(data: bytes) -> str:
    """Name common non-PNG formats for a friendlier message."""
    if data.startswith(b"\xff\xd8\xff"):
        return "looks like a JPEG"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "looks like a TIFF"
    if data.startswith(b"BM"):
        return "looks like a BMP"
    if data.startswith(b"\x93NUMPY"):
        return "looks like a .npy array"
    if not data:
        return "empty file"
    return ""
