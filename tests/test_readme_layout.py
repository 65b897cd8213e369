"""The README's Layout section lists every module of the package, once, and nothing else."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def layout_modules(readme: str) -> list[str]:
    """Module paths (``data/pairs.py``) of the Layout section's code block, by indentation."""
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    modules, folder = [], ""
    for line in block.splitlines():
        match = re.match(r"^( *)(\S+)", line)
        if not match or match.group(2) == "symbreak/":
            continue
        indent, name = len(match.group(1)), match.group(2)
        if name.endswith("/"):
            folder = name
        elif name.endswith(".py"):
            modules.append((folder if indent > 2 else "") + name)
    return modules


def test_layout_matches_the_tree():
    listed = layout_modules((ROOT / "README.md").read_text())
    package = ROOT / "symbreak"
    present = sorted(str(path.relative_to(package)) for path in package.rglob("*.py"))
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert sorted(listed) == present


def test_the_parser_sees_folders_and_top_level_modules():
    text = "## Layout\n\n```\nsymbreak/\n  cli.py   x\n  data/   y\n    pairs.py  z\n```\n"
    assert layout_modules(text) == ["cli.py", "data/pairs.py"]
