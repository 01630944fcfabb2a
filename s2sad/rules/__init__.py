"""Rule tables: importing this package registers every built-in rule (SciPy's once the
user has imported the SciPy submodule: ``registry.when_imported``)."""
import importlib
from functools import partial

from s2sad.rules import (  # noqa: F401
    draws,
    helpers,
    iterables_through,
    nondiff,
    numpy_arrays,
    numpy_decompositions,
    numpy_extra,
    numpy_fft,
    numpy_histogram,
    numpy_keywords,
    numpy_linalg,
    numpy_polynomials,
    numpy_statistics,
    numpy_through,
    numpy_ufuncs,
    operators,
    python_through,
    registry,
    statistics_through,
    structures,
    ufunc_methods,
)

for _module, _rules in (("scipy.special", "scipy_special"), ("scipy.linalg", "scipy_linalg"),
                        ("scipy.stats", "scipy_stats"), ("scipy.integrate", "scipy_integrate"),
                        ("scipy.integrate", "scipy_quadrature"),
                        ("scipy.optimize", "scipy_optimize"),
                        ("scipy.fft", "scipy_fft"), ("numpy.polynomial", "numpy_series")):
    registry.when_imported(_module, partial(importlib.import_module, f"s2sad.rules.{_rules}"))

# x.copy() keeps the kind of x (a list stays a list), so it is not np.copy
registry.METHODS["copy"] = __import__("s2sad.runtime", fromlist=["copy_value"]).copy_value

# a call of a function a local name holds: rules that differentiate it when it runs
__import__("s2sad.dynamic_calls", fromlist=["register"]).register()
