"""Run torch's optimisers without importing ``torch._dynamo``, which nothing here compiles.

``torch.optim.Optimizer`` guards a few methods (``add_param_group``, ``zero_grad``...) with
``torch._disable_dynamo``, which imports ``torch._dynamo`` on the first call to disable
compilation around them: 1.4 s of the 2-core machine's 1.6 s ``fit`` command overhead once
e3nn no longer pulled it in at import. While ``torch._dynamo`` has not been imported nothing
can be compiling, so disabling is the identity: :func:`eager_optimisers` hands each guarded
method its own undecorated function as the cached "disabled" one for the duration of a fit,
and takes it back afterwards (a later ``torch.compile`` in the same process then imports
dynamo and guards them as usual). If torch changes how the guard works, nothing is patched
and the fit only pays the import.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import torch

#: The attribute under which ``torch._compile._disable_dynamo`` caches the disabled function.
_CACHE = "__dynamo_disable"


def _guarded_functions() -> list:
    """The undecorated functions behind torch.optim's ``_disable_dynamo`` guards."""
    try:
        probe = torch._disable_dynamo(lambda: None)
    except (AttributeError, TypeError):
        return []
    guard_code = probe.__code__
    found = []
    for cls in (torch.optim.Optimizer, torch.optim.LBFGS):
        for member in vars(cls).values():
            if getattr(member, "__code__", None) is guard_code and hasattr(member, "__wrapped__"):
                found.append(member.__wrapped__)
    return found


@contextmanager
def eager_optimisers() -> Iterator[None]:
    """Within the block, torch.optim's guarded methods run without importing dynamo."""
    if "torch._dynamo" in sys.modules:  # already paid for: let torch guard as it does
        yield
        return
    patched = [fn for fn in _guarded_functions() if getattr(fn, _CACHE, None) is None]
    for fn in patched:
        setattr(fn, _CACHE, fn)
    try:
        yield
    finally:
        for fn in patched:
            if getattr(fn, _CACHE, None) is fn:
                delattr(fn, _CACHE)
