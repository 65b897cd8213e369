"""A longer fuzzing run of the HDF5 loaders than CI's 10^4 inputs, with fresh random inputs.

    python scripts/fuzz_inputs.py [--scale 10] [--fits]

Runs tests/data/test_fuzz_inputs.py with SYMBREAK_FUZZ_SCALE (10: 10^5 inputs) and
SYMBREAK_FUZZ_RANDOM=1 (new inputs each run, not CI's fixed sequence); ``--fits`` also runs
tests/test_cli_fuzz.py, generated inputs through `symbreak fit`. Prints pytest's summary
and hypothesis's statistics; a failure shows the smallest input that fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--fits", action="store_true")
    args = parser.parse_args()
    os.environ["SYMBREAK_FUZZ_SCALE"] = str(args.scale)
    os.environ["SYMBREAK_FUZZ_RANDOM"] = "1"
    tests = [str(ROOT / "tests/data/test_fuzz_inputs.py")]
    if args.fits:
        tests.append(str(ROOT / "tests/test_cli_fuzz.py"))
    start = time.perf_counter()
    code = pytest.main(["-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics", *tests])
    print(f"{10_000 * args.scale:.0f} inputs in {time.perf_counter() - start:.0f} s")
    return int(code)


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
