"""A list or dict from outside the function changed in place and read back
(``LOG.append(3 * x); return LOG[-1]``, a model's ``self.acts.append(h)``): the items
read back were a global's to the derivative, a silently zero gradient.  Refused naming
the line; a log only written (never read in the function) still runs, its gradient
checked against finite differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

LOG: list = []
STATE: dict = {}


def read_back(x):
    LOG.append(x * 3)
    return np.sum(LOG[-1] * 2)


def read_back_from_a_dict(x):
    STATE.update({"last": np.sin(x)})
    return np.sum(STATE["last"])


class Model:
    def __init__(self):
        self.acts = []

    def forward(self, x):
        self.acts.append(np.tanh(x))
        return np.sum(self.acts[-1] ** 2)


MODEL = Model()


def model_keeping_its_activations(x):
    return MODEL.forward(x)


def extended_and_read(x):
    LOG.extend([x, 2 * x])
    return np.sum(LOG[-1])


@pytest.mark.parametrize("f", [read_back, read_back_from_a_dict,
                               model_keeping_its_activations, extended_and_read])
def test_read_back_is_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_outside_containers.py:\d+: "
                       r".* changes a list or dict from outside the function"):
        s2sad.grad(f)(np.array([0.3, -0.8]))


def logs_only(x):
    LOG.append(float(np.sum(x)))  # written, never read here
    return np.sum(np.sin(x) * x)


def test_a_log_only_written_still_runs():
    x = np.array([0.3, -0.8])
    check_grad(logs_only, x)
    check_jvp(logs_only, x)
