"""Hypothesis strategies for HDF5 inputs, valid and broken, and a writer for them.

A drawn input is a plain description (``FileSpec``): datasets by HDF5 path with their values,
groups, attributes, and optionally a truncation of the written bytes. ``write_spec`` turns it
into a file with plain h5py, bypassing every check symbreak makes. Shared by
tests/data/test_fuzz_inputs.py (bounded, for CI) and scripts/fuzz_inputs.py (longer runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np
from hypothesis import strategies as st

SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.0, 1e-300, 1e15, 1e16, 1e200, -1e308, np.nan, np.inf, -np.inf]


@dataclass
class FileSpec:
    """What to write: ``datasets`` {path: array or ("huge", shape, dtype)}, ``groups``,
    ``attrs`` {object path ("/" for the file): {name: value}}, ``truncate_to`` (fraction)."""

    datasets: dict = field(default_factory=dict)
    groups: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    truncate_to: float | None = None
    corrupt_at: float | None = None


def write_spec(spec: FileSpec, path: Path) -> None:
    with h5py.File(path, "w") as handle:
        for group in spec.groups:
            if group not in handle:
                handle.require_group(group)
        for key, value in spec.datasets.items():
            if key in handle:
                continue
            try:
                if isinstance(value, tuple) and value[0] == "huge":
                    # declared shape, no data written: the file stays tiny, reading it would not
                    handle.create_dataset(key, shape=value[1], dtype=value[2], chunks=True)
                else:
                    handle[key] = value
            except (TypeError, ValueError):  # a path under an existing dataset, say
                continue
        for owner, attributes in spec.attrs.items():
            if owner not in handle:
                continue
            for name, value in attributes.items():
                handle[owner].attrs[name] = value
    if spec.truncate_to is not None or spec.corrupt_at is not None:
        data = bytearray(path.read_bytes())
        if spec.corrupt_at is not None and data:
            start = int(spec.corrupt_at * (len(data) - 1))
            data[start : start + 16] = bytes((b ^ 0x5A) for b in data[start : start + 16])
        if spec.truncate_to is not None:
            data = data[: int(spec.truncate_to * len(data))]
        path.write_bytes(bytes(data))


# --- geometry: point clouds that are valid, degenerate or nearly so -------------------------

def _cloud(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "random":
        return rng.normal(size=(n, 3))
    if kind == "collinear":
        return np.outer(np.arange(n, dtype=float), rng.normal(size=3))
    if kind == "coplanar":
        plane = rng.normal(size=(2, 3))
        return rng.normal(size=(n, 2)) @ plane
    if kind == "duplicated":
        points = rng.normal(size=(n, 3))
        points[-1] = points[0]
        return points
    if kind == "near_coincident":
        points = rng.normal(size=(n, 3))
        points[-1] = points[0] + 1e-12
        return points
    if kind == "cube":
        corners = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], float)
        return corners[: max(1, min(n, 8))]
    if kind == "single":
        return rng.normal(size=(1, 3))
    raise ValueError(kind)


GEOMETRIES = ["random", "collinear", "coplanar", "duplicated", "near_coincident", "cube", "single"]


#: Geometries a loader accepts (degenerate for the symmetry analysis, but distinct points).
CLEAN_GEOMETRIES = ["random", "collinear", "coplanar", "cube"]


@st.composite
def coordinates(draw, frames: int | None = None, clean: bool = False) -> np.ndarray:
    """(N, 3) or (T, N, 3) float arrays from a geometry, sometimes with special values.

    ``clean``: distinct, finite points of moderate size in float64 (most of them load).
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2 if clean else 1, 9))
    points = _cloud(draw(st.sampled_from(CLEAN_GEOMETRIES if clean else GEOMETRIES)), n, rng)
    if frames is not None:
        t = np.arange(frames, dtype=float)[:, None, None]
        points = points[None] + 0.1 * t * rng.normal(size=(1, *points.shape))
    if clean:
        return points * draw(st.sampled_from([1.0, 1e-3, 1e3]))
    points = points * draw(st.sampled_from([1.0, 1.0, 1.0, 1e-9, 1e6, 1e14, 1e300]))
    if draw(st.integers(0, 4)) == 0 and points.size:
        index = tuple(draw(st.integers(0, s - 1)) for s in points.shape)
        points[index] = draw(st.sampled_from(SPECIAL_FLOATS))
    dtype = draw(st.sampled_from(["<f8", "<f8", "<f8", "<f4", "<f2", "<i4", "<u1"]))
    with np.errstate(all="ignore"):
        return points.astype(dtype) if dtype.endswith("f8") else _cast(points, dtype)


def _cast(points: np.ndarray, dtype: str) -> np.ndarray:
    if dtype[1] in "iu":
        return np.nan_to_num(points).clip(-100, 100).astype(dtype)
    return points.astype(dtype)


@st.composite
def wrong_arrays(draw):
    """Arrays of the wrong kind, rank or shape (including empty and declared-huge ones)."""
    choice = draw(st.integers(0, 7))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))
    if choice == 0:
        return np.ones(shape, dtype=np.complex128)
    if choice == 1:
        return np.array(["a"] * int(np.prod(shape)), dtype="S1").reshape(shape)
    if choice == 2:
        return np.ones(shape, dtype=bool)
    if choice == 3:
        return np.array([b"x", b"yy"] * 2, dtype=h5py.string_dtype())
    if choice == 4:
        return np.zeros(shape, dtype=float)
    if choice == 5:
        huge = draw(st.sampled_from([(10**9, 3), (10**6 + 1, 3), (10**4, 10**6, 3), (3, 10**9)]))
        return ("huge", huge, "<f8")
    if choice == 6:
        return np.zeros((0, 3))
    return np.zeros((), dtype=float)


def species_values(n: int):
    return st.one_of(
        st.just(np.zeros(n, dtype=np.int64)),
        st.just(np.array(["C"] * n, dtype=h5py.string_dtype())),
        st.just(np.array(["C", "O"] * n, dtype=h5py.string_dtype())[:n]),
        st.just(np.array([""] * n, dtype=h5py.string_dtype())),
        st.just(np.ones(n, dtype=float)),
        st.just(np.arange(n + 1)),
        st.just(("huge", (10**9,), "<i8")),
        st.just(np.array([b"\xff\xfe"] * n, dtype="S2")),
    )


ATTRIBUTE_VALUES = st.sampled_from(
    [0.0, -1.0, np.nan, np.inf, 1e-300, 1e-200, 0.1, 1, True, "0.1", "x", b"abc", 1 + 2j,
     np.array([0.1, 0.2]), np.array([], dtype=float), 10**18, -(2**62)]
)  # fmt: skip


NAMES = st.sampled_from(["a", "b", "z", "pair 1", "ü", "0"])


def clean_species(n: int):
    return st.sampled_from([
        np.zeros(n, dtype=np.int64),
        np.array(["C"] * n, dtype=h5py.string_dtype()),
        np.array((["C", "O"] * n)[:n], dtype=h5py.string_dtype()),
    ])


@st.composite
def clean_pairs_files(draw) -> FileSpec:
    """Pairs files that should load (shapes and values right; geometry may be degenerate)."""
    spec = FileSpec()
    for name in draw(st.lists(NAMES, min_size=1, max_size=2, unique=True)):
        source = draw(coordinates(clean=True))
        target = source * draw(st.sampled_from([np.array([1.1, 1.0, 0.9]), 1.0, -1.0]))
        spec.datasets[f"pairs/{name}/source"] = source
        spec.datasets[f"pairs/{name}/target"] = target
        if draw(st.booleans()):
            spec.datasets[f"pairs/{name}/species"] = draw(clean_species(len(source)))
    return spec


@st.composite
def clean_trajectories_files(draw) -> FileSpec:
    """Trajectories files that should load: positions (T >= 3), dt, sometimes velocities."""
    spec = FileSpec()
    name = draw(NAMES)
    positions = draw(coordinates(frames=draw(st.integers(3, 8)), clean=True))
    spec.datasets[f"trajectories/{name}/positions"] = positions
    if draw(st.booleans()):
        spec.datasets[f"trajectories/{name}/velocities"] = np.zeros_like(positions)
    spec.attrs[f"trajectories/{name}"] = {"dt": draw(st.sampled_from([0.1, 1.0, 0.01]))}
    return spec


@st.composite
def pairs_files(draw) -> FileSpec:
    spec = FileSpec()
    for name in draw(st.lists(NAMES, min_size=0, max_size=3, unique=True)):
        base = f"pairs/{name}"
        if draw(st.integers(0, 9)) == 0:
            spec.datasets[base] = draw(wrong_arrays())
            continue
        spec.groups.append(base)
        source = draw(coordinates())
        if draw(st.booleans()):
            target = draw(coordinates())  # independent: the lengths may differ
        else:
            with np.errstate(all="ignore"):
                target = source * np.array([1.1, 1.0, 0.9], dtype=source.dtype)
        for key, value in (("source", source), ("target", target)):
            roll = draw(st.integers(0, 14))
            if roll == 0:
                continue  # missing
            spec.datasets[f"{base}/{key}"] = draw(wrong_arrays()) if roll == 1 else value
        if draw(st.booleans()):
            n = len(source) if source.ndim else 1
            spec.datasets[f"{base}/species"] = draw(species_values(n))
        if draw(st.integers(0, 5)) == 0:
            spec.datasets[f"{base}/extra"] = np.zeros(3)  # extra members are ignored
    _common(draw, spec, "pairs")
    return spec


@st.composite
def trajectories_files(draw) -> FileSpec:
    spec = FileSpec()
    for name in draw(st.lists(NAMES, min_size=0, max_size=2, unique=True)):
        base = f"trajectories/{name}"
        if draw(st.integers(0, 9)) == 0:
            spec.datasets[base] = draw(wrong_arrays())
            continue
        spec.groups.append(base)
        frames = draw(st.integers(1, 6))
        positions = draw(coordinates(frames=frames))
        spec.datasets[f"{base}/positions"] = (
            draw(wrong_arrays()) if draw(st.integers(0, 9)) == 0 else positions
        )
        for key in ("velocities", "accelerations"):
            roll = draw(st.integers(0, 5))
            if roll == 0:
                spec.datasets[f"{base}/{key}"] = positions * 0.5
            elif roll == 1:
                spec.datasets[f"{base}/{key}"] = draw(coordinates(frames=frames))
            elif roll == 2:
                spec.datasets[f"{base}/{key}"] = draw(wrong_arrays())
        if draw(st.integers(0, 4)):
            spec.attrs[base] = {"dt": draw(ATTRIBUTE_VALUES) if draw(st.booleans()) else 0.1}
        if draw(st.booleans()):
            n = positions.shape[1] if positions.ndim == 3 else 1
            spec.datasets[f"{base}/species"] = draw(species_values(n))
    _common(draw, spec, "trajectories")
    return spec


def _common(draw, spec: FileSpec, kind: str) -> None:
    """Top-level damage: schema attribute, the other group, missing groups, truncation."""
    roll = draw(st.integers(0, 11))
    if roll == 0:
        spec.attrs["/"] = {"symbreak_schema": draw(ATTRIBUTE_VALUES)}
    elif roll == 1:
        other = "trajectories" if kind == "pairs" else "pairs"
        spec.groups.append(other)
    elif roll == 2:
        spec.groups.append(kind)  # possibly empty
    elif roll == 3:
        spec.datasets[kind] = np.zeros(3)  # a dataset where the group belongs
    elif roll == 4:
        spec.truncate_to = draw(st.floats(0.0, 0.999))
    elif roll == 5:
        spec.corrupt_at = draw(st.floats(0.0, 1.0))
    elif roll == 6:
        spec.groups.append("unrelated/group")


hdf5_inputs = st.one_of(pairs_files(), trajectories_files())
clean_inputs = st.one_of(clean_pairs_files(), clean_trajectories_files())
