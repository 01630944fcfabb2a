"""Golden generated source: the derivative a reader sees stays as reviewed.

Regenerate after an intended change with ``S2SAD_REGEN_GOLDEN=1 python -m pytest
tests/test_golden.py`` and review the diff of ``tests/golden/``.
"""
from __future__ import annotations

import ast
import os
from pathlib import Path

import numpy as np
import pytest

import golden_functions as gf
import s2sad
from backend_programs import element_loop

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "grad_mlp_loss": (lambda: s2sad.grad(gf.mlp_loss, wrt=(0, 2)),
                      (np.ones((3, 2)), np.ones(2), np.ones(3))),
    "grad_softmax_cross_entropy": (lambda: s2sad.grad(gf.softmax_cross_entropy, wrt=(0, 1)),
                                   (np.ones((4, 3)), np.ones(3), np.ones((5, 4)),
                                    np.array([0, 1, 2, 1, 0]))),
    "grad_branch": (lambda: s2sad.grad(gf.branch, wrt=(0, 1)), (1.0, 2.0)),
    "grad_running_sum": (lambda: s2sad.grad(gf.running_sum), (0.3, 5)),
    "grad_newton_sqrt": (lambda: s2sad.grad(gf.newton_sqrt), (2.0,)),
    "jvp_running_sum": (lambda: s2sad.jvp(gf.running_sum), (0.3, 5, 1.0)),
    "grad_checkpoint_uniform": (lambda: s2sad.grad(gf.rnn_uniform, wrt=(0, 2)),
                                (np.eye(3) * 0.5, np.ones((6, 3)) * 0.1, np.ones(3))),
    "grad_checkpoint_binomial": (lambda: s2sad.grad(gf.rnn_binomial, wrt=(0, 2)),
                                 (np.eye(3) * 0.5, np.ones((6, 3)) * 0.1, np.ones(3))),
    # the mean's adjoint a number the np.where spreads, the loss itself not computed
    "grad_huber_loss": (lambda: s2sad.grad(gf.huber_loss),
                        (np.ones(2), np.eye(3)[:, :2], np.array([0.5, 3.0, -2.0]), 1.0)),
}
_SPD = np.array([[2.0, 0.5, 0.1], [0.5, 1.5, 0.2], [0.1, 0.2, 1.0]])
# (function, wrt, arguments): the gradient and the forward derivative of each are golden
CORPUS = {
    "mlp_loss": (gf.mlp_loss, (0, 2), (np.ones((3, 2)), np.ones(2), np.ones(3))),
    "branch": (gf.branch, (0, 1), (1.0, 2.0)),
    "newton_sqrt": (gf.newton_sqrt, 0, (2.0,)),
    "loop_with_if": (element_loop, 0, (np.array([1.0, -2.0, 3.0]),)),
    "fan_out": (gf.fan_out, 0, (np.linspace(0.1, 1.0, 4),)),
    "in_place_writes": (gf.in_place_writes, 0, (np.linspace(0.1, 1.0, 4),)),
    "two_layers": (gf.two_layers, (0, 1), (np.eye(3), np.eye(3), np.ones(3))),
    "logistic_map": (gf.logistic_map, (0, 1), (3.5, 0.2, 10)),
    "dict_mlp": (gf.dict_mlp, 0, ({"W": np.eye(3), "b": np.ones(3)}, np.ones(3))),
    "gp_nlml": (gf.gp_nlml, 0, (_SPD, np.ones(3))),
    "rnn": (gf.rnn, (0, 2), (np.eye(3) * 0.5, np.ones((6, 3)) * 0.1, np.ones(3))),
}
for _name, (_f, _wrt, _args) in CORPUS.items():
    CASES.setdefault(f"grad_{_name}", (lambda f=_f, w=_wrt: s2sad.grad(f, wrt=w), _args))
    _tangent = tuple(_args[i] for i in ((_wrt,) if isinstance(_wrt, int) else _wrt))
    CASES[f"jvp_{_name}"] = (lambda f=_f, w=_wrt: s2sad.jvp(f, wrt=w), (*_args, *_tangent))


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_source_is_golden(name):
    make, args = CASES[name]
    derivative = make()
    derivative(*args)
    text = derivative.source
    path = GOLDEN / f"{name}.py"
    if os.environ.get("S2SAD_REGEN_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"generated source of {name} changed; see {path}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_source_round_trips(name):
    """The printed source parses back to the same tree (the printer loses nothing)."""
    text = (GOLDEN / f"{name}.py").read_text()
    tree = ast.parse(text)
    assert ast.dump(ast.parse(ast.unparse(tree))) == ast.dump(tree)


def test_golden_sources_have_origin_comments():
    for path in GOLDEN.glob("*.py"):
        text = path.read_text()
        assert "# line " in text or "# adjoint of line " in text, path.name
