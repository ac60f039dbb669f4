"""Read and write images and id masks, exactly and atomically.

* ``read_image`` -> (H, W, 3) uint8 RGB (decoded with OpenCV, the faster decoder for PNG here).
* ``read_mask`` -> (H, W) uint8 class ids. A palette ('P') PNG is read as its *indices*, never
  converted through the palette; an 8-bit greyscale ('L') PNG is read as is. Anything else (RGB,
  RGBA, 16-bit, ...) is a :class:`DataError`: a colour mask would silently turn into wrong ids.
* ``write_mask`` / ``write_image`` encode in memory and write atomically through
  :mod:`zerowaste.io` (temporary file + ``os.replace``, umask respected): a reader never sees a
  half-written file. ``write_json`` and ``save_figure`` are :mod:`zerowaste.io`'s, re-exported.

Example:
    >>> import numpy as np, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> m = np.array([[0, 1], [4, 255]], dtype=np.uint8)
    >>> write_mask(d / "m.png", m)
    >>> read_mask(d / "m.png").tolist()
    [[0, 1], [4, 255]]
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from zerowaste.errors import ZeroWasteError
from zerowaste.io import save_figure, write_bytes_atomic
from zerowaste.io import write_json_atomic as write_json

__all__ = ["DataError", "read_image", "read_instance_mask", "read_mask", "save_figure", "write_image",
           "write_instance_mask", "write_json", "write_mask"]


class DataError(ZeroWasteError):
    """Bad data: a missing, unreadable or inconsistent file. The message names the problem."""


#: Pillow modes that hold class ids directly (palette indices or 8-bit grey).
_ID_MODES = ("P", "L")


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise DataError(f"{path}: file not found")


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as (H, W, 3) uint8 RGB.

    Greyscale images are expanded to 3 channels; an alpha channel is dropped.
    Raises :class:`DataError` when the file is missing or cannot be decoded.
    """
    path = Path(path)
    _require_file(path)
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise DataError(f"{path}: cannot decode the image (corrupt or not an image file)")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def read_mask(path: str | os.PathLike) -> np.ndarray:
    """Read a single-channel id mask as (H, W) uint8.

    Palette PNGs give their indices (the palette colours are ignored); 'L' PNGs their values.
    Raises :class:`DataError` for a missing/corrupt file or a mask that is not 8-bit single-channel.
    """
    path = Path(path)
    _require_file(path)
    try:
        with Image.open(path) as im:
            mode = im.mode
            if mode not in _ID_MODES:
                raise DataError(
                    f"{path}: mask has image mode {mode!r} ({'x'.join(map(str, im.size))}); "
                    "expected a single-channel 8-bit mask (mode 'L' or palette 'P') holding class ids"
                )
            im.load()
            mask = np.array(im, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"{path}: cannot decode the mask ({exc})") from exc
    return mask


def _encode(path: Path, array: np.ndarray) -> bytes:
    ext = path.suffix.lower() or ".png"
    ok, buf = cv2.imencode(ext, array)
    if not ok:
        raise DataError(f"{path}: cannot encode an image with extension {path.suffix!r}")
    return buf.tobytes()


def write_mask(path: str | os.PathLike, mask: np.ndarray) -> None:
    """Write an (H, W) id mask as an 8-bit single-channel PNG, atomically.

    Integer masks with values outside 0..255 are refused (they would wrap around).
    """
    path = Path(path)
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise DataError(f"{path}: a mask must be 2-D (H, W), got shape {mask.shape}")
    if mask.dtype != np.uint8:
        if not np.issubdtype(mask.dtype, np.integer):
            raise DataError(f"{path}: a mask must hold integer class ids, got dtype {mask.dtype}")
        if mask.size and (mask.min() < 0 or mask.max() > 255):
            raise DataError(f"{path}: mask values must be in 0..255, got {mask.min()}..{mask.max()}")
        mask = mask.astype(np.uint8)
    if path.suffix.lower() != ".png":
        raise DataError(f"{path}: masks are written as PNG (lossless); use a .png/.PNG name")
    write_bytes_atomic(path, _encode(path, mask))


def write_image(path: str | os.PathLike, rgb: np.ndarray) -> None:
    """Write an (H, W, 3) uint8 RGB image (format from the extension, e.g. ``.PNG``), atomically."""
    path = Path(path)
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise DataError(f"{path}: expected an (H, W, 3) uint8 RGB image, got {rgb.shape} {rgb.dtype}")
    write_bytes_atomic(path, _encode(path, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)))


def write_instance_mask(path: str | os.PathLike, inst: np.ndarray) -> None:
    """Write an (H, W) instance-id mask as a 16-bit single-channel PNG, atomically."""
    path = Path(path)
    inst = np.asarray(inst)
    if inst.ndim != 2 or not np.issubdtype(inst.dtype, np.integer):
        raise DataError(f"{path}: an instance mask must be a 2-D integer array, got {inst.shape} {inst.dtype}")
    if inst.size and (inst.min() < 0 or inst.max() > 65535):
        raise DataError(f"{path}: instance ids must be in 0..65535")
    write_bytes_atomic(path, _encode(path, inst.astype(np.uint16)))


def read_instance_mask(path: str | os.PathLike) -> np.ndarray:
    """Read an instance-id mask (8- or 16-bit single-channel PNG) as (H, W) uint16."""
    path = Path(path)
    _require_file(path)
    arr = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if arr is None:
        raise DataError(f"{path}: cannot decode the instance mask")
    if arr.ndim != 2 or arr.dtype not in (np.uint8, np.uint16):
        raise DataError(f"{path}: instance mask must be single-channel 8/16-bit, got {arr.shape} {arr.dtype}")
    return arr.astype(np.uint16)
