"""symbreak deletes or replaces only what it can prove it wrote (a marker whose content it
checks, plain files of the names it writes), never by name alone."""

import json
import shutil

import pytest

from symbreak._run_dir import RUN_MARKER, write_staging_marker
from symbreak.errors import RunError
from symbreak.pipeline import open_run
from symbreak.run import check_out, clean_leftovers, run_lock
from tests.test_run_dir_safety import fake_run, fit_cli, refused


@pytest.fixture
def no_fitting(monkeypatch):
    """Make any fit fail loudly: the refusals must come before fitting."""
    import symbreak.pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("fitted although --out was refused")

    monkeypatch.setattr(symbreak.pipeline, "fit", refuse)


@pytest.fixture
def data(tmp_path, sample_path):
    path = tmp_path / "input" / "cube.h5"
    path.parent.mkdir()
    shutil.copy(sample_path("cube_to_cube"), path)
    return path


@pytest.mark.parametrize(
    "name", ["model.pt", "report.json", ".report.json.partial", "history.csv", RUN_MARKER]
)
def test_force_keeps_a_users_folder_named_like_a_run_file(tmp_path, data, no_fitting, name):
    run = fake_run(tmp_path / "run")
    (run / name).unlink(missing_ok=True)
    (run / name).mkdir()
    (run / name / "thesis.tex").write_text("chapter 1")
    refused(fit_cli(data, run, "--force"), repr(name))
    assert (run / name / "thesis.tex").read_text() == "chapter 1"


def test_force_keeps_a_link_named_like_a_run_file(tmp_path, data, no_fitting):
    run = fake_run(tmp_path / "run")
    thesis = tmp_path / "thesis.tex"
    thesis.write_text("chapter 1")
    (run / "data.h5").unlink()
    (run / "data.h5").symlink_to(thesis)
    refused(fit_cli(data, run, "--force"), "link named 'data.h5'")
    assert thesis.read_text() == "chapter 1"


def test_force_keeps_a_run_like_folder_with_the_users_history(tmp_path, data, no_fitting):
    folder = tmp_path / "analysis"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"schema": 2, "task": "pairs"}))
    (folder / "history.csv").write_text("my,own,measurements\n1,2,3\n")
    refused(fit_cli(data, folder, "--force"), "marker")
    assert (folder / "history.csv").read_text().startswith("my,own")


def test_force_keeps_a_run_whose_file_the_user_replaced(tmp_path, data, no_fitting):
    run = fake_run(tmp_path / "run")
    (run / "history.csv").write_text("epoch,loss\n1,0.5\n")  # the user's own numbers
    refused(fit_cli(data, run, "--force"), "history.csv is not the file symbreak wrote")
    assert (run / "history.csv").read_text() == "epoch,loss\n1,0.5\n"


@pytest.mark.parametrize("marker", [None, "{}", '{"program": "symbreak", "run_id": "other"}',
                                    "not json"])  # fmt: skip
def test_force_keeps_a_run_without_a_valid_marker(tmp_path, data, no_fitting, marker):
    run = fake_run(tmp_path / "run", marked=False)
    if marker is not None:
        (run / RUN_MARKER).write_text(marker)
    refused(fit_cli(data, run, "--force"), "marker")
    assert (run / "config.json").exists()


@pytest.mark.parametrize("name", [".run.mybackup.old", ".run.draft_01.partial",
                                  ".run.abcd1234.partial", ".run.abcd1234.old"])  # fmt: skip
def test_leftover_like_siblings_of_the_user_are_kept(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "thesis.tex").write_text("chapter 1")
    assert clean_leftovers(tmp_path / "run") == []
    assert (folder / "thesis.tex").read_text() == "chapter 1"


def test_a_staging_folder_of_another_run_or_with_a_users_file_is_kept(tmp_path):
    other = tmp_path / ".run.abcd1234.partial"
    other.mkdir()
    write_staging_marker(other, tmp_path / "another_run")
    mixed = tmp_path / ".run.efgh5678.partial"
    mixed.mkdir()
    write_staging_marker(mixed, tmp_path / "run")
    (mixed / "notes.txt").write_text("mine")
    legacy = fake_run(tmp_path / ".run.ijkl9012.old", marked=False)  # no proof: kept
    assert clean_leftovers(tmp_path / "run") == []
    assert other.exists() and (mixed / "notes.txt").exists() and legacy.exists()


def test_fit_never_removes_a_users_sibling_named_like_a_leftover(tmp_path, sample_path):
    backup = tmp_path / ".r.mybackup.old"
    backup.mkdir()
    (backup / "thesis.tex").write_text("chapter 1")
    draft = tmp_path / ".r.draft_01.partial"
    draft.mkdir()
    (draft / "thesis.tex").write_text("chapter 2")
    result = fit_cli(sample_path("cube_to_cube"), tmp_path / "r", "--epochs", "1")
    assert result.exit_code == 0, result.output
    assert "interrupted fit" not in result.output
    assert (backup / "thesis.tex").exists() and (draft / "thesis.tex").exists()


def test_a_fitted_run_is_proven_and_replaced_by_force(tmp_path, fitted_run, data):
    run = tmp_path / "run"
    shutil.copytree(fitted_run("cube_to_cube"), run)
    assert (run / RUN_MARKER).is_file() and (run / "report.json").is_file()
    assert check_out(run, [data], overwrite=True) == run
    result = fit_cli(data, run, "--force", "--epochs", "1")
    assert result.exit_code == 0, result.output
    open_run(run)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input", "run"]


def test_a_users_file_named_like_the_lock_is_kept(tmp_path):
    lock = tmp_path / ".run.lock"
    lock.write_text("my lock-in amplifier settings\n")
    with pytest.raises(RunError, match="not a symbreak lock file"), run_lock(tmp_path / "run"):
        pass
    assert lock.read_text() == "my lock-in amplifier settings\n"
    lock.write_text("12345\n")  # a killed writer's lock: taken over
    with run_lock(tmp_path / "run"):
        pass
    assert not lock.exists()
