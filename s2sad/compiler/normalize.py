"""Stage 3b: one operation per statement.

Input: the desugared ``FunctionDef``.  Output: a body in *core form*:

- ``name = op`` where ``op`` is an atom, ``a <binop> b``, ``<unop> a``,
  ``a <cmp> b``, ``f(atoms, key=atom)``, ``a[index]`` or a list/tuple/dict
  of atoms; atoms are names, constants and module attributes (``np.pi``);
- ``if name:`` / ``while name:`` / ``for name in range(atoms):``, ``break``;
- expression statements (``print``), ``assert``, ``raise``; a final ``return``.

Method and attribute spellings (``x.sum(axis=0)``, ``x.T``) become calls of
the primitive; ``x[i] = v`` becomes ``x = setitem(x, i, v)``; ``xs.append(v)``
becomes ``xs = list_append(xs, v)``; comprehensions become loops; a loop over
an array, list, ``enumerate``, ``zip`` or ``reversed`` becomes a ``range``
loop; calls of the user's own functions are inlined (normalized in turn).
"""
from __future__ import annotations

import builtins
import copy
from collections import Counter
from typing import Any

import gast

from s2sad.compiler import (
    desugar,
    fence,
    function_displays,
    global_writes,
    known_constants,
    loader,
    resolved,
    scope_statements,
    sequences,
    source,
    try_blocks,
)
from s2sad.compiler.class_records import function_fields, listed_records
from s2sad.compiler.dataclass_built import built_instances
from s2sad.compiler.field_lists import field_lists
from s2sad.compiler.field_writes import bindings_checked
from s2sad.compiler.known_arguments import Held, Instance, Known, keys_given
from s2sad.compiler.lookups import Lookups
from s2sad.compiler.names import BUILTINS, Namer, assign, load, set_origin
from s2sad.compiler.normalize_expressions import EXPRESSIONS, expr_other
from s2sad.compiler.normalize_statements import STATEMENTS, stmt_other
from s2sad.compiler.refs import ref_expr
from s2sad.compiler.user_code import own_nodes, own_stores
from s2sad.compiler.walks import structure, walk
from s2sad.errors import error_at
from s2sad.rules import registry

BINOP_NAMES = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
               gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow",
               gast.MatMult: "matmul"}


def _analysed(node: gast.FunctionDef, own: list | None = None) -> tuple:
    """What a :class:`Normalizer` knows of its function's tree before it starts: the
    names it assigns (how often), its local names, the names whose items are followed,
    those holding sequences (and sequences of sequences), those changed in place;
    ``own``: the tree's own nodes (:func:`own_nodes`), when the caller has them."""
    stores = own_stores(node)
    own = list(own_nodes(node)) if own is None else own  # (walked once, read thrice)
    return (stores, Normalizer._local_names(node, stores), sequences.tracked(node),
            sequences.sequence_names(node, lambda _: own),
            sequences.changed_in_place(node, lambda _: own), sequences.resized(node, lambda _: own))


def _wrapped_def(namespace: dict) -> str:
    """The origin of the line of s2sad's wrapper around a function of ``**kwargs`` or
    ``*args`` (``return primitive(x, k=k)``, called per call): the user's ``def`` line,
    not the wrapper's."""
    import linecache
    fn = namespace.get("primitive")
    code = getattr(fn, "__code__", None)
    if code is None:
        return "line 2: the call of the function with its arguments"
    text = linecache.getline(code.co_filename, code.co_firstlineno).strip()
    return f"{code.co_name}(), line {code.co_firstlineno}: {text}"


class Normalizer(Lookups):
    """Turns one function (and the helpers it calls) into core form."""

    def __init__(self, src: source.Source, namer: Namer, namespace: dict[str, Any],
                 rename: dict[str, str] | None = None, inlining: tuple = (),
                 literals: dict | None = None, own: list | None = None) -> None:
        self.src, self.namer, self.namespace = src, namer, namespace
        self.literals = literals if literals is not None else {}  # temp -> its tuple items
        self.rename = rename if rename is not None else {}
        self.inlining = inlining + (src.fn,)
        self.receivers: tuple = ((src.fn, None),)  # (function, what its self is) inlined
        # (a helper inlined several times has the same tree each time: analysed once;
        # the key, a walk, only worked out where it is remembered: not for the function)
        stores, local, tracked, (seqs, nested), mutated, resized = source.once(
            ("normalizer", structure(src.node)), lambda: _analysed(src.node, own)) \
            if source.memoizing() else _analysed(src.node, own)
        self.stores, self.locals = Counter(stores), set(local)
        self.stores.update(scope_statements.declared_inside(src.node))  # (bound by calls)
        self.params = {a.id for a in src.node.args.args + src.node.args.kwonlyargs}
        self.out: list = []
        self.line = src.node.lineno
        self.owner: type | None = None  # the class of the first parameter (a method's self)
        self.callables: dict[str, Any] = {}  # parameters given a function at this call
        self.instances: dict[str, type] = {}  # parameters given an object of this class
        self.built: set[str] = set()  # of those, records built inside (field_writes)
        self.tentative: dict[str, list] = {}  # names bound to records: class, bindings
        self.dropped: Counter = Counter()  # bindings in branches decided not to run
        self.fields: dict[str, dict[str, tuple]] = {}  # record -> attribute -> (function, path)
        self.item_lists: dict[str, type] = {}  # locals holding a list of records of a class
        self.paths: dict[str, Any] = {}  # names of known objects -> the path to them
        self.objects: dict[str, Any] = {}  # parameters given a global object (net.loss's self)
        self.local_defs: dict[str, Any] = {}  # nested def name -> the function made of it
        self.display_defs: set[str] = set()  # defs a display of functions may hold
        self.partials: dict[str, tuple] = {}  # k = functools.partial(f, ...): f, args, kws
        self.frozen: dict[str, tuple] = {}  # d = st.norm(m, s): the distribution, args, kws
        self.tracked = set(tracked)  # names whose items are followed
        self.sequences, self.nested = set(seqs), set(nested)
        self.mutated = set(mutated)  # (items may change)
        self.resized = set(resized)  # (lists whose length may change)
        # a list parameter never rebound -> its length, by final name (an inlined call's
        # parameter bound to it reads the same name: ``loops._unrolled``)
        self.lengths: dict[str, int] = {}
        self.array_params: set[str] = set()  # parameters given NumPy arrays at this call
        # names surely holding numbers (operators) -> their exact type where known
        self.numbers: dict[str, type | None] = {}
        # final names bound once to a literal (an inlined call's option): tests decided
        self.constants: dict[str, Any] = {}
        self.unvalued: dict[str, Any] = {}  # of those, functions given with no value
        self.ndims: dict[str, int] = {}  # array parameters never bound again -> ndim
        self.shapes: dict[str, tuple] = {}  # the same -> shape class (the call's kinds)
        self.held: dict[str, Any] = {}  # container parameters -> their class (the same)
        self.varied: Any = None  # the names that may carry a derivative (constant_calls)

    # ----- helpers -----

    @staticmethod
    def _local_names(node: gast.FunctionDef, stores: Counter | None = None) -> set[str]:
        names = {a.id for a in (node.args.args + node.args.kwonlyargs)}
        names |= {a.id for a in (node.args.vararg, node.args.kwarg) if a is not None}
        return names | set(own_stores(node) if stores is None else stores)

    def error(self, node: gast.AST, construct: str, advice: str) -> Exception:
        return error_at(self.src.filename, node, construct, advice)

    def emit(self, stmt: gast.stmt, like: gast.AST | None = None) -> None:
        lineno = getattr(like, "lineno", None) or self.line
        stmt.lineno = lineno
        where = f"line {lineno}" if len(self.inlining) == 1 else \
            f"{self.src.node.name}(), line {lineno}"
        set_origin(stmt, _wrapped_def(self.namespace) if self.src.filename.startswith(
            "<s2sad call_") else f"{where}: {self.src.line(lineno)}")
        stmt.s2sad_file = self.src.filename
        if self.unvalued and any(isinstance(n, gast.Name) and n.id in self.unvalued
                                 for n in walk(stmt)):
            raise self.error(stmt, "a function reading variables of the function around "
                             "it, given to a helper that uses it as a value", "call it "
                             "there, or define it at module level, passing those values")
        self.out.append(stmt)

    def new_local(self, base: str) -> str:
        """A fresh variable of this function (its name is final)."""
        name = self.namer.fresh(base)
        self.locals.add(name)
        self.rename[name] = name
        return name

    def temp(self, value: gast.expr, base: str, like: gast.AST | None = None) -> gast.Name:
        name = self.new_local(base)
        known_constants.bind(self, name, value)  # (axis=(0, 1) passed on: a known tuple)
        if isinstance(value, (gast.Tuple, gast.List)):
            self.literals[name] = value.elts
        self.emit(assign(name, value), like)
        return load(name)

    def name(self, ident: str) -> str:
        if ident in self.locals:
            if ident not in self.rename:
                clash = (ident in registry.TEMPLATE_NAMESPACE or ident in BUILTINS) and \
                    ident not in self.params  # a local named sum: templates call the builtin
                self.rename[ident] = self.namer.fresh(ident) if clash else ident \
                    if len(self.inlining) == 1 else \
                    self.namer.fresh(f"{self.src.node.name}_{ident}")
            return self.rename[ident]
        if ident in self.rename.values():  # already a final name (normalized once before)
            return ident
        return self.global_name(ident)

    def global_name(self, ident: str) -> str:
        try:
            obj = self.src.resolve(ident)
        except AttributeError:
            raise self.error(self.current, f"name {ident!r}",
                             "it is not defined; define it before the function") from None
        if self.namespace.get(ident, obj) is obj and ident not in self.namer.user_locals \
                and registry.TEMPLATE_NAMESPACE.get(ident, obj) is obj:
            final = ident
        else:  # (a global named like a helper, centered = ..., gets an alias)
            final = self.namer.fresh(ident)
        self.namespace[final] = obj
        loader.note_origin(self.namespace, final, self.src.fn, ident, self.inlining[0])
        free = getattr(getattr(self.src.fn, "__code__", None), "co_freevars", ())
        cells = getattr(self.src.fn, "__closure__", None) or ()
        if ident in free and cells:  # (a closure's variable: read from its cell at each call)
            loader.note_cell(self.namespace, final, cells[free.index(ident)])
        return final

    # ----- statements -----

    def block(self, stmts: list) -> list:
        saved, self.out = self.out, []
        for s in stmts:
            self.current = s
            self.line = getattr(s, "lineno", self.line)
            STATEMENTS.get(s.__class__, stmt_other)(self, s)
        result, self.out = self.out, saved
        return result

    def is_local(self, node: gast.expr) -> bool:
        return isinstance(node, gast.Name) and node.id in self.locals

    def method_of_local(self, call: gast.expr, method: str) -> bool:
        return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
            and call.func.attr == method and self.is_local(call.func.value)

    # ----- expressions -----

    def atom(self, node: gast.expr, base: str = "t") -> gast.expr:
        """Normalize ``node`` and return a name, constant or module attribute."""
        value = self.expr(node, base)
        if self.is_atom(value):
            return value
        return self.temp(value, self.base_name(value, base))

    def is_atom(self, node: gast.expr) -> bool:
        if isinstance(node, (gast.Name, gast.Constant)):
            return True
        return isinstance(node, gast.Attribute) and self.resolve(node) is not None and \
            not isinstance(node.value, gast.Call)

    def base_name(self, value: gast.expr, fallback: str) -> str:
        if isinstance(value, gast.BinOp):
            return BINOP_NAMES.get(type(value.op), fallback)
        if isinstance(value, gast.UnaryOp):
            return "neg" if isinstance(value.op, gast.USub) else "not_"
        if isinstance(value, gast.Call):
            f = value.func
            if isinstance(f, gast.Name) and self.namespace.get(f.id, builtins.getattr) is \
                    builtins.getattr and f.id.startswith("getattr") and len(value.args) == 2 \
                    and isinstance(value.args[1], gast.Constant) and \
                    str(value.args[1].value).isidentifier():
                return str(value.args[1].value)  # (p.w read as w: its adjoint dw)
            return f.attr if isinstance(f, gast.Attribute) else getattr(f, "id", fallback)
        if isinstance(value, gast.Subscript):
            return getattr(value.value, "id", "item") + "_item"
        if isinstance(value, gast.Compare):
            return "cmp"
        return {gast.List: "items", gast.Tuple: "items", gast.Dict: "items"}.get(
            type(value), fallback)

    def expr(self, node: gast.expr, base: str = "t") -> gast.expr:
        """Normalize ``node`` to one operation over atoms (not yet assigned)."""
        return EXPRESSIONS.get(node.__class__, expr_other)(self, node)

    def rename_names(self, node: gast.AST) -> gast.AST:
        node = copy.deepcopy(node)
        for n in walk(node):
            if isinstance(n, gast.Name):
                n.id = self.name(n.id)
        return node

    def closed_value(self, name: str) -> gast.Name | None:
        """The local def ``name`` as a value: the module-level function it equals where
        it reads none of the function's variables (a global's name for it), else None."""
        from s2sad.compiler.local_functions import closed
        fn = closed(self.local_defs[name])
        if fn is None:
            return None
        alias = self.namer.fresh(fn.__name__ if fn.__name__.isidentifier() else "fn")
        self.namespace[alias] = fn
        self.rename[alias] = alias
        return load(alias)

    def ref(self, obj: Any) -> gast.expr:
        expr = ref_expr(obj)
        root = expr
        while isinstance(root, gast.Attribute):
            root = root.value
        if root.id in registry.TEMPLATE_NAMESPACE:  # the user's global of that name, if
            self.namespace[root.id] = registry.TEMPLATE_NAMESPACE[root.id]  # any, is aliased
        return expr

    def index(self, node: gast.expr) -> gast.expr:
        if isinstance(node, gast.Slice):
            parts = [None if p is None else self.atom(p)
                     for p in (node.lower, node.upper, node.step)]
            return gast.Slice(lower=parts[0], upper=parts[1], step=parts[2])
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node)

    def index_value(self, node: gast.expr) -> gast.expr:
        """An index as a value: ``1:3`` -> ``slice(1, 3)`` (for setitem and rules)."""
        from s2sad.compiler.refs import index_as_value
        return index_as_value(self.index(node))


def normalize(src: source.Source, namer: Namer, namespace: dict[str, Any],
              known: Known | None = None, lengths: dict[str, int] | None = None,
              arrays: frozenset[str] = frozenset(), numbers: frozenset[str] = frozenset(),
              shapes: dict[str, tuple] | None = None,
              held: dict[str, Any] | None = None) -> gast.FunctionDef:
    """Stages 2-3 on ``src``: fence, desugar, then core form.  ``known``: what the call
    tells beyond the kinds of the arguments; ``lengths``: of the list and tuple
    parameters the code is specialised to (a loop over one is unrolled, ``loops``);
    ``arrays``: the parameters given NumPy arrays (``shapes``: their shape classes);
    ``numbers``: given numbers; ``held``: the classes of the lists, tuples and dicts of
    arrays and numbers given (``dims.Items``, ``dims.Keyed``)."""
    try_blocks.lowered(src, namespace, namer)  # (try: an if on the path a probe takes)
    global_writes.rewrite(src, namespace, namer)  # (global n; n += 1: a module's variable)
    fence.check(src)
    namer.user_locals = Normalizer._local_names(src.node)
    desugar.refused_throughout(src.node, src.filename)
    node = desugar.desugar(src.node, namer)
    own = list(own_nodes(node))  # (walked once: read by each scan below)
    norm = Normalizer(src, namer, namespace, own=own)
    resolved.inherit(namespace, src.fn)
    norm.owner = known.owner if known else None
    passed = known.callables if known else ()
    norm.callables = {p: f for p, f in passed
                      if not isinstance(f, (Instance, Held)) and type(f) is not str}
    if keys_given(node, {p: v for p, v in passed if type(v) is str and not norm.stores[p]}):
        own = list(own_nodes(node))  # (the names read as the strings given: new nodes)
    norm.instances = {p: f.cls for p, f in passed if isinstance(f, Instance) and not norm.stores[p]}
    built = built_instances(norm, node, own)
    norm.instances.update(built)  # (p = Params(w, b) built here)
    norm.built = set(built)
    norm.fields = function_fields(norm, node, norm.instances, own)  # (its self.act = act)
    fields = {k: v for name, cls in norm.instances.items()  # (model.layers of a model
              for k, v in field_lists(cls, name).items()}  # built here or passed)
    norm.item_lists, listed = listed_records(norm, node, fields, own)  # (bodies = [Body(..)])
    norm.instances.update(listed)
    norm.objects.update({p: f.obj for p, f in passed if isinstance(f, Held) and not norm.stores[p]})
    norm.paths.update({p: resolved.held(f.obj) for p, f in passed if isinstance(f, Held)})
    norm.sequences |= {p for p in (known.sequences if known else ()) if not norm.stores[p]}
    norm.lengths = {k: n for k, n in (lengths or {}).items()
                    if not norm.stores[k] and k not in norm.resized}
    norm.array_params = {k for k in arrays if not norm.stores[k]}
    norm.shapes = {k: r for k, r in (shapes or {}).items() if k in norm.array_params}
    norm.ndims = {k: len(r) for k, r in norm.shapes.items()}
    norm.held = {k: r for k, r in (held or {}).items() if not norm.stores[k]}
    norm.numbers = {k: None for k in numbers if not norm.stores[k]}
    norm.sequences |= sequences.listed_arrays(own, norm.ndims, norm.stores)  # (x.tolist())
    function_displays.read_in_place(norm, node, own)  # (acts = {"out": relu}; acts["out"](h))
    norm.current = node
    with source.parsing_once():  # (the functions it inlines)
        node.body = norm.block(node.body)
    bindings_checked(norm)
    return node
