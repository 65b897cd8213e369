"""symbreak: discover symmetry breaking in data with relaxed E(3)-equivariant networks.

>>> import symbreak
>>> callable(symbreak.load_run)
True
"""

__version__ = "0.1.0"

_LAZY = {
    "discover": "symbreak.api",
    "FittedRun": "symbreak.api",
    "load_run": "symbreak.run",
    "fit_file": "symbreak.pipeline",
    "FitOptions": "symbreak.options",
}


def __getattr__(name: str):
    # torch and e3nn load only when a fitting or loading function is first used.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'symbreak' has no attribute {name!r}")


__all__ = ["FitOptions", "FittedRun", "__version__", "discover", "fit_file", "load_run"]
