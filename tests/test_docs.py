"""The documentation runs, and what it shows is what s2sad does.

- Every fenced ```python block of ``docs/*.md`` and ``README.md`` runs, top to
  bottom in one namespace per file (each block from a file of its own, so
  s2sad can read the source of the functions it defines).  A block holding
  ``>>>`` lines runs as a doctest.  Blocks fenced ```py are shown, not run.
- A block preceded by ``<!-- output -->`` is the stdout of the block before it.
- A block preceded by ``<!-- file: NAME -->`` is written to NAME in a scratch
  folder; a block preceded by ``<!-- $ COMMAND -->`` is the stdout of COMMAND
  run there (``python`` is this interpreter).  ``docs/how-it-works.md`` uses
  them to show ``s2sad show --stage ...`` output that cannot drift.
- The table of functions with rules in ``docs/supported.md`` is built from the
  rule tables (:func:`rule_table`).
- Relative links between the Markdown files point at files that exist.

After an intended change, ``S2SAD_REGEN_DOCS=1 python -m pytest tests/test_docs.py``
rewrites the generated parts (outputs, command outputs, the rule table) in
place; review the diff.
"""
from __future__ import annotations

import builtins
import contextlib
import doctest
import io
import math
import operator
import os
import re
import shlex
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
REGEN = bool(os.environ.get("S2SAD_REGEN_DOCS"))
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*(.*?)\s*-->\s*$")


@dataclass
class Block:
    info: str       # the fence's language: python (runs), py (shown only), bash, ...
    code: str
    start: int      # index of the first content line in the file's lines
    end: int        # index of the closing fence
    marker: str     # the HTML comment on the line before the fence, or ""


def blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        before = MARKER.match(lines[i - 1]) if i > 0 else None
        code = "\n".join(lines[i + 1:j]) + "\n"
        found.append(Block(m.group(1), code, i + 1, j, before.group(1) if before else ""))
        i = j + 1
    return found


def replace_blocks(path: Path, new: dict[int, str]) -> None:
    """Rewrite the content of the blocks starting at the given lines."""
    lines = path.read_text().splitlines()
    for b in sorted(blocks(path.read_text()), key=lambda b: -b.start):
        if b.start in new:
            lines[b.start:b.end] = new[b.start].rstrip("\n").splitlines()
    path.write_text("\n".join(lines) + "\n")


def run_block(block: Block, namespace: dict, path: Path, n: int, folder: Path) -> str:
    """Run one python block; return what it printed."""
    name = f"{path.stem.replace('-', '_')}_block{n}"
    if any(line.lstrip().startswith(">>>") for line in block.code.splitlines()):
        test = doctest.DocTestParser().get_doctest(block.code, namespace, name, str(path),
                                                   block.start)
        report = io.StringIO()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS
                                       | doctest.NORMALIZE_WHITESPACE)
        runner.run(test, out=report.write, clear_globs=False)
        if runner.failures:
            pytest.fail(f"{path.name}, block at line {block.start}:\n{report.getvalue()}")
        return ""
    file = folder / f"{name}.py"
    file.write_text(block.code)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(block.code, str(file), "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"{path.name}, block at line {block.start} raised "
                                 f"{type(exc).__name__}: {exc}") from exc
    return out.getvalue()


def run_command(command: str, folder: Path) -> str:
    argv = shlex.split(command)
    if argv[0] == "python":
        argv[0] = sys.executable
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, f"{command} failed:\n{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_markdown_blocks(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"doc_{path.stem.replace('-', '_')}"}
    stale: dict[int, str] = {}
    printed = ""
    for n, block in enumerate(blocks(path.read_text())):
        expected = None
        if block.marker.startswith("file:"):
            (tmp_path / block.marker[5:].strip()).write_text(block.code)
        if block.marker == "output":
            expected = printed
        elif block.marker.startswith("$ "):
            expected = run_command(block.marker[2:], tmp_path)
        if expected is not None and expected.rstrip("\n") != block.code.rstrip("\n"):
            stale[block.start] = expected
        if block.info == "python":
            printed = run_block(block, namespace, path, n, tmp_path)
    if stale and REGEN:
        replace_blocks(path, stale)
    elif stale:
        lines = sorted(stale)
        pytest.fail(f"{path.name}: the blocks at lines {[n + 1 for n in lines]} differ from what "
                    "the code prints now; rerun with S2SAD_REGEN_DOCS=1 and review the diff.\n"
                    f"First one, expected:\n{stale[lines[0]]}")


# ----- links -----

LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_relative_links_exist(path: Path):
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        assert (path.parent / target.split("#")[0]).exists(), f"{path.name}: broken link {target}"


# ----- the rule table of docs/supported.md -----

SYNTAX = {
    "add": "x + y", "sub": "x - y", "mul": "x * y", "truediv": "x / y", "floordiv": "x // y",
    "mod": "x % y", "pow": "x ** y", "matmul": "x @ y", "neg": "-x", "pos": "+x",
    "lt": "x < y", "le": "x <= y", "gt": "x > y", "ge": "x >= y", "eq": "x == y",
    "ne": "x != y", "not_": "not x", "is_": "x is y", "is_not": "x is not y",
    "contains": "y in x", "and_": "x & y", "or_": r"x \| y", "xor": "x ^ y", "invert": "~x",
    "lshift": "x << y", "rshift": "x >> y", "getitem": "x[i]",
}


def _modules() -> list[tuple[str, str, object]]:
    mods = [("Python operators", "operator", operator), ("Python builtins", "", builtins),
            ("math", "math", math), ("NumPy", "np", np), ("numpy.linalg", "np.linalg", np.linalg),
            ("numpy.fft", "np.fft", np.fft), ("numpy.random", "np.random", np.random)]
    import numpy.polynomial as npp
    mods += [(f"numpy.polynomial.{name}", f"np.polynomial.{name}", getattr(npp, name))
             for name in ("polynomial", "chebyshev", "legendre", "hermite", "hermite_e",
                          "laguerre")]
    try:
        import scipy.fft
        import scipy.integrate
        import scipy.linalg
        import scipy.optimize
        import scipy.signal
        import scipy.spatial.distance
        import scipy.special
        mods += [(f"{name} (when scipy is installed)", name, module) for name, module in (
            ("scipy.special", scipy.special), ("scipy.linalg", scipy.linalg),
            ("scipy.integrate", scipy.integrate), ("scipy.optimize", scipy.optimize),
            ("scipy.signal", scipy.signal), ("scipy.fft", scipy.fft),
            ("scipy.spatial.distance", scipy.spatial.distance))]
    except ImportError:
        pass
    return mods


def _names_in(module: object, keys: set) -> dict[int, list[str]]:
    from s2sad.rules.registry import _key  # (np.random.normal: by the draw's name)
    found: dict[int, list[str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in dir(module):
            if name.startswith("_"):
                continue
            try:
                obj = getattr(module, name)
                if obj in keys or _key(obj) in keys:
                    found.setdefault(id(obj), []).append(name)
            except Exception:  # (unhashable objects and lazy attributes)
                continue
    return found


def _status(key: object, registry) -> str:
    if key in registry.NONDIFF:
        return "none (a constant)"
    if registry.lookup_through(key) is not None:
        return "reverse, forward (through a closed form)"
    modes = [m for m, table in (("reverse", registry.VJPS), ("forward", registry.JVPS))
             if key in table]
    refused = registry.unsupported(key)
    if refused and all(t is None for t in registry.VJPS[key].templates):
        return f"none; refused in {', '.join(refused)}"
    return ", ".join(modes) + (f" (refused in {', '.join(refused)})" if refused else "")


def _order(row: str) -> tuple:
    """Operators in the order of ``SYNTAX``, everything else alphabetically."""
    names = re.findall(r"`operator\.(\w+)`", row)
    if names and names[0] in SYNTAX:
        return (0, list(SYNTAX).index(names[0]), "")
    return (1, 0, row.lower())


def _np_name(fn: object, names: list[str]) -> str:
    """The usual spelling among NumPy's aliases of ``fn``."""
    own = getattr(fn, "__name__", "")
    return f"np.{own if own in names else sorted(names)[0]}"


def rule_table() -> str:
    """The Markdown tables of every library function and method with a rule."""
    import s2sad.rules  # noqa: F401  (registers the built-in rules)
    from s2sad.rules import registry
    modules = _modules()  # imports scipy: its rules are registered on the next look
    registry.load_imported()
    keys = {k for k, r in list(registry.VJPS.items()) + list(registry.JVPS.items())
            if r.user is None} | set(registry.NONDIFF) | set(registry.THROUGH)
    out, seen = [], set()
    for title, prefix, module in modules:
        rows = []
        for ident, names in _names_in(module, keys).items():
            if ident in seen:
                continue
            seen.add(ident)
            key = registry._key(getattr(module, names[0]))
            cells = [f"`{prefix + '.' if prefix else ''}{n}`" for n in sorted(names)]
            if prefix == "operator" and names[0] in SYNTAX:
                cells.insert(0, f"`{SYNTAX[names[0]]}`")
            rows.append(f"| {', '.join(cells)} | {_status(key, registry)} |")
        if rows:
            out += [f"### {title}", "", "| function | derivative |", "|---|---|",
                    *sorted(rows, key=_order), ""]
    out += ["### Array methods and attributes", "",
            "| spelling | means | derivative |", "|---|---|---|"]
    np_names = _names_in(np, set(registry.METHODS.values()) | set(registry.ATTRIBUTES.values()))
    for kind, table in (("method", registry.METHODS), ("attribute", registry.ATTRIBUTES)):
        for name, fn in sorted(table.items()):
            spelled = f"`x.{name}(...)`" if kind == "method" else f"`x.{name}`"
            known = np_names.get(id(fn))
            call = "(x, ...)" if kind == "method" else "(x)"
            means = f"`{_np_name(fn, known)}{call}`" if known else \
                f"`s2sad.runtime.{fn.__name__}{call}`"
            out.append(f"| {spelled} | {means} | {_status(fn, registry)} |")
    return "\n".join(out) + "\n"


def _resolve(name: str) -> object | None:
    prefixes = {"np": np, "math": math, "operator": operator}
    head, _, rest = name.partition(".")
    if head == "scipy":
        try:
            import scipy.fft
            import scipy.integrate
            import scipy.linalg
            import scipy.signal
            import scipy.special
        except ImportError:
            return None
        obj, rest = scipy, rest
    elif head in prefixes:
        obj = prefixes[head]
    elif not rest and hasattr(builtins, head):
        return getattr(builtins, head)
    else:
        return None
    for part in rest.split("."):
        obj = getattr(obj, part, None)
    return obj


def _row_keys(table: str) -> set[tuple]:
    """Rows as (names that exist here, the rest); rows naming only absent functions drop out
    (the table was made where a newer NumPy, Python or scipy has more)."""
    rows = set()
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        first, rest = line[2:].split(" | ", 1)
        tokens = re.findall(r"`([^`]+)`", first)
        names = [t for t in tokens if re.fullmatch(r"[A-Za-z_][\w.]*", t)]
        present = [t for t in names if _resolve(t) is not None]
        if names and not present:
            continue
        rows.add((frozenset(present), frozenset(set(tokens) - set(names)), rest))
    return rows


def refused_table() -> str:
    """The fence's table of refused syntax, as Markdown."""
    from s2sad.compiler.fence import REJECTED
    rows = {f"| {construct} | {advice} |" for construct, advice in REJECTED.values()}
    return "\n".join(["| construct | what to do instead |", "|---|---|", *sorted(rows)]) + "\n"


GENERATED = {"rule table": rule_table, "refused table": refused_table}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_table_is_current(name: str):
    path = ROOT / "docs" / "supported.md"
    begin, end = f"<!-- BEGIN {name}: generated by tests/test_docs.py -->", f"<!-- END {name} -->"
    text = path.read_text()
    assert begin in text and end in text, f"{path}: the markers of the {name} are missing"
    head, rest = text.split(begin, 1)
    documented, tail = rest.split(end, 1)
    table = GENERATED[name]()
    if documented.strip() == table.strip():
        return
    if REGEN:
        path.write_text(f"{head}{begin}\n{table}{end}{tail}")
        return
    ours, theirs = _row_keys(table), _row_keys(documented)
    missing = sorted(str(r) for r in ours - theirs)
    extra = sorted(str(r) for r in theirs - ours)
    assert name == "rule table" and not missing and not extra, (
        f"docs/supported.md's {name} differs from the code; regenerate it with "
        "S2SAD_REGEN_DOCS=1 python -m pytest tests/test_docs.py and review the diff.\n"
        f"not documented: {missing[:10]}\nno longer true: {extra[:10]}")
