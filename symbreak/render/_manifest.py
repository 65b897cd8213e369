"""Which files of an output folder ``symbreak render`` wrote: a manifest, so reruns never go stale.

A folder reused for a second rendering would otherwise keep the first one's pictures (a
layer that is no longer drawn, an irrep no longer active), and ``index.html`` would list
fewer files than the folder holds. ``DIR/.symbreak-render.json`` names every file render
wrote there. Before drawing, render removes the files of that list it will not write again;
it never deletes or overwrites a file the list does not name (the user's): it refuses instead.

Folders written before the manifest existed are recognised by their ``index.html`` (its
heading and links), which then serves as the list.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".symbreak-render.json"
#: The heading ``write_index`` puts on every page: how an index without manifest is recognised.
INDEX_MARK = "<h1>symbreak render</h1>"


def written_files(out: Path) -> set[str]:
    """Names of the files in ``out`` that symbreak render wrote there (from the manifest)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {name for name in data["files"] if _plain_name(name)}
    except FileNotFoundError:
        return _legacy_index(out)
    except (OSError, ValueError, KeyError, TypeError):
        return set()  # unreadable: trust nothing, so nothing is deleted


def _plain_name(name) -> bool:
    """A file name inside the folder (no path, no parent): the manifest cannot point outside."""
    return isinstance(name, str) and name not in ("", ".", "..", MANIFEST) and "/" not in name \
        and "\\" not in name and os.path.basename(name) == name  # fmt: skip


def _legacy_index(out: Path) -> set[str]:
    try:
        page = (out / "index.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    if INDEX_MARK not in page:
        return set()
    return {"index.html"} | {n for n in re.findall(r'href="([^"]+)"', page) if _plain_name(n)}


def _write(out: Path, names: Iterable[str]) -> None:
    staging = out / (MANIFEST + ".tmp")
    text = json.dumps({"written_by": "symbreak render", "files": sorted(set(names))}, indent=1)
    staging.write_text(text + "\n", encoding="utf-8")
    os.replace(staging, out / MANIFEST)  # atomic: a crash leaves the old list or the new one


def prepare_folder(out: Path, planned: Iterable[str]) -> list[str]:
    """Make ``out`` ready for the files ``planned``; returns the stale files it removed.

    Raises :class:`FileExistsError` naming the files that are in the way but were not
    written by symbreak render. The manifest is updated before anything is drawn, so a
    rendering that dies half-way leaves no untracked picture behind.
    """
    planned = set(planned)
    ours = written_files(out)
    foreign = sorted(n for n in planned if (out / n).exists() and n not in ours)
    if foreign:
        raise FileExistsError(", ".join(foreign))
    _write(out, ours | planned)
    removed = []
    for name in sorted(ours - planned):
        path = out / name
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(name)
    return removed


def finish_folder(out: Path, written: Iterable[str]) -> list[str]:
    """Record ``written`` as the folder's files; returns the other (user's) files it holds."""
    written = set(written)
    _write(out, written)
    return sorted(p.name for p in out.iterdir()
                  if p.name not in written and p.name != MANIFEST)  # fmt: skip
