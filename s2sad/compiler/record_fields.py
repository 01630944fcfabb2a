"""Stage 4 (before SSA): a record built in the function split into one name per field.

An object of the user's class made inside is a record (``opt = named_tuple(v, kind=K)``),
read by ``getattr(opt, 'vel')`` and changed by ``opt = field_set(opt, 'vel', u)`` (a
method storing into ``self``).  Carried through a loop (an optimiser's state, a
simulation's), the record makes the reverse sweep push whole records, add adjoints
into records of adjoints and take them out again through generic helpers.  Where every
name holding it is only ever bound to such a record (built, copied, a field replaced)
and only read by its fields, each field is a name of its own: ``opt_vel = v``,
``opt_vel = u``, ``getattr(opt, 'vel')`` is ``opt_vel``, as hand-written code keeps the
state (the names are plain variables to every later stage).  A record passed whole
anywhere else (returned, put in a list, handed to a call) is left a record."""
from __future__ import annotations

from collections import Counter
from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler.names import Namer, assign, copy_origin, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.record_reads import field_read
from s2sad.compiler.walks import walk


def split(node: gast.FunctionDef, namespace: dict, namer: Namer) -> gast.FunctionDef:
    """``node`` with the records that are only built, copied and read by field split."""
    if not any(v is runtime.named_tuple for v in namespace.values()):
        return node
    kinds = _records(node, namespace)
    if not kinds:
        return node
    names = {(r, f): namer.fresh(f"{r}_{f}") for r, k in kinds.items() for f in k._fields}
    node.body = _rewritten(node.body, kinds, names, namespace)
    uses = Counter((n.id, n.ctx.__class__) for n in walk(node) if isinstance(n, gast.Name))
    _written_directly(node.body, set(names.values()), uses)
    return node


def _written_directly(body: list, fields: set[str], uses: Counter) -> None:
    """``t = r_f; t = list_append(t, v); r_f = t`` (a field taken out, written, stored
    back: ``self.items.append(v)``) as ``r_f = list_append(r_f, v)``, so the list is
    the one name later stages see appended to in place (not a new list a step)."""
    for s in body:
        for field in ("body", "orelse"):
            if isinstance(getattr(s, field, None), list):
                _written_directly(getattr(s, field), fields, uses)
    i = 0
    while i < len(body):
        run = _taken_out_run(body, i, fields, uses)
        if run is None:
            i += 1
            continue
        temp, field, j = run
        for n in walk(gast.Module(body=body[i + 1:j], type_ignores=[])):
            if isinstance(n, gast.Name) and n.id == temp:
                n.id = field
        del body[j]
        del body[i]


def _taken_out_run(body: list, i: int, fields: set[str], uses: Counter
                   ) -> tuple[str, str, int] | None:
    """(temp, field, index of the store back) where ``body[i]`` takes a field out into a
    temp no other statement reads or binds, and the field is not read before it is
    stored back."""
    s = body[i]
    if not (_copy(s) and s.value.id in fields):
        return None
    temp, field = s.targets[0].id, s.value.id
    for j in range(i + 1, len(body)):
        t = body[j]
        if _copy(t) and t.targets[0].id == field and t.value.id == temp:
            span = [n for n in walk(gast.Module(body=body[i + 1:j + 1], type_ignores=[]))
                    if isinstance(n, gast.Name) and n.id == temp]
            stores = sum(isinstance(n.ctx, gast.Store) for n in span)
            if uses[temp, gast.Load] == len(span) - stores and \
                    uses[temp, gast.Store] == stores + 1:
                return temp, field, j
            return None
        if any(isinstance(n, gast.Name) and n.id == field for n in walk(t)) or \
                not isinstance(t, gast.Assign):
            return None
    return None


def _copy(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
        isinstance(s.value, gast.Name)


def _call(e: Any, namespace: dict) -> Any:
    try:
        return evaluate_ref(e.func, namespace) if isinstance(e, gast.Call) else None
    except TypeError:
        return None


def _records(node: gast.FunctionDef, namespace: dict) -> dict[str, Any]:
    """name -> record class, of the names whose bindings and reads all allow a split."""
    kinds: dict[str, Any] = {}
    links: list[tuple[str, str]] = []
    bad: set[str] = {a.id for a in node.args.args + node.args.kwonlyargs}
    ok_reads: set[int] = set()  # ids of the Name nodes read as a record
    for s in walk(node):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name):
            _binding(s.targets[0].id, s.value, namespace, kinds, links, bad, ok_reads)
        elif field_read(s, namespace) is not None:
            ok_reads.add(id(s.args[0]))
    for n in walk(node):  # any other read, or a store not an assignment, spoils the name
        if isinstance(n, gast.Name) and (isinstance(n.ctx, gast.Load) and id(n) not in
                                         ok_reads or isinstance(n.ctx, gast.Del)):
            bad.add(n.id)
    for s in walk(node):
        if isinstance(s, (gast.For, gast.AugAssign)):
            bad |= {n.id for n in walk(s.target) if isinstance(n, gast.Name)}
        elif isinstance(s, gast.Assign) and not isinstance(s.targets[0], gast.Name):
            bad |= {n.id for t in s.targets for n in walk(t) if isinstance(n, gast.Name)}
    _spread(links, kinds, bad)
    return {n: k for n, k in kinds.items() if n not in bad and k is not None}


def _spread(links: list, kinds: dict, bad: set) -> None:
    """Through copies and field writes: one spoilt name spoils the other, a class known
    of one is the other's, two classes spoil both."""
    changed = True
    while changed:
        changed = False
        for a, b in links:
            ka, kb = kinds.get(a), kinds.get(b)
            if (a in bad) != (b in bad) or \
                    a not in bad and ka is not None and kb is not None and ka is not kb:
                bad |= {a, b}
                changed = True
            elif (ka is None) != (kb is None):
                kinds[a] = kinds[b] = ka or kb
                changed = True


def _binding(name: str, value: gast.expr, namespace: dict, kinds: dict, links: list,
             bad: set, ok_reads: set) -> None:
    """Note what binding ``name = value`` says of ``name`` (built, a copy, a field set,
    or anything else: not a record to split)."""
    fn = _call(value, namespace)
    if fn is runtime.named_tuple and [k.arg for k in value.keywords] == ["kind"]:
        kind = evaluate_ref(value.keywords[0].value, namespace)
        fields = getattr(kind, "_fields", None)
        if isinstance(fields, tuple) and len(fields) == len(value.args) and \
                kinds.get(name, kind) is kind:
            kinds[name] = kind
            return
    elif isinstance(value, gast.Name):
        links.append((name, value.id))
        ok_reads.add(id(value))
        kinds.setdefault(name, None)
        return
    elif fn is runtime.field_set and len(value.args) == 3 and \
            isinstance(value.args[0], gast.Name) and isinstance(value.args[1], gast.Constant):
        links.append((name, value.args[0].id))
        ok_reads.add(id(value.args[0]))
        kinds.setdefault(name, None)
        return
    bad.add(name)


def _rewritten(body: list, kinds: dict, names: dict, namespace: dict) -> list:
    out: list = []
    for s in body:
        for field in ("body", "orelse"):
            if isinstance(getattr(s, field, None), list):
                setattr(s, field, _rewritten(getattr(s, field), kinds, names, namespace))
        split_up = _split_binding(s, kinds, names, namespace)
        if split_up is None:
            _fields_read(s, kinds, names, namespace)
            out.append(s)
        else:
            out += [copy_origin(gast.copy_location(n, s), s) for n in split_up]
    return out


def _split_binding(s: gast.stmt, kinds: dict, names: dict, namespace: dict) -> list | None:
    """The field by field assignments a binding of a split record becomes, else None."""
    if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and
            s.targets[0].id in kinds):
        return None
    name, value, fields = s.targets[0].id, s.value, kinds[s.targets[0].id]._fields
    if isinstance(value, gast.Name):
        return [assign(names[name, f], load(names[value.id, f])) for f in fields]
    if _call(value, namespace) is runtime.field_set:
        _fields_read(value.args[2], kinds, names, namespace)
        source, written = value.args[0].id, value.args[1].value
        return [assign(names[name, f], value.args[2] if f == written else
                       load(names[source, f])) for f in fields
                if f == written or source != name]
    for item in value.args:
        _fields_read(item, kinds, names, namespace)
    return [assign(names[name, f], item) for f, item in zip(fields, value.args)]


def _fields_read(node: gast.AST, kinds: dict, names: dict, namespace: dict) -> None:
    """Each ``getattr(r, 'f')`` in ``node`` of a split record the field's name."""
    for n in walk(node):
        for field, child in list(gast.iter_fields(n)):
            items = child if isinstance(child, list) else [child]
            new = [_read(c, kinds, names, namespace) for c in items]
            if isinstance(child, list):
                setattr(n, field, new)
            elif new[0] is not child:
                setattr(n, field, new[0])


def _read(n: Any, kinds: dict, names: dict, namespace: dict) -> Any:
    read = field_read(n, namespace)
    if read is not None and read[0] in kinds and read[1] in kinds[read[0]]._fields:
        return load(names[read])
    return n
