"""A file system that refuses a write (full disk, read-only) is one sentence naming the cause
and exit 2, wherever the write fails; the old run is kept and nothing that looks like a run,
or a half-written file, is left behind.

The full disk is simulated by writes that raise ENOSPC after a budget of bytes, which is what
a real one does (checked by hand on a 300 KB tmpfs with 0 to 120 KB free, see the commit).
"""

import errno
import io
import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.errors import error_cause

runner = CliRunner()


def one_sentence(result, *words):
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert text.startswith("error:") and len(text.splitlines()) == 1, text
    assert "Traceback" not in text and "internal error" not in text, text
    for word in words:
        assert word in " ".join(text.split()), text
    return text


def fit(data, out, *extra):
    return runner.invoke(app, ["fit", str(data), "--out", str(out), "-q", "--epochs", "1",
                               *extra])  # fmt: skip


def full_disk(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDiskFile(io.FileIO):
    """A file whose writes fail with ENOSPC once ``budget`` bytes are written."""

    budget = 0

    def write(self, data):
        room = _FullDiskFile.budget
        if room <= 0:
            full_disk()
        view = memoryview(data).cast("B")[:room]
        _FullDiskFile.budget -= len(view)
        return super().write(view)


def disk_with_room(monkeypatch, budget):
    """HDF5 writes (symbreak.data._hdf5 opens its files with ``open``) meet a full disk."""
    import symbreak.data._hdf5

    _FullDiskFile.budget = budget

    def opener(path, mode="r", buffering=-1):
        assert "b" in mode
        return _FullDiskFile(path, mode.replace("b", ""))

    monkeypatch.setattr(symbreak.data._hdf5, "open", opener, raising=False)


def entries(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_full_disk_at_the_lock_file(tmp_path, sample_path, monkeypatch):
    real_open = os.open

    def open_(path, *args, **kwargs):
        if str(path).endswith(".lock"):
            full_disk()
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    one_sentence(fit(sample_path("cube_to_cube"), tmp_path / "run"), "the disk is full")
    assert entries(tmp_path) == []


def test_a_full_disk_at_the_lock_files_content(tmp_path, sample_path, monkeypatch):
    monkeypatch.setattr(os, "ftruncate", full_disk)
    one_sentence(fit(sample_path("cube_to_cube"), tmp_path / "run"), "the disk is full")
    assert entries(tmp_path) == []


@pytest.mark.parametrize("stage", ["model", "report", "data", "marker"])
def test_a_full_disk_while_writing_keeps_the_old_run(tmp_path, fitted_run, sample_path,
                                                     monkeypatch, stage):  # fmt: skip
    import symbreak._run_dir
    import symbreak.pipeline
    import symbreak.run

    run = tmp_path / "run"
    shutil.copytree(fitted_run("cube_to_prism"), run)
    before = (run / ".symbreak_run").read_text()
    if stage == "model":
        monkeypatch.setattr(symbreak.run, "_save_network", full_disk)
    elif stage == "report":
        real = symbreak.pipeline._write_report
        monkeypatch.setattr(symbreak.pipeline, "_write_report",
                            lambda folder: (real(folder), full_disk()))  # fmt: skip
    elif stage == "data":
        disk_with_room(monkeypatch, 3000)
    else:
        monkeypatch.setattr(symbreak.run, "write_run_marker", full_disk)
    text = one_sentence(fit(sample_path("cube_to_prism"), run, "--force"), "the disk is full")
    assert "kept" in text
    assert (run / ".symbreak_run").read_text() == before  # the old run, untouched
    assert entries(tmp_path) == ["run"]  # no staging folder, no lock


@pytest.mark.parametrize("budget", [0, 700, 3000, 20_000, 100_000])
def test_a_full_disk_in_an_hdf5_write_is_one_sentence(tmp_path, monkeypatch, budget):
    """HDF5's own driver crashed (segmentation fault) on such a disk; now one sentence."""
    disk_with_room(monkeypatch, budget)
    out = tmp_path / "lorentz.h5"
    result = runner.invoke(app, ["example", "lorentz", "--out", str(out)])
    one_sentence(result, "the disk is full", "nothing was written")
    assert entries(tmp_path) == []


def test_a_full_disk_when_no_run_existed_leaves_nothing(tmp_path, sample_path, monkeypatch):
    disk_with_room(monkeypatch, 2000)
    one_sentence(fit(sample_path("cube_to_prism"), tmp_path / "run"), "the disk is full",
                 "nothing was saved")  # fmt: skip
    assert entries(tmp_path) == []


def test_a_read_only_file_system_is_called_read_only(tmp_path, sample_path, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: not mode & os.W_OK
                        and real_access(path, mode, **kwargs))  # fmt: skip
    real_statvfs = os.statvfs

    class ReadOnly:
        def __init__(self, path):
            self._stat = real_statvfs(path)

        def __getattr__(self, name):
            return os.ST_RDONLY if name == "f_flag" else getattr(self._stat, name)

    monkeypatch.setattr(os, "statvfs", ReadOnly)
    one_sentence(fit(sample_path("cube_to_cube"), tmp_path / "run"), "read-only")


def test_a_read_only_file_system_at_an_hdf5_write(tmp_path, monkeypatch):
    import symbreak.data._hdf5

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(symbreak.data._hdf5.tempfile, "mkstemp", read_only)
    result = runner.invoke(app, ["example", "cube_to_prism", "--out", str(tmp_path / "x.h5")])
    one_sentence(result, "read-only")


def test_error_causes_from_h5py_and_torch_texts():
    h5py_text = ("Unable to synchronously create file (file write failed: time = Sat Dec  5 "
                 "08:52:11 2026\n, filename = 'x.h5', errno = 28, error message = 'No space "
                 "left on device')")  # fmt: skip
    assert error_cause(OSError(h5py_text)) == "the disk is full"
    read_only = OSError(errno.EROFS, "Read-only file system")
    assert error_cause(read_only) == "the file system is read-only"
    assert error_cause(RuntimeError("unexpected pos 5184 vs 5136")) == "unexpected pos 5184 vs 5136"


def test_a_run_and_its_report_appear_together(tmp_path, fitted_run):
    """The report is written in the staging folder: a fitted run always has report.json, and
    the marker lists it; a run without one (an older symbreak's) is explained with a note."""
    run = fitted_run("cube_to_prism")
    marker = json.loads((run / ".symbreak_run").read_text())
    assert "report.json" in marker["files"] and (run / "report.json").is_file()
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    (copy / "report.json").unlink()
    result = runner.invoke(app, ["explain", str(copy)])
    assert result.exit_code == 0, result.output
    assert "rebuilt from the run" in " ".join(result.output.split())
