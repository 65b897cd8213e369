"""No import circles in symbreak: between modules, nor between rooms (top-level subpackages).

The graph is read from the source with :mod:`ast`, not by importing it, so it sees every
import: absolute and relative, at the top of a module or inside a function. A lazy import
avoids the ImportError of a circle but not the circle itself: the two modules still cannot
be understood, tested or moved one without the other.

Nodes are modules (a package's ``__init__`` is the module named after the package);
``from symbreak.x import name`` is an edge to ``symbreak.x.name`` when that is a module, else
to ``symbreak.x``. Imports whose module name is computed at run time
(``importlib.import_module(variable)``) are not seen; literal names are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symbreak"

#: Module circles tolerated for now. The architecture refactor emptied it; keep it empty. The
#: test fails on a circle not listed here, and on a listed one that no longer exists.
KNOWN_CIRCLES: list[frozenset[str]] = []

#: Room circles tolerated for now (same rules): none.
KNOWN_ROOM_CIRCLES: list[frozenset[str]] = []

#: Top-level modules that belong to another room (none: every room is a package or a module).
ROOM_OF: dict[str, str] = {}


# ------------------------------------------------------------------------------ the walker


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under ``package`` (a directory)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: Iterable[str]) -> str | None:
    """The longest dotted prefix of ``name`` that is one of ``modules``."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in modules:
            return prefix
    return None


def imports(tree: ast.AST, module: str, is_package: bool, modules: Iterable[str]) -> set[str]:
    """The modules of ``modules`` that the parsed source of ``module`` imports, anywhere in it."""
    modules = set(modules)
    package = module if is_package else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(_resolve(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x: level 1 is this module's package
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # "from a import b": the submodule a.b if there is one, else a (b is a name in a)
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else _resolve(base, modules))
        elif _is_literal_import_module(node):
            found.add(_resolve(node.args[0].value, modules))
    return {name for name in found if name is not None} - {module}


def _is_literal_import_module(node: ast.AST) -> bool:
    """``importlib.import_module("a.b")`` (or ``import_module("a.b")``) with a literal name."""
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (anywhere in its source)."""
    files = module_files(package)
    return {
        module: imports(ast.parse(path.read_text(), str(path)), module,
                        path.name == "__init__.py", files)  # fmt: skip
        for module, path in files.items()
    }


def room(module: str, room_of: Mapping[str, str] = ROOM_OF) -> str:
    """The room of a module: its top-level subpackage or module (``symbreak.data``)."""
    top = ".".join(module.split(".")[:2])
    return room_of.get(top, top)


def room_graph(graph: Mapping[str, set[str]],
               room_of: Mapping[str, str] = ROOM_OF) -> dict[str, set[str]]:  # fmt: skip
    """The import graph between rooms (edges inside a room dropped)."""
    rooms: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = room(module, room_of)
        rooms.setdefault(source, set())
        rooms[source].update(room(t, room_of) for t in targets)
        rooms[source].discard(source)
    return rooms


def circles(graph: Mapping[str, Iterable[str]]) -> set[frozenset[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def _check(found: set[frozenset[str]], known: list[frozenset[str]], what: str) -> None:
    new = [sorted(c) for c in found if c not in known]
    gone = [sorted(c) for c in known if c not in found]
    assert not new, f"new {what} circles (break them; do not list them): {new}"
    assert not gone, f"listed {what} circles that no longer exist (take them off the list): {gone}"


# ------------------------------------------------------------------------------ the package


def test_no_module_circles_beyond_the_known_ones():
    _check(circles(import_graph(PACKAGE)), KNOWN_CIRCLES, "module")


def test_no_room_circles_beyond_the_known_ones():
    _check(circles(room_graph(import_graph(PACKAGE))), KNOWN_ROOM_CIRCLES, "room")


#: The rooms that may import the kinds (``symbreak.tasks``): the one that composes them and the
#: faces over it. Every other room works through ``symbreak.contract`` (issue 18).
COMPOSERS = {"symbreak.pipeline", "symbreak.api", "symbreak.cli", "symbreak.tasks", "symbreak"}


def test_only_the_pipeline_and_its_faces_import_the_kinds():
    graph = import_graph(PACKAGE)
    reaching = sorted(module for module, targets in graph.items()
                      if room(module) not in COMPOSERS
                      and any(room(t) == "symbreak.tasks" for t in targets))  # fmt: skip
    assert not reaching, f"generic rooms import symbreak.tasks: {reaching}"


def test_no_room_reaches_into_another_rooms_private_modules():
    """``symbreak.a`` may use ``symbreak.b``'s exports, never ``symbreak.b._x``: a private
    module is its room's business, free to change without telling anyone."""
    graph = import_graph(PACKAGE)
    reach_ins = sorted(f"{module} -> {target}" for module, targets in graph.items()
                       for target in targets if room(target) != room(module)
                       and any(part.startswith("_") for part in target.split(".")[2:]))  # fmt: skip
    assert not reach_ins, f"imports of other rooms' private modules: {reach_ins}"


def test_the_walker_sees_the_package():
    graph = import_graph(PACKAGE)
    assert "symbreak" in graph and "symbreak.symmetry._point_group" in graph
    # a from-import of a submodule, a lazy import inside a method, an import of a package
    assert "symbreak.symmetry._axial" in graph["symbreak.symmetry._point_group"]
    assert "symbreak.symmetry._elements" in graph["symbreak.symmetry._point_group"]
    assert "symbreak.errors" in graph["symbreak.symmetry._stabilizer"]
    assert graph["symbreak.errors"] == set()


# ------------------------------------------------------------------------------ the walker can fail


def _write(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "fake"


def test_walker_finds_a_circle_through_a_lazy_relative_import(tmp_path):
    package = _write(tmp_path, {
        "fake/__init__.py": "",
        "fake/low/__init__.py": "from fake.low._shape import Shape\n",
        "fake/low/_shape.py": "def area():\n    from . import _intersect\n",
        "fake/low/_intersect.py": "from fake.low._shape import Shape\n",
        "fake/high.py": "import fake.low\nfrom fake import low\n",
    })  # fmt: skip
    graph = import_graph(package)
    assert graph["fake.low"] == {"fake.low._shape"}
    assert graph["fake.high"] == {"fake.low"}
    assert circles(graph) == {frozenset({"fake.low._shape", "fake.low._intersect"})}
    assert circles(room_graph(graph, {})) == set()
    with pytest.raises(AssertionError, match="new module circles"):
        _check(circles(graph), [], "module")
    with pytest.raises(AssertionError, match="no longer exist"):
        _check(set(), [frozenset({"fake.low._shape", "fake.low._intersect"})], "module")


def test_walker_finds_a_circle_between_rooms_and_resolves_submodule_imports(tmp_path):
    package = _write(tmp_path, {
        "fake/__init__.py": "",
        "fake/data/__init__.py": "",
        "fake/data/readers.py": "from fake.report import build\n",
        "fake/report/__init__.py": "def build():\n    pass\n",
        "fake/report/_rich.py": "from fake.data import readers\nfrom ..data import readers\n",
        "fake/fit.py": "import importlib\n\n"
                       "def run():\n    importlib.import_module('fake.fit_minibatch')\n",
        "fake/fit_minibatch.py": "from fake import fit\n",
    })  # fmt: skip
    graph = import_graph(package)
    assert graph["fake.report._rich"] == {"fake.data.readers"}  # not fake.data
    assert graph["fake.data.readers"] == {"fake.report"}
    assert circles(graph) == {frozenset({"fake.fit", "fake.fit_minibatch"})}
    assert circles(room_graph(graph, {})) == {frozenset({"fake.data", "fake.report"}),
                                              frozenset({"fake.fit", "fake.fit_minibatch"})}
    # one room for the trainer and its strategies: the fit circle is inside it
    rooms = room_graph(graph, {"fake.fit_minibatch": "fake.fit"})
    assert circles(rooms) == {frozenset({"fake.data", "fake.report"})}


def test_circles_are_the_strongly_connected_components():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d", "f"}, "f": set()}
    assert circles(graph) == {frozenset("abc"), frozenset("de")}
    assert circles({"a": {"b"}, "b": set()}) == set()
