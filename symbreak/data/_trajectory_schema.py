"""Validation of the trajectories layout, reading a bounded window of frames at a time.

Checks the metadata of every ``/trajectories/<name>`` group (shapes, ``dt``, species)
and scans arrays for NaN or Inf without loading a whole array (see
``docs/data_format.md`` for the layout).
"""

from __future__ import annotations

import os

import h5py
import numpy as np

from symbreak.data._hdf5 import (
    MAX_MAGNITUDE,
    check_finite,
    check_vectors,
    require_dataset,
    require_group,
)
from symbreak.data._species import read_species
from symbreak.errors import DataError

#: Bytes of float64 data read at once when validating or sampling (about 8 MiB).
READ_BLOCK_BYTES = 8 << 20

_TRAJECTORIES_HINT = (
    "a trajectories file stores /trajectories/<name>/positions of shape (T, N, 3); "
    "the other option is /pairs/<name>/source and /pairs/<name>/target of shape (N, 3)."
)
OPTIONAL_ARRAYS = ("velocities", "accelerations")


def frames_per_read(n_particles: int) -> int:
    """How many frames of N particles fit in :data:`READ_BLOCK_BYTES` (at least one)."""
    return max(1, READ_BLOCK_BYTES // (n_particles * 3 * 8))


def _read_dt(group: h5py.Group, where: str, needed: bool) -> float | None:
    """The ``dt`` attribute as a positive float; None when absent and not needed."""
    if "dt" not in group.attrs:
        if needed:
            raise DataError(
                f"{where} has no 'dt' attribute, needed to derive velocities or accelerations."
            )
        return None
    return check_time_step(group.attrs["dt"], f"{where}: attribute 'dt'")


#: Range of a time step: velocities divide by dt and accelerations by dt**2, which must stay
#: a normal float64 (dt = 1e-300 or 1e300 overflowed in dt**2).
TIME_STEP_RANGE = (1e-100, 1e100)


def check_time_step(value, what: str) -> float:
    """``value`` as a time step: one real number (not a boolean) within
    :data:`TIME_STEP_RANGE`; otherwise one sentence starting with ``what``.

    >>> check_time_step(0.5, "--dt")
    0.5
    >>> check_time_step(True, "--dt")
    Traceback (most recent call last):
    ...
    symbreak.errors.DataError: --dt must be a number, not the boolean True.
    """
    array = np.asarray(value)
    if array.dtype.kind == "b":
        raise DataError(f"{what} must be a number, not the boolean {array.item()}.")
    try:
        if array.size != 1 or array.dtype.kind not in "iuf":
            raise TypeError
        dt = float(array.item())
    except (TypeError, ValueError):
        raise DataError(f"{what} must be one number.") from None
    if not (np.isfinite(dt) and dt > 0):
        raise DataError(f"{what} must be a positive number, not {dt}.")
    low, high = TIME_STEP_RANGE
    if not low <= dt <= high:
        raise DataError(
            f"{what} is {dt:g}, outside {low:g} to {high:g}; give the time step in a unit that "
            "brings it into that range."
        )
    return dt


def _never_written(dataset: h5py.Dataset, key: str, where: str) -> bool:
    """True when no byte of ``dataset`` was written: it reads as its fill value throughout.

    Then the fill value is checked instead of reading every frame: a declared (10^4, 10^6, 3)
    array holds nothing but takes 8 minutes to read back (found by the fuzzing).
    """
    if dataset.id.get_storage_size() != 0 or dataset.size == 0:
        return False
    check_finite(np.full((1, 3), dataset.fillvalue), key, where)
    return True


def _check_finite_chunked(dataset: h5py.Dataset, key: str, where: str) -> None:
    """NaN/Inf check that reads a bounded window of frames at a time."""
    if _never_written(dataset, key, where):
        return
    step = frames_per_read(max(1, dataset.shape[1]))
    for start in range(0, dataset.shape[0], step):
        check_finite(dataset[start : start + step], key, where, first_row=start)


def _check_positions(dataset: h5py.Dataset, where: str, dt: float | None, derive: tuple) -> None:
    """Check positions and, for the ``derive``d keys, the central differences from them.

    One pass of windows overlapping by a frame on each side, so every derived frame is
    computed exactly once, as :func:`symbreak.data.trajectories._read_window` will.
    """
    if _never_written(dataset, "positions", where):
        return  # constant positions: every derived value is 0
    n_frames = dataset.shape[0]
    step = max(1, frames_per_read(max(1, dataset.shape[1])) - 2)  # windows within the budget
    for start in range(0, n_frames, step):
        low = max(0, start - 1)
        window = np.asarray(dataset[low : min(n_frames, start + step + 1)], dtype=np.float64)
        check_finite(window[start - low : start - low + step], "positions", where, start)
        check_frame_order(window, where, low)
        if dt is None or not derive or len(window) < 3:
            continue
        before, here, after = window[:-2], window[1:-1], window[2:]
        with np.errstate(all="ignore"):
            derived = {
                "velocities": (after - before) / (2 * dt),
                "accelerations": (after - 2 * here + before) / dt**2,
            }
        for key in derive:
            _check_derived(derived[key], key, where, dt, first_frame=low + 1)


#: A particle whose step between frames exceeds this fraction of its nearest-neighbour distance,
#: landing next to where another such particle was, has swapped places with it in the list.
_JUMP = 0.5
#: ... next to: within this fraction of its own step.
_LANDING = 0.25


def check_frame_order(window: np.ndarray, where: str, first_frame: int = 0) -> None:
    """Refuse frames that list the particles in another order than the frame before.

    Velocities and accelerations are differences of one particle's rows, so a trajectory whose
    frames are not in one order (LAMMPS dumps without ``dump_modify sort id``, files
    concatenated from several programs) would make particles jump across the system, and every
    field read from them would be wrong. Re-ordered frames are recognised by particles that
    jump by more than half a neighbour distance to land where another jumping particle was;
    matching them back is left to the user, whose ids are the ground truth.

    >>> import numpy as np
    >>> frames = np.array([[[0.0, 0, 0], [1, 0, 0], [0, 1, 0]]] * 3)
    >>> frames[2] = frames[2][[1, 0, 2]]
    >>> check_frame_order(frames, "t")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symbreak.errors.DataError: t: frame 2 lists the particles in another order than frame 1: ...
    """
    if window.shape[0] < 2 or window.shape[1] < 2:
        return
    steps = np.linalg.norm(np.diff(window, axis=0), axis=2)  # (T - 1, N)
    typical = max(float(np.median(steps)), 1e-300)
    for t in np.flatnonzero(steps.max(axis=1) > 5.0 * typical):
        _check_pair_of_frames(window[t], window[t + 1], steps[t], where, first_frame + t)


def _check_pair_of_frames(before: np.ndarray, after: np.ndarray, steps: np.ndarray, where: str,
                          frame: int) -> None:  # fmt: skip
    from scipy.spatial import cKDTree

    spacing, _ = cKDTree(before).query(before, k=2)
    jumping = np.flatnonzero(steps > _JUMP * spacing[:, 1])
    if len(jumping) < 2:
        return
    landing, partner = cKDTree(after).query(before[jumping])
    swapped = (partner != jumping) & (landing < _LANDING * steps[jumping])
    # a re-ordering permutes the jumping particles among themselves: keep those whose
    # partner is kept, until none changes, and require the partners to be distinct
    while True:
        kept = np.isin(partner, jumping[swapped]) & swapped
        if np.array_equal(kept, swapped):
            break
        swapped = kept
    if np.count_nonzero(swapped) < 2 or len(set(partner[swapped].tolist())) < swapped.sum():
        return
    k = int(np.flatnonzero(swapped)[0])
    i, j = int(jumping[k]), int(partner[k])
    raise DataError(
        f"{where}: frame {frame + 1} lists the particles in another order than frame {frame}: "
        f"particle {i} jumps by {steps[i]:.3g} to where particle {j} was ({landing[k]:.3g} "
        "away); symbreak needs one order in every frame (a LAMMPS dump: dump_modify sort id)."
    )


def _check_derived(values: np.ndarray, key: str, where: str, dt: float, first_frame: int) -> None:
    bad = ~(np.abs(values) <= MAX_MAGNITUDE)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise DataError(
            f"{where}: the {key} derived from 'positions' with dt = {dt:g} reach "
            f"{abs(values[first]):.3g} at frame {first[0] + first_frame}, beyond the largest "
            f"magnitude symbreak accepts ({MAX_MAGNITUDE:.0e}); check dt and the length unit."
        )


def _inspect_trajectory(member: h5py.Group, where: str) -> tuple[dict, list[str] | None]:
    """Validate one trajectory group; return the fields of its TrajectoryInfo and its labels."""
    positions = require_dataset(member, "positions", where)
    check_vectors(positions.shape, 3, "positions", where)
    n_stored, n_particles = positions.shape[:2]
    present = {key: key in member for key in OPTIONAL_ARRAYS}
    for key in (k for k, found in present.items() if found):
        dataset = require_dataset(member, key, where)
        check_vectors(dataset.shape, 3, key, where)
        if dataset.shape != positions.shape:
            raise DataError(
                f"{where}: '{key}' has shape {dataset.shape} but 'positions' has "
                f"{positions.shape}; T and N must agree."
            )
    derives = not all(present.values())
    dt = _read_dt(member, where, needed=derives)
    if n_particles < 1:
        raise DataError(f"{where}: 'positions' has no particles (N = 0).")
    if n_stored < (3 if derives else 1):
        raise DataError(
            f"{where}: has {n_stored} frame(s); deriving velocities or accelerations by "
            "central differences needs at least 3."
        )
    derived = tuple(key for key, found in present.items() if not found)
    _check_positions(positions, where, dt, derived)
    for key in (k for k, found in present.items() if found):
        _check_finite_chunked(member[key], key, where)
    fields = {
        "name": member.name.rsplit("/", 1)[-1],
        "n_frames": n_stored - 2 if derives else n_stored,
        "n_particles": n_particles,
        "dt": dt,
        "has_velocities": present["velocities"],
        "has_accelerations": present["accelerations"],
    }
    return fields, read_species(member, n_particles, where)


def inspect_file(handle: h5py.File, path: str | os.PathLike) -> list[tuple[dict, list | None]]:
    group = require_group(handle, "trajectories", path, _TRAJECTORIES_HINT)
    inspected = []
    for name in sorted(group):
        member = group[name]
        where = f"{path}: trajectory '{name}'"
        if not isinstance(member, h5py.Group):
            raise DataError(f"{where} must be a group holding a 'positions' dataset.")
        inspected.append(_inspect_trajectory(member, where))
    return inspected
