"""Rule tables: importing this package registers every built-in rule."""
from s2sad.rules import registry  # noqa: F401
from s2sad.rules import structures  # noqa: F401
from s2sad.rules import operators, numpy_ufuncs, numpy_arrays, numpy_linalg, nondiff  # noqa: F401
from s2sad.rules import helpers  # noqa: F401  (rules for the helpers templates call)
