"""What the transform works out once and what the pass manager skips (faster transforms,
the same derivatives): ``source.once`` within one transform, a helper inlined several
times analysed once, and the fixpoint group taking no fingerprint after a pass that
says it changed nothing (``Facts.kept``)."""
from __future__ import annotations

import numpy as np

from gradcheck import check_grad
from s2sad.compiler import pass_manager, source
from s2sad.compiler.names import Namer
from s2sad.compiler.pass_manager import Facts, Step


def test_once_remembers_only_within_one_transform():
    made = []
    assert source.once("k", lambda: made.append(1) or len(made)) == 1
    assert source.once("k", lambda: made.append(1) or len(made)) == 2  # (no transform)
    with source.parsing_once():
        assert source.once("k", lambda: made.append(1) or len(made)) == 3
        assert source.once("k", lambda: made.append(1) or len(made)) == 3
        assert source.once("j", lambda: made.append(1) or len(made)) == 4
    with source.parsing_once():  # (a new transform forgets)
        assert source.once("k", lambda: made.append(1) or len(made)) == 5


def _scaled_items(v, c):
    parts = []
    parts.append(v[0] * c)
    parts.append(v[1] * c)
    return parts[0] + parts[1] * parts[0]


def _three_calls(x):
    a = _scaled_items(x, 2.0)
    b = _scaled_items(x * x, a)
    return _scaled_items(np.sin(x), b)


def _in_a_loop(x):
    total = 0.0
    for k in range(3):
        total = total + _scaled_items(x, total + k)
    return total


def _written_items(v, c):
    w = v.copy()
    w[0] = v[1] * c
    return np.sum(w * v)


def _written_three_times(x):
    return _written_items(x, 1.0) * _written_items(x, 2.0) + _written_items(x, 3.0)


def test_helper_appending_to_a_list_inlined_three_times():
    check_grad(_three_calls, np.array([0.3, -0.7, 1.1]))


def test_helper_inlined_in_each_trip_of_a_loop():
    check_grad(_in_a_loop, np.array([0.4, 0.9]))


def test_helper_writing_an_item_inlined_three_times():
    check_grad(_written_three_times, np.array([0.5, -1.2, 0.8]))


def _counting(monkeypatch) -> list:
    taken: list = []
    real = pass_manager.fingerprint

    def counted(body, out=None):
        taken.append(1)
        return real(body, out)
    monkeypatch.setattr(pass_manager, "fingerprint", counted)
    return taken


def _facts() -> Facts:
    return Facts({}, Namer(set()), set())


def _kept(body, facts):
    facts.kept = True
    return body


def _untouched(body, facts):
    return body


def test_a_pass_that_kept_the_body_is_not_fingerprinted(monkeypatch):
    taken = _counting(monkeypatch)
    group = [Step("a", _kept, fixpoint=True), Step("b", _kept, fixpoint=True)]
    pass_manager.run([], _facts(), group)
    assert len(taken) == 1  # (the body as the group starts)


def test_a_pass_that_does_not_say_is_fingerprinted(monkeypatch):
    taken = _counting(monkeypatch)
    group = [Step("a", _kept, fixpoint=True), Step("b", _untouched, fixpoint=True)]
    pass_manager.run([], _facts(), group)
    assert len(taken) == 2


def test_kept_is_forgotten_before_the_next_pass(monkeypatch):
    """A pass that changes the body after one that kept it is still seen to change it:
    the group runs again (the first pass sees the new body)."""
    import gast

    seen = []

    def grows(body, facts):
        seen.append(len(body))
        return body + [gast.Pass()] if len(body) < 2 else body

    def first(body, facts):
        seen.append(("first", len(body)))
        facts.kept = True
        return body
    group = [Step("a", first, fixpoint=True), Step("b", grows, fixpoint=True)]
    out = pass_manager.run([], _facts(), group)
    assert len(out) == 2
    assert seen == [("first", 0), 0, ("first", 1), 1, ("first", 2), 2]
