"""Over-refusal with a misleading message (not wrong): a list shortened through another
name inside a loop (``other = lst; for ...: other.pop()``) is refused as "+ or * of
lists (or tuples) whose kind is not known": the reversed loop makes the zero adjoint of
``lst`` from its value after the loop (``dlst = zeros_like(lst)``, two items) at every
trip, and adding it to the adjoint of a longer version of the list trips the runtime's
check of joined lists.  Without the alias (``lst.pop()``) it is differentiated.  Found
by hand (session 49) while adding ``del xs[i]``.  Run: PYTHONPATH=. python <this file>."""
import numpy as np


def f(x):
    lst = [x * 1.0, np.sin(x), x ** 2, np.cos(x)]
    other = lst
    for _ in range(2):
        other.pop()
    return np.sum(lst[0] * lst[-1])


ARGS = (np.array([0.3, -0.7, 1.1]),)
SEED = 0

if __name__ == "__main__":
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED), indent=1))  # "refused" today
