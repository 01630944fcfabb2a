"""A method of a scipy.stats distribution frozen in the call, ``st.norm(m, s).logpdf(x)``
(``st.multivariate_normal(mu, cov).pdf(x)``, ``st.gamma(a).entropy()``): the
distribution's own method, its parameters passed after the data,
``st.norm.logpdf(x, m, s)``, which has a closed form (rules/scipy_stats.py).  The frozen
object made inside the function was refused as an object whose methods are not known."""
from __future__ import annotations

import copy
import sys
from typing import TYPE_CHECKING, Any

import gast

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

METHODS = frozenset({"logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf", "logpmf",
                     "pmf", "entropy"})


def unfrozen(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``dist(*params).method(*data)`` as ``dist.method(*data, *params)``, and so
    ``d.method(*data)`` of ``d = dist(*params)`` (:func:`frozen_made`); else ``node``."""
    func = node.func
    if not isinstance(func, gast.Attribute) or func.attr not in METHODS or \
            "scipy.stats" not in sys.modules:
        return node
    made = func.value
    if isinstance(made, gast.Name) and made.id in norm.frozen:
        dist, args, keywords = norm.frozen[made.id]
    elif isinstance(made, gast.Call) and _distribution(norm.resolve(made.func)):
        dist, args, keywords = made.func, made.args, made.keywords
    else:
        return node
    method = gast.Attribute(value=copy.deepcopy(dist), attr=func.attr, ctx=gast.Load())
    return gast.copy_location(gast.Call(
        func=gast.copy_location(method, func),
        args=list(node.args) + [copy.deepcopy(a) for a in args],
        keywords=list(node.keywords) + [copy.deepcopy(k) for k in keywords]), node)


def frozen_made(norm: Normalizer, s: gast.Assign) -> bool:
    """``d = st.norm(m, s)`` bound once: its methods' calls ``d.logpdf(x)`` become
    ``st.norm.logpdf(x, m, s)`` (:func:`unfrozen`), the parameters taken here, as the
    frozen object holds them (True); the name is not otherwise a value (refused where it
    is, :meth:`Normalizer.expr_Name`).  Was refused as an object whose methods are not
    known."""
    value, target = s.value, s.targets[0]
    if not (isinstance(value, gast.Call) and isinstance(target, gast.Name) and
            norm.stores[target.id] == 1 and "scipy.stats" in sys.modules and
            _distribution(norm.resolve(value.func)) and
            not any(isinstance(a, gast.Starred) for a in value.args) and
            all(k.arg is not None for k in value.keywords)):
        return False
    from s2sad.compiler.assignments import held_now
    taken = [held_now(norm, a) for a in value.args]
    keywords = [gast.keyword(arg=k.arg, value=held_now(norm, k.value)) for k in value.keywords]
    norm.frozen[target.id] = (value.func, taken, keywords)
    return True


def _distribution(obj: Any) -> bool:
    """One of scipy.stats' distributions (calling it freezes it)."""
    if obj is None:
        return False
    stats = sys.modules["scipy.stats"]
    kinds: tuple = (stats.rv_continuous, stats.rv_discrete)
    multivariate = getattr(getattr(stats, "_multivariate", None), "multi_rv_generic", None)
    return isinstance(obj, kinds + ((multivariate,) if multivariate is not None else ()))
