"""Errors that reach the user as one sentence (the CLI prints them and exits with code 2).

Kept free of heavy imports so that ``symbreak --help`` starts fast.
"""

from symbreak.data.errors import DataError


class RunError(ValueError):
    """A run directory symbreak cannot read; the message is one sentence for the user."""


__all__ = ["DataError", "RunError"]
