"""The one error type that bad input raises (defined in :mod:`symbreak.errors`)."""

from symbreak.errors import DataError

__all__ = ["DataError"]
