"""symmetry/ is the bottom layer: usable on its own, without torch, h5py or e3nn.

Each probe runs in a fresh interpreter, so modules that this test session (or another test)
already imported cannot hide a heavy import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Libraries the bottom layer must not load: the model's (torch, e3nn) and the data readers'.
HEAVY = ("torch", "h5py", "e3nn")

#: Layers above the bottom one, which it must not load either.
UPPER_LAYERS = ("symbreak.data", "symbreak.model", "symbreak.tasks", "symbreak.fit",
                "symbreak.report", "symbreak.render")  # fmt: skip


def loaded_after_import(module: str) -> set[str]:
    """Names in ``sys.modules`` after ``import module`` in a fresh interpreter."""
    probe = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))  # fmt: skip
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=env)  # fmt: skip
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", ["symbreak.symmetry", "symbreak.errors", "symbreak.conventions"])
def test_bottom_layer_imports_no_torch_h5py_or_e3nn(module):
    loaded = loaded_after_import(module)
    assert module in loaded  # the probe did import it
    assert sorted(name for name in HEAVY if name in loaded) == []
    assert sorted(name for name in UPPER_LAYERS if name in loaded) == []
