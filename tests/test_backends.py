"""One derivative, any array library: the corpus of tests/backend_programs.py on Dask,
array-api-strict (which rejects every call outside the standard), PyTorch and JAX arrays.

The oracle is central finite differences of the NumPy function (``numerical_grad``); each
library's gradient must equal it and be of that library's array type.  PyTorch and JAX run
where they are installed (``pip install -e ".[bench]"``); Dask and array-api-strict are
test dependencies, so CI runs them.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import s2sad
from backend_programs import CORPUS
from gradcheck import numerical_grad

warnings.filterwarnings("ignore", message=".*__array_api_version__.*")


def _dask():
    da = pytest.importorskip("dask.array")
    return (lambda a: da.from_array(a, chunks=max(1, a.shape[0] // 2))), da.Array


def _strict():
    st = pytest.importorskip("array_api_strict")
    return st.asarray, type(st.ones(1))


def _torch():
    torch = pytest.importorskip("torch")
    return torch.asarray, torch.Tensor


def _jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax.numpy.asarray, jax.Array


LIBRARIES = {"dask": _dask, "array_api_strict": _strict, "torch": _torch, "jax": _jax}
STRAIGHT_LINE = [k for k in CORPUS if k not in
                 ("element_loop", "scaled_power_above", "scaled_power_below",
                  "element_writes", "rnn_from_zeros")]


def _on(library, args):
    convert, kind = LIBRARIES[library]()
    return tuple(convert(a) if isinstance(a, np.ndarray) else a for a in args), kind


def _leaves(x):
    return [v for item in x for v in _leaves(item)] if isinstance(x, (tuple, list)) else [x]


def _assert_same(actual, expected, kind):
    for a, e in zip(_leaves(actual), _leaves(expected)):
        if isinstance(e, np.ndarray):
            assert isinstance(a, kind), f"{type(a).__name__} is not {kind.__name__}"
        np.testing.assert_allclose(np.asarray(a, dtype=float), e, rtol=1e-6, atol=1e-7)


@pytest.fixture(scope="module")
def oracles():
    """Finite-difference gradients of each program at its arguments."""
    out = {}
    for name, (f, make, wrt) in CORPUS.items():
        args = make(np.random.default_rng(7))
        out[name] = args, numerical_grad(f, args, wrt=wrt)
    return out


# JAX's arrays are values: its code is not specialised to ranks, and without them an
# element read of an array written after is refused (it could be a view)
REFUSED = {("overwrite_elements", "jax"): "in-place write to y"}


@pytest.mark.parametrize("library", list(LIBRARIES))
@pytest.mark.parametrize("name", list(CORPUS))
def test_grad_on_each_library_equals_finite_differences(name, library, oracles):
    f, _, wrt = CORPUS[name]
    args, expected = oracles[name]
    foreign, kind = _on(library, args)
    if (name, library) in REFUSED:
        with pytest.raises(s2sad.DifferentiationError, match=REFUSED[name, library]):
            s2sad.grad(f, wrt=wrt)(*foreign)
        return
    _assert_same(s2sad.grad(f, wrt=wrt)(*foreign), expected, kind)


@pytest.mark.parametrize("library", list(LIBRARIES))
@pytest.mark.parametrize("name", ["logistic", "mlp", "rnn", "stacked", "element_loop",
                                  "scaled_power_above", "scaled_power_below",
                                  "overwrite_elements", "element_writes", "aliased_update"])
def test_value_and_grad_vjp_and_jvp_on_each_library(name, library, oracles):
    f, _, wrt = CORPUS[name]
    args, expected = oracles[name]
    foreign, kind = _on(library, args)
    if (name, library) in REFUSED:
        pytest.skip("refused, as test_grad_on_each_library_equals_finite_differences checks")
    value, grads = s2sad.value_and_grad(f, wrt=wrt)(*foreign)
    assert abs(float(value) - f(*args)) <= 1e-10 * max(1.0, abs(f(*args)))
    _assert_same(grads, expected, kind)
    value, grads = s2sad.vjp(f, wrt=wrt)(*foreign, 2.0)
    _assert_same(grads, tuple(2.0 * np.asarray(e) for e in _leaves(expected)), kind)
    rng = np.random.default_rng(3)
    directions = [rng.normal(size=np.shape(args[i])) for i in wrt]
    tangents = _on(library, tuple(d if np.ndim(d) else float(d) for d in directions))[0]
    _, out = s2sad.jvp(f, wrt=wrt)(*foreign, *tangents)
    slope = sum(float(np.sum(np.asarray(e) * d)) for e, d in zip(_leaves(expected),
                                                                  directions))
    assert abs(float(out) - slope) <= 1e-6 * max(1.0, abs(slope))


@pytest.mark.parametrize("name", STRAIGHT_LINE)
def test_dask_gradient_stays_lazy(name, oracles):
    """No Dask computation runs inside the derivative: it returns a graph."""
    callbacks = pytest.importorskip("dask.callbacks")
    f, _, wrt = CORPUS[name]
    args, expected = oracles[name]
    foreign, kind = _on("dask", args)

    class Count(callbacks.Callback):
        runs = 0

        def _start(self, dsk):
            Count.runs += 1

    with Count():
        grads = s2sad.grad(f, wrt=wrt)(*foreign)
    assert Count.runs == 0
    _assert_same(grads, expected, kind)


@pytest.mark.parametrize("library", ["dask", "array_api_strict"])
def test_a_number_argument_gets_a_number_and_arrays_are_left_alone(library, oracles):
    args, expected = oracles["ridge"]
    foreign, kind = _on(library, args)
    before = [np.array(a, dtype=float, copy=True) for a in foreign[:3]]
    dw, dlam = s2sad.grad(CORPUS["ridge"][0], wrt=(0, 3))(*foreign)
    assert isinstance(dw, kind)
    assert abs(float(dlam) - expected[1]) < 1e-6
    if library != "dask":
        assert type(dlam) is float
    for b, a in zip(before, foreign[:3]):
        np.testing.assert_array_equal(np.asarray(a), b)


def spectrum_energy(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2)


def product(A):
    return np.prod(A)


@pytest.mark.parametrize("f,says", [(spectrum_energy, "np.fft.fft has no counterpart"),
                                    (product, "needs prod_others, which runs on NumPy")])
def test_what_has_no_array_api_version_is_refused_at_the_users_line(f, says):
    strict = pytest.importorskip("array_api_strict")
    x = np.random.default_rng(0).normal(size=(3, 3)) + 3 * np.eye(3)
    with pytest.raises(s2sad.DifferentiationError) as refused:
        s2sad.grad(f)(strict.asarray(x))
    message = str(refused.value)
    assert says in message and "array_api_strict arrays" in message
    assert f"test_backends.py:{f.__code__.co_firstlineno + 1}:" in message


def checkpointed(W, xs):
    h = np.zeros(W.shape[0])
    for t in s2sad.checkpoint(range(xs.shape[0])):
        h = np.tanh(W @ h + xs[t, :])
    return np.sum(h)


def tanh_map(x):
    return np.tanh(x) * 2.0


@pytest.mark.parametrize("call,says", [
    (lambda x: s2sad.jacobian(tanh_map)(x), "s2sad.jacobian of tanh_map: runs on NumPy"),
    (lambda x: s2sad.hessian(spectrum_energy)(x), "s2sad.hessian of spectrum_energy"),
    (lambda x: s2sad.jacobian_sparsity(tanh_map)(x), "s2sad.jacobian_sparsity of tanh_map"),
    (lambda x: s2sad.grad(checkpointed)(x[:, None] * x, x[None, :] + x[:, None]),
     "a checkpointed loop (s2sad.checkpoint) runs on NumPy arrays only")])
def test_derivatives_that_build_numpy_arrays_refuse_other_libraries(call, says):
    strict = pytest.importorskip("array_api_strict")
    with pytest.raises(s2sad.DifferentiationError, match=r"test_backends\.py:\d+: ") as refused:
        call(strict.asarray(np.linspace(0.1, 0.9, 3)))
    assert says in str(refused.value) and "array_api_strict" in str(refused.value)


def test_numpy_arguments_keep_the_numpy_variant():
    f, make, wrt = CORPUS["logistic"]
    g = s2sad.grad(f, wrt=wrt)
    g(*make(np.random.default_rng(0)))
    assert "array_namespace" not in g.source and "np.exp" in g.source


def test_the_variant_reads_as_the_numpy_one_on_xp():
    st = pytest.importorskip("array_api_strict")
    f, make, wrt = CORPUS["logistic"]
    g = s2sad.grad(f, wrt=wrt)
    args = make(np.random.default_rng(0))
    g(*(st.asarray(a) for a in args))
    lines = g.source.splitlines()
    assert lines[1].strip() == "xp = array_namespace(w, X, y)"
    code = [line for line in lines if not line.lstrip().startswith("#")]
    assert "    exp = xp.exp(-z)" in code and not any("np." in line for line in code)


# The benchmark problems, written as users write them, at their smoke sizes: each
# library's gradient equals NumPy's (test_benchmarks and --check-hand check NumPy's
# against hand-written gradients and finite differences), or the step that library
# cannot run is refused at its line.
PROBLEM_REFUSALS = {("kalman", "dask"): "np.linalg.slogdet has no counterpart",
                    ("rnn", "array_api_strict"): "array_api_strict cannot run this step",
                    ("kalman", "array_api_strict"): "array_api_strict cannot run this step",
                    **{("einsum_forms", lib): "einsum_adjoint, which runs on NumPy arrays only"
                       for lib in ("dask", "torch", "jax")},
                    ("einsum_forms", "array_api_strict"): "np.einsum has no counterpart",
                    **{("heat2d", lib): "np.copy has no counterpart"
                       for lib in ("dask", "torch", "array_api_strict")},
                    ("gauss_nll", "dask"): "np.linalg.slogdet has no counterpart",
                    # (the function itself indexes Q[i] of a matrix)
                    ("attention_rows", "array_api_strict"): "array_api_strict cannot run this step",
                    # (session 48: the reversed element loop runs for all elements at once,
                    # dx[i_all] += ...: an index array write, which array_api_strict lacks)
                    ("rosenbrock_loop", "array_api_strict"):
                        "array_api_strict cannot run this step",
                    # (session 36: xs[t] of a 3-D array, A[i] of a stack of matrices, and
                    # the rows dA[0] of a 3 x 3 adjoint index fewer axes than the array
                    # has; element writes a[i] = ... into JAX arrays; slogdet on Dask; the
                    # adjoint of logp[np.arange(n), labels] a scatter-add on NumPy only)
                    **{(name, "array_api_strict"): "array_api_strict cannot run this step"
                       for name in ("lstm", "spd_batch", "arm_reach")},
                    ("spd_batch", "dask"): "np.linalg.slogdet has no counterpart",
                    ("layernorm_ce", "dask"): "dask cannot run this step",
                    # (session 45: the adjoint of logp[np.arange(n), labels] a write into
                    # zeros, distinct_indices: torch takes it, array_api_strict does not)
                    ("layernorm_ce", "jax"): "an index array into",
                    ("layernorm_ce", "array_api_strict"): "array_api_strict cannot run this",
                    # (session 37: element writes L[i, j] = ... into JAX arrays; X[s:s + b]
                    # and Z[t] of a 2-D array index fewer axes than the array has; a
                    # copy u.copy() of a JAX array written into by element: since session
                    # 47 taken, a copy of a copy being a new object of its own)
                    **{(name, "array_api_strict"): "array_api_strict cannot run this step"
                       for name in ("mc_asian", "minibatch_softmax")},
                    # (session 38: scipy's logsumexp has its weights on NumPy only; U[i] of
                    # an int read from an index array: an element write on Dask, fewer
                    # axes than the array has, a scatter-add on JAX)
                    **{("hmm_forward", lib): "lse_weights, which runs on NumPy arrays only"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    ("matfact_entries", "dask"): "dask cannot run this step",
                    ("matfact_entries", "array_api_strict"):
                        "array_api_strict cannot run this step",
                    ("matfact_entries", "jax"): "an index array into",
                    # (session 39: np.pad, and np.copy of the factored matrix, have no
                    # array-API counterpart; xs[t] of a 3-D array and qs[i] of a matrix
                    # index fewer axes than the array has; np.concatenate([[0.0], v])
                    # joins a Python list; u_next[1:-1] = ... writes into a JAX array)
                    **{("conv_taps", lib): "np.pad has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("fem_bar", lib): "np.copy has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{(name, "array_api_strict"): "array_api_strict cannot run this step"
                       for name in ("gru_stack", "quat_chain")},
                    **{("quat_chain", lib): f"{lib} cannot run this step"
                       for lib in ("torch", "jax")},
                    # (session 40: np.copy of the factored matrix as for fem_bar; on JAX
                    # the reverse loop run at once gathers at index arrays)
                    **{("spring_network", lib): "np.copy has no counterpart"
                       for lib in ("dask", "torch", "array_api_strict")},
                    ("spring_network", "jax"): "an index array into|np.copy has no counterpart",
                    # (session 42: np.minimum of an array and a Python float in
                    # array_api_strict; emit[t, y[t]] of an int read from an index array,
                    # an element write on Dask, fewer axes than the array has)
                    ("burgers_upwind", "array_api_strict"):
                        "array_api_strict cannot run this step",
                    **{("crf_forward", lib): f"{lib} cannot run this step"
                       for lib in ("dask", "array_api_strict")},
                    ("crf_forward", "jax"): "an index array into",
                    # (session 43: np.searchsorted, in np.interp's closed form, and
                    # astype have no array-API counterpart; logits[np.arange(B), labels]
                    # a scatter-add on NumPy only, an n-d fancy index Dask does not take)
                    **{("interp_curve", lib): "np.searchsorted has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("image_warp", lib): "needs astype, which runs on NumPy arrays only"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    ("pool_cnn", "dask"): "dask cannot run this step",
                    ("pool_cnn", "jax"): "an index array into",
                    ("pool_cnn", "array_api_strict"): "array_api_strict cannot run this",
                    # (session 45: scipy's ndtr of a strict array; np.cumprod and np.sort's
                    # adjoint (sort_adjoint) have no array-API counterpart (logreg_columns
                    # runs on strict arrays since its loops are products with X); np.diag
                    # with an offset on Dask, np.concatenate of a Python list on the
                    # others; leaves[lo] of a matrix indexes fewer axes than it has)
                    **{(name, "array_api_strict"): "array_api_strict cannot run this step"
                       for name in ("black_scholes", "semi_implicit", "tree_rnn")},
                    **{("discrete_survival", lib): "np.cumprod has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("trimmed_ls", lib): "needs sort_adjoint"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("semi_implicit", lib): f"{lib} cannot run this step"
                       for lib in ("dask", "torch", "jax")},
                    # (session 46: np.searchsorted, np.bincount, np.fill_diagonal's
                    # positions and scipy's polygamma have no array-API counterpart;
                    # eigh's adjoint takes the real part on NumPy only; a negative slice
                    # step on torch tensors, X[q] of a 3-d strict array)
                    **{("particle_filter", lib): "np.searchsorted has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("gnn_scatter", lib): "np.bincount has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("ctmc_expm", lib): "needs diagonal_positions"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("negbin", lib): "needs polygamma"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    ("modal_fit", "dask"): "np.linalg.eigh has no counterpart",
                    **{("modal_fit", lib): "needs (only_real|hermitian_read_adjoint)"
                       for lib in ("torch", "jax", "array_api_strict")},
                    ("listmle", "torch"): "torch cannot run this step",
                    ("listmle", "array_api_strict"): "array_api_strict cannot run this step",
                    # (session 47: a gather's adjoint by index arrays, np.column_stack,
                    # np.diff and qr's only_real have no array-API counterpart; the
                    # strict library's indexing with fewer indices than axes (u[0]),
                    # by an index array with a slice (logB[:, obs[t]]), NumPy numbers)
                    **{("hmm_backward", lib): f"{lib} cannot run this step"
                       for lib in ("dask", "array_api_strict")},
                    ("hmm_backward", "jax"): "an index array into a jaxlib array",
                    ("poisson_varcoef", "array_api_strict"): "array_api_strict cannot run",
                    **{("lm_fit", lib): "np.column_stack has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("cubic_spline", lib): "np.diff has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("cloth", lib): f"an index array into a {name} array"
                       for lib, name in (("dask", "dask"), ("torch", "torch"),
                                         ("jax", "jaxlib"))},
                    ("cloth", "array_api_strict"): "array_api_strict cannot run this step",
                    ("softmax_smooth", "array_api_strict"): "array_api_strict cannot run",
                    **{("qr_lstsq", lib): "needs only_real"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    ("ar_loglik", "array_api_strict"): "array_api_strict cannot run this step",
                    # (session 48: np.diff, np.fft.rfft and a sort's permutation have no
                    # array-API counterpart; Elo's writes at an index read from an array;
                    # ISTA's NumPy numbers on the strict library)
                    ("elo_ratings", "dask"): "dask cannot run this step",
                    ("elo_ratings", "array_api_strict"): "array_api_strict cannot run this step",
                    ("elo_ratings", "jax"): "an index array into a jaxlib array",
                    ("ista_lasso", "array_api_strict"): "array_api_strict cannot run this step",
                    # (session 46's problems: gmm_chol's per-component stack indexed
                    # by one axis and its NumPy sum; rope_attention's integer positions
                    # divided; t-SNE's np.fill_diagonal, whose adjoint runs on NumPy only)
                    ("gmm_chol", "array_api_strict"): "array_api_strict cannot run this step",
                    ("gmm_chol", "torch"): "torch cannot run this step",
                    ("rope_attention", "array_api_strict"):
                        "array_api_strict cannot run this step",
                    **{("tsne_kl", lib): "diagonal_positions, which runs on NumPy arrays only"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{(name, lib): f"{call} has no counterpart"
                       for name, call in (("sliced_w2", "np.take_along_axis"),
                                          ("spectrum_match", "np.fft.rfft"),
                                          ("tv_denoise", "np.diff"), ("whittaker", "np.diff"))
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    # (session 50: the beam's solve of K[2:, 2:] copies the slice; np.cross
                    # and np.einsum; the observation rows x[obs_idx], F[np.arange(n), y] and
                    # the cut points' int powers; Ws[layer] of a 3-D array)
                    # (session 52: the parts of the adjoint of K read before they are
                    # cleared are copied together, by np.copy, on JAX too)
                    **{("beam_compliance", lib): "np.copy has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("bundle_adjust", lib): "np.cross has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{("skipgram_ns", lib): "einsum_adjoint, which runs on NumPy arrays only"
                       for lib in ("dask", "torch", "jax")},
                    ("skipgram_ns", "array_api_strict"): "np.einsum has no counterpart",
                    **{("lorenz96_4dvar", lib): "an index array into"
                       for lib in ("dask", "torch", "jax")},
                    ("ordinal_logit", "jax"): "an index array into",
                    ("ordinal_logit", "dask"): "dask cannot run this step",
                    **{(name, "array_api_strict"): "array_api_strict cannot run this step"
                       for name in ("clenshaw_fit", "lorenz96_4dvar", "ordinal_logit",
                                    "realnvp_nll")},
                    # (session 52: the red-black sweeps' parts copied by np.copy; the
                    # Black-Litterman solve of chunks; np.linalg.det, and the SVD's
                    # adjoint on NumPy only; the sort's np.take_along_axis; the Newton
                    # step's np.array of floats into torch, and a row index of a matrix)
                    **{("redblack_poisson", lib): "np.copy has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    ("black_litterman", "dask"): "dask cannot run this step",
                    ("kabsch_rmsd", "dask"): "np.linalg.det has no counterpart",
                    **{("kabsch_rmsd", lib): "only_real, which runs on NumPy arrays only"
                       for lib in ("torch", "jax", "array_api_strict")},
                    **{("sparsemax_reg", lib): "np.take_along_axis has no counterpart"
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    ("robertson_newton", "torch"): "torch cannot run this step",
                    ("robertson_newton", "array_api_strict"):
                        "array_api_strict cannot run this step",
                    # (session 53: np.cross, np.convolve, np.take_along_axis, np.einsum's and
                    # eigh's adjoints; picks by index arrays, logp[np.arange(T), actions])
                    **{(name, lib): f"np.{fn} has no counterpart"
                       for name, fn in (("llg_spins", "cross"), ("deconv_tv", "convolve"),
                                        ("focal_loss", "take_along_axis"))
                       for lib in ("dask", "torch", "jax", "array_api_strict")},
                    **{(name, lib): f"{helper}, which runs on NumPy arrays only"
                       for name, helper in (("maxent_irl", "einsum_adjoint"),
                                            ("pca_eigh", "hermitian_read_adjoint"))
                       for lib in ("torch", "jax")},
                    ("maxent_irl", "dask"): "einsum_adjoint, which runs on NumPy arrays only",
                    ("maxent_irl", "array_api_strict"): "np.einsum has no counterpart",
                    ("pca_eigh", "dask"): "np.linalg.eigh has no counterpart",
                    ("pca_eigh", "array_api_strict"): "hermitian_read_adjoint, which runs on",
                    **{(name, lib): "an index array into"
                       for name, lib in (("gae_actor_critic", "jax"), ("ctc_loss", "torch"),
                                         ("ctc_loss", "jax"))},
                    **{(name, lib): f"{lib} cannot run this step"
                       for name, lib in (("gae_actor_critic", "dask"), ("ctc_loss", "dask"),
                                         ("gae_actor_critic", "array_api_strict"),
                                         ("ctc_loss", "array_api_strict"),
                                         ("vonmises_mix", "array_api_strict"),
                                         ("planar_flow", "array_api_strict"),
                                         ("horn_schunck", "array_api_strict"))}}
# (session 40: element and slice writes, the user's and the adjoints' own, run on JAX as
# write_at, .at[i].set: attention_rows, spring_euler, corr1d, chol_loops, soft_dtw and
# wave_leapfrog were refused there)


def _problems():
    from benchmarks.problems import PROBLEMS
    return {p.name: p for p in PROBLEMS}


@pytest.mark.parametrize("library", list(LIBRARIES))
@pytest.mark.parametrize("name", sorted(_problems()))
def test_benchmark_problems_on_each_library(name, library):
    problem = _problems()[name]
    args = problem.make_args("smoke")
    expected = s2sad.grad(problem.func, wrt=problem.wrt)(*args)
    foreign, kind = _on(library, args)
    derivative = s2sad.grad(problem.func, wrt=problem.wrt)
    if (name, library) in PROBLEM_REFUSALS:
        with pytest.raises(s2sad.DifferentiationError, match=PROBLEM_REFUSALS[name, library]):
            derivative(*foreign)
        return
    _assert_same(derivative(*foreign), expected, kind)


def test_source_shows_the_variant_of_the_last_call():
    """NumPy calls after the first run without dispatch; .source still follows them."""
    st = pytest.importorskip("array_api_strict")
    f, make, wrt = CORPUS["logistic"]
    args = make(np.random.default_rng(0))
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    g(*args)  # the fast path
    assert "array_namespace" not in g.source
    g(*(st.asarray(a) for a in args))
    assert "array_namespace" in g.source
    g(*args)  # the fast path again
    assert "array_namespace" not in g.source
