"""Runner adapters: one way each of evaluating a problem (f itself) or its
gradient (hand-written, s2sad, autograd, jax eager, jax.jit, torch).

A runner's ``prepare(problem, args)`` does the one-time setup (building the
gradient function, moving arguments to the framework's arrays) and returns a
``Prepared`` whose ``call()`` evaluates once, blocking until the result is
ready, and whose ``to_numpy(result)`` turns a gradient into a tuple of numpy
arrays / floats in ``wrt`` order for the correctness check.

autograd, jax and torch run the problem's own function object with its module
global ``np`` rebound (``rebind``) to ``autograd.numpy``, ``jax.numpy`` or
``TORCH_NP``, a namespace mapping the numpy names the problems use to torch
ops (direct aliases; only the reductions are wrapped, to translate
``axis``/``keepdims``).
"""

from __future__ import annotations

import importlib
import os
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


class NotApplicable(Exception):
    """The runner cannot express this problem (reported as n/a)."""


@dataclass
class Prepared:
    call: Callable[[], Any]
    to_numpy: Callable[[Any], tuple]


def rebind(func: Callable, npmod: Any) -> Callable:
    """``func`` with its module global ``np`` replaced by ``npmod``.

    Every function of the same module is re-created against the new globals
    too, so helpers the problem calls (``drag_accel``) see the same ``np``.
    """
    old = func.__globals__
    new = dict(old)
    new["np"] = npmod
    for name, value in old.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is old:
            new[name] = types.FunctionType(value.__code__, new, value.__name__,
                                           value.__defaults__, value.__closure__)
    return new[func.__name__]


def _as_tuple(grads: Any, n: int) -> tuple:
    if n == 1 and not isinstance(grads, (tuple, list)):
        return (grads,)
    return tuple(grads)


def _np_out(g: Any) -> Any:
    a = np.asarray(g, dtype=np.float64)
    return float(a) if a.ndim == 0 else a


class Runner:
    name = "?"
    module: str | None = None  # package whose absence makes the runner n/a
    numpy_based = True  # memory measured with tracemalloc (else RSS)
    is_gradient = True

    def unavailable(self) -> str | None:
        """None when usable, else the reason it is not."""
        if self.module is None:
            return None
        try:
            importlib.import_module(self.module)
        except Exception as exc:  # ImportError, or a broken install
            return f"{self.module} not importable ({type(exc).__name__}: {exc})"
        return None

    def prepare(self, problem, args: tuple) -> Prepared:
        raise NotImplementedError

    def not_applicable(self, exc: BaseException) -> str | None:
        """A reason when ``exc`` (raised by prepare or the first call) means
        the problem cannot be expressed with this runner."""
        return None


def _numpy_prepared(fn: Callable, args: tuple, n: int) -> Prepared:
    return Prepared(lambda: fn(*args), lambda g: tuple(_np_out(x) for x in _as_tuple(g, n)))


class FRunner(Runner):
    name = "f"
    is_gradient = False

    def prepare(self, problem, args):
        return Prepared(lambda: problem.func(*args), lambda v: (_np_out(v),))


class HandRunner(Runner):
    name = "hand"

    def prepare(self, problem, args):
        return _numpy_prepared(problem.hand_grad, args, len(problem.wrt))


def _s2sad_warmup(x):
    return x * x


class S2sadRunner(Runner):
    name = "s2sad"
    module = "s2sad"

    def unavailable(self):
        reason = super().unavailable()
        if reason is None and not hasattr(importlib.import_module("s2sad"), "grad"):
            reason = "s2sad has no grad yet"
        if reason is None:  # load s2sad's lazily imported parts outside any measurement
            import s2sad

            try:
                s2sad.grad(_s2sad_warmup)(1.0)
            except Exception as exc:
                reason = f"s2sad.grad fails on x * x ({type(exc).__name__}: {exc})"
        return reason

    def prepare(self, problem, args):
        import s2sad

        g = s2sad.grad(problem.func, wrt=problem.wrt)
        return _numpy_prepared(g, args, len(problem.wrt))


def _functional(problem: Any) -> Callable:
    """The problem's function as the tools without in-place writes can run it."""
    return problem.functional_func or problem.func


class AutogradRunner(Runner):
    name = "autograd"
    module = "autograd"

    def prepare(self, problem, args):
        import autograd
        import autograd.numpy as anp

        g = autograd.grad(rebind(_functional(problem), anp), argnum=problem.wrt)
        return _numpy_prepared(g, args, len(problem.wrt))


class JaxRunner(Runner):
    name = "jax"
    module = "jax"
    numpy_based = False
    jit = False

    def unavailable(self):
        reason = super().unavailable()
        if reason is None:
            import jax

            jax.config.update("jax_enable_x64", True)
            jax.numpy.ones(2).block_until_ready()  # initialise the backend now
        return reason

    def prepare(self, problem, args):
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        g = jax.grad(rebind(_functional(problem), jnp), argnums=problem.wrt)
        if self.jit:
            static = tuple(i for i, a in enumerate(args) if isinstance(a, int))
            g = jax.jit(g, static_argnums=static)
        jargs = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)
        n = len(problem.wrt)
        return Prepared(lambda: jax.block_until_ready(g(*jargs)),
                        lambda out: tuple(_np_out(x) for x in _as_tuple(out, n)))

    def not_applicable(self, exc):
        import jax

        if self.jit and isinstance(exc, (jax.errors.ConcretizationTypeError,
                                         jax.errors.TracerIntegerConversionError)):
            return (f"jax.jit cannot trace data-dependent Python control flow "
                    f"({type(exc).__name__})")
        return None


class JaxJitRunner(JaxRunner):
    name = "jax.jit"
    jit = True


def _torch_reduction(op: Callable) -> Callable:
    def reduce(x, axis=None, keepdims=False):
        if axis is None:
            return op(x)
        return op(x, dim=axis, keepdim=keepdims)

    reduce.__name__ = op.__name__
    return reduce


def _make_torch_np() -> types.SimpleNamespace:
    import torch

    ns = types.SimpleNamespace(float64=torch.float64, pi=np.pi)
    for name in ("maximum", "minimum", "where", "zeros_like", "ones_like", "outer", "einsum",
                 "diag"):
        setattr(ns, name, getattr(torch, name))
    for name in ("sin", "cos", "tan", "exp", "log", "log1p", "expm1", "tanh", "sqrt",
                 "arctan", "abs", "square"):  # also of a Python float, as numpy's are
        setattr(ns, name, _torch_unary(getattr(torch, name)))
    ns.eye = lambda n: torch.eye(n, dtype=torch.float64)
    ns.arange = torch.arange  # (of ints: an index, logp[np.arange(n), labels])
    ns.array = lambda items: torch.stack([torch.as_tensor(v, dtype=torch.float64)
                                          for v in items])
    ns.linalg = types.SimpleNamespace(inv=torch.linalg.inv, slogdet=torch.linalg.slogdet,
                                      cholesky=torch.linalg.cholesky,
                                      solve=torch.linalg.solve, norm=torch.linalg.norm)
    ns.sum = _torch_reduction(torch.sum)
    ns.mean = _torch_reduction(torch.mean)
    ns.max = _torch_reduction(torch.amax)
    ns.min = _torch_reduction(torch.amin)
    ns.zeros = lambda shape: torch.zeros(shape, dtype=torch.float64)
    ns.pad = lambda x, width, mode="constant": torch.nn.functional.pad(x, (width, width) * x.dim())
    ns.ones = lambda shape: torch.ones(shape, dtype=torch.float64)
    ns.full = lambda shape, value: torch.full((shape,) if isinstance(shape, int) else shape,
                                              0.0, dtype=torch.float64) + value
    ns.var = lambda x, axis=None, keepdims=False: torch.var(
        x, dim=axis, keepdim=keepdims, unbiased=False)
    ns.inf = np.inf
    ns.cumsum = lambda x, axis=0: torch.cumsum(x, dim=axis)
    ns.roll = lambda x, shift, axis=None: torch.roll(x, shift, dims=axis)
    ns.stack = lambda items, axis=0: torch.stack([torch.as_tensor(v, dtype=torch.float64)
                                                  for v in items], dim=axis)
    for name in ("maximum", "minimum"):  # against a Python float too, as numpy's are
        setattr(ns, name, _torch_binary(getattr(torch, name)))
    return ns


def _torch_binary(fn: Callable) -> Callable:
    import torch

    def tensor(v: Any) -> Any:
        return v if isinstance(v, torch.Tensor) else torch.as_tensor(v, dtype=torch.float64)
    return lambda a, b: fn(tensor(a), tensor(b))


def _torch_unary(fn: Callable) -> Callable:
    import torch

    return lambda x: fn(x if isinstance(x, torch.Tensor) else
                        torch.as_tensor(x, dtype=torch.float64))


class TorchRunner(Runner):
    name = "torch"
    module = "torch"
    numpy_based = False

    def unavailable(self):
        reason = super().unavailable()
        if reason is None:
            import torch

            torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or 1))
        return reason

    def prepare(self, problem, args):
        import torch

        f = problem.torch_func or rebind(_functional(problem), _make_torch_np())
        targs = []
        for i, a in enumerate(args):
            if i in problem.wrt:
                a = torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
            elif isinstance(a, np.ndarray):
                a = torch.from_numpy(a)
            targs.append(a)
        leaves = [targs[i] for i in problem.wrt]

        def call():
            return torch.autograd.grad(f(*targs), leaves)

        return Prepared(call, lambda out: tuple(_np_out(x.detach().numpy()) for x in out))


ALL_RUNNERS: list[Runner] = [FRunner(), HandRunner(), S2sadRunner(), AutogradRunner(),
                             JaxRunner(), JaxJitRunner(), TorchRunner()]
BY_NAME = {r.name: r for r in ALL_RUNNERS}
SMOKE_RUNNERS = ("f", "hand", "s2sad")


def get_runners(names: str | None = None) -> list[Runner]:
    """The runners named in a comma-separated list (all when None/empty)."""
    if not names:
        return list(ALL_RUNNERS)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in BY_NAME]
    if unknown:
        raise SystemExit(f"unknown runner(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    return [BY_NAME[n] for n in wanted]
