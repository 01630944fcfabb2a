"""``rng.normal(mu, sigma, n)`` of a generator made inside the function or passed in
(whose class the derivative does not know when it is made): the draw called through a
helper of its own, which ``rules/draws.py`` gives the pathwise rule of
``np.random.normal``.  A helper checks that it was given a NumPy generator: another
object's ``normal`` method may compute anything (never differentiated as a draw)."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["draw_normal", "draw_laplace", "draw_logistic", "draw_gumbel", "draw_uniform",
           "draw_exponential", "draw_rayleigh", "draw_gamma", "draw_lognormal"]


def _method(generator: Any, name: str) -> Any:
    if not isinstance(generator, (np.random.Generator, np.random.RandomState)):
        raise TypeError(f".{name}() of a {type(generator).__name__} object: s2sad "
                        f"differentiates .{name}() of a NumPy random generator only "
                        f"(np.random.default_rng); pass the object in as a global")
    return getattr(generator, name)


def draw_normal(generator: Any, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "normal")(loc, scale, size)


def draw_laplace(generator: Any, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "laplace")(loc, scale, size)


def draw_logistic(generator: Any, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "logistic")(loc, scale, size)


def draw_gumbel(generator: Any, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "gumbel")(loc, scale, size)


def draw_uniform(generator: Any, low: Any = 0.0, high: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "uniform")(low, high, size)


def draw_exponential(generator: Any, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "exponential")(scale, size)


def draw_rayleigh(generator: Any, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "rayleigh")(scale, size)


def draw_gamma(generator: Any, shape: Any, scale: Any = 1.0, size: Any = None) -> Any:
    return _method(generator, "gamma")(shape, scale, size)


def draw_lognormal(generator: Any, mean: Any = 0.0, sigma: Any = 1.0, size: Any = None
                   ) -> Any:
    return _method(generator, "lognormal")(mean, sigma, size)
