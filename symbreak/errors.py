"""Errors that reach the user as one sentence (the CLI prints them and exits with code 2).

Kept free of imports so that ``symbreak --help`` starts fast: ``symbreak.data.errors``
re-exports :class:`DataError` from here, not the other way round.
"""


class DataError(ValueError):
    """Input data that symbreak cannot use; the message is one clear sentence for the user.

    The CLI turns it into that sentence and exit code 2, with no traceback.
    """


class RunError(ValueError):
    """A run directory symbreak cannot read; the message is one sentence for the user."""


class UnexplainedTaskError(RunError):
    """A run whose kind of task this version of symbreak does not know."""


__all__ = ["DataError", "RunError", "UnexplainedTaskError"]
