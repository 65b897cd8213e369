"""The errors that reach the user as one sentence (the CLI prints them and exits with code 2).

Every one is a :class:`SymbreakError`; the subclasses say which part of the input is at fault.
They stay :class:`ValueError` too, so code that caught ``ValueError`` before still does.

Kept free of imports so that ``symbreak --help`` starts fast and :mod:`symbreak.symmetry` can
raise them without loading the data readers (h5py), the model (torch, e3nn) or the renderers.

>>> issubclass(UnexplainedTaskError, RunError) and issubclass(RunError, SymbreakError)
True
"""

import errno
import re


class SymbreakError(Exception):
    """An error the user can fix; its message is one clear sentence.

    The CLI turns it into that sentence and exit code 2, with no traceback.
    """


class DataError(SymbreakError, ValueError):
    """Input data that symbreak cannot use; the message is one clear sentence for the user.

    The CLI turns it into that sentence and exit code 2, with no traceback.
    """


class RunError(SymbreakError, ValueError):
    """A run directory symbreak cannot read; the message is one sentence for the user."""


class UnexplainedTaskError(RunError):
    """A run whose kind of task this version of symbreak does not know."""


class RayMissingError(RunError):
    """Ray is not installed; the message says how to install it."""


class FileSystemError(RunError):
    """The file system refused a write (full disk, read-only, no permission): one sentence
    that names the cause, made by :func:`file_system_error`."""


#: What the user is told for the errno values a write meets in practice.
_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "no permission",
    errno.EPERM: "no permission",
    errno.EFBIG: "the file is larger than the file system allows",
    errno.EIO: "the disk reported an input/output error",
}


def error_cause(error: BaseException) -> str:
    """The cause of a failed write in a few words, whatever wrapped the ``OSError``.

    h5py puts the C library's errno in the text of a multi-line message, torch in a
    ``RuntimeError``; both are read here so that the user gets one short phrase.

    >>> error_cause(OSError(28, "No space left on device"))
    'the disk is full'
    >>> error_cause(OSError("Unable to create file (file write failed: errno = 30, ...)"))
    'the file system is read-only'
    """
    code = getattr(error, "errno", None)
    if code is None:
        found = re.search(r"errno\s*=\s*(\d+)|\[Errno (\d+)\]", str(error))
        code = int(found.group(1) or found.group(2)) if found else None
    if code in _CAUSES:
        return _CAUSES[code]
    reason = getattr(error, "strerror", None) or str(error).strip().splitlines()[0:1]
    reason = reason if isinstance(reason, str) else (reason[0] if reason else "")
    return " ".join(reason.split())[:120] or type(error).__name__


def file_system_error(action: str, error: BaseException, after: str = "") -> FileSystemError:
    """``FileSystemError("{action}: {cause}{after}.")`` for a write the system refused.

    >>> str(file_system_error("cannot write out.h5", OSError(28, "x"), "; nothing was saved"))
    'cannot write out.h5: the disk is full; nothing was saved.'
    """
    return FileSystemError(f"{action}: {error_cause(error)}{after}.")


class RenderError(SymbreakError, ValueError):
    """Rendering options symbreak cannot honour; the message is one sentence for the user."""


__all__ = [
    "DataError",
    "FileSystemError",
    "RayMissingError",
    "RenderError",
    "RunError",
    "SymbreakError",
    "UnexplainedTaskError",
    "error_cause",
    "file_system_error",
]
