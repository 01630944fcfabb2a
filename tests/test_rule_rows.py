"""The rule rows' data does not depend on the rows before them (rule_rows.py): the
table is built twice from the row files' own source, once with extra rows inserted
early, and every other row's arguments come out bit-identical."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest

import rule_rows
from gradcheck import bit_identical
from rule_rows import N, P, collecting, describe, draw, materialize, register, well

HERE = pathlib.Path(__file__).parent
FILES = ["rule_rows", "helper_rows", "rows_decompositions", "rows_extra", "rows_fft",
         "rows_scipy", "rows_stats"]
ANCHOR = "# ----- operators and builtins -----\n"


def build(extra: str = "") -> list[rule_rows.Row]:
    """Every row file executed afresh (``extra`` inserted at the top of rule_rows.py's
    rows), into lists of their own: the imported table is left alone."""
    rows: list[rule_rows.Row] = []
    for name in FILES:
        text = (HERE / f"{name}.py").read_text()
        if name == "rule_rows":
            assert text.count(ANCHOR) == 1
            text = text.replace(ANCHOR, ANCHOR + extra)
        namespace = {"__name__": name, "__file__": str(HERE / f"{name}.py")}
        collected: list[rule_rows.Row] = []
        with collecting(collected):
            exec(compile(text, str(HERE / f"{name}.py"), "exec"), namespace)
        # rule_rows.py run afresh appends to its own new ROWS; the others to ``collected``
        rows += namespace["ROWS"] if name == "rule_rows" else collected
    return rows


def changed(before: list, after: list) -> list[str]:
    """Keys (in ``before``) of the rows whose arguments differ, row by row in order."""
    assert [r.fn for r in before] == [r.fn for r in after]
    return [a.key for a, b in zip(before, after)
            if not (bit_identical(a.args, b.args) and bit_identical(a.kwargs, b.kwargs))]


@pytest.fixture(scope="module")
def plain():
    return build()


def test_the_fresh_build_is_the_imported_table(plain) -> None:
    import helper_rows  # noqa: F401
    import rows_decompositions  # noqa: F401
    import rows_extra  # noqa: F401
    import rows_fft  # noqa: F401
    import rows_scipy  # noqa: F401
    import rows_stats  # noqa: F401
    assert len(plain) == len(rule_rows.ROWS) > 1000
    # the row files may have been imported in any order (a test module importing one of
    # them first): compare row by row in key order
    imported = sorted(rule_rows.ROWS, key=lambda r: r.key)
    fresh = sorted(plain, key=lambda r: r.key)
    assert [r.key for r in fresh] == [r.key for r in imported]
    assert changed(imported, fresh) == []


def test_an_inserted_row_changes_no_other_row(plain) -> None:
    # a new function, a known function with new shapes, a known function with new kwargs
    extra = ("R(np.nanprod, N(4, 5))\nR(operator.add, N(7), P(7))\n"
             "R(np.sum, N(2, 3, 4), axis=2)\n")
    more = build(extra)
    assert [r.key for r in more[:3]] == [
        "rule_rows|numpy.nanprod|tuple[N(4, 5)]|{}|0",
        "rule_rows|_operator.add|tuple[N(7,), P(7,)]|{}|0",
        "rule_rows|numpy.sum|tuple[N(2, 3, 4)]|{axis=2}|0"]
    assert changed(plain, more[3:]) == []
    assert [r.key for r in more[3:]] == [r.key for r in plain]


def test_a_duplicate_row_shifts_only_its_twins(plain) -> None:
    """The check above can fail: a row described exactly like existing ones takes the
    first one's ordinal (and its data), and exactly those rows' data moves."""
    more = build("R(operator.neg, N(3))\n")
    twins = [r.key for r in plain if r.key.startswith("rule_rows|_operator.neg|tuple[N(3,)]|")]
    assert twins == ["rule_rows|_operator.neg|tuple[N(3,)]|{}|0"]
    assert changed(plain, more[1:]) == twins
    old = plain[[r.key for r in plain].index(twins[0])]
    assert bit_identical(more[0].args, old.args) and more[0].key == old.key


def test_rows_of_one_description_draw_apart_and_within_a_row_once() -> None:
    rows: list[rule_rows.Row] = []
    a = N(3)
    register(rows, "m", np.add, (a, a), {})
    register(rows, "m", np.add, (a, a), {})
    first, second = rows
    assert first.key.endswith("|0") and second.key.endswith("|1")
    assert bit_identical(first.args[0], first.args[1])  # one description, drawn once per row
    assert not bit_identical(first.args[0], second.args[0])  # drawn afresh in the next row
    # the seed comes from the key alone
    again: list[rule_rows.Row] = []
    register(again, "m", np.subtract, (N(2),), {})
    b = N(3)
    register(again, "m", np.add, (b, b), {})
    assert bit_identical(again[1].args, first.args) and again[1].seed == first.seed


def test_domains_and_expressions() -> None:
    x = draw([rule_rows.P(200), rule_rows.U(200), rule_rows.G(200), rule_rows.H(200)], 1)
    assert x[0].min() >= 0.5 and x[0].max() <= 2.0
    assert x[1].min() >= -0.8 and x[1].max() <= 0.8
    assert x[2].min() >= 1.2 and x[2].max() <= 3.0
    assert x[3].min() >= 0.1 and x[3].max() <= 0.9
    assert isinstance(draw(N(), 0), float) and isinstance(draw(P(), 0), float)
    w, s = draw((well(2, 4), rule_rows.spd(4)), 2)
    assert w.shape == (2, 4, 4) and np.linalg.cond(w).max() < 20
    np.testing.assert_array_equal(s, s.T)
    assert np.linalg.eigvalsh(s).min() >= 4 - 1e-12
    b = N(3, 4)
    got = draw((b, 0.5 * b - 0.5, b.T, np.std(b, axis=1), b > 0, b[1:, ::2].reshape(-1)), 3)
    np.testing.assert_array_equal(got[1], 0.5 * got[0] - 0.5)
    np.testing.assert_array_equal(got[2], got[0].T)
    np.testing.assert_array_equal(got[3], np.std(got[0], axis=1))
    np.testing.assert_array_equal(got[4], got[0] > 0)
    np.testing.assert_array_equal(got[5], got[0][1:, ::2].reshape(-1))
    assert describe((b, {"axis": 1})) == "tuple[N(3, 4), {axis=1}]"
    with pytest.raises(TypeError):
        bool(b > 0)
    with pytest.raises(TypeError):
        list(b)
    # the same generator state gives the same draw; materialize reads left to right
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    assert bit_identical(materialize([N(2), N(2)], r1),
                         [r2.standard_normal(2), r2.standard_normal(2)])
