"""Give s2sad your own derivative rule with @s2sad.defvjp and @s2sad.defjvp.

1. ``log1pexp(x) = log(1 + exp(x))``, written so it never overflows: s2sad
   could differentiate it (eight adjoint statements), but its derivative is
   simply the sigmoid ``exp(x - ans)``; a rule makes it one call.
2. ``scipy.special.ndtr`` (the normal CDF) is a compiled function s2sad cannot
   read: a rule on the library function itself makes it a primitive.

Both rules are then used by grad (reverse), jvp (forward) and hessian.

Run from the repository root:  python examples/custom_rule.py
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtr

import s2sad


def log1pexp(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


@s2sad.defvjp(log1pexp)
def log1pexp_vjp(g, ans, x):              # one cotangent per positional argument
    return (g * np.exp(x - ans),)         # sigmoid(x), from the output ans


@s2sad.defjvp(log1pexp)
def log1pexp_jvp(tangents, ans, x):       # one tangent per positional argument
    (dx,) = tangents
    return dx * np.exp(x - ans)


@s2sad.defvjp(ndtr)
def ndtr_vjp(g, ans, x):
    return (g * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi),)


@s2sad.defjvp(ndtr)
def ndtr_jvp(tangents, ans, x):
    return tangents[0] * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)


def softplus_loss(w, x):
    return np.sum(log1pexp(w * x))


def probit_loss(w, x):
    return -np.sum(np.log(ndtr(w * x)))


def main() -> None:
    x, w = np.array([-800.0, -1.0, 0.0, 1.0, 800.0]), 1.0
    sigmoid = 0.5 * (1 + np.tanh(0.5 * w * x))
    g = s2sad.grad(softplus_loss)(w, x)
    print(f"d softplus_loss / dw = {g:.6f}   (sum of x * sigmoid(w x): {np.sum(x * sigmoid):.6f})")
    print("\nThe rule is called from the generated code:\n")
    print(s2sad.grad(softplus_loss).source)
    value, tangent = s2sad.jvp(softplus_loss)(w, x, 1.0)
    print(f"jvp: value {value:.6f}, tangent {tangent:.6f}")
    xs = np.array([0.3, -0.2, 1.5])
    H = s2sad.hessian(softplus_loss)(w, xs)
    exact = np.sum(xs ** 2 * np.exp(w * xs) / (1 + np.exp(w * xs)) ** 2)
    print(f"d2 softplus_loss / dw2 = {H:.8f}  (by hand: {exact:.8f})")

    ws = np.array([0.5, 1.0, 2.0])
    steps = 1e-6 * np.eye(3)
    dprobit = s2sad.grad(probit_loss)
    gp = dprobit(ws, xs)
    fd = np.array([(probit_loss(ws + e, xs) - probit_loss(ws - e, xs)) / 2e-6 for e in steps])
    print(f"d probit_loss / dw = {np.round(gp, 8)}  (finite differences {np.round(fd, 8)})")
    Hp = s2sad.hessian(probit_loss)(ws, xs)
    fd2 = np.array([(dprobit(ws + e, xs) - dprobit(ws - e, xs)) / 2e-6 for e in steps])
    print(f"hessian of probit_loss: diagonal {np.round(np.diag(Hp), 6)}, "
          f"max |H - finite differences| = {np.max(np.abs(Hp - fd2)):.1e}")

    ok = (np.isclose(g, np.sum(x * sigmoid)) and np.isclose(tangent, g)
          and np.isclose(H, exact) and np.allclose(gp, fd, atol=1e-6)
          and np.allclose(Hp, fd2, atol=1e-5))
    if not ok:
        raise SystemExit("a custom rule gave a wrong derivative")


if __name__ == "__main__":
    main()
