"""Jacobian sparsity read off the program, and sparse Jacobians in a few passes.

``jacobian_sparsity`` interprets the function's core form once per shape of its
arguments (:mod:`s2sad.compiler.pattern`): no derivative is run. ``jacobian(f,
sparse=True)`` colours the columns (or the rows) of that pattern so that columns
of one colour share no row, runs one JVP (or VJP) of the generated code per
colour, and reads each nonzero off the compressed result.
"""
from __future__ import annotations

import heapq
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad import api, structure
from s2sad.differentiable import differentiable
from s2sad.errors import DifferentiationError


def _sparse() -> Any:
    try:
        import scipy.sparse
    except ImportError:  # pragma: no cover - scipy is optional
        raise DifferentiationError("<s2sad>:?: sparse Jacobians need SciPy: pip install scipy"
                                   ) from None
    return scipy.sparse


def jacobian_sparsity(f: Callable, wrt: Any = 0) -> Callable:
    """``jacobian_sparsity(f, wrt)(*args)``: the boolean pattern of the Jacobian
    (``out.size x arg.size``, a ``scipy.sparse`` CSR matrix; a tuple for a tuple
    ``wrt``), true wherever some input could change the output for some input
    values. ``.reason`` on the returned function says why the last pattern is
    dense when the program could not be followed (None otherwise)."""
    positions, many = structure.resolve_wrt(api.parameters_of(f), wrt)
    cache: dict = {}

    def pattern(*args: Any, **kwargs: Any) -> Any:
        bound = structure.bind_call(api.parameters_of(f), "jacobian_sparsity", args, kwargs)
        values = tuple(bound.arguments.values())
        api.numpy_only("jacobian_sparsity", f, values)
        key = _shape_key(values, positions, {})
        if key not in cache:
            cache[key] = _compute(f, positions, values, {})
        blocks, reason = cache[key]
        pattern.reason = reason  # type: ignore[attr-defined]
        return tuple(blocks) if many else blocks[0]

    pattern.reason = None  # type: ignore[attr-defined]
    return pattern


def _shape_key(values: tuple, positions: tuple, kwargs: dict) -> Any:
    """The pattern holds for every input of these shapes, given the other arguments."""
    def key(i: int, v: Any) -> Any:
        if i in positions:
            return ("wrt", np.shape(v), np.result_type(v).str)
        return ("arg", id(v), repr(v) if np.size(v) < 64 else None)
    return tuple(key(i, v) for i, v in enumerate(values)) + (repr(sorted(kwargs.items())),)


def _compute(f: Callable, positions: tuple, values: tuple, kwargs: dict) -> tuple:
    from s2sad.compiler import deps, pattern, pipeline

    sparse = _sparse()
    sizes = []
    for i in positions:
        v = values[i]
        if not (isinstance(v, (float, int, np.ndarray, np.generic)) and
                np.result_type(v).kind in "fiu"):
            raise DifferentiationError(
                f"<s2sad>:?: jacobian_sparsity: argument {i} is a {type(v).__name__}; "
                "give real arrays or numbers for the arguments in wrt")
        sizes.append(int(np.size(v)))
    width = sum(sizes)
    out = f(*[np.copy(v) if isinstance(v, np.ndarray) else v for v in values], **kwargs)
    if isinstance(out, (list, tuple, dict)):
        raise DifferentiationError("<s2sad>:?: jacobian_sparsity: the function returns a "
                                   f"{type(out).__name__}; return one array or number")
    try:
        prep = pipeline.prepare(differentiable(f), "ssa", _scalars(values),
                                _ranks(values), _known(f, values), at_once=False)
        env = _environment(prep.node, values, positions, sizes, width, kwargs)
        result = pattern.interpret(prep.node, env, prep.namespace, width)
        if isinstance(result, deps.Dep) and np.shape(result.value) != np.shape(out):
            raise pattern.Unmodelled("the pattern's output has another shape")
        full = result.pattern() if isinstance(result, deps.Dep) else \
            sparse.csr_matrix((int(np.size(out)), width), dtype=bool)
        reason = None
    except pattern.Unmodelled as why:
        full = sparse.csr_matrix(np.ones((int(np.size(out)), width), dtype=bool))
        reason = str(why)
    edges = np.cumsum([0] + sizes)
    return [full[:, a:b].tocsr() for a, b in zip(edges[:-1], edges[1:])], reason


def _scalars(values: tuple) -> frozenset:
    return frozenset(i for i, v in enumerate(values) if type(v) in (float, int, np.float64))


def _ranks(values: tuple) -> tuple:
    from s2sad.compiler import shape_classes

    arrays = [i for i, v in enumerate(values) if type(v) is np.ndarray]
    return tuple(zip(arrays, shape_classes.symbolic([values[i].shape for i in arrays])))


def _known(f: Callable, values: tuple) -> Any:
    from s2sad.compiler.known_arguments import Known

    names = list(inspect.signature(f).parameters)
    callables = tuple((names[i], v) for i, v in enumerate(values)
                      if i < len(names) and inspect.isfunction(v))
    return Known(None, callables) if callables else None


def _environment(node: Any, values: tuple, positions: tuple, sizes: list, width: int,
                 kwargs: dict) -> dict:
    from s2sad.compiler import deps, pipeline

    params = pipeline.param_names(node)
    env = dict(zip(params, values))
    env.update(kwargs)
    start = 0
    for i, size in zip(positions, sizes):
        env[params[i]] = deps.inputs(values[i], start, width)
        start += size
    return env


# ----- colouring and sparse Jacobians -----

def colour(pattern: Any) -> np.ndarray:
    """A colour per column such that columns of one colour share no row.

    Greedy in column order first; when that uses more colours than the densest row
    forces, DSATUR (most distinctly coloured neighbours first), which finds 3
    colours for a 3-point stencil and 5 for the 5-point one, and the fewer wins."""
    sparse = _sparse()
    p = sparse.csr_matrix(pattern, dtype=bool)
    meets = (p.T @ p).tocsr()
    bound = int(np.diff(p.indptr).max()) if p.nnz else 1
    first = _greedy(meets, range(p.shape[1]))
    if first.size == 0 or first.max() + 1 <= bound:
        return first
    second = _dsatur(meets)
    return second if second.max() < first.max() else first


def _smallest_free(taken: set) -> int:
    c = 0
    while c in taken:
        c += 1
    return c


def _greedy(meets: Any, order: Any) -> np.ndarray:
    colours = np.full(meets.shape[0], -1, dtype=np.int64)
    indptr, indices = meets.indptr, meets.indices
    for j in order:
        colours[j] = _smallest_free(set(colours[indices[indptr[j]:indptr[j + 1]]].tolist()))
    return colours


def _dsatur(meets: Any) -> np.ndarray:
    n = meets.shape[0]
    indptr, indices = meets.indptr, meets.indices.tolist()
    degree = np.diff(indptr).tolist()
    seen: list[set] = [set() for _ in range(n)]  # colours among each column's neighbours
    colours = [-1] * n
    heap = [(0, -degree[j], j) for j in range(n)]
    heapq.heapify(heap)
    while heap:
        _, _, j = heapq.heappop(heap)
        if colours[j] >= 0:
            continue
        c = _smallest_free(seen[j])
        colours[j] = c
        for k in indices[indptr[j]:indptr[j + 1]]:
            if colours[k] < 0 and c not in seen[k]:
                seen[k].add(c)
                heapq.heappush(heap, (-len(seen[k]), -degree[k], k))
    return np.array(colours, dtype=np.int64)


def sparse_jacobian(f: Callable, wrt: Any = 0, verbose: bool = False) -> Callable:
    """``jacobian(f, wrt, sparse=True)``: a CSR matrix (``out.size x arg.size``) from
    one JVP per column colour or one VJP per row colour, whichever is fewer."""
    positions, many = structure.resolve_wrt(api.parameters_of(f), wrt)
    patterns = jacobian_sparsity(f, wrt=positions if many else positions[0])
    count = len(inspect.signature(f).parameters)
    plans: dict = {}
    tangents = {i: api.jvp(f, wrt=i, verbose=verbose) for i in positions}
    cotangents = api.vjp(f, wrt=positions, verbose=verbose)

    def jac(*args: Any, **kwargs: Any) -> Any:
        values = args if not kwargs and len(args) == count else \
            tuple(structure.bind_call(api.parameters_of(f), "jacobian", args,
                                      kwargs).arguments.values())
        key = _shape_key(values, positions, {})
        if key not in plans:
            found = patterns(*values)
            plans[key] = [_plan(p) for p in (found if many else (found,))]
        out = []
        for k, (i, plan) in enumerate(zip(positions, plans[key])):
            if plan[0] == "columns":
                out.append(_by_columns(tangents[i], values, i, plan, {}))
            else:
                out.append(_by_rows(cotangents, values, k, plan, {}))
        return tuple(out) if many else out[0]

    def plan(*args: Any, **kwargs: Any) -> Any:
        """How the last call's Jacobian is found: ("columns" | "rows", pattern, colours,
        count) per argument in ``wrt``."""
        jac(*args, **kwargs)
        bound = structure.bind_call(api.parameters_of(f), "jacobian", args, kwargs)
        found = plans[_shape_key(tuple(bound.arguments.values()), positions, {})]
        return tuple(found) if many else found[0]

    jac.pattern, jac.plan = patterns, plan  # type: ignore[attr-defined]
    return jac


def _plan(pattern: Any) -> tuple:
    """("columns" | "rows", pattern, colours, count, where): ``where`` picks each nonzero
    (in CSR order) out of the compressed product; seeds made once."""
    pattern = pattern.tocsr()
    pattern.sort_indices()
    columns, rows = colour(pattern), colour(pattern.T)
    count_c = int(columns.max()) + 1 if columns.size else 0
    count_r = int(rows.max()) + 1 if rows.size else 0
    at_row = np.repeat(np.arange(pattern.shape[0]), np.diff(pattern.indptr))
    if count_c <= count_r:
        return ("columns", pattern, columns, count_c, (at_row, columns[pattern.indices]))
    return ("rows", pattern, rows, count_r, (rows[at_row], pattern.indices))


def _by_columns(jvp: Callable, values: tuple, i: int, plan: tuple, kwargs: dict) -> Any:
    _, pattern, colours, count, where = plan
    x = values[i]
    compressed = np.zeros((pattern.shape[0], count))
    for c in range(count):
        seed = (colours == c).astype(float).reshape(np.shape(x))
        _, tangent = jvp(*values, seed if np.ndim(x) else float(seed), **kwargs)
        compressed[:, c] = np.ravel(np.real(tangent))
    return _assemble(compressed[where], pattern)


def _by_rows(vjp: Callable, values: tuple, k: int, plan: tuple, kwargs: dict) -> Any:
    _, pattern, colours, count, where = plan
    out_shape = _output_shape(vjp, values, kwargs)
    compressed = np.zeros((count, pattern.shape[1]))
    for c in range(count):
        seed = (colours == c).astype(float).reshape(out_shape)
        _, grads = vjp(*values, seed if out_shape else float(seed), **kwargs)
        compressed[c] = np.ravel(grads[k])
    return _assemble(compressed[where], pattern)


def _output_shape(vjp: Any, values: tuple, kwargs: dict) -> tuple:
    return np.shape(vjp.fn(*[np.copy(v) if isinstance(v, np.ndarray) else v for v in values],
                           **kwargs))


def _assemble(data: np.ndarray, pattern: Any) -> Any:
    return _sparse().csr_matrix((data, pattern.indices, pattern.indptr), shape=pattern.shape)
