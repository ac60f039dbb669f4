"""Make BlenderProc 2.8.0 importable on pip ``bpy==4.2.0`` in a plain venv (every workaround lives here).

BlenderProc 2.8.0 expects to run inside its own downloaded Blender through ``blenderproc run``;
it predates upstream's "external bpy" mode. With the pip ``bpy`` module in the kit's own
Python, five things get in the way, and this module fixes each of them once, while
importing it (:func:`import_blenderproc`):

1. ``import blenderproc`` in BlenderProc's own "inside" mode removes its parent folder (our
   site-packages) from ``sys.path`` and imports every API module, with every loader and writer and
   what they import (scikit-learn for ``FaceSlicer``, matplotlib for the HDF5 viewer, the
   URDF and AMASS loaders...), which the kit never uses: importing and initialising BlenderProc
   took 2.68 CPU s per render process that way, 1.90 s this way (bpy included). We
   import the package in its light "outside" mode only (``__init__`` just defines the version) and
   hand out :class:`_Api`, which reads the ``blenderproc.api.<group>`` files for where each name is
   defined and imports that one ``blenderproc.python...`` module when the name is first used
   (``bproc.renderer.render`` imports ``RendererUtility``, not the optical-flow or NOCS renderers).
   Every object is BlenderProc's own, nothing is stubbed; a name missing from the API files falls
   back to importing the whole ``blenderproc.api.<group>``. ``sys.path`` stays as it is.
2. ``SetupUtility.setup`` pip-installs packages into a ``custom-python-packages`` folder next to
   "Blender" (here: next to the venv's python) and parses Blender's ``--`` argv: we replace it by
   a function that only sets BlenderProc's temp dir. No run-time pip installs.
3. Resource lookup: BlenderProc finds Blender's ``datafiles`` (e.g. the "Smooth by Angle" node
   group used by ``add_auto_smooth_modifier``) relative to Blender's python binary, which here is
   the venv's python. We point ``SetupUtility.determine_python_paths`` at
   ``bpy.utils.resource_path('LOCAL')``, where pip bpy keeps them. (BlenderProc's own
   ``resources/`` ship inside the package and need nothing.)
4. ``bproc.init()`` switches the UI language to ``en_US``, which fails on pip bpy (no locale
   data): we skip that switch by running the rest of ``init`` ourselves (:func:`init`).
5. numpy 2 removed ``np.string_`` and ``np.in1d``, which 2.8.0 still uses: we re-add aliases.
6. pip bpy often crashes while Python tears Blender down, so the render process leaves with
   ``os._exit``; that skips the clean-up of BlenderProc's temp dir and of Blender's own session
   temp dir (``/tmp/blender_*``). :func:`remove_temp_dirs` deletes both first (a long sharded
   run otherwise leaves two directories per render process behind).

Example (inside the rendering process only; never import this from light-weight code):
    >>> from zerowaste.compat.blenderproc import import_blenderproc, init   # doctest: +SKIP
    >>> bproc = import_blenderproc()                                        # doctest: +SKIP
    >>> init()                                                              # doctest: +SKIP
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import types

_BPROC: types.ModuleType | None = None
_OWN_TEMP: str | None = None  # the temp dir import_blenderproc made (removed by remove_temp_dirs)

#: The BlenderProc API groups (``bproc.<group>``), as in ``blenderproc/__init__.py``.
API_GROUPS = ("loader", "utility", "sampler", "math", "postprocessing", "writer", "material", "lighting",
              "camera", "renderer", "world", "constructor", "types", "object", "filter")
#: Top-level names of ``blenderproc`` and the module defining them.
TOP_LEVEL = {"init": "blenderproc.python.utility.Initializer", "clean_up": "blenderproc.python.utility.Initializer"}


def _numpy_aliases() -> None:
    import numpy as np

    if not hasattr(np, "string_"):
        np.string_ = np.bytes_  # type: ignore[attr-defined]
    if not hasattr(np, "in1d"):
        np.in1d = np.isin  # type: ignore[attr-defined]


def _api_names(package_dir: str, group: str) -> dict[str, str]:
    """{name: defining module} of ``blenderproc.api.<group>``, read from its ``__init__.py`` (not run)."""
    import ast

    path = os.path.join(package_dir, "api", group, "__init__.py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    return {alias.asname or alias.name: node.module for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 for alias in node.names}


class _Api(types.ModuleType):
    """``bproc.<group>`` (or ``bproc`` itself): each name imports only the module that defines it, on first use."""

    def __init__(self, name: str, names: dict[str, str], full: str | None = None, **attrs) -> None:
        super().__init__(name)
        self._names = names
        self._full = full  # the real API module, imported whole for a name not in ``names``
        self.__dict__.update(attrs)

    def __getattr__(self, name: str):
        import importlib

        if name.startswith("__") or name in ("_names", "_full"):
            raise AttributeError(name)
        if name in self._names:
            value = getattr(importlib.import_module(self._names[name]), name)
        elif self._full is not None:
            value = getattr(importlib.import_module(self._full), name)
        else:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        setattr(self, name, value)  # resolved once
        return value


def import_blenderproc(temp_dir: str | None = None) -> types.ModuleType:
    """BlenderProc's API (``bproc.renderer``, ``bproc.camera``...), set up for pip bpy (idempotent).

    Returns a module-like :class:`_Api` whose names are BlenderProc's own, imported when first used
    (1). ``temp_dir`` is where BlenderProc writes its intermediate render files (default: a fresh
    temporary directory).
    """
    global _BPROC
    if _BPROC is not None:
        return _BPROC
    _numpy_aliases()
    import bpy  # noqa: F401  (must be importable; fails clearly when the synth extra is missing)

    os.environ.setdefault("OPENCV_IO_ENABLE_OPENEXR", "1")

    # The package in "outside" mode: __init__ only defines the version (1).
    os.environ.pop("INSIDE_OF_THE_INTERNAL_BLENDER_PYTHON_ENVIRONMENT", None)
    os.environ["OUTSIDE_OF_THE_INTERNAL_BLENDER_PYTHON_ENVIRONMENT_BUT_IN_RUN_SCRIPT"] = "1"
    import blenderproc
    from blenderproc.python.utility.SetupUtility import SetupUtility

    global _OWN_TEMP
    tmp = temp_dir or tempfile.mkdtemp(prefix="bproc_")
    if temp_dir is None:
        _OWN_TEMP = tmp

    def _setup(*_args, **_kwargs) -> list[str]:
        SetupUtility.setup_utility_paths(tmp)
        return sys.argv

    SetupUtility.setup = staticmethod(_setup)  # (2) no pip installs, no argv surgery
    _setup()

    local = bpy.utils.resource_path("LOCAL")
    original_paths = SetupUtility.determine_python_paths

    def _python_paths(blender_path=None, major_version=None):
        paths = list(original_paths(blender_path, major_version))
        paths[0] = os.path.join(local, "python", "bin", "python3.11")  # (3) <LOCAL>/datafiles is 3 levels up
        return tuple(paths)

    SetupUtility.determine_python_paths = staticmethod(_python_paths)

    package = os.path.dirname(blenderproc.__file__)
    groups = {g: _Api(f"blenderproc.api.{g}", _api_names(package, g), full=f"blenderproc.api.{g}")
              for g in API_GROUPS}
    _BPROC = _Api("blenderproc", TOP_LEVEL, __version__=blenderproc.__version__, __file__=blenderproc.__file__,
                  **groups)
    return _BPROC


def init() -> None:
    """``bproc.init()`` without the UI-language switch (4): Cycles, default devices and settings."""
    import bpy

    import_blenderproc()
    from blenderproc.python.renderer import RendererUtility
    from blenderproc.python.utility.GlobalStorage import GlobalStorage
    from blenderproc.python.utility.Initializer import _Initializer, clean_up

    if GlobalStorage.is_in_storage("bproc_init_complete") and GlobalStorage.get("bproc_init_complete"):
        return
    clean_up(clean_up_camera=True)
    bpy.context.scene.render.engine = "CYCLES"
    RendererUtility.set_render_devices()
    _Initializer.set_default_parameters()
    seed = os.getenv("BLENDER_PROC_RANDOM_SEED")
    if seed:
        import numpy as np

        random.seed(int(seed))
        np.random.seed(int(seed))
    GlobalStorage.add("bproc_init_complete", True)


def remove_temp_dirs() -> None:
    """Delete BlenderProc's temp dir (if :func:`import_blenderproc` made it) and Blender's session temp dir (6)."""
    import shutil

    bpy = sys.modules.get("bpy")
    session = bpy.app.tempdir.rstrip(os.sep) if bpy is not None else None
    for path in (_OWN_TEMP, session):
        if path and os.path.basename(path).startswith(("bproc_", "blender_")):
            shutil.rmtree(path, ignore_errors=True)
