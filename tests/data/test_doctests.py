"""The runnable examples in the data layer's docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["io", "coco", "fixtures", "datasets", "verify", "stats", "fetch", "augment", "sampling"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"zerowaste.data.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
