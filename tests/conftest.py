"""Shared fixtures.

``tests/`` has no ``__init__.py``, so pytest (default "prepend" import mode) puts it on
``sys.path`` and test modules import the helpers as ``from gradcheck import check_grad``.
"""
from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: every test sees the same numbers on every run."""
    return np.random.default_rng(20240611)
