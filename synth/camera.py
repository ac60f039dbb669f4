"""Top-down camera with height, tilt, roll and lens jitter, aimed at the belt centre.

Example (pure part):
    >>> import numpy as np
    >>> loc, rot = camera_pose({"height": 1.5, "tilt_deg": 0.0, "tilt_dir": 0.0, "roll_deg": 0.0})
    >>> [round(v, 3) for v in loc], [round(v, 3) for v in rot]
    ([0.0, 0.0, 1.5], [0.0, 0.0, 0.0])
"""

from __future__ import annotations

import math

import numpy as np


def camera_pose(cam: dict) -> tuple[list[float], list[float]]:
    """(location, XYZ Euler rotation) of a camera tilted by ``tilt_deg`` yet looking at (0, 0, 0)."""
    t = math.radians(cam["tilt_deg"])
    rot = [t * math.cos(cam["tilt_dir"]), t * math.sin(cam["tilt_dir"]), math.radians(cam["roll_deg"])]
    # Direction of the optical axis (-z of the camera) after rotating X then Y then Z.
    cx, sx, cy, sy, cz, sz = (math.cos(rot[0]), math.sin(rot[0]), math.cos(rot[1]), math.sin(rot[1]),
                              math.cos(rot[2]), math.sin(rot[2]))
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    axis = rz @ ry @ rx @ np.array([0.0, 0.0, -1.0])
    h = cam["height"]
    loc = -axis * (h / -axis[2])
    return [float(v) + 0.0 for v in loc], [float(v) + 0.0 for v in rot]


def set_camera(cam: dict, resolution: tuple[int, int]) -> None:
    """Set intrinsics (lens, 36 mm sensor) and the single camera pose in BlenderProc."""
    from zerowaste.compat.blenderproc import import_blenderproc

    bproc = import_blenderproc()
    bproc.camera.set_intrinsics_from_blender_params(
        lens=float(cam["lens_mm"]), image_width=int(resolution[0]), image_height=int(resolution[1]),
        lens_unit="MILLIMETERS",
    )
    loc, rot = camera_pose(cam)
    bproc.camera.add_camera_pose(bproc.math.build_transformation_mat(loc, rot))
