"""gast_parse.parse makes the tree gast.parse makes: node for node, the same fields (in
the same order) and positions, on constructs gast converts specially and on whole
modules of this repository."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gast
import pytest

from s2sad.compiler import gast_parse

CONSTRUCTS = '''
import numpy as np
from math import sin as s


@decorated(1)
def f(x, y=2.0, *args, k: int = 3, **kw) -> float:
    """A docstring."""
    global g
    z = [i * i for i in range(3) if i]
    w = {k: v for k, v in zip("ab", (1, 2))}
    lam = lambda a, b=1: a + b
    t = x[1:-1, ::2, None, ...]
    u = f"{x!r:>{y}} and {z}"
    x @= y
    del w["a"]
    try:
        pass
    except (ValueError, TypeError) as err:
        raise RuntimeError("no") from err
    except Exception:
        pass
    else:
        pass
    finally:
        pass
    with open("f") as fh, np.errstate(all="ignore"):
        pass
    while x > 0 and not y or z is None:
        x -= 1
        if x in w:
            break
        continue
    for i, (a, b) in enumerate([(1, 2)]):
        assert a != b, "differ"
    match x:
        case [1, *rest]:
            pass
        case {"k": v, **others}:
            pass
        case Point(x=0) | None:
            pass
        case _:
            pass
    return -1.5e-3 + 2j if x else {1, 2} | {3}


async def g(a):
    async with a as b:
        async for c in b:
            await c
    yield a
    yield from a


class C(Base, metaclass=Meta):
    attr: int = 1

    def method(self, /, p, *, q):
        nonlocal_value = (yield)
        return self.attr, p, q, nonlocal_value
'''


def _same(a: Any, b: Any, path: str) -> None:
    assert type(a) is type(b), path
    if isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, gast.AST):
        assert list(vars(a)) == list(vars(b)), path
        for key in vars(a):
            _same(vars(a)[key], vars(b)[key], f"{path}.{key}")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), path
    else:
        assert a == b, path


def test_the_constructs_gast_converts_specially() -> None:
    _same(gast_parse.parse(CONSTRUCTS), gast.parse(CONSTRUCTS), "module")


@pytest.mark.parametrize("name", ["normalize", "alias", "reverse", "render", "dims"])
def test_a_module_of_the_compiler(name: str) -> None:
    text = (Path(gast_parse.__file__).parent / f"{name}.py").read_text()
    _same(gast_parse.parse(text), gast.parse(text), name)
