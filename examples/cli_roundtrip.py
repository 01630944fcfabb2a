"""`s2sad transform` round trip: write a module, transform it, import the result.

The written module holds plain Python derivatives (``grad_NAME`` and
``value_and_grad_NAME``) that import only numpy and ``s2sad.runtime``: no
transformation happens when it is imported.

Run from the repository root:  python examples/cli_roundtrip.py
"""
from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

MODULE = '''\
import numpy as np


def chain_energy(x, k):
    """Springs between neighbours plus a cosine potential."""
    e = 0.0
    for i in range(len(x) - 1):
        e = e + k * (x[i + 1] - x[i]) ** 2
    return e + np.sum(np.cos(x))
'''


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "springs.py").write_text(MODULE)
        command = [sys.executable, "-m", "s2sad", "transform", "springs.py",
                   "-f", "chain_energy", "-o", "springs_grad.py"]
        print("$", " ".join(["python", *command[1:]]))
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        print(done.stderr.strip())
        if done.returncode != 0:
            raise SystemExit(f"s2sad transform failed with status {done.returncode}")
        text = (folder / "springs_grad.py").read_text()
        print(f"\n--- springs_grad.py ({len(text.splitlines())} lines) ---")
        print(text)

        sys.path.insert(0, tmp)
        try:
            springs = importlib.import_module("springs")
            springs_grad = importlib.import_module("springs_grad")
        finally:
            sys.path.remove(tmp)

    x, k = np.array([0.0, 1.0, 3.0, 2.5]), 2.0
    grad = springs_grad.grad_chain_energy(x, k)
    value, _ = springs_grad.value_and_grad_chain_energy(x, k)
    by_hand = -np.sin(x)
    by_hand[:-1] -= 2 * k * np.diff(x)
    by_hand[1:] += 2 * k * np.diff(x)
    print("value    ", value, "(the function itself:", springs.chain_energy(x, k), ")")
    print("gradient ", grad)
    print("by hand  ", by_hand)
    if not (np.allclose(grad, by_hand) and np.isclose(value, springs.chain_energy(x, k))):
        raise SystemExit("the transformed module gives a wrong gradient")
    print("the written module's gradient matches")


if __name__ == "__main__":
    main()
