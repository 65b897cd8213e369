"""Regenerate the example files in sample_data/ (run from anywhere: `make sample-data`)."""

from __future__ import annotations

from pathlib import Path

from symbreak.data import load_dataset, make_example

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"

#: File stem -> parameters; the Lorentz fields are the paper's E along x, B along y.
SAMPLES = {
    "cube_to_cube": {},
    "cube_to_prism": {},
    "cube_to_random": {"seed": 0},
    "lorentz": {"E": (1.0, 0.0, 0.0), "B": (0.0, 1.0, 0.0)},
}


def main() -> None:
    for name, params in SAMPLES.items():
        path = SAMPLE_DATA / f"{name}.h5"
        make_example(name, path, **params)
        dataset = load_dataset(path)
        size = path.stat().st_size
        print(f"{path.relative_to(SAMPLE_DATA.parent)}: {dataset.task}, {size} bytes")


if __name__ == "__main__":
    main()
