"""Rules for Python structure: indexing, functional updates, list, tuple and
dict literals, ``list.append``, ``stop_gradient``.

Indexing accumulates (``acc``): the adjoint of ``x`` in ``v = x[idx]`` is
updated in place at ``idx``, so a loop that reads ``x[i]`` costs O(1) per
read in the reverse sweep, not a copy of ``x``.
"""
import copy
import operator

from s2sad import runtime
from s2sad.rules import facts
from s2sad.rules.facts import deffacts, defshape
from s2sad.rules.registry import (
    JVPS,
    VJPS,
    Rule,
    Signature,
    defjvp,
    deflinear,
    defmethod,
    defnondiff,
    defunsupported,
    defvjp,
)

# ----- indexing and updates -----
deflinear(operator.getitem, "x, idx", "add_at(acc, x, idx, g)", None)
# d.get(key, default): the entry's adjoint, or the default's when the key is missing
GET = "d, key, default=None"
defvjp(runtime.dict_get, GET, "add_at(None, d, key, g) if key in d else zeros_like(d)", None,
       "zeros_like(default) if key in d else g")
defjvp(runtime.dict_get, GET, "dd[key] if key in d else zeros_like(ans)", None,
       "zeros_like(ans) if key in d else ddefault")
defmethod("get", runtime.dict_get)
SET_V = "unbroadcast(written_part(g, idx), v)"  # an index that repeats: the last write's
deflinear(runtime.setitem, "x, idx, v", "zero_at(g, idx)", None, SET_V)
deflinear(runtime.write_at, "x, idx, v", "zero_at(g, idx)", None, SET_V)
deflinear(runtime.written_part, "t, idx", "setitem(zeros_like(t), idx, g)", None)
deflinear(runtime.scatter_add, "a, idx, b", "g", None, "unbroadcast(g[idx], b)")
deflinear(runtime.scatter_subtract, "a, idx, b", "g", None, "-unbroadcast(g[idx], b)")

# ----- literals: one adjoint per element -----
for _literal in (runtime.list_init, runtime.tuple_init):
    VJPS[_literal] = Rule(Signature.parse("*xs"), (), "g[i]")
    JVPS[_literal] = Rule(Signature.parse("*xs"), (), "linear", linear=True)
VJPS[runtime.named_tuple] = Rule(Signature.parse("*items, kind"), (None,), "g[i]")
JVPS[runtime.named_tuple] = Rule(Signature.parse("*items, kind"), (None,), "linear", linear=True)
VJPS[runtime.dict_init] = Rule(Signature.parse("*values, keys"), (None,), "g[keys[i]]")
JVPS[runtime.dict_init] = Rule(Signature.parse("*values, keys"), (None,), "linear", linear=True)

deflinear(runtime.list_append, "xs, v", "list_drop_last(g, xs)", "list_last(g, v)")
deflinear(runtime.list_remove, "xs, i", "list_insert_zero(g, i, xs)", None)
deflinear(runtime.list_insert_zero, "t, i, xs", "list_remove(g, i)", None, None)
deflinear(list, "x", "sequence_adjoint(g, x)")
deflinear(runtime.list_concat, "a, b", "list(g[:len(a)])", "list(g[len(a):])")
deflinear(runtime.list_repeat, "a, n", "list_repeat_adjoint(g, a, n)", None)
deflinear(runtime.list_repeat_adjoint, "t, a, n", "list_repeat(g, n)", None, None)
deflinear(runtime.list_insert, "xs, i, v", "list_remove(g, i)", None, "g[i]")
deflinear(runtime.copy_value, "x, order=None", "g", None)
deflinear(copy.copy, "x", "g")  # (their derivatives were refused inside copy.py's source)
deflinear(copy.deepcopy, "x, memo=None", "g", None)
deflinear(getattr, "x, name", "field_add(acc, x, name, g)", None)
defjvp(getattr, "x, name", "field_of(dx, x, name)", None)
deflinear(runtime.field_of, "t, x, name", "field_add(None, x, name, g)", None, None)
deflinear(runtime.field_add, "total, x, name, t", "g", None, None, "getattr(g, name)")
deflinear(runtime.field_set, "x, name, v", "field_cleared(g, x, name)", None,
          "field_of(g, x, name)")
deflinear(runtime.field_cleared, "t, x, name", "field_cleared(g, x, name)", None, None)
deflinear(tuple, "x", "sequence_adjoint(g, x)")
deflinear(runtime.array_to_list, "x", "sequence_adjoint(g, x)")  # x.tolist(): nested lists
defmethod("tolist", runtime.array_to_list)
deflinear(dict, "x", "dict_of_adjoint(g, x)")  # (of a mapping, or of (key, value) pairs)
defjvp(dict, "x", "dict_tangent(dx, x)")
deflinear(runtime.dict_of_adjoint, "t, x", "dict_tangent(g, x)", None)
deflinear(runtime.dict_tangent, "t, x", "dict_of_adjoint(g, x)", None)
# a dict's tangent is a dict of the same keys: list(dd) would list the keys as their
# own tangents (keys carry none)
defjvp(list, "x", "list(without_keys(dx, x))")
defjvp(tuple, "x", "tuple(without_keys(dx, x))")
deflinear(runtime.without_keys, "t, x", "items_adjoint(g, x)", None)
defshape((list, tuple, dict, runtime.array_to_list), "container")
deffacts((runtime.fresh, runtime.copy_value), facts.of_first)  # copies: the same values
deffacts((runtime.setitem, runtime.write_at),  # (x, idx, v): x's values and v's
         lambda a: set(a[0] & a[2]) if len(a) > 2 else set())

# ----- dict views and sorted: lists, and the permutation sorted applies -----
deflinear(runtime.dict_items, "d", "items_to_dict(g, d)")
defjvp(runtime.dict_items, "d", "items_tangent(dd, d)")
deflinear(runtime.dict_values, "d", "values_to_dict(g, d)")
defmethod("items", runtime.dict_items)
defmethod("values", runtime.dict_values)
defmethod("keys", runtime.dict_keys)
SORTED = "iterable, key=None, reverse=False"
defvjp(sorted, SORTED, "sorted_adjoint(g, iterable, key, reverse)", None, None)
defjvp(sorted, SORTED, "sorted_like(diterable, iterable, key, reverse)", None, None)
# the two are each other's transposes (linear in the values; the order is a constant)
PERMUTED = "t, iterable, key=None, reverse=False"
deflinear(runtime.sorted_like, PERMUTED, "sorted_adjoint(g, iterable, key, reverse)", None,
          None, None)
deflinear(runtime.sorted_adjoint, PERMUTED, "sorted_like(g, iterable, key, reverse)", None,
          None, None)
deflinear(runtime.items_to_dict, "t, d", "items_tangent(g, d)", None)
deflinear(runtime.items_tangent, "t, d", "items_to_dict(g, d)", None)
deflinear(runtime.values_to_dict, "t, d", "dict_values(g)", None)

# ----- helpers that generated code calls: linear, so forward mode (and with it
# Hessians by forward-over-reverse) goes through a generated gradient -----
deflinear(runtime.unbroadcast, "t, x", "np.broadcast_to(g, np.shape(t))", None)
deflinear(runtime.add_grads, "a, b", "g", "g")
deflinear(runtime.fresh, "t", "g")
deflinear(runtime.iteration_items, "x, count=None", "items_adjoint(g, x)")
defjvp(runtime.iteration_items, "x, count=None", "iteration_items(without_keys(dx, x))")
deflinear(runtime.as_floats, "x", "floats_adjoint(g, x)")
deflinear(runtime.floats_adjoint, "t, x", "as_floats(g)", None)
defnondiff(runtime.floats_zeros)
for _changed in (runtime.set_added, runtime.set_discarded):
    defvjp(_changed, "items, v", None, None)  # (a set is read by membership only; one
    defjvp(_changed, "items, v", None, None)  # holding differentiated values: refused)
    defunsupported(_changed, "items", "v")
deflinear(runtime.items_adjoint, "t, x", "items_adjoint(g, x)", None)
deflinear(runtime.cast_like, "t, x", "g", None)
deflinear(runtime.zero_at, "t, idx", "zero_at(g, idx)", None)
deflinear(runtime.clear_at, "t, idx", "zero_at(g, idx)", None)
# (t is broadcast into the item: a number's adjoint is the item's sum)
deflinear(runtime.add_at, "total, x, idx, t", "g", None, None, "unbroadcast(g[idx], t)")
# a loop's element adds gathered in lists and made after it (``item_adds``)
deflinear(runtime.add_items, "total, at, ts", "g", None, "items_at(g, at)")
deflinear(runtime.items_at, "t, at", "add_items(zeros_like(t), at, g)", None)
# a gather and its scatter by flat positions (``flat_gathers``), in a derivative's source
defnondiff(runtime.flat_index)
deflinear(runtime.take_flat, "x, at", "add_flat(None, x, at, g)", None)
deflinear(runtime.add_flat, "total, x, at, t", "g", None, None,
          "unbroadcast(take_flat(g, at), t)")
deflinear(runtime.take_rows, "x, idx", "add_at(None, x, idx, g)", None)  # (``row_gathers``)
deflinear(runtime.list_drop_last, "t, xs", "list_append(g, zeros_like(t[-1]))", None)
deflinear(runtime.list_last, "t, v", "setitem(zeros_like(t), -1, g)", None)
defjvp(runtime.user_jvp, "t", "dt")
deflinear(runtime.user_cotangents, "t, args", "g", None)
deflinear(runtime.python_number, "t", "g")  # (the same value, as a Python number)
defnondiff(runtime.stop_gradient, runtime.zeros_like, runtime.shape_of, runtime.dict_keys,
           runtime.sort_order, runtime.object_is)
# xs.index(v), xs.count(v) of a list, tuple or str (an array has neither): ints
defmethod("index", runtime.index_of)
defmethod("count", runtime.count_of)
defnondiff(runtime.index_of, runtime.count_of, runtime.keyed_position, runtime.keyed_order)
