# ruff: noqa
"""Classify user-style programs: OK / REFUSED / MISPLACED / CRASH / WRONG / TYPE.

    python tools/user_programs/run.py sims_views models_layers loops_helpers aliases_containers
    python tools/user_programs/run.py session43 session43b session43c session43d session43e

Each module's CASES rows (name, function, argument sets, wrt, hessian?) are checked with
value_and_grad, vjp, jvp, jacobian (both modes, vector outputs) and hessian against
central differences (float64).  S2SAD_ROOT=<a checkout> runs them against another tree.
Written in session 40 (helper 63); see docs there for what each class means.  Known
flags that are no bug: bisection_root (a root found by bisection has derivative 0 in AD,
as in JAX), float32_scalar (TYPE: its gradient is an np.float32, the harness wants float).
"""
import copy, importlib, sys, traceback, inspect, os, warnings
import numpy as np
import os; HERE = os.path.dirname(os.path.abspath(__file__)); ROOT = os.environ.get("S2SAD_ROOT", os.path.dirname(os.path.dirname(HERE))); sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/tests"); sys.path.insert(0, HERE)
import s2sad
from gradcheck import flatten, numerical_grad, directional, wrt_positions, random_like, inner
warnings.filterwarnings("ignore")

def close(a, b, rtol=1e-5, atol=1e-6):
    fa, fb = flatten(a)[0], flatten(b)[0]
    return fa.shape == fb.shape and np.allclose(fa, fb, rtol=rtol, atol=atol)

def check(f, args, wrt, kind, hess):
    rng = np.random.default_rng(0)
    saved = copy.deepcopy(args)
    out = f(*copy.deepcopy(args))
    scalar = np.ndim(out) == 0
    pos = wrt_positions(f, wrt)
    res = {}
    def mut():
        for a, b in zip(saved, args):
            try:
                if not close(a, b, 0, 0): return True
            except TypeError:
                pass
        return False
    if scalar:
        v, g = s2sad.value_and_grad(f, wrt=wrt)(*args)
        if mut(): return {"grad": "MUTATED"}
        exp = numerical_grad(f, args, wrt)
        res["grad"] = close(g, exp) and close(v, out, 1e-10, 1e-12)
        if not res["grad"]:
            res["grad_detail"] = (g, exp)
        gs = g if isinstance(wrt, tuple) else (g,)
        for p, gg in zip(pos, gs):
            t = flatten(args[p])[1](flatten(args[p])[0])
            if type(gg) is not type(t) and not (isinstance(t, float) and isinstance(gg, float)):
                res["type"] = f"{type(gg).__name__} for {type(t).__name__}"
    # vjp
    u = 1.3 if scalar else rng.standard_normal(np.shape(out))
    v, gs = s2sad.vjp(f, wrt=wrt)(*args, u)
    gs = gs if isinstance(wrt, tuple) else (gs,)
    dirs = [random_like(args[p], rng) for p in pos]
    lhs = sum(inner(g, d) for g, d in zip(gs, dirs))
    rhs = inner(u, directional(f, args, pos, dirs))
    res["vjp"] = bool(np.isclose(lhs, rhs, rtol=1e-5, atol=1e-6))
    # jvp
    v, t = s2sad.jvp(f, wrt=wrt)(*args, *dirs)
    res["jvp"] = bool(np.allclose(t, directional(f, args, pos, dirs), rtol=1e-5, atol=1e-6))
    if mut(): res["mut"] = "MUTATED"
    if not scalar and isinstance(wrt, int) and isinstance(args[wrt], np.ndarray):
        for mode in ("reverse", "forward"):
            J = s2sad.jacobian(f, wrt=wrt, mode=mode)(*args)
            x0 = args[wrt]
            cols = []
            for j in range(x0.size):
                e = np.zeros(x0.size); e[j] = 1
                cols.append(np.asarray(directional(f, args, [wrt], [e.reshape(x0.shape)])))
            Jn = np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(out) + x0.shape)
            res["jac_" + mode] = bool(np.allclose(J, Jn, rtol=1e-5, atol=1e-6))
    if scalar and hess and isinstance(wrt, int):
        H = s2sad.hessian(f, wrt=wrt)(*args)
        x0 = args[wrt]; fl, unf = flatten(x0)
        gfd = lambda xx: numerical_grad(f, args[:wrt] + (xx,) + args[wrt+1:], wrt)
        rows = []
        for j in range(fl.size):
            e = np.zeros_like(fl); e[j] = 1e-4
            rows.append((flatten(gfd(unf(fl + e)))[0] - flatten(gfd(unf(fl - e)))[0]) / 2e-4)
        Hn = np.array(rows).reshape(np.shape(x0) + np.shape(x0))
        # (differences of differences: their error grows with the Hessian's scale)
        res["hess"] = bool(np.allclose(H, Hn, rtol=1e-3, atol=1e-4 * max(1.0, np.abs(Hn).max())))
    return res

def classify(mod, name, f, argsets, wrt, hess):
    verdicts = []
    for args in argsets:
        try:
            r = check(f, tuple(args), wrt, None, hess)
        except s2sad.DifferentiationError as e:
            msg = str(e)
            fn = os.path.basename(inspect.getsourcefile(f))
            if fn in msg and "s2sad" not in msg.split(":")[0]:
                return "REFUSED", msg.splitlines()[0][:300]
            return "MISPLACED", msg.splitlines()[0][:300]
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)[-1]
            return "CRASH", f"{type(e).__name__}: {str(e)[:200]} @ {tb.filename}:{tb.lineno}"
        bad = {k: v for k, v in r.items() if v is not True and not k.endswith("detail")}
        if bad:
            if set(bad) <= {"type"}:
                verdicts.append(("TYPE", str(bad)))
            else:
                verdicts.append(("WRONG", str(bad)[:300]))
    for v in verdicts:
        if v[0] == "WRONG": return v
    for v in verdicts:
        return v
    return "OK", ""

if __name__ == "__main__":
    mods = sys.argv[1:]
    counts = {}
    for mname in mods:
        mod = importlib.import_module(mname)
        for name, f, argsets, wrt, hess in mod.CASES:
            c, msg = classify(mod, name, f, argsets, wrt, hess)
            counts[c] = counts.get(c, 0) + 1
            print(f"{c:9s} {mname}.{name}  {msg}", flush=True)
    print(counts)
