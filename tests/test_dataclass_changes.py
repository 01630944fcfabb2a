"""A dataclass built inside whose methods store into ``self``, ``dataclasses.replace`` of
a record, and a frozen dataclass's field assignment (refused: Python raises).  Checked
against central differences."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -0.2, 0.5])


@dataclass
class Sim:
    u: np.ndarray
    t: float = 0.0

    def step(self, dt):
        self.u = self.u + dt * np.cos(self.u)
        self.t += dt


@dataclass(frozen=True)
class Frozen:
    u: np.ndarray

    def doubled(self):
        self.u = self.u * 2


def stepped(x):
    s = Sim(x)
    for _ in range(3):
        s.step(0.1)
    return np.sum(s.u ** 2) + s.t


def replaced_frozen(x):
    f = Frozen(x)
    g = dataclasses.replace(f, u=f.u * 3)
    return np.sum(g.u ** 2) + np.sum(f.u)


def replaced_then_stepped(x):
    s = Sim(x, 1.0)
    s2 = dataclasses.replace(s, t=2.0, u=s.u ** 2)
    s2.step(0.2)
    return np.sum(s2.u) * s2.t + s.t * np.sum(s.u)


def replaced_argument(p, x):
    q = dataclasses.replace(p, u=p.u * x)
    return np.sum(q.u ** 2) + q.t


@pytest.mark.parametrize("f", [stepped, replaced_frozen, replaced_then_stepped])
def test_dataclass_changed(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_replace_of_an_argument():
    check_grad(lambda x: replaced_argument(Sim(np.array([1.0, 2.0, -1.0]), 0.5), x), X)


def assigned_frozen(x):
    f = Frozen(x)
    f.doubled()
    return np.sum(f.u)


def test_a_frozen_dataclass_field_assignment_is_refused():
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(assigned_frozen)(X)
    assert "frozen" in str(err.value) and "self.u = self.u * 2" in open(__file__).read()
