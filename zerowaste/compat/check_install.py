"""Post-install check (run by `make install`): exactly one OpenCV 4.x distribution with EXR support.

mmengine and mmcv-lite declare `opencv-python`; when pip installs it next to albumentations'
`opencv-python-headless`, both write the same `cv2` package and the last one wins. OpenCV 5 wheels
lack OpenEXR, which BlenderProc needs to read its segmentation maps.

Example:
    $ python -m zerowaste.compat.check_install
    ok: one OpenCV distribution (opencv-python-headless 4.x), EXR codec available
"""

from __future__ import annotations

import sys
from importlib import metadata

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
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


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
        if not cv2.haveImageReader("x.exr") and not cv2.haveImageWriter("x.exr"):
            out.append("cv2 has no OpenEXR codec")
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
