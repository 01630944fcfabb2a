"""The rules a user registers (``defvjp``, ``defjvp``): each registration makes the
derivatives generated before it stale (the caches key on :data:`USER_RULES`' length and
on ``registry.GENERATION``)."""
from __future__ import annotations

from collections.abc import Callable

from s2sad.rules import registry

USER_RULES: list = []  # every defvjp/defjvp registration: generated code made before is stale


def _user_rule(table: dict, func: Callable) -> Callable:
    def register(rule: Callable) -> Callable:
        table[func] = registry.Rule(registry.Signature((), {}, "args", 0), user=rule)
        USER_RULES.append(rule)
        registry.GENERATION[0] += 1
        return rule
    return register


def defvjp(func: Callable) -> Callable:
    """Register ``rule(g, ans, *args, **kwargs) -> cotangents`` as ``func``'s reverse rule."""
    return _user_rule(registry.VJPS, func)


def defjvp(func: Callable) -> Callable:
    """Register ``rule(tangents, ans, *args, **kwargs) -> tangent`` as ``func``'s forward rule."""
    return _user_rule(registry.JVPS, func)
