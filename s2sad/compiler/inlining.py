"""Part of stage 3b: the user's own functions inlined at their calls.  A helper's
body is normalized in a child :class:`~s2sad.compiler.normalize.Normalizer` sharing the
caller's namer and namespace (its names prefixed), its parameters bound to the call's
arguments, its in-place changes of an argument handed back to the caller's name; a def
or lambda inside the function becomes a function inlined the same way.  Apart from
:mod:`calls`, which decides what a call is, because splicing a body is a job of its own."""
from __future__ import annotations

import ast
import functools
import inspect
import linecache
import os
import sysconfig
import textwrap
from types import FunctionType
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import (
    closures,
    desugar,
    fence,
    global_writes,
    inner_tapes,
    local_defaults,
    recursive_calls,
    resolved,
    source,
    try_blocks,
)
from s2sad.compiler.field_writes import bindings_checked, built_record, fields_stored
from s2sad.compiler.local_functions import as_values, returned_def
from s2sad.compiler.names import assign, const, load, set_origin
from s2sad.compiler.scope_statements import (
    compiled_text,
    declared_inside,
    declared_nonlocal,
    reaching,
)
from s2sad.compiler.walks import name_nodes, walk
from s2sad.errors import DifferentiationError

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer
from s2sad.compiler.inline_parameters import (
    _bind_collected,
    _bind_free_names,
    _bind_param,
    _bound,
    _collected,
    _default,
    _default_known,
    _known_object,
    _pass_known,
    _string_known,
    _values_of_defs,
)


def first_param(norm: Normalizer) -> str | None:
    """The name of the function's first parameter (``self`` in a method)."""
    params = norm.src.node.args.args
    return params[0].id if params else None


def inline(norm: Normalizer, fn: Any, args: list, kws: list, node: gast.Call,
           receiver: Any = None, src: source.Source | None = None) -> gast.expr:
    """Splice ``fn``'s normalized body here; return the atom holding its result;
    ``receiver``: the object a method is called on (its ``self``), when known.  What
    stops s2sad inside a library's function (``copy.deepcopy``'s try/except) is
    refused at the user's call of it, not at a line of the library; ``src``: the body
    to splice when not ``fn``'s own (a class's ``__init__`` building a record).  A
    generator is spliced as the function returning the list it yields (``generators``)."""
    _refuse_second_order(norm, fn, node)
    if _library(norm.src.filename) or not _library(_file_of(fn)):
        return _spliced(norm, fn, args, kws, node, receiver, src)
    try:
        return _spliced(norm, fn, args, kws, node, receiver, src)
    except DifferentiationError as exc:  # (a library generator's refusal too: heapq.merge)
        where, _, rest = str(exc).partition(": ")
        inner = f"{os.path.basename(where)}: {rest.partition(': ')[0]}"
        name = getattr(fn, "__qualname__", getattr(fn, "__name__", "it"))
        raise norm.error(node, f"call of {fn.__module__}.{name}()",
                         f"s2sad reads its source and cannot differentiate it ({inner}); "
                         f"give it a rule with @s2sad.defvjp (docs/extending.md), or call "
                         f"it outside the differentiated function") from None


def _refuse_second_order(norm: Normalizer, fn: Any, node: gast.Call) -> None:
    """A derivative through an integrator differentiated again (a Hessian, a grad of a
    grad): refused as that, at the user's line, not as a failure to read s2sad's own
    helper."""
    from s2sad.rules import registry
    what = registry.first_order_of(fn)
    if what is None:
        return
    error = norm.error(node, f"a second derivative through {what}",
                       "s2sad's first derivative of it is worked out by another integration "
                       "and has none itself; take differences of the first derivative, or "
                       "integrate the second-order terms yourself")
    error.s2sad_again = True  # type: ignore[attr-defined]  # (not a failure of s2sad's)
    raise error


def _spliced(norm: Normalizer, fn: Any, args: list, kws: list, node: gast.Call,
             receiver: Any, src: source.Source | None) -> gast.expr:
    if src is None and inspect.isgeneratorfunction(fn):
        from s2sad.compiler.generators import generator_list
        listed = generator_list(norm, fn, args, kws, node)
        if listed is not None:
            return listed
    return _inline(norm, fn, args, kws, node, receiver, src)


def _file_of(fn: Any) -> str:
    try:
        return inspect.getsourcefile(fn) or ""
    except TypeError:
        return ""


def _library(path: str) -> bool:
    """A file of Python's standard library, of an installed package, or of s2sad."""
    path = os.path.abspath(path) if path else ""
    return bool(path) and path.startswith(_library_roots())


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    """The directories of the standard library, installed packages and s2sad (working
    them out costs more than an inlining: once per process)."""
    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return tuple(os.path.join(r, "") for r in sorted(roots))


def _inline(norm: Normalizer, fn: Any, args: list, kws: list, node: gast.Call,
            receiver: Any = None, src: source.Source | None = None) -> gast.expr:
    src = src or _source_of(norm, fn, node)
    inner_tapes.tag(fn, src.node)  # (a derivative's tape: its pops restore its pushes)
    owner = norm.owner if args and _is_self(norm, args[0]) else \
        _class_of(norm, args[0]) if args else None
    me = (fn, id(receiver) if receiver is not None else owner)
    if fn in norm.inlining and (me[1] is None or me in norm.receivers):
        return _recursive_call(norm, fn, src, args, kws, node)
    norm.namer.taken |= norm.namer.names_in(src.node)  # temps must not take the callee's names
    desugar.refused_throughout(src.node, src.filename)
    tree = desugar.desugar(src.node, norm.namer)
    body = tree.body
    child = _callee_normalizer(norm, src, fn, owner, me)
    bound = _bound(norm, fn, args, kws, node)
    rebound = _assigned(src.node)
    mutated = _mutated(src.node) + [p for p in fields_stored(src.node) if built_record(
        norm, bound.arguments.get(p)) is not None]  # (a record built by the caller)
    reassigned = rebound | set(mutated)
    for param in inspect.signature(fn).parameters.values():
        value = bound.arguments.get(param.name)
        by_receiver = receiver is not None and value is args[0]
        passed = receiver if by_receiver else \
            norm.resolve(value) if isinstance(value, (gast.Name, gast.Attribute)) else \
            _default_known(param) if param.name not in bound.arguments else None
        if param.name not in rebound:  # (changed in place, the same object: known still)
            _pass_known(norm, child, param.name, _receiver_of(node) if by_receiver else value,
                        passed)
        if _known_object(child, param.name, passed, reassigned) or \
                _string_known(tree, param, value, reassigned):
            continue
        value = _values_of_defs(norm, _collected(param, value), node)
        if value is None:
            value = _default(norm, param.default)
        if isinstance(value, gast.Name) and param.name not in reassigned and \
                value.id not in child.locals:
            child.rename[param.name] = value.id  # read-only parameter: use the argument
            continue
        _bind_param(norm, child, param.name, value, reassigned, node)
        if isinstance(value, gast.Name) and value.id in norm.lengths and \
                param.name in child.resized:  # (a helper that appends to the list passed)
            del norm.lengths[value.id]
        elif isinstance(value, gast.Name) and value.id in norm.lengths and \
                param.name not in reassigned:  # a list parameter passed on, by another name
            norm.lengths[child.name(param.name)] = norm.lengths[value.id]
        _bind_collected(norm, child, param, value, reassigned)
    _built_here(child, tree)
    _listed_in_fields(child, tree, owner)
    stmts = child.block(body)
    bindings_checked(child)
    result = stmts.pop()
    if (getattr(fn, "__module__", None) or "").startswith(("s2sad.rules", "s2sad.runtime")):
        _at_the_call(stmts, norm, node)  # s2sad's own closed forms: the user's line
    norm.out.extend(stmts)
    _changed_back(norm, child, mutated, bound, node)
    return _result(norm, child, result.value if isinstance(result, gast.Return)
                   else const(None))


def _callee_normalizer(norm: Normalizer, src: source.Source, fn: Any, owner: Any,
                       me: tuple) -> Normalizer:
    """The normalizer of the inlined body: the caller's names, namespace and facts shared,
    ``me`` (the function and its receiver) added to the calls being inlined."""
    from s2sad.compiler.normalize import Normalizer
    child = Normalizer(src, norm.namer, norm.namespace, inlining=norm.inlining,
                       literals=norm.literals)
    child.owner = owner
    child.receivers = norm.receivers + (me,)  # (Module.__call__ of another layer: inlined)
    child.current = src.node
    child.lengths = norm.lengths
    child.constants, child.ndims = norm.constants, norm.ndims
    resolved.inherit(norm.namespace, fn)  # (a derivative inlined: what it was made from)
    _bind_free_names(norm, child, fn)
    return child


def _changed_back(norm: Normalizer, child: Normalizer, mutated: list, bound: Any,
                  node: gast.Call) -> None:
    """A helper that changes an argument in place (xs.append, x[i] = v) changed the
    caller's value: the caller's name takes the helper's final value."""
    for changed in mutated:
        arg = bound.arguments.get(changed)
        if isinstance(arg, gast.Name) and arg.id in norm.locals:
            norm.emit(assign(arg.id, load(child.name(changed))), node)


def _built_here(child: Normalizer, tree: gast.FunctionDef) -> None:
    """The objects of the user's classes the helper builds (``layer = Dense(W, b)``),
    known by class as the differentiated function's own are (their methods inlined)."""
    from s2sad.compiler.class_records import function_fields
    from s2sad.compiler.dataclass_built import built_instances
    built = built_instances(child, tree)
    if built:
        child.instances.update(built)
        child.built |= set(built)
        child.fields.update(function_fields(child, tree, child.instances))


def _listed_in_fields(child: Normalizer, tree: gast.FunctionDef, owner: type | None) -> None:
    """A method of an object whose ``__init__`` stores a list of records
    (``self.layers = [Linear(..) ...]``): a loop over it reads each item as one."""
    from s2sad.compiler.class_records import listed_records
    from s2sad.compiler.field_lists import field_lists
    me = tree.args.args[0].id if tree.args.args else None
    fields = field_lists(owner, me) if me is not None else {}
    if fields:
        lists, listed = listed_records(child, tree, fields)
        child.item_lists.update(lists)
        child.instances.update(listed)


def _result(norm: Normalizer, child: Normalizer, value: gast.expr) -> gast.expr:
    """The helper's result, now a name of the caller's; a def it made and returns
    (``return lambda x: k * x``) a def the caller calls."""
    made = returned_def(norm, child, value)
    if made is not None:
        return made
    if isinstance(value, gast.Name):
        norm.locals.add(value.id)
        norm.rename[value.id] = value.id
        cls = _class_of(child, value)
        if cls is not None and built_record(child, value) is not None:  # (a record it
            norm.instances[value.id] = cls  # built: known as one by the caller)
            norm.built.add(value.id)
    return value


def nested_function(norm: Normalizer, node: gast.FunctionDef | gast.Assign) -> Any:
    """A def inside the function (or ``f = lambda ...``) as a Python function of the
    user's lines (never run: its calls are inlined); ``s2sad_free``: the names it reads
    from the function around it, which the inlined body reads at the call."""
    if isinstance(node, gast.Assign):
        name, node = node.targets[0].id, node.value
        params_of = node.args
    else:  # (named in its text as written: :mod:`chosen_functions` may rename it)
        name, params_of = getattr(node, "s2sad_written", node.name), node.args
    if getattr(node, "decorator_list", None):
        raise norm.error(node, "a decorated def inside the function",
                         "define it at module level and call it")
    lines = linecache.getlines(norm.src.filename)[node.lineno - 1:node.end_lineno]
    text = "\n" * (node.lineno - 1) + textwrap.dedent("".join(lines))
    if isinstance(node, gast.Lambda):  # the lambda alone, on its line
        if node.end_lineno != node.lineno:
            raise norm.error(node, f"{name} = lambda over several lines",
                             "write it as a def inside the function, or on one line")
        text = "\n" * (node.lineno - 1) + \
            f"{name} = {ast.unparse(gast.gast_to_ast(node))}\n"  # (its columns may be
        # those of a lambda's own text, parsed apart from its indented line)
    scope = dict(norm.namespace)
    text, wrapped = compiled_text(text, node.lineno, declared_inside(node), name)
    try:
        code, markers = local_defaults.compiled(norm, node, name, text)
        scope.update(markers)
        exec(code, scope)  # (defines it)
    except SyntaxError:
        raise norm.error(node, f"{name}, defined inside the function",
                         "define it at module level and call it") from None
    except NameError as exc:  # a default value read from the function's variables (k=k)
        label = "a lambda" if name.startswith("lambda_fn") else name
        raise norm.error(node, f"{label}, defined inside the function with a default value "
                         f"read from its variables ({exc})", "pass that value as an argument "
                         "at the call instead") from None
    fn = scope["_s2sad_around"]() if wrapped else scope[name]
    params = {a.id for a in params_of.args + params_of.kwonlyargs} | \
        {a.id for a in (params_of.vararg, params_of.kwarg) if a is not None}
    stored = {n.id for n in name_nodes(node) if isinstance(n.ctx, gast.Store)}
    free = {n.id for n in name_nodes(node) if isinstance(n.ctx, gast.Load)} - params - stored
    fn.s2sad_free = free | reaching(node, params)  # (nonlocal total: the function's)
    fn.s2sad_nonlocal = declared_nonlocal(node)
    fn.s2sad_nested = True
    fn.s2sad_scope = norm  # (where its free names are looked up)
    fn.s2sad_node = node  # (lifted when a derivative of it is called: :mod:`inner_derivatives`)
    return fn


def _source_of(norm: Normalizer, fn: Any, node: gast.AST) -> source.Source:
    try:
        src = source.load(fn)
        if not _library(src.filename):  # (a library's try blocks: refused at the call)
            try_blocks.lowered(src, norm.namespace, norm.namer)
            global_writes.rewrite(src, norm.namespace, norm.namer)  # (global n; n += 1)
        return fence.check(src, inlined=True)
    except DifferentiationError as exc:
        if "source not available" not in str(exc):
            raise
        raise norm.error(node, f"call of {fn.__name__}()",
                         "its source is not available and it has no rule; define it in a "
                         "file, or register a rule with @s2sad.defvjp") from None


def _receiver_of(call: gast.Call) -> gast.expr:
    """What a method is called on: ``net`` of ``net.loss(x)``, ``model`` of ``model(x)``."""
    return call.func.value if isinstance(call.func, gast.Attribute) else call.func


def _class_of(norm: Normalizer, arg: gast.expr) -> type | None:
    """The class of the user's object ``arg`` holds, when a parameter given one (by its
    own name, or by the caller's name it reads as)."""
    if not isinstance(arg, gast.Name):
        return None
    if arg.id in norm.instances:
        return norm.instances[arg.id]
    return next((cls for p, cls in norm.instances.items() if norm.rename.get(p) == arg.id),
                None)


def _is_self(norm: Normalizer, arg: gast.expr) -> bool:
    """Is ``arg`` the caller's own ``self`` (its first parameter, unchanged)?"""
    first = first_param(norm)
    return first is not None and isinstance(arg, gast.Name) and \
        arg.id in (first, norm.rename.get(first))


def _at_the_call(stmts: list, norm: Normalizer, node: gast.AST) -> None:
    """Statements inlined from s2sad's own closed forms carry the user's call: its line
    in comments and in any error about them."""
    origin = f"line {node.lineno}: {norm.src.line(node.lineno)}"
    for n in walk(gast.Module(body=stmts, type_ignores=[])):
        if isinstance(n, gast.stmt):
            n.lineno = node.lineno
            n.s2sad_file = norm.src.filename
            set_origin(n, origin)


def _assigned(node: gast.FunctionDef) -> set[str]:
    return {n.id for n in name_nodes(node)
            if isinstance(n.ctx, gast.Store)}


_WRITE_FIRST = ("put", "fill_diagonal", "copyto")  # np.* writing into their first argument


def _recursive_call(norm: Normalizer, fn: Any, src: Any, args: list, kws: list,
                    node: gast.Call) -> gast.expr:
    """A call of a function being inlined (``f`` calling itself, or ``g`` calling back
    the ``f`` that called it): a primitive whose rules differentiate ``fn`` again at run
    time (:mod:`s2sad.recursion`), called with a tape (the call's value read from
    what it returns: :mod:`s2sad.recursion_tape`); refused where ``fn`` changes its
    arguments in place."""
    from s2sad import recursion_tape
    if getattr(fn, "s2sad_nested", False) and \
            (fn.s2sad_free & set(fn.s2sad_scope.locals)) - {fn.__name__}:  # (the caller's)
        lifted = closures.lifted_recursive(fn)
        if lifted is None:
            raise norm.error(node, f"recursive call of {fn.__name__}(), defined inside the "
                             "function", "define it at module level, passing what it reads "
                             "from the function around it as arguments")
        fn, src = lifted, source.load(lifted)  # (the variables it reads passed on)
        kws = kws + closures.free_values(norm, lifted)
    if _mutated(src.node) or not isinstance(fn, FunctionType):
        raise norm.error(node, f"recursive call of {fn.__name__}()",
                         "recursion of a function that changes its arguments in place is "
                         "not supported; write it as a loop")
    if kws and all(k.arg is not None for k in kws) and \
            not any(isinstance(a, gast.Starred) for a in args):  # (each differentiated)
        fn = recursive_calls.by_position(fn, len(args), tuple(k.arg for k in kws))
        args, kws = args + [k.value for k in kws], []
    alias = norm.namer.fresh(fn.__name__)
    norm.namespace[alias] = recursion_tape.taped_call(fn)
    taped = norm.temp(as_values(norm, gast.Call(func=load(alias), args=args, keywords=kws)),
                      f"{fn.__name__.strip('_') or 'call'}_taped", node)
    reader = next((k for k, v in norm.namespace.items() if v is recursion_tape.taped_value),
                  None)
    if reader is None:
        reader = norm.namer.fresh("taped_value")
        norm.namespace[reader] = recursion_tape.taped_value
    return gast.Call(func=load(reader), args=[taped], keywords=[])


def _mutated(node: gast.FunctionDef) -> list[str]:
    """Parameters the function changes in place."""
    params = [a.id for a in (node.args.args + node.args.kwonlyargs)]
    found = set()
    for n in walk(node):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in ("append", "pop") and isinstance(n.func.value, gast.Name):
            found.add(n.func.value.id)
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in _WRITE_FIRST and n.args and isinstance(n.args[0], gast.Name):
            found.add(n.args[0].id)  # np.put(a, ...): flat_writes
        targets = n.targets if isinstance(n, gast.Assign) else \
            [n.target] if isinstance(n, gast.AugAssign) else []
        for t in targets:
            while isinstance(t, gast.Subscript):
                t = t.value
                if isinstance(t, gast.Attribute) and t.attr == "flat":
                    t = t.value  # a.flat[i] = v
                if isinstance(t, gast.Name):
                    found.add(t.id)
    rebound = {n.id for n in name_nodes(node)
               if isinstance(n.ctx, gast.Store)}  # v = v.copy(): later changes hit the copy
    return [p for p in params if p in found and p not in rebound]
