"""symbreak: discover symmetry breaking in data with relaxed E(3)-equivariant networks.

The Python face: ``symbreak.fit(parent, child)`` fits and analyses a structure pair (or a
trajectory file) and returns a :class:`FittedRun`; ``symbreak.load_run(path)`` opens a saved
run with its task.

>>> import symbreak
>>> callable(symbreak.fit), callable(symbreak.load_run)
(True, True)
"""

__version__ = "0.1.0"

#: Public name -> (module, name there); loaded on first use.
_LAZY = {
    "fit": ("symbreak.api", "fit"),
    "FittedRun": ("symbreak.api", "FittedRun"),
    "load_run": ("symbreak.pipeline", "open_run"),
    "fit_file": ("symbreak.pipeline", "fit_file"),
    "FitOptions": ("symbreak.options", "FitOptions"),
}


def __getattr__(name: str):
    # torch and e3nn load only when a fitting or loading function is first used.
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'symbreak' has no attribute {name!r}")


__all__ = ["FitOptions", "FittedRun", "__version__", "fit", "fit_file", "load_run"]
