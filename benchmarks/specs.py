"""One benchmark problem's entry made from a problem file's names: ``NAME`` (the user's
function), ``NAME_grad`` (the hand-written gradient), ``NAME_args`` (its arguments),
``NAME_functional`` (without in-place writes, optional) and the torch twin module's
``NAME_torch`` (optional)."""
from __future__ import annotations

from types import ModuleType
from typing import Any


def spec_of(space: dict[str, Any], twins: ModuleType | None, name: str, title: str, wrt: tuple,
            sizes: tuple[str, str], **extra: Any) -> dict[str, Any]:
    spec = {"name": name, "title": title, "func": space[name],
            "hand_grad": space[name + "_grad"], "make_args": space[name + "_args"],
            "wrt": wrt, "sizes": dict(zip(("full", "smoke"), sizes))}
    torch_func = getattr(twins, name + "_torch", None)
    if torch_func is not None:
        spec["torch_func"] = torch_func
    functional = space.get(name + "_functional")
    if functional is not None:
        spec["functional_func"] = functional
    return {**spec, **extra}
