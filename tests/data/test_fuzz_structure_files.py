"""Generated CIF, POSCAR and extxyz text, valid and broken, read as `symbreak fit` reads it.

Each file loads and gives a task (the fit's next step), or fails with one sentence (a
DataError); nothing else is raised and no warning is emitted, since a warning reaches the
user's terminal before the sentence. 1,020 files in CI, in-process and derandomised (a failure
reproduces); a few go through the real `symbreak fit` command, in a subprocess too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from symbreak.errors import DataError

from .structure_text_strategies import (
    PARENT_CIF,
    PARENT_XYZ,
    cif_texts,
    extxyz_texts,
    poscar_texts,
)

pytest.importorskip("ase")

#: Files per format (3 formats: 1,020 in all, about 30 s); SYMBREAK_FUZZ_SCALE multiplies them.
EXAMPLES = int(340 * float(os.environ.get("SYMBREAK_FUZZ_SCALE", "1")))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SYMBREAK_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("structure_fuzz")
    (folder / "parent.cif").write_text(PARENT_CIF)
    (folder / "parent.xyz").write_text(PARENT_XYZ)
    return folder


#: Warnings Python shows a user by default (not Deprecation, which libraries raise inside).
SHOWN = (RuntimeWarning, UserWarning, SyntaxWarning, ResourceWarning, ImportWarning,
         UnicodeWarning, BytesWarning, FutureWarning)  # fmt: skip


def load_or_one_sentence(paths, dt=None, task: bool = False) -> str:
    """Read ``paths`` as fit does (and with ``task`` build the fit's task from them); "ok" or
    the DataError's sentence. Any other exception, or any warning shown, fails the test."""
    from symbreak.data.formats import load_input
    from symbreak.tasks import task_for_dataset

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            dataset = load_input(paths, dt)
            if task:
                task_for_dataset(dataset)
            outcome = "ok"
        except DataError as error:
            outcome = str(error)
            assert outcome and "\n" not in outcome and outcome.rstrip().endswith("."), outcome
    shown = [f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, SHOWN)]
    assert not shown, shown
    event("loaded" if outcome == "ok" else "refused")
    return outcome


@FUZZ
@given(text=cif_texts())
def test_generated_cif_children(folder, text):
    (folder / "child.cif").write_text(text)
    load_or_one_sentence([folder / "parent.cif", folder / "child.cif"])


@FUZZ
@given(text=poscar_texts())
def test_generated_poscar_children(folder, text):
    (folder / "POSCAR").write_text(text)
    load_or_one_sentence([folder / "parent.cif", folder / "POSCAR"])


@FUZZ
@given(drawn=extxyz_texts(), dt=st.sampled_from([None, 0.5]))
def test_generated_extxyz_files(folder, drawn, dt):
    text, frames = drawn
    path = folder / "frames.extxyz"
    path.write_text(text)
    if frames == 1:  # a child: paired with the parent of its kind
        parent = folder / ("parent.cif" if "Lattice" in text else "parent.xyz")
        load_or_one_sentence([parent, path])
    else:  # two frames: a pair; more: a trajectory
        load_or_one_sentence([path], dt)


@settings(FUZZ, max_examples=int(20 * float(os.environ.get("SYMBREAK_FUZZ_SCALE", "1"))))
@given(kind=st.sampled_from(["cif", "poscar"]), data=st.data())
def test_generated_crystals_through_the_fits_task(folder, kind, data):
    """The fit's next step (the crystal task: neighbour lists, symmetry) on what loads; the
    tiny cells that crashed it there are refused while reading. Fewer: 0.1-1 s each."""
    file = folder / ("child.cif" if kind == "cif" else "POSCAR")
    file.write_text(data.draw(cif_texts() if kind == "cif" else poscar_texts()))
    load_or_one_sentence([folder / "parent.cif", file], task=True)


def test_every_format_loads_in_some_and_fails_in_others(folder):
    """The generators make files that load as well as files that fail: both paths run."""
    outcomes = {"cif": set(), "poscar": set()}

    def collector(name, strategy, file):
        @settings(FUZZ, max_examples=60)
        @given(text=strategy)
        def collect(text):
            (folder / file).write_text(text)
            result = load_or_one_sentence([folder / "parent.cif", folder / file])
            outcomes[name].add("ok" if result == "ok" else "refused")

        return collect

    collector("cif", cif_texts(), "child.cif")()
    collector("poscar", poscar_texts(), "POSCAR")()
    assert outcomes == {"cif": {"ok", "refused"}, "poscar": {"ok", "refused"}}


BROKEN = {
    "negative.cif": PARENT_CIF.replace("_cell_length_a 4.0", "_cell_length_a -4.0"),
    "flat.cif": PARENT_CIF.replace("_cell_length_c 4.0", "_cell_length_c 1e-10"),
    "POSCAR": "x\n1e308\n4 0 0\n0 4 0\n0 0 4\nBa Ti\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_real_command_says_one_sentence(tmp_path, name):
    """A subprocess, as the user runs it: exit 2, one line on stderr, nothing else."""
    (tmp_path / "parent.cif").write_text(PARENT_CIF)
    (tmp_path / name).write_text(BROKEN[name])
    command = [sys.executable, "-m", "symbreak", "fit", "parent.cif", name, "--out", "run", "-q"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error:") and "Warning" not in done.stderr
    assert not (tmp_path / "run").exists()
