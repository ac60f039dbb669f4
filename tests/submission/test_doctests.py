"""The runnable examples in the submission modules' docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "zerowaste.submission.zipread",
    "zerowaste.submission.png",
    "zerowaste.submission.groundtruth",
    "zerowaste.submission.validate",
    "zerowaste.submission.scoring",
    "zerowaste.submission.reference",
    "zerowaste.submission.pack",
    "zerowaste.submission.plots",
    "zerowaste.submission.adapters",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
