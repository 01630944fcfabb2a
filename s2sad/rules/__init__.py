"""Rule tables: importing this package registers every built-in rule."""
from s2sad.rules import (  # noqa: F401
    helpers,  # noqa: F401  (rules for the helpers templates call)
    nondiff,
    numpy_arrays,
    numpy_decompositions,
    numpy_extra,
    numpy_fft,
    numpy_linalg,
    numpy_ufuncs,
    operators,
    registry,  # noqa: F401
    scipy_linalg,
    scipy_special,
    scipy_stats,
    structures,  # noqa: F401
)

# x.copy() keeps the kind of x (a list stays a list), so it is not np.copy
registry.METHODS["copy"] = __import__("s2sad.runtime", fromlist=["copy_value"]).copy_value
