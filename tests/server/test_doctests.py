"""The docstring examples of the server modules run."""

import doctest
import importlib

import pytest

MODULES = ["auth", "db", "rules", "service", "store", "streaming", "client", "admin", "sample", "models", "app", "api",
           "context", "schemas", "uploads"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"zerowaste.submission.server.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
