"""s2sad.heap: glibc's thresholds set once when a derivative is first made (so the
temporaries of the next call reuse freed memory), left alone on request; gradients
unchanged by it."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad import heap

_GLIBC = sys.platform.startswith("linux") and "glibc" in " ".join(
    __import__("platform").libc_ver())


def _run(code: str, env_value: str | None) -> str:
    import os
    env = dict(os.environ)
    env.pop("S2SAD_MALLOC", None)
    if env_value is not None:
        env["S2SAD_MALLOC"] = env_value
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout.strip()


_PROBE = """
    from s2sad import heap
    print(heap.keep_freed_memory(), heap.keep_freed_memory())
"""


@pytest.mark.skipif(not _GLIBC, reason="glibc's mallopt only")
def test_set_once_on_glibc():
    assert _run(_PROBE, None) == "True True"


def test_left_alone_on_request():
    assert _run(_PROBE, "system") == "False False"


def _loss(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


@pytest.mark.parametrize("n", [50, 40000])  # (arrays below and above 128 KiB)
def test_gradient_unchanged(n):
    r = np.random.default_rng(n)
    X, y, w = r.standard_normal((n, 3)), (r.uniform(size=n) < 0.5) * 1.0, r.normal(size=3)
    g = s2sad.grad(_loss)(w, X, y)
    assert heap._done  # (the derivative was made: the thresholds were looked at)
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    np.testing.assert_allclose(g, X.T @ (p - y) / n, rtol=1e-10, atol=1e-14)
    eps = 1e-6
    fd = [(_loss(w + eps * e, X, y) - _loss(w - eps * e, X, y)) / (2 * eps)
          for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
