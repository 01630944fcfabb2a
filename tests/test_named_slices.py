"""An index bound to a name, ``s = slice(1, None); w = d[s]``, is read as ``d[1:]`` by
the shape facts when the name is bound once to a slice of constant bounds.  A gradient
indexes adjoints with ``slice(1, None)`` (``dw = fresh(dy[slice(1, None)])``, of the
user's ``w = y[1:]``); differentiated again, the normal form takes that call out into a
name, the facts lost ``dw``'s rank, and an element read from it then cleared
(``dmul = dw[0]; dw[0] = 0.0``) was refused as "a limitation of s2sad (please report
it)" (tools/fuzz seed 82293 at ``--order 2``: its Hessian-vector product is checked
here against central differences of s2sad's gradient, itself checked against
differences of ``f`` by the first-order campaigns)."""
from __future__ import annotations

import sys
from pathlib import Path

import gast
import numpy as np
import pytest

from s2sad.compiler import dims

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root


def _facts(text: str, params: dict) -> dims.Facts:
    body = gast.parse(text).body
    return dims.Facts(body, params, set(), {"np": np, "slice": slice})


@pytest.mark.parametrize("text, shape", [
    ("s = slice(1, None)\nw = d[s]", (4,)),
    ("s = slice(None, -2)\nw = d[s]", (3,)),
    ("s = slice(1, None, 2)\nw = d[s]", (2,)),
    ("s = slice(2)\nt = s\nw = d[t]", (2,)),
])
def test_a_slice_bound_to_a_name_is_read_as_one(text, shape):
    assert _facts(text, {"d": (5,)}).shapes["w"] == shape


def test_a_slice_of_a_variable_bound_is_not_followed():
    facts = _facts("s = slice(k, None)\nk = 3\nw = d[s]", {"d": (5,)})
    assert facts.shapes.get("w") != (4,)  # (k's value where the slice is made: not known)


@pytest.mark.parametrize("seed", [82293])
def test_the_fuzzed_second_derivative(seed, tmp_path):
    from tools.fuzz.run import check_seed
    record = check_seed(seed, tmp_path, None, 600, order=2)
    assert record["class"] == "ok", record
