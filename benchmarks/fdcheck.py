"""Check every hand-written gradient against central finite differences
(float64): ``python -m benchmarks.run --check-hand``.

For each problem and size: every ``wrt`` argument is checked along 3 random
directions (d/dh f(x + h v) against <grad, v>), and at the smoke size, where
the arguments are small, coordinate by coordinate as well.
"""

from __future__ import annotations

import numpy as np

RTOL = 1e-5  # FD vs hand-written; FD's own error is up to ~5e-7 on these problems
STEP = 1e-5  # ~ eps**(1/3): balances truncation and rounding error


def _shift(args: tuple, i: int, delta) -> tuple:
    out = list(args)
    out[i] = args[i] + delta
    return tuple(out)


def _central(f, args, i, v, h=STEP) -> float:
    return (f(*_shift(args, i, h * v)) - f(*_shift(args, i, -h * v))) / (2.0 * h)


def _rel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)


def check_problem(problem, size: str, rng: np.random.Generator) -> list[tuple[str, float]]:
    """[(what was checked, relative error)] for one problem at one size."""
    args = problem.make_args(size)
    grads = problem.hand_grad(*args)
    f = problem.func
    out = []
    for g, i in zip(grads, problem.wrt):
        x = args[i]
        shape = np.shape(x)
        for k in range(3):
            v = rng.standard_normal(shape)
            v = float(v) if not shape else v
            fd = _central(f, args, i, v)
            out.append((f"arg {i} direction {k}", _rel(fd, np.sum(np.asarray(g) * v))))
        if size == "smoke" and np.size(x) <= 2000:
            fd = np.zeros(shape)
            flat = fd.reshape(-1)
            for j in range(flat.size):
                e = np.zeros(shape)
                e.reshape(-1)[j] = 1.0
                flat[j] = _central(f, args, i, e if shape else 1.0)
            out.append((f"arg {i} all coordinates", _rel(fd, g)))
    return out


def check_all(problems, sizes=("smoke", "full"), rtol: float = RTOL) -> bool:
    """Print one line per problem and size; True when every check passed."""
    rng = np.random.default_rng(0)
    ok = True
    for p in problems:
        for size in sizes:
            results = check_problem(p, size, rng)
            worst = max(results, key=lambda r: r[1])
            good = worst[1] <= rtol
            ok &= good
            status = "ok  " if good else "FAIL"
            print(f"{status} {p.name:12s} {size:5s} max rel err {worst[1]:.2e} "
                  f"({worst[0]}; {len(results)} checks)", flush=True)
    print("hand-written gradients: " + ("all match finite differences" if ok
                                        else "MISMATCH against finite differences"))
    return ok
