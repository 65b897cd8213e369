"""docs/architecture.md stays true of the code: its room table names every top-level module and
package of ``symbreak/`` (and no other), each room imports only what the table lets it and only
rooms above it on the import ladder, the contract section names every member of
:class:`symbreak.contract.Task` and every section kind, and every file and ``symbreak.`` name
it mentions exists.

The imports are read from the source by the import-graph test's walker, not by importing.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from symbreak.contract import CHECK_KEYS, SECTIONS, TASK_MEMBERS
from tests.test_import_graph import PACKAGE, import_graph, room_graph

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"


def doc_section(text: str, heading: str) -> str:
    """The text under the ``## heading`` of ``text`` up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(heading)}\b.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/architecture.md has no section '## {heading}'"
    return match.group(1)


def room_of_name(name: str) -> str:
    """The dotted room of a table entry: ``data/`` -> ``symbreak.data``, ``__init__.py`` or
    ``__init__`` -> ``symbreak``, ``run.py`` or ``run`` -> ``symbreak.run``."""
    stem = name.removesuffix("/").removesuffix(".py")
    return "symbreak" if stem == "__init__" else f"symbreak.{stem}"


def room_table(text: str) -> dict[str, set[str]]:
    """Room -> the rooms it may import, from the table of ``## The rooms``."""
    table = {}
    for line in doc_section(text, "The rooms").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`")
        assert name not in table, f"room {name} is in the table twice"
        table[name] = {room_of_name(token) for token in re.findall(r"`([^`]+)`", cells[2])}
    return {room_of_name(name): allowed for name, allowed in table.items()}


def package_rooms(package: Path) -> set[str]:
    """Every top-level module and package of ``package``, as dotted rooms."""
    modules = {room_of_name(path.name) for path in package.glob("*.py")}
    packages = {room_of_name(f"{path.name}/") for path in package.iterdir()
                if (path / "__init__.py").is_file()}  # fmt: skip
    return modules | packages


def mentioned(name: str, text: str) -> bool:
    """Whether ``name`` appears in ``text`` as code: `name`, `name(...)`, or in a list
    of names inside one pair of backticks (`streaming`, `a, name`)."""
    return any(re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", span)
               for span in re.findall(r"`([^`]+)`", text))  # fmt: skip


TEXT = DOC.read_text()


def test_the_room_table_names_every_room_and_nothing_else():
    listed, present = set(room_table(TEXT)), package_rooms(PACKAGE)
    assert not present - listed, f"rooms missing from the table: {sorted(present - listed)}"
    assert not listed - present, f"rooms in the table that do not exist: {sorted(listed - present)}"


def test_each_room_imports_only_what_the_table_allows():
    table = room_table(TEXT)
    rooms = room_graph(import_graph(PACKAGE))
    present = package_rooms(PACKAGE)
    for room, allowed in table.items():
        assert allowed <= present, f"{room} may import rooms that do not exist: {allowed - present}"
        extra = rooms.get(room, set()) - allowed
        assert not extra, f"{room} imports {sorted(extra)}, which docs/architecture.md omits"


def import_ladder(text: str) -> list[set[str]]:
    """The rooms of each line of the import ladder (the code block after "Imports go")."""
    block = text.split("Imports go", 1)[1].split("```", 2)[1]
    return [{room_of_name(name) for name in line.split()} for line in block.splitlines()
            if line.strip()]  # fmt: skip


def test_each_room_imports_only_rooms_above_it_on_the_ladder():
    ladder = import_ladder(TEXT)
    step = {room: k for k, line in enumerate(ladder) for room in line}
    assert sum(len(line) for line in ladder) == len(step) == len(package_rooms(PACKAGE))
    for room, targets in room_graph(import_graph(PACKAGE)).items():
        above = [t for t in targets if step[t] >= step[room]]
        assert not above, f"{room} imports {above}, not above it on the ladder"


def test_the_contract_section_names_every_member_section_and_check_key():
    contract = doc_section(TEXT, "The contract")
    missing = [member for member in TASK_MEMBERS if not mentioned(member, contract)]
    assert not missing, f"Task members the contract section omits: {missing}"
    assert mentioned("output_least_squares", contract)
    assert [key for key in CHECK_KEYS if not mentioned(key, contract)] == []
    built_in = {key: kind for key, kind in SECTIONS.items()
                if kind.__module__.startswith("symbreak.")}  # fmt: skip
    assert {"fields", "structures", "modes"} <= set(built_in)
    for key, kind in built_in.items():  # one row of the sections table names both
        rows = [line for line in contract.splitlines() if line.startswith("|")]
        assert any(mentioned(key, row) and mentioned(kind.__name__, row) for row in rows), key


def test_how_to_add_a_kind_follows_the_toy_kind_of_the_conformance_test():
    steps = doc_section(TEXT, "How to add a kind")
    toy = (ROOT / "tests" / "test_contract.py").read_text()
    for name in ("ChargeTask", "ChargedCloud", "ChargeSection", "INPUTS", "TASKS"):
        assert mentioned(name, steps) and re.search(rf"\b{name}\b", toy), name
    for decorator in ("rich_renderer", "completer", "picture_renderer"):
        assert mentioned(decorator, steps), decorator


def test_every_file_and_symbreak_name_the_page_mentions_exists():
    paths = set(re.findall(r"(?<![\w/<>-])((?:\w+/)+[\w.<>-]+\.(?:py|md))", TEXT))
    paths = {p for p in paths if "<" not in p}  # templates such as tasks/<kind>.py
    assert {"symbreak/contract.py", "report/_sections.py"} <= paths
    # a path outside symbreak/ is from the repository's root, else from the package's
    missing = [p for p in sorted(paths)
               if not (ROOT / p).is_file() and not (ROOT / "symbreak" / p).is_file()]
    assert missing == []
    for name in sorted(set(re.findall(r"`(symbreak(?:\.\w+)+)", TEXT))):
        module, _, attribute = name.rpartition(".")
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            assert hasattr(importlib.import_module(module), attribute), name


# ------------------------------------------------------------------------------ the test can fail
def test_the_checks_fail_on_a_page_with_a_line_deleted():
    row = next(line for line in TEXT.splitlines() if line.startswith("| `options.py`"))
    assert "symbreak.options" not in room_table(TEXT.replace(row + "\n", ""))
    member = next(line for line in TEXT.splitlines() if "`size()`" in line)
    contract = doc_section(TEXT.replace(member + "\n", ""), "The contract")
    assert not mentioned("size", contract)
    ladder = import_ladder(TEXT.replace("\nreport\n", "\n"))
    assert not any("symbreak.report" in line for line in ladder)
    with pytest.raises(AssertionError, match="no section"):
        doc_section(TEXT, "The attic")
