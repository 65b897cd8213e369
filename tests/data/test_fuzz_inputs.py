"""Generated HDF5 inputs, valid and broken: each loads, or fails with one-sentence DataError.

10^4 inputs in CI (derandomised, so a failure reproduces); scripts/fuzz_inputs.py runs more.
Files are written and loaded in-process: a subprocess per input would cost seconds each.
"""

from __future__ import annotations

import os
import warnings

import pytest
from hypothesis import HealthCheck, given, settings

from symbreak.data import DataError, load_dataset
from symbreak.data._hdf5 import check_readable

from .hdf5_strategies import hdf5_inputs, pairs_files, trajectories_files, write_spec

#: Inputs per test; the three make 10^4 in all (72 s of CPU, docs/reliability.md).
#: SYMBREAK_FUZZ_SCALE multiplies them (scripts/fuzz_inputs.py runs longer).
EXAMPLES = {
    key: int(count * float(os.environ.get("SYMBREAK_FUZZ_SCALE", "1")))
    for key, count in {"pairs": 4000, "trajectories": 4000, "either": 2000}.items()
}

FUZZ = settings(
    deadline=10_000,  # ms: generous on a busy CI machine; a load this slow is a finding
    derandomize=not os.environ.get("SYMBREAK_FUZZ_RANDOM"),  # CI: the same inputs every run
    database=None,
    suppress_health_check=list(HealthCheck),
)


def load_or_one_sentence(spec, path) -> str:
    """Load the file; return "ok" or the DataError's sentence. Anything else fails the test."""
    write_spec(spec, path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # an overflow is a missing check
            dataset = load_dataset(path)
    except DataError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message, message
        assert message.rstrip().endswith("."), message
        return message
    if dataset.task == "trajectories":
        next(dataset.iter_batches(frames_per_batch=4))
        dataset.sample(5)
    return "ok"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "input.h5"


@settings(FUZZ, max_examples=EXAMPLES["pairs"])
@given(spec=pairs_files())
def test_pairs_inputs(scratch, spec):
    load_or_one_sentence(spec, scratch)


@settings(FUZZ, max_examples=EXAMPLES["trajectories"])
@given(spec=trajectories_files())
def test_trajectories_inputs(scratch, spec):
    load_or_one_sentence(spec, scratch)


@settings(FUZZ, max_examples=EXAMPLES["either"])
@given(spec=hdf5_inputs)
def test_either_kind(scratch, spec):
    load_or_one_sentence(spec, scratch)


def test_readability_checks_are_sentences(tmp_path):
    (tmp_path / "empty.h5").write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        check_readable(tmp_path / "empty.h5")
