"""The pass manager's skips are right: a pass whose ``needs`` the body lacks is not run,
and run where the body holds one of them (nested in a block too); a pass that
``settles`` is not run again on its own output, one that does not is.  Over the golden
cases, every skip is checked against running the pass anyway: a skipped pass would
have left the body as it was (its needs were right), and a settling pass run again on
its output changes nothing."""
from __future__ import annotations

import dataclasses

import gast
import pytest

import test_golden
from s2sad.compiler import pass_manager, pipeline
from s2sad.compiler.names import Namer
from s2sad.compiler.pass_manager import Facts, Step
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import fingerprint


@pytest.fixture(autouse=True)
def _unverified(monkeypatch):
    """The bodies here are snippets, not generated functions: not verified."""
    monkeypatch.setattr(pass_manager, "CHECK", None)


def _facts() -> Facts:
    return Facts({}, Namer(set()), set())


def _body(src: str) -> list:
    return gast.parse(src).body


def _recording(name: str, seen: list, grow: bool = False):
    def run(body, facts):
        seen.append(name)
        return body + [gast.Pass()] if grow and len(body) < 2 else body
    return run


@pytest.mark.parametrize("src, runs", [
    ("y = add_at(d, None, i, e)", True),
    ("if c:\n    y = np.add_at(d, i, e)", True),  # (an attribute's name, nested)
    ("y = d + e", False),
    ("y = 'add_at'", False),  # (a string is not the helper)
])
def test_a_pass_runs_where_a_name_it_needs_is(src, runs):
    seen: list = []
    step = Step("adds", _recording("adds", seen), needs=frozenset({"add_at"}))
    pass_manager.run(_body(src), _facts(), [step])
    assert seen == (["adds"] if runs else [])


@pytest.mark.parametrize("src, runs", [
    ("for i in range(3):\n    y = i", True),
    ("if c:\n    while x:\n        x = x - 1", True),  # (nested in an if)
    ("y = [i for i in range(3)]", False),  # (a comprehension is no loop statement)
])
def test_a_pass_runs_where_a_statement_kind_it_needs_is(src, runs):
    seen: list = []
    step = Step("loops", _recording("loops", seen),
                needs=frozenset({gast.For, gast.While}), fixpoint=True)
    pass_manager.run(_body(src), _facts(), [step])
    assert seen == (["loops"] if runs else [])


def test_needs_are_looked_for_in_the_body_an_earlier_pass_made():
    """The index is taken again after a pass that may have changed the body."""
    seen: list = []

    def adds_a_loop(body, facts):
        return body + _body("for i in range(2):\n    y = i")
    steps = [Step("loop maker", adds_a_loop),
             Step("loops", _recording("loops", seen), needs=frozenset({gast.For}))]
    out = pass_manager.run(_body("y = 1"), _facts(), steps)
    assert seen == ["loops"] and len(out) == 2


def test_a_skipped_pass_still_ends_a_run_up_to_it():
    seen: list = []
    steps = [Step("loops", _recording("loops", seen), needs=frozenset({gast.For})),
             Step("after", _recording("after", seen))]
    pass_manager.run(_body("y = 1"), _facts(), steps, upto="loops")
    assert seen == []


@pytest.mark.parametrize("settles, runs", [(True, 2), (False, 3)])
def test_a_settling_pass_is_not_run_again_on_its_own_output(settles, runs):
    """``grow`` changes the body in the first round; ``other`` changes nothing: a second
    round verifies, where ``grow`` runs again only when it does not settle (a third run
    of a pass that did not settle: the round where it was seen to change nothing)."""
    seen: list = []
    group = [Step("grow", _recording("grow", seen, grow=True), fixpoint=True,
                  settles=settles),
             Step("other", _recording("other", seen), fixpoint=True)]
    pass_manager.run(_body("y = 1"), _facts(), group)
    assert seen.count("grow") == (1 if settles else 2)
    assert seen.count("other") == 1 and len(seen) == runs


def _isolated(facts: Facts) -> Facts:
    """A copy of ``facts`` a pass run beside the real one may change."""
    return dataclasses.replace(facts, namer=facts.namer.copy(), numbers=set(facts.numbers),
                               optimistic=None if facts.optimistic is None else
                               list(facts.optimistic))


def test_every_skip_over_the_golden_cases_is_right(monkeypatch):
    """Each pass the manager skipped for want of its needs, and each settling pass run
    again on its output, run anyway on a copy: the body stays as it was."""
    checked = {"needs": 0, "settles": 0}
    wants = pass_manager.Index.wants

    def checking_wants(self, step, body):
        found = wants(self, step, body)
        if not found:
            facts = _isolated(FACTS[0])
            before = fingerprint(body)
            assert fingerprint(step.run(clone(body), facts)) == before, step.name
            checked["needs"] += 1
        return found

    def settled(step: Step) -> Step:
        def run(body, facts):
            FACTS[0] = facts
            out = step.run(body, facts)
            if step.settles:
                again = step.run(clone(out), _isolated(facts))
                assert fingerprint(again) == fingerprint(out), step.name
                checked["settles"] += 1
            return out
        return dataclasses.replace(step, run=run)
    FACTS: list = [None]
    first = dataclasses.replace(pipeline.PASSES[0], run=_remembering(
        pipeline.PASSES[0].run, FACTS))
    monkeypatch.setattr(pass_manager.Index, "wants", checking_wants)
    monkeypatch.setattr(pipeline, "PASSES", (first, *map(settled, pipeline.PASSES[1:])))
    for name in sorted(test_golden.CASES):
        make, args = test_golden.CASES[name]
        _forget_made()
        make()(*args)
    assert checked["needs"] > 50 and checked["settles"] > 50, checked


def _forget_made() -> None:
    """A fresh state: the derivatives made before made again (their passes run)."""
    import sys

    from s2sad import api
    api._CACHE.clear()
    made = sys.modules.get("s2sad.made_before")
    if made is not None:
        made._MADE.clear()
    pipeline.forget()


def _remembering(run, into: list):
    def first(body, facts):
        into[0] = facts
        return run(body, facts)
    return first
