"""Post-install check (run by `make install`): exactly one OpenCV 4.x distribution with EXR support.

mmengine and mmcv-lite declare `opencv-python`; when pip installs it next to albumentations'
`opencv-python-headless`, both write the same `cv2` package and the last one wins. OpenCV 5 wheels
lack OpenEXR, which BlenderProc needs to read its segmentation maps.

Example:
    $ python -m zerowaste.compat.check_install
    ok: one OpenCV distribution (opencv-python-headless 4.x), EXR codec available
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from importlib import metadata

# OpenCV 4.x ships the EXR codec switched off; BlenderProc switches it on the same way.
os.environ.setdefault("OPENCV_IO_ENABLE_OPENEXR", "1")

OPENCV_DISTRIBUTIONS = (
    "opencv-python",
    "opencv-python-headless",
    "opencv-contrib-python",
    "opencv-contrib-python-headless",
)


def installed_opencv() -> dict[str, str]:
    """Installed OpenCV distributions, name -> version."""
    found = {}
    for name in OPENCV_DISTRIBUTIONS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def _exr_round_trip(cv2) -> bool:
    import numpy as np

    img = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.exr")
        try:
            ok = cv2.imwrite(path, img)
            back = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        except cv2.error:
            return False
    return bool(ok) and back is not None and np.allclose(back, img)


def problems() -> list[str]:
    """What is wrong with the OpenCV install (empty when all is well)."""
    found = installed_opencv()
    out = []
    if len(found) != 1:
        out.append(f"expected exactly one OpenCV distribution, found {found or 'none'}")
    for name, version in found.items():
        if not version.startswith("4."):
            out.append(f"{name} {version} is not 4.x (OpenCV 5 wheels have no EXR support)")
    try:
        import cv2

        if not cv2.__version__.startswith("4."):
            out.append(f"cv2 {cv2.__version__} is not 4.x")
        if not _exr_round_trip(cv2):
            out.append("cv2 cannot write and read back an OpenEXR file")
    except ImportError as exc:
        out.append(f"cv2 does not import: {exc}")
    return out


def main() -> int:
    found = problems()
    if found:
        for p in found:
            print(f"error: {p}", file=sys.stderr)
        return 1
    print("ok: one OpenCV distribution (" + ", ".join(f"{k} {v}" for k, v in installed_opencv().items())
          + "), EXR codec available")
    return 0


if __name__ == "__main__":
    sys.exit(main())
