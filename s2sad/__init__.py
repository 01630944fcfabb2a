"""s2sad: source-to-source automatic differentiation for Python and NumPy."""
from s2sad import rules  # noqa: F401  (registers the built-in rules)
from s2sad.api import defjvp, defvjp, grad, jvp, value_and_grad, vjp
from s2sad.errors import DifferentiationError
from s2sad.graph import graph
from s2sad.jacobians import hessian, jacobian
from s2sad.runtime import stop_gradient

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "defvjp", "defjvp",
           "stop_gradient", "DifferentiationError", "graph"]
