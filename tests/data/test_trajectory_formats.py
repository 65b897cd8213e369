"""Trajectory files streamed into the trajectories schema: each format written here, read back.

Ground truth: the positions and velocities the files were written from; the time step from
the file or --dt; unwrapping checked on a particle crossing the periodic cell.
"""

import h5py
import numpy as np
import pytest

pytest.importorskip("ase")
from ase import Atoms  # noqa: E402
from ase.io import write  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from symbreak.cli import app  # noqa: E402
from symbreak.data import load_trajectories  # noqa: E402
from symbreak.data.formats import load_input  # noqa: E402
from symbreak.data.trajectory_formats import convert_trajectory  # noqa: E402
from symbreak.errors import DataError  # noqa: E402

T, N, DT = 12, 3, 0.05
TIME = np.arange(T) * DT
VELOCITY = np.array([[1.0, 0, 0], [0, 2.0, 0], [0, 0, -1.0]])
POSITIONS = np.array([[0.5, 0.5, 0.5], [1.5, 1.0, 1.0], [2.5, 2.0, 2.5]])[None] + \
    TIME[:, None, None] * VELOCITY[None]  # fmt: skip


def _frames(velocities=True, time=True, cell=None):
    frames = []
    for k in range(T):
        atoms = Atoms("HHe2", positions=POSITIONS[k], cell=cell, pbc=cell is not None)
        if velocities:
            atoms.set_velocities(VELOCITY)
        if time:
            atoms.info["time"] = float(TIME[k])
        frames.append(atoms)
    return frames


def _stored(path):
    with h5py.File(path, "r") as handle:
        (group,) = handle["trajectories"].values()
        return {key: group[key][()] for key in group} | {"dt": group.attrs["dt"]}


@pytest.mark.parametrize("suffix", ["extxyz", "traj", "extxyz.gz", "xyz.bz2", "extxyz.xz"])
def test_ase_formats_round_trip_with_velocities_and_dt(tmp_path, suffix):
    """Compressed files are decompressed before ASE reads them (its extxyz reader seeks)."""
    import bz2
    import gzip
    import lzma

    path = tmp_path / f"md.{suffix}"
    plain = tmp_path / f"plain.{suffix.split('.')[0]}"
    write(plain, _frames(), format="extxyz" if suffix.startswith(("extxyz", "xyz")) else None)
    opener = {"gz": gzip.open, "bz2": bz2.open, "xz": lzma.open}.get(suffix.split(".")[-1])
    if opener is None:
        path = plain
    else:
        with opener(path, "wb") as compressed:
            compressed.write(plain.read_bytes())
    summary = convert_trajectory(path, tmp_path / "md.h5")
    stored = _stored(tmp_path / "md.h5")
    assert summary["frames"] == T and summary["velocities_from_file"]
    assert np.isclose(stored["dt"], DT)
    assert np.allclose(stored["positions"], POSITIONS)
    assert np.allclose(stored["velocities"], VELOCITY[None].repeat(T, 0))
    assert load_trajectories(tmp_path / "md.h5").trajectories[0].n_frames == T - 2


def test_a_damaged_compressed_file_is_one_sentence(tmp_path):
    path = tmp_path / "md.extxyz.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    with pytest.raises(DataError, match="cannot decompress it"):
        convert_trajectory(path, tmp_path / "md.h5")


def test_lammps_dump_needs_dt_and_gets_it_from_the_option(tmp_path):
    lines = []
    for k in range(T):
        lines += ["ITEM: TIMESTEP", str(k), "ITEM: NUMBER OF ATOMS", str(N),
                  "ITEM: BOX BOUNDS pp pp pp", "0 10", "0 10", "0 10",
                  "ITEM: ATOMS id type x y z"]  # fmt: skip
        lines += [f"{i + 1} {1 + (i > 0)} {x} {y} {z}" for i, (x, y, z) in enumerate(POSITIONS[k])]
    path = tmp_path / "md.lammpstrj"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="no time step; pass --dt"):
        convert_trajectory(path, tmp_path / "md.h5")
    assert not (tmp_path / "md.h5").exists() and not list(tmp_path.glob(".md.h5*"))
    convert_trajectory(path, tmp_path / "md.h5", dt=DT)
    stored = _stored(tmp_path / "md.h5")
    assert np.allclose(stored["positions"], POSITIONS) and "velocities" not in stored
    batch = next(load_trajectories(tmp_path / "md.h5").iter_batches())
    assert np.allclose(batch.velocities, VELOCITY[None], atol=1e-9)  # derived with dt


def test_h5md_with_box_and_time(tmp_path):
    path = tmp_path / "md.h5md"
    with h5py.File(path, "w") as handle:
        handle.create_group("h5md")
        particles = handle.create_group("particles/all")
        particles["position/value"] = POSITIONS
        particles["position/time"] = TIME
        particles["velocity/value"] = VELOCITY[None].repeat(T, 0)
        particles["box/edges"] = np.array([10.0, 10.0, 10.0])
        particles["species"] = np.array([1, 2, 2])
    dataset = load_input([path])
    info = dataset.trajectories[0]
    assert info.n_particles == N and info.has_velocities and np.isclose(info.dt, DT)


def test_periodic_positions_are_unwrapped(tmp_path):
    """A particle leaving a 3 A box at x = 3 comes back at 0 in the file; unwrapped, it goes on."""
    frames = _frames(velocities=False, cell=3.0 * np.eye(3))
    for atoms in frames:
        atoms.wrap()
    write(tmp_path / "md.extxyz", frames)
    convert_trajectory(tmp_path / "md.extxyz", tmp_path / "md.h5")
    stored = _stored(tmp_path / "md.h5")
    assert np.allclose(stored["positions"], POSITIONS)
    assert np.allclose(stored["cell"], 3.0 * np.eye(3)) and stored["pbc"].all()


def test_cli_convert_trajectory(tmp_path):
    write(tmp_path / "still.extxyz", _frames(velocities=False, time=False))
    out = tmp_path / "md.h5"
    result = CliRunner().invoke(app, ["convert", str(tmp_path / "still.extxyz"), "--out", str(out)])
    assert result.exit_code == 2 and "pass --dt" in result.output and not out.exists()
    # positions and velocities together fix the frame interval, and the output says so
    write(tmp_path / "md.extxyz", _frames(time=False))
    result = CliRunner().invoke(app, ["convert", str(tmp_path / "md.extxyz"), "--out", str(out)])
    assert result.exit_code == 0 and "dt 0.05 inferred from the positions" in result.output
    out.unlink()
    result = CliRunner().invoke(app, ["convert", str(tmp_path / "md.extxyz"), "--out", str(out),
                                      "--dt", "0.05"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        f"{T} frames of {N} atoms" in result.output and "velocities from the file" in result.output
    )
