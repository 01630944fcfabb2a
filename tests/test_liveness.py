"""compiler/liveness.py: names live after each statement; with ``faint``, strong
liveness (a removable statement whose target is dead keeps nothing alive)."""
import gast

from s2sad.compiler.liveness import live_after


def _body(src: str) -> list:
    return gast.parse(src).body


def _pure_assign(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and isinstance(s.value, (gast.BinOp, gast.Name))


def test_a_chain_only_dead_code_reads_is_dead_at_once() -> None:
    body = _body("a = x + 1\nb = a * 2\nc = b + a\nuse(x)")
    weak: dict = {}
    live_after(body, weak)
    assert weak[id(body[0])] == {"a", "x", "use"}  # b reads a, c reads both: live, weakly
    strong: dict = {}
    live_after(body, strong, faint=_pure_assign)
    assert strong[id(body[0])] == {"x", "use"} == strong[id(body[1])]


def test_a_value_only_its_own_updates_read_is_dead() -> None:
    body = _body("s = 0.0\nfor i in range(n):\n    s = s + x\nuse(x)")
    strong: dict = {}
    live_after(body, strong, faint=_pure_assign)
    assert "s" not in strong[id(body[0])]
    weak: dict = {}
    live_after(body, weak)
    assert "s" in weak[id(body[0])]


def test_a_read_by_a_statement_that_stays_keeps_the_chain() -> None:
    body = _body("a = x + 1\nb = a * 2\nuse(b)")
    strong: dict = {}
    live_after(body, strong, faint=_pure_assign)
    assert strong[id(body[0])] == {"a", "use"} and strong[id(body[1])] == {"b", "use"}


def test_a_loop_test_keeps_what_it_reads() -> None:
    body = _body("w = 0.0\nwhile w < 3.0:\n    w = w + y\nuse(y)")
    strong: dict = {}
    live_after(body, strong, faint=_pure_assign)
    assert "w" in strong[id(body[0])]
