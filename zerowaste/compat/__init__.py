"""Workarounds for upstream packages, kept in one place (see docs/compat.md).

- :mod:`zerowaste.compat.check_install`: exactly one OpenCV 4.x distribution (EXR support).
- :mod:`zerowaste.compat.blenderproc`: run BlenderProc 2.8.0 on pip ``bpy`` 4.2.0 in a plain venv.
- :mod:`zerowaste.compat.mmseg`: mmsegmentation 1.2.2 / mmengine 0.10.7 / mmcv-lite on torch 2.14.

Each workaround says which upstream version it is for, so it can be dropped when upstream is fixed.
"""
