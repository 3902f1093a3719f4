"""The lanes of the test suite (see tests/conftest.py): a helper for
parametrized tests whose every case costs a process start or a second."""

from __future__ import annotations

from typing import Iterable

import pytest


def first_fast(values: Iterable, *, unpack: bool = False) -> list:
    """``values`` for ``pytest.mark.parametrize``: the first case runs in the
    fast lane, the others are marked ``slow`` (the full suite runs them all).
    ``unpack``: each value is a tuple of several arguments."""
    out = []
    for number, value in enumerate(values):
        if number == 0:
            out.append(value)
        else:
            out.append(pytest.param(*(value if unpack else (value,)), marks=pytest.mark.slow))
    return out
