"""The generated ``_harmonic_table`` is e3nn's spherical harmonics, for every degree e3nn has.

These tests import torch and e3nn on purpose: they are the reference the table was read from.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from e3nn import o3

from symbreak.symmetry._harmonic_table import COEFFICIENTS
from symbreak.symmetry._wigner import (
    MAX_L,
    harmonic_coefficients,
    monomial_exponents,
    spherical_harmonics,
)

GENERATOR = Path(__file__).resolve().parents[2] / "scripts" / "make_harmonic_table.py"


def load_generator():
    """``scripts/make_harmonic_table.py`` as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_harmonic_table", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("l", range(MAX_L + 1))
def test_table_equals_a_live_read_off_from_e3nn(l):
    live = load_generator().coefficients_from_e3nn(l)
    table = harmonic_coefficients(l)
    assert table.shape == (2 * l + 1, len(monomial_exponents(l)))
    assert np.array_equal(table != 0.0, live != 0.0)  # the same exact zeros
    assert np.abs(table - live).max() <= 1e-12 * np.abs(live).max()


@pytest.mark.parametrize("l", range(MAX_L + 1))
def test_table_reproduces_e3nn_values_off_the_sphere_too(l):
    points = np.random.default_rng(100 + l).normal(size=(200, 3))  # radii 0.1 .. 3: homogeneous
    reference = o3.spherical_harmonics(l, torch.from_numpy(points), normalize=False).numpy()
    scale = np.abs(reference).max(axis=1, keepdims=True)  # per point: |x|^l spans 24 decades
    assert (np.abs(spherical_harmonics(l, points) - reference) / scale).max() <= 1e-12


def test_table_covers_every_degree_e3nn_provides():
    assert sorted(COEFFICIENTS) == list(range(MAX_L + 1))
    assert [len(rows) for rows in COEFFICIENTS.values()] == [2 * l + 1 for l in range(MAX_L + 1)]
    with pytest.raises(NotImplementedError):  # if e3nn ever goes higher, regenerate the table
        o3.spherical_harmonics(MAX_L + 1, torch.ones(1, 3), normalize=False)


@pytest.mark.parametrize("l", [-1, MAX_L + 1])
def test_degrees_outside_the_table_are_a_clear_error(l):
    with pytest.raises(ValueError, match=rf"l = 0\.\.{MAX_L} \(e3nn's limit\), not l = {l}"):
        harmonic_coefficients(l)


def test_cached_coefficients_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        harmonic_coefficients(2)[0, 0] = 1.0
