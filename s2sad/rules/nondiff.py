"""What carries no derivative: constructors, shape queries, indices and
predicates, random numbers.  Their outputs are constants to the derivative.

Three constructors do take a differentiable argument and get rules here:
``np.full`` / ``np.full_like`` (the fill value) and ``np.linspace`` (the end
points).
"""
import logging
import warnings

import numpy as np

from s2sad.rules.facts import deffacts
from s2sad.rules.registry import deffixed, defjvp, defnondiff, defvjp

# ----- constructors -----
defnondiff(np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like, np.eye,
           np.identity, np.arange, np.tri, np.indices, np.diag_indices, np.tril_indices,
           np.triu_indices, np.ix_)
deffacts((np.zeros, np.zeros_like), "finite nonneg nonpos unit")
deffacts((np.ones, np.ones_like), "finite pos nonneg unit")
deffacts((np.eye, np.identity), "finite nonneg unit")
deffacts((np.arange, np.linspace), "finite")
deffacts((np.shape, len), "finite nonneg")

# ----- constructors with a differentiable fill value or end points -----
defvjp(np.full, "shape, fill_value, dtype=None, order='C'", None, "unbroadcast(g, fill_value)")
defjvp(np.full, "shape, fill_value, dtype=None, order='C'", None,
       "np.full(shape, dfill_value, dtype=dtype)")
defvjp(np.full_like, "a, fill_value, dtype=None", None, "unbroadcast(g, fill_value)")
defjvp(np.full_like, "a, fill_value, dtype=None", None,
       "np.full(np.shape(ans), dfill_value, dtype=np.result_type(ans, float))")
LINSPACE = "start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0"
defvjp(np.linspace, LINSPACE, "linspace_adjoint(g, start, stop, num, endpoint, axis, 0)",
       "linspace_adjoint(g, start, stop, num, endpoint, axis, 1)")
defjvp(np.linspace, LINSPACE, "np.linspace(dstart, 0 * stop, num, endpoint, axis=axis)",
       "np.linspace(0 * start, dstop, num, endpoint, axis=axis)")
deffixed(np.linspace, retstep=False)  # (the pair (samples, step): no rule for it)

# ----- shapes and types -----
defnondiff(np.shape, np.ndim, np.size, np.result_type, np.dtype, np.finfo, np.iinfo,
           np.issubdtype, np.isscalar, np.iscomplexobj, np.isrealobj, np.broadcast_shapes,
           np.can_cast)

# ----- indices: arg-reductions, searches, counts -----
defnondiff(np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero,
           np.nanargmax, np.nanargmin, np.count_nonzero, np.searchsorted, np.digitize,
           np.ravel_multi_index, np.unravel_index, np.lexsort, np.argpartition)

# ----- predicates and logic -----
defnondiff(np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
           np.isnan, np.isinf, np.isfinite, np.isposinf, np.isneginf, np.isclose,
           np.allclose, np.array_equal, np.array_equiv, np.any, np.all, np.logical_and,
           np.logical_or, np.logical_not, np.logical_xor, np.isin, np.iscomplex, np.isreal)

# ----- integers and bits -----
defnondiff(np.gcd, np.lcm, np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert,
           np.left_shift, np.right_shift)
# NumPy's integer and bool scalar types, called as int() is (np.int64(2.7 * a) is 2)
defnondiff(np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
           np.uint64, np.intp, np.bool_)

# ----- random numbers -----
# (draws whose parameters move them, and choice / permutation of an array: draws.py)
defnondiff(np.random.seed, np.random.default_rng, np.random.rand, np.random.randn,
           np.random.randint, np.random.random, np.random.random_sample,
           np.random.standard_normal, np.random.shuffle, np.random.poisson,
           np.random.binomial)

# ----- reporting: logs and warnings, run as they are (their value is None) -----
defnondiff(logging.debug, logging.info, logging.warning, logging.error, logging.critical,
           logging.exception, logging.log, logging.Logger.debug, logging.Logger.info,
           logging.Logger.warning, logging.Logger.error, logging.Logger.critical,
           logging.Logger.exception, logging.Logger.log, warnings.warn)
