"""Where a run may be written: the ``--out`` checks, the writer's lock and staging leftovers.

``symbreak fit --force`` replaces an existing directory, so before anything is fitted
:func:`check_out` makes sure that the directory is a run symbreak wrote and holds nothing else;
it refuses the current directory, a folder holding the input, a file and any other folder.
:func:`run_lock` lets one writer at a time work on an ``--out``; :func:`clean_leftovers` removes
what a killed writer left beside it. Standard library only: the CLI calls these before it
imports torch.

symbreak deletes or replaces only what it can prove it wrote, never by name alone: a run
holds the marker :data:`RUN_MARKER` (the run's ``run_id`` and the SHA-256 of every file it
wrote), a staging folder the marker :data:`STAGING_MARKER` (the ``--out`` it was made for),
and everything else in them must be a plain file of a name symbreak writes.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from symbreak.errors import RunError, file_system_error

#: Files :func:`symbreak.run.write_run` puts into a run directory, its marker included.
RUN_FILES = frozenset(
    {"config.json", "model.pt", "history.csv", "data.h5", "samples.npz", "report.json",
     ".symbreak_run", ".symbreak_staging"}
)  # fmt: skip

#: The proof that symbreak wrote a run: JSON with ``program``, ``run_id`` (``config.json``'s)
#: and ``files`` (name -> SHA-256 of every other file), written last into the staging folder.
RUN_MARKER = ".symbreak_run"

#: The proof that a staging folder is symbreak's: JSON with ``program`` and ``out`` (the name
#: of the run it stages), written first into it.
STAGING_MARKER = ".symbreak_staging"

_PROGRAM = "symbreak"


def looks_like_run(path: Path) -> bool:
    """True when ``path/config.json`` is a symbreak run config (a JSON object with a schema)."""
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and isinstance(config.get("schema"), int) and "task" in config


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_staging_marker(staging: Path, out: Path) -> None:
    """Mark ``staging`` as the folder in which symbreak writes the run ``out``."""
    text = json.dumps({"program": _PROGRAM, "out": out.name})
    (staging / STAGING_MARKER).write_text(text)


def write_run_marker(folder: Path, run_id: str) -> None:
    """Mark the complete run in ``folder`` as symbreak's: its ``run_id`` and every file's hash.

    Called last, when every other file is written; the staging marker is then dropped.
    """
    files = {entry.name: _sha256(entry) for entry in sorted(folder.iterdir())
             if entry.name not in (RUN_MARKER, STAGING_MARKER)}  # fmt: skip
    marker = {"program": _PROGRAM, "run_id": run_id, "files": files}
    (folder / RUN_MARKER).write_text(json.dumps(marker, indent=1))
    (folder / STAGING_MARKER).unlink(missing_ok=True)


def _read_marker(file: Path) -> dict | None:
    """A marker's JSON object written by symbreak, or None (missing, a folder, damaged)."""
    if file.is_symlink() or not file.is_file():
        return None
    try:
        marker = json.loads(file.read_text())
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("program") == _PROGRAM else None


def _foreign_entry(folder: Path) -> str | None:
    """The first entry of ``folder`` symbreak cannot have written there: a name it does not
    write, or one of its names held by a folder, a link or anything but a plain file."""
    for entry in sorted(folder.iterdir()):
        if entry.name not in RUN_FILES:
            return f"{entry.name!r}, which symbreak did not write"
        if entry.is_symlink() or not entry.is_file():
            kind = "link" if entry.is_symlink() else "folder" if entry.is_dir() else "special file"
            return f"a {kind} named {entry.name!r}, which symbreak did not write"
    return None


def unproven_run(folder: Path) -> str | None:
    """None when ``folder`` is provably a run symbreak wrote, else why not (a phrase).

    Proof: the run marker names ``config.json``'s ``run_id``, and every file in the folder
    is one the marker lists with that very content (a file it lists may be missing: deleting
    loses nothing of the user's).
    """
    foreign = _foreign_entry(folder)
    if foreign is not None:
        return f"it holds {foreign}"
    marker = _read_marker(folder / RUN_MARKER)
    files = marker.get("files") if marker is not None else None
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        config = None
    run_id = config.get("run_id") if isinstance(config, dict) else None
    if not isinstance(files, dict) or run_id is None or marker.get("run_id") != run_id:
        return (f"it has no valid symbreak marker ({RUN_MARKER}) proving that symbreak wrote "
                "it (runs from symbreak 0.x before this marker have none)")  # fmt: skip
    for entry in sorted(folder.iterdir()):
        if entry.name in (RUN_MARKER, STAGING_MARKER):
            continue
        if files.get(entry.name) != _sha256(entry):
            return f"its {entry.name} is not the file symbreak wrote there (changed or replaced)"
    return None


def _is_our_staging(folder: Path, out: Path) -> bool:
    """A staging folder of ``out``: its marker names ``out``, it holds only run files."""
    if folder.is_symlink() or not folder.is_dir() or _foreign_entry(folder) is not None:
        return False
    marker = _read_marker(folder / STAGING_MARKER)
    if marker is not None:
        return marker.get("out") == out.name
    return unproven_run(folder) is None  # killed after the run marker, before the rename

def check_out(
    out: str | os.PathLike, inputs: Iterable[str | os.PathLike] = (), overwrite: bool = False
) -> Path:
    """Refuse an ``--out`` that a fit may not create or replace; return it as a Path.

    ``inputs`` are the files the fit reads: a folder holding one of them is never replaced.

    Raises
    ------
    RunError
        One sentence saying why ``out`` cannot be used, before anything is fitted.
    """
    out = Path(out)
    if out.is_symlink():
        raise RunError(f"{out} is a symbolic link; give a real directory (or a new name) as --out.")
    if not out.exists():
        _check_writable_parent(out)
        return out
    if not overwrite:
        raise RunError(f"{out} already exists; choose another --out or pass --force to replace it.")
    resolved = out.resolve()
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise RunError(
            f"--force will not replace {out}: it is the current directory or holds it; "
            "give a run directory such as runs/name as --out."
        )
    for data in inputs:
        data = Path(data).resolve()
        if resolved == data or resolved in data.parents:
            raise RunError(f"--force will not replace {out}: it holds the input file {data}.")
    if not out.is_dir():
        raise RunError(
            f"--force will not replace {out}: it is a file, and --force replaces only a run "
            "directory written by symbreak fit."
        )
    if not any(out.iterdir()):
        _check_writable_parent(out)
        return out  # nothing to lose
    if not looks_like_run(out):
        raise RunError(
            f"--force will not replace {out}: it is not a symbreak run (it has no symbreak "
            "config.json); choose another --out."
        )
    why = unproven_run(out)
    if why is not None:
        raise RunError(
            f"--force will not replace {out}: {why}; move it away or choose another --out."
        )
    _check_writable_parent(out)
    return out


def _check_writable_parent(out: Path) -> None:
    """The nearest existing ancestor of ``out`` must be a directory we may write in."""
    parent = out.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise RunError(f"cannot create {out}: {parent} is a file, not a directory.")
    if not os.access(parent, os.W_OK | os.X_OK):
        if os.statvfs(parent).f_flag & os.ST_RDONLY:
            raise RunError(f"cannot create {out}: {parent} is on a read-only file system.")
        raise RunError(f"cannot create {out}: no permission to write in {parent}.")


def _lock_path(out: Path) -> Path:
    return out.absolute().parent / f".{out.name}.lock"


@contextmanager
def run_lock(out: str | os.PathLike) -> Iterator[Path]:
    """Hold the writer's lock of ``out`` (a hidden ``.NAME.lock`` beside it) for the block.

    The lock is an ``flock`` on that file, so the kernel releases it when the process dies,
    even by SIGKILL; a second writer is refused at once with one sentence naming the holder.
    The file is removed on release; a writer that opened the removed file retries on the
    new one (the inode check), so two writers can never both hold the lock.
    """
    out = Path(out)
    path = _lock_path(out)
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise file_system_error(f"cannot lock {out} (file {path.name})", error,
                                    "; nothing was written") from None  # fmt: skip
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.read(descriptor, 64).decode(errors="replace").strip() or "unknown"
            os.close(descriptor)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise RunError(f"cannot lock {path} ({error.strerror}).") from None
            raise RunError(
                f"another symbreak fit (process {holder}) is writing {out}; wait for it to "
                "finish or choose another --out."
            ) from None
        try:
            if os.fstat(descriptor).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(descriptor)  # the holder removed this file as we opened it: take the new one
    held = os.read(descriptor, 64)
    if held and not re.fullmatch(rb"\d+\n?", held):  # the user's own file of that name
        os.close(descriptor)
        raise RunError(
            f"{path} is not a symbreak lock file (it holds other text); move it away so that "
            f"symbreak can lock {out}."
        )
    try:
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        except OSError as error:
            raise file_system_error(f"cannot lock {out} (file {path.name})", error,
                                    "; nothing was written") from None  # fmt: skip
        yield path
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _leftover_pattern(out: Path) -> re.Pattern:
    # The names tempfile.mkdtemp gives staging (and replaced) folders in write_run.
    return re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}\.(partial|old)")


def restore_replaced(out: str | os.PathLike, locked: bool = False) -> str | None:
    """Put back the run that a killed writer moved aside; return its folder's name, or None.

    A run being replaced is renamed aside (``.NAME.xxxxxxxx.old``) and the new one renamed
    in; a writer killed between the two renames leaves no ``out`` and the old run aside.
    When ``out`` is missing, no writer holds its lock (``locked``: the caller holds it) and
    such a folder holds a complete run, the newest is renamed back, so the kill loses the new
    fit only, as any kill does.
    """
    out = Path(out)
    parent = out.absolute().parent
    if out.exists() or not parent.is_dir():
        return None
    aside = re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}\.old")
    candidates = [entry for entry in parent.iterdir() if aside.fullmatch(entry.name)
                  and entry.is_dir() and not entry.is_symlink() and unproven_run(entry) is None]
    if not candidates:
        return None
    if not locked:
        try:
            with run_lock(out):
                return restore_replaced(out, locked=True)
        except RunError:  # a writer is at work: it finishes the replacement itself
            return None
    newest = max(candidates, key=lambda entry: entry.stat().st_mtime)
    try:
        newest.rename(out)
    except OSError:
        return None
    return newest.name


def clean_leftovers(out: str | os.PathLike) -> list[str]:
    """Remove staging folders that a killed writer left beside ``out``; return their names.

    Call it only while holding :func:`run_lock` of ``out``: then no live writer owns them.
    A folder is removed only when its marker proves it is a staging folder of ``out`` or a
    complete run symbreak wrote, and it holds only files of the names symbreak writes.
    """
    out = Path(out)
    parent = out.absolute().parent
    if not parent.is_dir():
        return []
    pattern = _leftover_pattern(out)
    removed = []
    for entry in sorted(parent.iterdir()):
        if pattern.fullmatch(entry.name) and _is_our_staging(entry, out):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed
