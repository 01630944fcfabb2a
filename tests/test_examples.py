"""Every script in ``examples/`` runs in a fresh interpreter, exits 0, and prints
the line that shows it did what it says (each example also checks its own
numbers and exits non-zero when they are wrong)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

# example -> a phrase its output must contain
PHRASES = {
    "quickstart.py": "max |s2sad - finite differences|",
    "mlp_training.py": "training accuracy 100",
    "rnn.py": "dloss/dWh vs finite differences",
    "newton.py": "max |s2sad - implicit|",
    "physics.py": "lands at  25.0000 m",
    "custom_rule.py": "hessian of probit_loss",
    "cli_roundtrip.py": "the written module's gradient matches",
    "graph_view.py": "a = 5, f = 15, df/dx = 8, df/dy = 3",
    "stiff_pde_sparse.py": "sparse Jacobian from 4 JVPs equals the dense one",
    "sparse_least_squares.py": "same optimum",
    "checkpointed_rnn.py": "memory saved by uniform segments",
    "dask_logistic.py": "first gradient equals the NumPy gradient",
}


def test_every_example_has_a_phrase():
    missing = sorted({p.name for p in EXAMPLES} - set(PHRASES))
    assert not missing, f"add the key phrase of {missing} to PHRASES in {__file__}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path: Path, tmp_path: Path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    # (a hang fails; 600 s: the slowest, ~25 s of CPU, beside a test process per core)
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{path.name} exited {done.returncode}:\n" \
        f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    phrase = PHRASES.get(path.name)
    if phrase is not None:
        assert phrase in done.stdout, f"{path.name} did not print {phrase!r}:\n{done.stdout}"
