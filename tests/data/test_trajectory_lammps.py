"""LAMMPS text dumps as LAMMPS writes them, read into the trajectories schema.

Ground truth: two dumps of one LAMMPS run (``tests/data/fixtures``, 10 LJ atoms in a periodic
triclinic box, 60 frames 5 steps of 0.002 apart) - one scaled with image flags, unsorted and
gzipped, one unwrapped and sorted - must give the same positions; the frame interval
(0.01) is inferred from positions and velocities; and synthetic dumps written here in each
coordinate style (the LAMMPS manual's definitions) give back the trajectory they encode.
"""

from pathlib import Path

import numpy as np
import pytest

from symbreak.data import load_trajectories
from symbreak.data.trajectory_formats import convert_trajectory
from symbreak.data.trajectory_lammps import frame_interval, is_lammps_dump, iter_lammps_frames
from symbreak.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures"


def _positions(path):
    dataset = load_trajectories(path)
    batch = next(dataset.iter_batches(1000))
    return dataset, batch


def test_lammps_scaled_and_unwrapped_dumps_agree_and_give_the_frame_interval(tmp_path):
    scaled = convert_trajectory(FIXTURES / "lammps_triclinic_scaled.dump.gz", tmp_path / "s.h5")
    plain = convert_trajectory(FIXTURES / "lammps_triclinic_unwrapped.dump", tmp_path / "u.h5")
    assert scaled["frames"] == plain["frames"] == 60 and scaled["atoms"] == 10
    assert scaled["dt"] == pytest.approx(0.01, rel=1e-3)
    assert plain["dt"] == pytest.approx(0.01, rel=1e-3)
    assert "inferred from the positions and velocities" in scaled["dt_note"]
    (data_s, batch_s), (_, batch_u) = _positions(tmp_path / "s.h5"), _positions(tmp_path / "u.h5")
    assert np.allclose(batch_s.positions, batch_u.positions, atol=1e-6)
    assert np.allclose(batch_s.velocities, batch_u.velocities, atol=1e-8)
    assert data_s.species_names == ("type1", "type2")
    # velocities from the file match central differences of the unwrapped positions
    x = batch_u.positions
    assert np.allclose((x[2:] - x[:-2]) / 0.02, batch_u.velocities[1:-1], rtol=0, atol=0.05)


def test_an_explicit_dt_wins_and_says_so(tmp_path):
    done = convert_trajectory(FIXTURES / "lammps_triclinic_unwrapped.dump", tmp_path / "u.h5",
                              dt=0.01)  # fmt: skip
    assert done["dt"] == 0.01 and "--dt" in done["dt_note"]


def _write_dump(path, positions, velocities, box, style, periodic=True):
    """A dump of an orthogonal box [0, box)^3 in one coordinate style (LAMMPS `dump custom`)."""
    columns = {"plain": "x y z", "wrapped": "x y z ix iy iz", "scaled": "xs ys zs",
               "unwrapped": "xu yu zu", "scaled_images": "xs ys zs ix iy iz"}[style]
    flags = "pp pp pp" if periodic else "ss ss ss"
    lines = []
    for step, (x, v) in enumerate(zip(positions, velocities, strict=True)):
        image = np.floor(x / box) if periodic else np.zeros_like(x)
        wrapped = x - image * box
        coordinate = {"plain": wrapped, "wrapped": wrapped, "unwrapped": x,
                      "scaled": wrapped / box, "scaled_images": wrapped / box}[style]
        lines += ["ITEM: TIMESTEP", str(step * 10), "ITEM: NUMBER OF ATOMS", str(len(x)),
                  f"ITEM: BOX BOUNDS {flags}"] + [f"0 {box}"] * 3
        lines.append(f"ITEM: ATOMS id type {columns} vx vy vz")
        order = np.random.default_rng(step).permutation(len(x))  # unsorted, as without sort
        for i in order:
            extra = list(coordinate[i])
            if "ix" in columns:
                extra += list(image[i].astype(int))
            lines.append(" ".join(str(c) for c in [i + 1, 1 + i % 2, *extra, *v[i]]))
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("style", ["plain", "wrapped", "scaled", "unwrapped", "scaled_images"])
def test_every_coordinate_style_gives_the_unwrapped_trajectory(tmp_path, style):
    # three particles gyrating (radius 0.3) while drifting through a periodic box of side 2
    t = np.arange(80)[:, None] * 0.05
    drift = np.array([[1.5, -0.7, 0.4], [-1.2, 0.9, 2.0], [0.3, 0.2, -1.6]])
    start = np.array([[0.2, 1.0, 1.5], [1.8, 0.1, 0.4], [1.0, 1.9, 0.2]])
    phase = 2.0 * t
    circle = 0.3 * np.stack([np.cos(phase), np.sin(phase), 0 * phase], -1)  # (T, 1, 3)
    x = start[None] + t[:, :, None] * drift[None] + circle
    v = drift[None] + 0.6 * np.stack([-np.sin(phase), np.cos(phase), 0 * phase], -1)
    _write_dump(tmp_path / "d.lammpstrj", x, v, 2.0, style)
    done = convert_trajectory(tmp_path / "d.lammpstrj", tmp_path / "d.h5")
    assert done["dt"] == pytest.approx(0.05, rel=2e-3)
    _, batch = _positions(tmp_path / "d.h5")
    # accelerations are derived, so the first and last frames go; the reader keeps the first
    # frame where it is (wrapped), so compare displacements: the motion must be continuous
    x, v = x[1:-1], v[1:-1]
    assert np.allclose(batch.positions - batch.positions[:1], x - x[:1], atol=1e-9)
    assert np.allclose(batch.velocities, v)


def test_no_velocities_needs_dt_and_a_damaged_frame_is_one_sentence(tmp_path):
    path = tmp_path / "d.lammpstrj"
    text = "".join(f"ITEM: TIMESTEP\n{k}\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS ff ff ff\n"
                   f"0 1\n0 1\n0 1\nITEM: ATOMS id x y z\n1 {0.1 * k} 0 0\n" for k in range(4))
    path.write_text(text)
    assert is_lammps_dump(path) and len(list(iter_lammps_frames(path))) == 4
    with pytest.raises(DataError, match="pass --dt"):
        convert_trajectory(path, tmp_path / "d.h5")
    assert convert_trajectory(path, tmp_path / "d.h5", dt=0.5)["dt"] == 0.5
    path.write_text(text + "ITEM: TIMESTEP\n9\nITEM: NUMBER OF ATOMS\nthree\n")
    with pytest.raises(DataError, match="damaged frame"):
        convert_trajectory(path, tmp_path / "e.h5", dt=0.5)


def test_frame_interval_is_scale_free():
    rng = np.random.default_rng(3)
    v = rng.normal(size=(2, 5, 3))
    x = np.stack([np.zeros((5, 3)), 0.37 * (v[0] + v[1]) / 2])
    assert frame_interval(x, v)[0] == pytest.approx(0.37)


def test_mass_and_q_columns_and_extxyz_masses_are_kept_per_particle(tmp_path):
    # ids written out of order: the masses must follow the atoms, not the rows
    path = tmp_path / "m.lammpstrj"
    rows = {1: (1, 1.0, 1.0), 2: (2, 4.0, -0.5), 3: (1, 1.0, 1.0)}
    text = "".join(f"ITEM: TIMESTEP\n{k}\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS ff ff ff\n"
                   "0 9\n0 9\n0 9\nITEM: ATOMS id type mass q x y z\n" + "".join(
                       f"{i} {t} {m} {q} {i + 0.1 * k} 0 0\n" for i, (t, m, q) in
                       sorted(rows.items(), key=lambda item: -item[0])) for k in range(4))
    path.write_text(text)
    convert_trajectory(path, tmp_path / "m.h5", dt=0.5)
    info = load_trajectories(tmp_path / "m.h5").trajectories[0]
    assert info.masses.tolist() == [1.0, 4.0, 1.0] and info.charges.tolist() == [1.0, -0.5, 1.0]
    ase_io = pytest.importorskip("ase.io")
    from ase import Atoms

    frames = [Atoms("H2He", positions=[[0, 0, 0], [2, 0, 0], [0, 2, 0.1 * k]]) for k in range(4)]
    for k, atoms in enumerate(frames):
        atoms.info["time"] = 0.5 * k
    ase_io.write(tmp_path / "plain.extxyz", frames)
    convert_trajectory(tmp_path / "plain.extxyz", tmp_path / "plain.h5")
    # no masses in the file: ASE's element defaults are not the run's masses
    assert load_trajectories(tmp_path / "plain.h5").trajectories[0].masses is None
    for atoms in frames:
        atoms.set_masses([1.0, 1.0, 4.0])
    ase_io.write(tmp_path / "massive.extxyz", frames)
    convert_trajectory(tmp_path / "massive.extxyz", tmp_path / "massive.h5")
    assert load_trajectories(tmp_path / "massive.h5").trajectories[0].masses.tolist() == \
        [1.0, 1.0, 4.0]  # fmt: skip
