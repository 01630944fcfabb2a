"""Rule tables: importing this package registers every built-in rule."""
from s2sad.rules import (  # noqa: F401
    helpers,  # noqa: F401  (rules for the helpers templates call)
    nondiff,
    numpy_arrays,
    numpy_linalg,
    numpy_ufuncs,
    operators,
    registry,  # noqa: F401
    structures,  # noqa: F401
)
