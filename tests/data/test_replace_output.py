"""`symbreak example` and `symbreak convert` never write over a file that is not provably
theirs: an existing OUT needs --force, and --force replaces only an unchanged symbreak file."""

import h5py
import numpy as np
import pytest
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.data._hdf5 import written_by_symbreak

runner = CliRunner()

pytest.importorskip("ase")


def one_sentence(result, *words):
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert text.startswith("error:") and len(text.splitlines()) == 1, text
    for word in words:
        assert word in " ".join(text.split()), text


def users_hdf5(path):
    with h5py.File(path, "w") as handle:
        handle["measurements"] = np.arange(5.0)
    return path.read_bytes()


def example(out, *extra):
    return runner.invoke(app, ["example", "cube_to_prism", "--out", str(out), *extra])


@pytest.fixture
def pair_files(tmp_path):
    import ase.io
    from ase import Atoms

    square = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]])
    ase.io.write(tmp_path / "parent.xyz", Atoms("C4", positions=square))
    ase.io.write(tmp_path / "child.xyz", Atoms("C4", positions=square * [1.5, 1, 1]))
    return [str(tmp_path / "parent.xyz"), str(tmp_path / "child.xyz")]


def convert(pair_files, out, *extra):
    return runner.invoke(app, ["convert", *pair_files, "--out", str(out), *extra])


@pytest.mark.parametrize("write", ["example", "convert"])
def test_an_existing_file_needs_force_and_is_kept(tmp_path, pair_files, write):
    mine = tmp_path / "mine.h5"
    kept = users_hdf5(mine)
    run = (lambda *a: example(mine, *a)) if write == "example" else (
        lambda *a: convert(pair_files, mine, *a))
    one_sentence(run(), "already exists", "--force")
    assert mine.read_bytes() == kept
    one_sentence(run("--force"), "nothing proves that symbreak wrote it")
    assert mine.read_bytes() == kept
    text = tmp_path / "mine.h5"
    text.write_text("my notes")
    one_sentence(run("--force"), "nothing proves")
    assert text.read_text() == "my notes"


def test_force_replaces_only_an_unchanged_symbreak_file(tmp_path, pair_files):
    out = tmp_path / "prism.h5"
    assert example(out).exit_code == 0 and written_by_symbreak(out)
    assert example(out, "--force").exit_code == 0
    assert convert(pair_files, out, "--force").exit_code == 0 and written_by_symbreak(out)
    with h5py.File(out, "a") as handle:  # the user adds their own data to it
        handle["my_notes"] = np.arange(3)
    assert not written_by_symbreak(out)
    one_sentence(example(out, "--force"), "changed since")
    with h5py.File(out, "r") as handle:
        assert "my_notes" in handle
    with h5py.File(out, "a") as handle:  # or edits a value in place
        del handle["my_notes"]
        name = next(iter(handle["pairs"]))
        handle["pairs"][name]["target"][0, 0] += 1.0
    assert not written_by_symbreak(out)


def test_force_refuses_a_link_and_a_folder(tmp_path):
    ours = tmp_path / "ours.h5"
    assert example(ours).exit_code == 0
    link = tmp_path / "link.h5"
    link.symlink_to(ours)
    one_sentence(example(link, "--force"), "symbolic link")
    folder = tmp_path / "folder.h5"
    folder.mkdir()
    (folder / "thesis.tex").write_text("x")
    one_sentence(example(folder, "--force"), "not a plain file")
    assert (folder / "thesis.tex").exists()
