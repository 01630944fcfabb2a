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


@pytest.fixture(autouse=True)
def _restore_rule_tables():
    """A test that registers a rule (defvjp/defjvp) must not leak it into others."""
    from s2sad.rules import registry
    registry.load_imported()  # SciPy's rules first, so restoring keeps them
    saved = dict(registry.VJPS), dict(registry.JVPS)
    yield
    for table, before in zip((registry.VJPS, registry.JVPS), saved):
        built_in = {k: r for k, r in dict.items(table) if r.user is None or  # SciPy's,
                    getattr(r.user, "s2sad_internal", False)}  # a checkpointed loop's
        table.clear()  # by the test: they stay
        table.update({**built_in, **before})


def _verify_after_each_pass(name: str, body: list, facts) -> None:
    from s2sad.compiler import verify
    found = verify.problems(body, facts.params, facts.namespace)
    if found:
        raise AssertionError(f"after the late pass {name!r}: " + "; ".join(found[:5]))


@pytest.fixture(autouse=True, scope="session")
def _verified_passes():
    """Every derivative any test generates is checked after each late pass (verify.py)."""
    from s2sad.compiler import copies, pass_manager
    pass_manager.CHECK = _verify_after_each_pass
    copies.CHECK_COUNTS = True  # (the name counts copy folding keeps, checked)
    yield
    pass_manager.CHECK = None
    copies.CHECK_COUNTS = False
