"""Generated inputs through the real `symbreak fit`: a complete run (exit 0) or one sentence
(exit 2), never a traceback or a run directory that looks complete but is not."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.pipeline import open_run
from tests.data.hdf5_strategies import clean_inputs, hdf5_inputs, write_spec

runner = CliRunner()


@settings(
    max_examples=24, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
@given(spec=st.one_of(clean_inputs, hdf5_inputs))
def test_generated_inputs_through_fit(tmp_path_factory, spec):
    folder = tmp_path_factory.mktemp("cli_fuzz")
    data, out = folder / "input.h5", folder / "run"
    write_spec(spec, data)
    args = ["fit", str(data), "--out", str(out), "-q", "--epochs", "1", "--l-relaxed", "1"]
    args += ["--layers", "1"]
    result = runner.invoke(app, args)
    event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("error:") and len(result.output.strip().splitlines()) == 1
        assert not out.exists()
    else:
        assert result.exit_code == 0, result.output
        open_run(out)
    assert sorted(p.name for p in folder.iterdir()) in (["input.h5"], ["input.h5", "run"])
