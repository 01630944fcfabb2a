"""Checking one program: s2sad's value_and_grad, grad, vjp and jvp against central finite
differences in float64.

A mismatch is re-checked with a larger and a smaller step: when the finite differences
of the different steps disagree among themselves the program is non-smooth at the point
(a kink of max/abs/where, a branch or a while loop's trip count changing within the step)
and the seed is "nonsmooth", not "WRONG".  A derivative that matches the differences of
some step is FD noise, not a bug.
"""
from __future__ import annotations

import copy
import importlib.util
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import s2sad
from tools.fuzz import second

STEPS = (1e-6, 1e-4, 1e-8)
RTOL, ATOL = 1e-4, 1e-7


def flatten(x: Any) -> np.ndarray:
    if isinstance(x, dict):
        return np.concatenate([flatten(x[k]) for k in x] or [np.zeros(0)])
    if isinstance(x, (list, tuple)):
        return np.concatenate([flatten(v) for v in x] or [np.zeros(0)])
    return np.array(x, dtype=float).ravel()


def unflatten(like: Any, flat: np.ndarray) -> Any:
    """A value with the structure of ``like`` and the entries ``flat``."""
    out, _ = _unflatten(like, flat, 0)
    return out


def _unflatten(like: Any, flat: np.ndarray, at: int) -> tuple[Any, int]:
    if isinstance(like, dict):
        made = {}
        for k in like:
            made[k], at = _unflatten(like[k], flat, at)
        return made, at
    if isinstance(like, (list, tuple)):
        items = []
        for v in like:
            item, at = _unflatten(v, flat, at)
            items.append(item)
        return (items if isinstance(like, list) else tuple(items)), at
    if isinstance(like, np.ndarray):
        return flat[at:at + like.size].reshape(like.shape).copy(), at + like.size
    return float(flat[at]), at + 1


def load(path: Path, name: str) -> Any:
    """Import the module at ``path`` as ``name`` (a real file: inspect.getsource works)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Point:
    """``f`` at fixed arguments: calls on fresh copies, derivatives by differences."""

    def __init__(self, f: Callable, args: tuple) -> None:
        self.f, self.args = f, args
        self.flat = flatten(args)
        self.value = self.call(self.flat)

    def call(self, flat: np.ndarray) -> float:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(self.f(*unflatten(self.args, flat)))

    def directional(self, v: np.ndarray, h: float) -> float:
        return (self.call(self.flat + h * v) - self.call(self.flat - h * v)) / (2 * h)

    def grad(self, h: float) -> np.ndarray:
        eye = np.eye(self.flat.size)
        return np.array([self.directional(e, h) for e in eye])


def close(actual: np.ndarray, expected: np.ndarray, value: float) -> bool:
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1.0)
    tol = RTOL * np.maximum(np.abs(expected), 1e-2 * scale) + ATOL * (1.0 + abs(value))
    return bool(np.all(np.abs(actual - expected) <= tol))


def judge(actual: np.ndarray, fd: Callable[[float], np.ndarray], value: float) -> str:
    """'ok', 'nonsmooth' or 'WRONG' for a derivative against differences of each step."""
    first = fd(STEPS[0])
    if close(actual, first, value):
        return "ok"
    others = [fd(h) for h in STEPS[1:]]
    if any(close(actual, o, value) for o in others):
        return "ok"
    if not all(close(o, first, value) for o in others):
        return "nonsmooth"
    if not (np.all(np.isfinite(first)) and np.all(np.isfinite(actual))):
        return "nonsmooth" if not np.all(np.isfinite(first)) else "WRONG"
    return "WRONG"


def run_checks(f: Callable, make_args: Callable[[], tuple], seed: int,
               only: tuple[str, ...] = (), points: int = 2, order: int = 1) -> dict:
    """Every check of one program (or those named in ``only``) at ``points`` argument
    values of the same shapes (the second through the same derivative objects: their
    repeated-call path, and often the other branch); the classes of each and of the seed.
    ``order=2``: the checks of its hessian-vector product (tools/fuzz/second.py), by
    default only value_and_grad and jvp with respect to every argument (reverse over
    reverse, forward over reverse: a second-order transform takes seconds)."""
    first = make_args()
    if order == 2:
        if (hv := second.hessian_vector(f, first, seed)) is None:
            return {"class": "skipped", "why": "no array or float argument for second order"}
        f, only = hv, only or second.CHECKS
    wrt = tuple(range(len(first)))
    entries = {"value_and_grad": s2sad.value_and_grad(f, wrt=wrt),
               "grad": s2sad.grad(f, wrt=wrt),  # (the lean variant: no value computed)
               "vjp": s2sad.vjp(f, wrt=wrt), "jvp": s2sad.jvp(f, wrt=wrt)}
    # one argument alone: what is not differentiated is inactive (the activity analysis)
    k = int(np.random.default_rng(seed).integers(len(first)))
    entries[f"value_and_grad[{k}]"] = s2sad.value_and_grad(f, wrt=k)
    entries[f"jvp[{k}]"] = s2sad.jvp(f, wrt=k)
    rng = np.random.default_rng(seed + 99)
    checks: dict[str, dict] = {}
    for p in range(points):
        args = first if p == 0 else \
            unflatten(first, rng.uniform(-1.2, 1.2, flatten(first).size))
        try:
            point = Point(f, args)
        except Exception as e:  # the generated program itself failed: not s2sad's fault
            if p == 0:
                return {"class": "skipped", "why": f"{type(e).__name__}: {e}"}
            continue
        if not np.isfinite(point.value) or abs(point.value) > 1e8:
            if p == 0:
                return {"class": "skipped", "why": f"value {point.value}"}
            continue
        suffix = "" if p == 0 else f"@{p + 1}"
        for name, (call, fd, factor, like) in plans_at(point, args, entries, rng).items():
            if not only or name in only:
                checks[name + suffix] = one_check(call, fd, factor, point, args, like)
    return {"class": seed_class([c["class"] for c in checks.values()]), "checks": checks}


def plans_at(point: Point, args: tuple, entries: dict, rng: np.random.Generator) -> dict:
    """For each entry point: its call, the finite differences it is compared with, the
    factor its derivative is divided by (None: a jvp, compared as it is), and the value
    whose types, shapes and structure the derivative must have (None: a jvp's)."""
    grad_cache: dict[float, np.ndarray] = {}

    def fd_grad(h: float) -> np.ndarray:
        if h not in grad_cache:
            grad_cache[h] = point.grad(h)
        return grad_cache[h]

    u = float(rng.standard_normal())
    v = rng.standard_normal(point.flat.size)
    tangents = unflatten(args, v)
    plans = {
        "value_and_grad": (lambda: entries["value_and_grad"](*args), fd_grad, 1.0, args),
        "grad": (lambda: (point.value, entries["grad"](*args)), fd_grad, 1.0, args),
        "vjp": (lambda: entries["vjp"](*args, u), fd_grad, u, args),
        "jvp": (lambda: entries["jvp"](*args, *tangents),
                lambda h: np.array([point.directional(v, h)]), None, None),
    }
    for name in entries:
        if name.startswith("value_and_grad["):
            k = int(name[len("value_and_grad["):-1])
            lo = sum(flatten(a).size for a in args[:k])
            hi = lo + flatten(args[k]).size
            vk = np.zeros_like(v)
            vk[lo:hi] = v[lo:hi]
            plans[name] = (lambda e=entries[name]: e(*args),
                           lambda h, lo=lo, hi=hi: fd_grad(h)[lo:hi], 1.0, args[k])
            plans[f"jvp[{k}]"] = (
                lambda e=entries[f"jvp[{k}]"], t=tangents[k]: e(*args, t),
                lambda h, vk=vk: np.array([point.directional(vk, h)]), None, None)
    return plans


def one_check(call: Callable, fd: Callable, factor: float | None, point: Point,
              args: tuple, like: Any = None) -> dict:
    saved = copy.deepcopy(args)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value, deriv = call()
    except s2sad.DifferentiationError as e:
        return {"class": "refused", "error": str(e).splitlines()[0][:300]}
    except Exception as e:
        tb = traceback.format_exc().splitlines()
        return {"class": "CRASH", "error": f"{type(e).__name__}: {str(e)[:300]}",
                "traceback": tb[-12:]}
    if not same(saved, args):
        return {"class": "CRASH", "error": "MUTATED: s2sad changed an argument of f"}
    if not np.isclose(float(value), point.value, rtol=1e-8, atol=1e-10):
        return {"class": "WRONG", "error": f"value {float(value)!r} != f's {point.value!r}"}
    if like is not None and (bad := structure_error(deriv, like)):
        return {"class": "WRONG", "error": f"gradient structure: {bad}"}
    actual = flatten(deriv) if factor is not None else np.array([float(deriv)])
    if factor is not None:
        actual = actual / factor
    verdict = judge(actual, fd, point.value)
    out = {"class": verdict}
    if verdict == "WRONG":
        expected = fd(1e-6)
        j = int(np.argmax(np.abs(actual - expected)))
        out["error"] = (f"derivative entry {j}: s2sad {actual[j]!r} vs finite differences "
                        f"{expected[j]!r}")
    return out


def structure_error(g: Any, x: Any, where: str = "") -> str | None:
    """Why the gradient ``g`` has not the type, shape and structure of ``x`` (API.md:
    float for float, an array of the same shape, the same containers), or None."""
    if isinstance(x, (list, tuple, dict)):
        if type(g) is not type(x) or len(g) != len(x) or \
                (isinstance(x, dict) and list(g) != list(x)):
            return f"{where or 'top'}: {type(g).__name__} for {type(x).__name__}"
        keys = list(x) if isinstance(x, dict) else range(len(x))
        return next((e for k in keys if (e := structure_error(g[k], x[k], f"{where}[{k!r}]"))),
                    None)
    if isinstance(x, np.ndarray):
        if not isinstance(g, np.ndarray) or g.shape != x.shape or g.dtype != x.dtype:
            return f"{where}: {type(g).__name__} {getattr(g, 'shape', '')} for {x.shape}"
        return None
    return None if isinstance(g, float) else f"{where}: {type(g).__name__} for a float"


def same(a: Any, b: Any) -> bool:
    fa, fb = flatten(a), flatten(b)
    return fa.shape == fb.shape and bool(np.array_equal(fa, fb, equal_nan=True))


def seed_class(classes: list[str]) -> str:
    for c in ("WRONG", "CRASH", "nonsmooth", "refused"):
        if c in classes:
            return c
    return "ok"
