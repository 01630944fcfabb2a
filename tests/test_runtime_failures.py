"""An operation of s2sad's runtime that fails inside generated code (NumPy's error in a
helper: ``acc[i] += g`` of shapes that do not fit) is an s2sad bug named at the user's
line, a DifferentiationError, never a bare ValueError; a helper's own ``raise`` (a
message written for the user) passes through as it is."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.differentiable import define
from s2sad.errors import in_generated_code
from s2sad.runtime import arrays, writes


def _raised(text: str, *args):
    fn = define("generated", text, {"add_at": writes.add_at, "spread_of": arrays.spread_of})
    with pytest.raises(Exception) as caught:
        fn(*args)
    return caught.value


@pytest.mark.parametrize("acc, g", [(np.zeros(3), np.ones(2)), (np.zeros((2, 2)), np.ones(3)),
                                    (np.zeros(4), np.ones((2, 2)))])
def test_failed_helper_is_an_s2sad_bug(acc, g):
    error = _raised("def generated(acc, g):\n    # line 7: y = x[0]\n"
                    "    return add_at(acc, None, 0, g)\n", acc, g)
    assert isinstance(error, ValueError)
    placed = in_generated_code(error, "user.py")
    assert isinstance(placed, s2sad.DifferentiationError)
    assert str(placed).startswith("user.py:7: the derivative of this line failed (ValueError")


def test_helper_raising_on_purpose_passes():
    error = _raised("def generated(seq):\n    # line 3: h(*seq)\n"
                    "    return spread_of(seq, 3)\n", [1.0, 2.0])
    assert isinstance(error, TypeError)
    assert in_generated_code(error, "user.py") is None
