"""symmetry/ is the bottom layer: usable on its own, without torch, h5py or e3nn.

Each probe runs in a fresh interpreter, so modules that this test session (or another test)
already imported cannot hide a heavy import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Libraries the bottom layer must not load: the model's (torch, e3nn) and the data readers'.
HEAVY = ("torch", "h5py", "e3nn")

#: Layers above the bottom one, which it must not load either.
UPPER_LAYERS = ("symbreak.data", "symbreak.model", "symbreak.tasks", "symbreak.trainer",
                "symbreak.report", "symbreak.render")  # fmt: skip


def run_fresh(probe: str) -> dict:
    """Run ``probe`` in a fresh interpreter; it prints one JSON object, returned here."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))  # fmt: skip
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=env)  # fmt: skip
    return json.loads(out.stdout)


def loaded_after_import(module: str) -> set[str]:
    """Names in ``sys.modules`` after ``import module`` in a fresh interpreter."""
    return set(run_fresh(f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"))


@pytest.mark.parametrize("module", ["symbreak.symmetry", "symbreak.errors", "symbreak.conventions"])
def test_bottom_layer_imports_no_torch_h5py_or_e3nn(module):
    loaded = loaded_after_import(module)
    assert module in loaded  # the probe did import it
    assert sorted(name for name in HEAVY if name in loaded) == []
    assert sorted(name for name in UPPER_LAYERS if name in loaded) == []


#: Real work through the public API: a point group, and stabilisers that need Wigner matrices,
#: so(3) generators, the candidate axes and the critical points (all of e3nn's harmonics).
ANALYSIS = textwrap.dedent("""
    import json, sys
    import numpy as np
    from symbreak.symmetry import named_group, point_group, stabilizer, wigner_D

    turn = np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))[0]
    methane = 0.63 * np.array([[0, 0, 0], [1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1.0]])
    cubic = wigner_D("4e", named_group("Oh").elements).mean(axis=0) @ np.arange(1.0, 10.0)
    names = {
        "methane": point_group(methane @ turn.T, ["C", "H", "H", "H", "H"]).name,
        "uniaxial 2e": stabilizer({"2e": [0.0, 0.0, 1.0, 0.0, 0.0]}).name,
        "generic 2e": stabilizer({"2e": [1.0, 0.3, -0.2, 0.5, 0.7]}).name,
        "cubic 4e": stabilizer({"4e": cubic}).name,
    }
    print(json.dumps({"names": names, "modules": sorted(sys.modules)}))
""")


def test_symmetry_analysis_runs_without_torch_h5py_or_e3nn():
    result = run_fresh(ANALYSIS)
    assert result["names"] == {"methane": "Td", "uniaxial 2e": "Dinfh", "generic 2e": "D2h",
                               "cubic 4e": "Oh"}  # fmt: skip
    assert sorted(name for name in HEAVY if name in result["modules"]) == []


def test_spglib_loads_only_when_a_space_group_is_asked_for():
    """Crystal symmetry lives here too, but spglib (an optional extra) is imported lazily."""
    assert "spglib" not in loaded_after_import("symbreak.symmetry")
