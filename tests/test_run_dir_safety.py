"""`--force` replaces only a symbreak run; any other --out is refused before fitting."""

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from symbreak._run_dir import write_run_marker, write_staging_marker
from symbreak.cli import app
from symbreak.errors import RunError
from symbreak.run import check_out, clean_leftovers, looks_like_run, run_lock

runner = CliRunner()


def fake_run(folder, marked=True):
    """A directory that check_out takes for a run (the files need not be loadable); with
    ``marked`` it carries symbreak's marker, as write_run leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {"schema": 1, "task": "pairs", "run_id": "0123abcd"}
    (folder / "config.json").write_text(json.dumps(config))
    for name in ("model.pt", "history.csv", "data.h5", "report.json"):
        (folder / name).write_text("x")
    if marked:
        write_run_marker(folder, config["run_id"])
    return folder


@pytest.fixture
def no_fitting(monkeypatch):
    """Make any fit fail loudly: the refusals must come before fitting."""
    import symbreak.pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("fitted although --out was refused")

    monkeypatch.setattr(symbreak.pipeline, "fit", refuse)


def fit_cli(data, out, *extra):
    return runner.invoke(app, ["fit", str(data), "--out", str(out), "--quiet", *extra])


def refused(result, *words):
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert "Traceback" not in text and text.startswith("error:"), text
    assert len(text.splitlines()) == 1, text
    for word in words:
        assert word in text, text
    return text


@pytest.fixture
def data(tmp_path, sample_path):
    path = tmp_path / "input" / "cube.h5"
    path.parent.mkdir()
    shutil.copy(sample_path("cube_to_cube"), path)
    return path


def test_force_keeps_a_folder_that_holds_a_users_file(tmp_path, data, no_fitting):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "thesis.tex").write_text("x")
    refused(fit_cli(data, keep, "--force"), "not a symbreak run")
    assert (keep / "thesis.tex").read_text() == "x"


def test_force_refuses_the_current_directory(tmp_path, data, no_fitting, monkeypatch):
    monkeypatch.chdir(data.parent)
    refused(fit_cli(data.name, ".", "--force"), "current directory")
    assert data.exists()
    monkeypatch.chdir(tmp_path / "input")
    refused(fit_cli(data.name, "..", "--force"), "current directory")


def test_force_refuses_a_parent_of_the_input(tmp_path, data, no_fitting):
    refused(fit_cli(data, data.parent, "--force"), "holds the input")
    refused(fit_cli(data, tmp_path, "--force"), "holds the input")
    assert data.exists()


def test_force_refuses_a_run_that_holds_the_input(tmp_path, no_fitting):
    run = fake_run(tmp_path / "run")
    refused(fit_cli(run / "data.h5", run, "--force"), "holds the input")
    assert (run / "data.h5").exists()


def test_force_refuses_a_file(tmp_path, data, no_fitting):
    readme = tmp_path / "README.md"
    readme.write_text("# notes")
    refused(fit_cli(data, readme, "--force"), "is a file")
    assert readme.read_text() == "# notes"
    refused(fit_cli(data, data, "--force"), "holds the input")


def test_force_refuses_a_run_with_something_else_in_it(tmp_path, data, no_fitting):
    run = fake_run(tmp_path / "run")
    (run / "pictures").mkdir()
    (run / "pictures" / "fields.png").write_text("x")
    refused(fit_cli(data, run, "--force"), "'pictures'", "did not write")
    assert (run / "pictures" / "fields.png").exists()


def test_force_refuses_a_symbolic_link(tmp_path, data, no_fitting):
    target = fake_run(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(target)
    refused(fit_cli(data, link, "--force"), "symbolic link")
    assert (target / "config.json").exists()


def test_force_refuses_a_folder_whose_config_is_not_a_runs(tmp_path, data, no_fitting):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "my project"}')
    refused(fit_cli(data, folder, "--force"), "not a symbreak run")
    assert (folder / "config.json").exists()


def test_without_force_an_existing_folder_is_refused(tmp_path, data, no_fitting):
    run = fake_run(tmp_path / "run")
    refused(fit_cli(data, run), "already exists", "--force")


def test_force_replaces_a_run_and_an_empty_folder(tmp_path, data):
    run = fake_run(tmp_path / "run")
    assert fit_cli(data, run, "--force", "--epochs", "2").exit_code == 0
    assert json.loads((run / "config.json").read_text())["options"]["optimiser"]["epochs"] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_out(empty, [data], overwrite=True) == empty
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_unwritable_location_is_refused_before_fitting(tmp_path, data, no_fitting):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        refused(fit_cli(data, locked / "run"), "no permission")
    finally:
        locked.chmod(0o700)


def test_out_below_a_file_is_refused(data, no_fitting):
    refused(fit_cli(data, data / "run"), "is a file")


def test_looks_like_run(tmp_path):
    assert not looks_like_run(tmp_path / "nonexistent")
    assert looks_like_run(fake_run(tmp_path / "run"))


def test_the_lock_admits_one_writer_and_is_removed(tmp_path):
    out = tmp_path / "run"
    with run_lock(out) as lock:
        assert lock.exists()
        with pytest.raises(RunError, match="another symbreak fit .* is writing"), run_lock(out):
            pass
    assert not lock.exists()
    with run_lock(out):  # free again
        pass


def test_clean_leftovers_removes_only_this_runs_staging(tmp_path):
    out = tmp_path / "run"
    mine = [tmp_path / ".run.abcd1234.partial", tmp_path / ".run.zz_9yy00.old"]
    others = [tmp_path / ".run.x.abcd1234.partial", tmp_path / ".running.partial", tmp_path / "run"]
    for folder in mine + others:
        folder.mkdir()
        write_staging_marker(folder, out)
    assert clean_leftovers(out) == sorted(p.name for p in mine)
    assert all(p.exists() for p in others) and not any(p.exists() for p in mine)


_STALLED_WRITER = """
import sys, time
from pathlib import Path
from symbreak.run import load_run, write_run
run = load_run(sys.argv[1])
def stall(folder):
    Path(sys.argv[3]).write_text("staging written")
    time.sleep(120)
write_run(sys.argv[2], run.config, run.network, run.history, stall)
"""


def test_a_writer_killed_in_staging_leaves_no_run_and_the_next_fit_cleans_up(
    tmp_path, fitted_run, sample_path
):
    import signal
    import subprocess
    import sys
    import time

    from symbreak.pipeline import open_run
    from symbreak.run import load_run

    out, ready = tmp_path / "run", tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", _STALLED_WRITER, str(fitted_run("cube_to_cube")), str(out),
         str(ready)]
    )  # fmt: skip
    try:
        for _ in range(1200):
            if ready.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), "the writer never reached its data step"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    staging = [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert len(staging) == 1 and not out.exists()
    with pytest.raises(RunError):
        open_run(tmp_path / staging[0])  # config, model and history, but no data.h5: refused
    result = fit_cli(sample_path("cube_to_cube"), out, "--epochs", "1")
    assert result.exit_code == 0, result.output
    assert f"removed {staging[0]}" in " ".join(result.output.split())
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    load_run(out)


def test_a_run_left_aside_by_a_killed_replacement_is_put_back(tmp_path, data, no_fitting):
    """A replacement killed between its two renames leaves no RUN, the old run aside and the
    new one staged. The next reader or writer puts the old run back; the staging is dropped."""
    from symbreak.run import restore_replaced

    out = tmp_path / "run"
    aside = fake_run(tmp_path / ".run.k1ll3d00.old")
    (tmp_path / ".run.n3wst4g3.partial").mkdir()
    not_a_run = tmp_path / ".run.0ther000.old"
    not_a_run.mkdir()
    assert restore_replaced(out) == aside.name
    assert looks_like_run(out) and not aside.exists() and not_a_run.exists()
    assert restore_replaced(out) is None  # RUN exists: nothing to do
    # a writer holding the lock is mid-replacement: the reader leaves its folders alone
    out.rename(aside)
    with run_lock(out):
        assert restore_replaced(out) is None and aside.exists()
    # the next fit puts it back before it checks --out: without --force it is refused
    result = fit_cli(data, out)
    assert result.exit_code == 2 and looks_like_run(out) and not aside.exists()
    assert "put the previous run back" in result.output
