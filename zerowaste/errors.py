"""The kit's one error base.

Every error the kit raises on purpose -- bad data, an invalid submission, a preset typo, a checkpoint
that cannot be loaded -- is a :class:`ZeroWasteError`. Its message names the problem and what to do,
in one line. The ``zerowaste`` command turns any of them into that line on stderr and a non-zero exit
code in one place (:mod:`zerowaste.cli`), so no command keeps its own list of exceptions to catch.

Subclasses may also derive from a builtin (``ValueError``...) so that existing ``except`` clauses keep
working; ``exit_code`` lets a command family use its own code (e.g. 2 for an invalid submission).

Example:
    >>> class PresetError(ZeroWasteError, ValueError):
    ...     '''A preset that cannot be used.'''
    >>> try:
    ...     raise PresetError("preset 'mrf-z' not found; known: default, mrf-a, mrf-b")
    ... except ZeroWasteError as exc:
    ...     print(f"error: {exc}")
    error: preset 'mrf-z' not found; known: default, mrf-a, mrf-b
"""

from __future__ import annotations


class ZeroWasteError(Exception):
    """Base of every error the kit raises on purpose; the CLI prints its message as one line."""

    #: exit code of the ``zerowaste`` command when this error ends it
    exit_code: int = 1


#: the install extra that provides a top-level module (for "pip install 'zerowaste-kit[EXTRA]'")
EXTRA_OF_MODULE: dict[str, str] = {
    "bpy": "synth",
    "blenderproc": "synth",
    "optuna": "synth",
    "torch": "train",
    "torchvision": "train",
    "mmseg": "train",
    "mmengine": "train",
    "mmcv": "train",
    "timm": "train",
    "kornia": "train",
    "safetensors": "train",
    "albumentations": "train",
    "fastapi": "server",
    "uvicorn": "server",
    "sqlalchemy": "server",
    "alembic": "server",
    "psycopg": "server",
    "jinja2": "server",
    "httpx": "server",
    "multipart": "server",
    "python_multipart": "server",
}


class MissingExtraError(ZeroWasteError, ModuleNotFoundError):
    """A command needs an optional dependency that is not installed.

    >>> str(MissingExtraError.for_module("bpy", "zerowaste synth render"))
    "`zerowaste synth render` needs 'bpy', which is not installed: pip install 'zerowaste-kit[synth]'"
    """

    @classmethod
    def for_module(cls, module: str | None, what: str, extra: str | None = None) -> MissingExtraError:
        """The error for ``module``; ``extra`` overrides the module's own (e.g. ``all`` for the demo)."""
        top = (module or "?").split(".")[0]
        extra = extra or EXTRA_OF_MODULE.get(top, "all")
        return cls(f"`{what}` needs {top!r}, which is not installed: pip install 'zerowaste-kit[{extra}]'",
                   name=top)


def require(modules: tuple[str, ...], what: str, extra: str | None = None) -> None:
    """Raise :class:`MissingExtraError` for the first of ``modules`` that is not installed.

    For work that runs in another process (a Blender render, the demo's steps): check before starting it.

    >>> require(("json",), "zerowaste probe")
    >>> require(("no_such_module_zw",), "zerowaste probe", extra="synth")
    Traceback (most recent call last):
    zerowaste.errors.MissingExtraError: `zerowaste probe` needs 'no_such_module_zw', which is not installed: pip install 'zerowaste-kit[synth]'
    """
    import importlib.util

    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError.for_module(module, what, extra)
