"""Where a run may be written: the ``--out`` checks, the writer's lock and staging leftovers.

``symbreak fit --force`` replaces an existing directory, so before anything is fitted
:func:`check_out` makes sure that the directory is a run symbreak wrote and holds nothing else;
it refuses the current directory, a folder holding the input, a file and any other folder.
:func:`run_lock` lets one writer at a time work on an ``--out``; :func:`clean_leftovers` removes
what a killed writer left beside it. Standard library only: the CLI calls these before it
imports torch.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from symbreak.errors import RunError

#: Files :func:`symbreak.run.write_run` and the report step put into a run directory.
RUN_FILES = frozenset(
    {"config.json", "model.pt", "history.csv", "data.h5", "samples.npz", "report.json",
     ".report.json.partial"}
)  # fmt: skip


def looks_like_run(path: Path) -> bool:
    """True when ``path/config.json`` is a symbreak run config (a JSON object with a schema)."""
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and isinstance(config.get("schema"), int) and "task" in config


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
    extra = sorted(entry.name for entry in out.iterdir() if entry.name not in RUN_FILES)
    if extra:
        more = f" and {len(extra) - 1} more" if len(extra) > 1 else ""
        raise RunError(
            f"--force will not replace {out}: it holds {extra[0]!r}{more}, which symbreak fit "
            "did not write; move it away or choose another --out."
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
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
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
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
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
                  and entry.is_dir() and not entry.is_symlink() and looks_like_run(entry)]
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
    """
    out = Path(out)
    parent = out.absolute().parent
    if not parent.is_dir():
        return []
    pattern = _leftover_pattern(out)
    removed = []
    for entry in sorted(parent.iterdir()):
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed
