"""A derivative is made once, with the user's helpers inlined and the functions global
names hold given their rules.  A helper defined again (a notebook cell run again), a
global bound to another function, a module reloaded or a class defined again left the
old derivative in use: a wrong gradient, silently.  Each call now checks the names it
was made from (``compiler/resolved.py``) and makes it again where one changed.  Closed
forms, before and after, through every entry point and the fast paths."""
from __future__ import annotations

import importlib
import linecache
import sys

import numpy as np

import s2sad

X = np.array([0.3, -0.7, 0.5])


def run_cells(cells: list[str], namespace: dict) -> None:
    """Run code cells as IPython does: each under a file name of its own in linecache."""
    for k, text in enumerate(cells):
        name = f"<ipython-input-{id(namespace)}-{k}>"
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        exec(compile(text, name, "exec"), namespace)


def test_a_helper_defined_again_in_a_later_cell():
    ns: dict = {"np": np, "s2sad": s2sad, "X": X, "__name__": "__main__"}
    run_cells(["def helper(v):\n    return v ** 2\n",
               "def f(x):\n    return np.sum(helper(x))\n",
               "g = s2sad.grad(f)\nbefore = g(X)\nbefore = g(X)\n",
               "def helper(v):\n    return v ** 3\n",
               "after = g(X)\nfresh = s2sad.grad(f)(X)\n"], ns)
    np.testing.assert_allclose(ns["before"], 2 * X, rtol=1e-12)
    np.testing.assert_allclose(ns["after"], 3 * X ** 2, rtol=1e-12)
    np.testing.assert_allclose(ns["fresh"], 3 * X ** 2, rtol=1e-12)


def test_a_global_bound_to_another_function():
    ns: dict = {"np": np, "s2sad": s2sad, "X": X, "__name__": "__main__"}
    run_cells(["act = np.tanh\ndef f(x):\n    return np.sum(act(x))\n",
               "g = s2sad.grad(f)\nbefore = g(X)\n",
               "act = np.sin\nafter = g(X)\n"], ns)
    np.testing.assert_allclose(ns["before"], 1 - np.tanh(X) ** 2, rtol=1e-12)
    np.testing.assert_allclose(ns["after"], np.cos(X), rtol=1e-12)


def test_a_class_defined_again_with_its_global_model():
    ns: dict = {"np": np, "s2sad": s2sad, "X": X, "__name__": "__main__"}
    run_cells(["class Model:\n    def out(self, v):\n        return v ** 2\nMODEL = Model()\n",
               "def f(x):\n    return np.sum(MODEL.out(x))\ng = s2sad.grad(f)\nbefore = g(X)\n",
               "class Model:\n    def out(self, v):\n        return np.sin(v)\nMODEL = Model()\n",
               "after = g(X)\n"], ns)
    np.testing.assert_allclose(ns["before"], 2 * X, rtol=1e-12)
    np.testing.assert_allclose(ns["after"], np.cos(X), rtol=1e-12)


def test_a_model_bound_again_to_an_object_of_its_class_is_not_made_again():
    ns: dict = {"np": np, "s2sad": s2sad, "X": X, "__name__": "__main__"}
    run_cells(["class Model:\n    def __init__(self, k):\n        self.k = k\n"
               "    def out(self, v):\n        return self.k * v ** 2\nMODEL = Model(1.0)\n",
               "def f(x):\n    return np.sum(MODEL.out(x))\ng = s2sad.grad(f)\nbefore = g(X)\n",
               "made = g._last\nMODEL = Model(3.0)\nafter = g(X)\n"], ns)
    np.testing.assert_allclose(ns["after"], 6 * X, rtol=1e-12)
    assert ns["g"]._last is ns["made"]  # (the same derivative, reading the new model)


def test_a_module_reloaded(tmp_path, monkeypatch):
    (tmp_path / "s2sad_reloaded_helpers.py").write_text(
        "def helper(v):\n    return v ** 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import s2sad_reloaded_helpers as mod

    def f(x):
        return np.sum(mod.helper(x))

    g = s2sad.grad(f)
    np.testing.assert_allclose(g(X), 2 * X, rtol=1e-12)
    (tmp_path / "s2sad_reloaded_helpers.py").write_text(
        "def helper(v):\n    return v ** 3  # changed\n")
    importlib.invalidate_caches()
    importlib.reload(mod)
    np.testing.assert_allclose(g(X), 3 * X ** 2, rtol=1e-12)
    sys.modules.pop("s2sad_reloaded_helpers", None)


def test_fast_paths_and_every_entry_point():
    ns: dict = {"np": np, "s2sad": s2sad, "X": X, "__name__": "__main__"}
    run_cells(["def q(v):\n    return v ** 2\n"
               "def fs(t):\n    return q(t) + 1.0\n"
               "def fv(x):\n    return q(x) * 2.0\n"
               "def fa(x):\n    return np.sum(fv(x))\n",
               "gs, ga = s2sad.grad(fs), s2sad.grad(fa)\n"
               "vj, jv, hs = s2sad.vjp(fv), s2sad.jvp(fv), s2sad.hessian(fa)\n"
               "for _ in range(3):\n    gs(0.7); ga(X); vj(X, X); jv(X, X); hs(X)\n",
               "def q(v):\n    return v ** 3\n"], ns)
    np.testing.assert_allclose(ns["gs"](0.7), 3 * 0.49, rtol=1e-12)
    np.testing.assert_allclose(ns["ga"](X), 6 * X ** 2, rtol=1e-12)
    np.testing.assert_allclose(ns["vj"](X, X)[1], 6 * X ** 2 * X, rtol=1e-12)
    np.testing.assert_allclose(ns["jv"](X, X)[1], 6 * X ** 2 * X, rtol=1e-12)
    np.testing.assert_allclose(ns["hs"](X), np.diag(12 * X), rtol=1e-12)


class Layer:
    def __init__(self, act):
        self.act = act

    def __call__(self, v):
        return self.act(v)


class Net:
    def __init__(self, layers):
        self.layers = layers

    def out(self, v):
        for layer in self.layers:
            v = layer(v)
        return v


NET = Net([Layer(np.tanh), Layer(np.sin)])
LAYER = Layer(np.tanh)


def net_total(x):
    return np.sum(NET.out(x))


def layer_total(x):
    return np.sum(LAYER(x))


def net_gradient(acts):
    """The closed form of net_total's gradient for these activations."""
    (f, df), (g, dg) = acts
    return dg(f(X)) * df(X)


D = {np.tanh: lambda v: 1 - np.tanh(v) ** 2, np.sin: np.cos, np.cos: lambda v: -np.sin(v)}


def test_what_a_global_object_holds_changed():
    global NET
    saved = NET
    g = s2sad.grad(net_total)
    np.testing.assert_allclose(g(X), net_gradient([(np.tanh, D[np.tanh]), (np.sin, D[np.sin])]))
    try:
        NET.layers[1] = Layer(np.cos)  # a layer replaced
        np.testing.assert_allclose(g(X), net_gradient([(np.tanh, D[np.tanh]), (np.cos, D[np.cos])]))
        NET.layers[0].act = np.sin  # a layer's function changed
        np.testing.assert_allclose(g(X), net_gradient([(np.sin, D[np.sin]), (np.cos, D[np.cos])]))
        NET = Net([Layer(np.tanh), Layer(np.sin)])  # bound to another net
        made = g(X), g._last
        np.testing.assert_allclose(made[0],
                                   net_gradient([(np.tanh, D[np.tanh]), (np.sin, D[np.sin])]))
        NET = Net([Layer(np.tanh), Layer(np.sin)])  # another one the same: not made again
        g(X)
        assert g._last is made[1]
    finally:
        NET = saved


def test_a_function_a_global_object_holds_changed():
    g = s2sad.grad(layer_total)
    np.testing.assert_allclose(g(X), 1 - np.tanh(X) ** 2, rtol=1e-12)
    try:
        LAYER.act = np.sin
        np.testing.assert_allclose(g(X), np.cos(X), rtol=1e-12)
    finally:
        LAYER.act = np.tanh
    np.testing.assert_allclose(g(X), 1 - np.tanh(X) ** 2, rtol=1e-12)


ACTIVATIONS = {"smooth": np.tanh, "wave": np.sin}
ORDER = [np.sin, np.cos]


def by_key(x):
    return np.sum(ACTIVATIONS["smooth"](x)) + np.sum(ORDER[1](x))


def test_functions_at_constant_keys_of_global_containers():
    g = s2sad.grad(by_key)  # (was refused: "call of ACTIVATIONS_item: no rule")
    np.testing.assert_allclose(g(X), 1 - np.tanh(X) ** 2 - np.sin(X), rtol=1e-12)
    try:
        ACTIVATIONS["smooth"] = np.sin
        ORDER[1] = np.exp
        np.testing.assert_allclose(g(X), np.cos(X) + np.exp(X), rtol=1e-12)
    finally:
        ACTIVATIONS["smooth"], ORDER[1] = np.tanh, np.cos
    np.testing.assert_allclose(g(X), 1 - np.tanh(X) ** 2 - np.sin(X), rtol=1e-12)


WEIGHTS = np.array([[2.0, 0.5], [0.5, 1.0]])


def exp_energy(x):
    return np.sum(np.exp(WEIGHTS @ x))


def exp_energy_hessian(W, x):
    return W.T @ np.diag(np.exp(W @ x)) @ W  # the closed form


def test_a_hessian_reads_data_globals_bound_again():
    """A Hessian differentiates the generated gradient, whose data globals its own
    refresher reads: the Hessian's code kept them as they were when it was made."""
    global WEIGHTS
    saved, w = WEIGHTS, np.array([0.3, -0.2])
    h = s2sad.hessian(exp_energy)
    np.testing.assert_allclose(h(w), exp_energy_hessian(WEIGHTS, w), rtol=1e-12)
    try:
        WEIGHTS = np.array([[1.0, -0.5], [0.25, 0.75]])
        np.testing.assert_allclose(h(w), exp_energy_hessian(WEIGHTS, w), rtol=1e-12)
        np.testing.assert_allclose(s2sad.hessian(exp_energy)(w),
                                   exp_energy_hessian(WEIGHTS, w), rtol=1e-12)
    finally:
        WEIGHTS = saved


def test_a_hessian_reads_another_modules_data_bound_again():
    import other_module_data as other
    from test_module_arrays import calls_another_modules_helper as f

    w, saved = np.array([0.4, -0.3]), other.M
    s2sad.hessian(f)(w)
    try:
        other.M = np.array([[1.0, -0.5], [0.25, 0.75]])
        g = s2sad.grad(f)
        expected = np.stack([(g(w + 1e-6 * e) - g(w - 1e-6 * e)) / 2e-6 for e in np.eye(2)])
        np.testing.assert_allclose(s2sad.hessian(f)(w), expected, rtol=1e-5, atol=1e-7)
    finally:
        other.M = saved
