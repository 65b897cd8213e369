"""The errors that reach the user as one sentence (the CLI prints them and exits with code 2).

Every one is a :class:`SymbreakError`; the subclasses say which part of the input is at fault.
They stay :class:`ValueError` too, so code that caught ``ValueError`` before still does.

Kept free of imports so that ``symbreak --help`` starts fast and :mod:`symbreak.symmetry` can
raise them without loading the data readers (h5py), the model (torch, e3nn) or the renderers.

>>> issubclass(UnexplainedTaskError, RunError) and issubclass(RunError, SymbreakError)
True
"""


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


class RenderError(SymbreakError, ValueError):
    """Rendering options symbreak cannot honour; the message is one sentence for the user."""


__all__ = [
    "DataError",
    "RayMissingError",
    "RenderError",
    "RunError",
    "SymbreakError",
    "UnexplainedTaskError",
]
