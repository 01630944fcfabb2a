"""Part of stage 3c (:mod:`alias`): the records of objects built in the function kept
field by field (``r = named_tuple(a, b, kind=K)``: what ``getattr(r, 'a')`` holds is
``a``'s object, not a part of the record), through ``r = field_set(r, 'a', v)`` (a method
storing into ``self``: the field holds ``v``'s object from there) and ``q = field_set(p,
'a', v)`` (``dataclasses.replace``: a new record of ``p``'s fields but ``a``).  So a list
a field holds, appended to through the field, is that list's write, not the record's
and its other fields' (:mod:`field_writes`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler.alias_objects import ITEM, SAME, State, field_key, record_items, record_kind


class Records:
    """Mixed into ``alias._Aliases``: its ``fields`` (statement -> the field names of
    the record it makes), ``namespace`` and ``put``/``points``/``called``."""

    fields: dict[int, tuple]
    namespace: dict[str, Any]

    if TYPE_CHECKING:
        def put(self, state: State, key: str, held: frozenset) -> None: ...
        def points(self, e: gast.expr, state: State, s: gast.stmt) -> frozenset: ...
        def called(self, value: gast.expr) -> Any: ...

    def field_stored(self, s: gast.Assign, state: State) -> bool:
        """``r = field_set(r, 'a', v)``: the field of the record ``r`` surely is holds
        ``v``'s object from here (the record's other holders are bound to ``r``); False
        for any other write."""
        value = s.value
        if not (isinstance(value, gast.Call) and len(value.args) == 3 and
                self.called(value) is runtime.field_set and
                isinstance(value.args[1], gast.Constant)):
            return False
        key = field_key(value.args[0], value.args[1].value, state, self.fields)
        if key is not None:
            self.put(state, key, self.points(value.args[2], state, s))
        return True

    def record_made(self, s: gast.Assign, state: State) -> None:
        """``r = named_tuple(a, b, kind=K)`` or ``q = field_set(p, 'a', v)``: the new
        record's fields, each holding its item's objects."""
        items = record_items(s, self.namespace)
        if items is not None:
            kind = record_kind(s.value, self.namespace)
            self.fields[id(s)] = tuple(kind._fields)
            for i, item in enumerate(items):
                self.put(state, f"{ITEM}{id(s)}.{i}", self.points(item, state, s))
            return
        value = s.value
        if not (isinstance(value, gast.Call) and len(value.args) == 3 and
                self.called(value) is runtime.field_set and
                isinstance(value.args[0], gast.Name) and
                isinstance(value.args[1], gast.Constant)):
            return
        fields = self.fields_of(value.args[0], state)
        keys = [field_key(value.args[0], f, state, self.fields) for f in fields]
        if not keys or None in keys:
            return
        self.fields[id(s)] = fields
        for i, (field, key) in enumerate(zip(fields, keys)):
            held = self.points(value.args[2], state, s) if field == value.args[1].value \
                else state[key or ""]
            self.put(state, f"{ITEM}{id(s)}.{i}", held)

    def fields_of(self, record: gast.Name, state: State) -> tuple:
        whole = [o for o, how in state.get(record.id, ()) if how == SAME]
        return self.fields.get(whole[0][1], ()) if len(whole) == 1 and \
            whole[0][0] == "new" else ()
