"""Rigid motion of a pair: the translation is measured and removed, the rotation measured."""

import numpy as np
from scipy.spatial.transform import Rotation

from symbreak.data import PairDataset, StructurePair
from symbreak.data.published import frustum_cube, twisted_cube
from symbreak.data.rigid import best_rotation, remove_rigid_motion, rigid_rotation_angle
from symbreak.symmetry import transformation_group


def _dataset(source, target):
    pair = StructurePair("p", source, target, np.zeros(len(source), dtype=np.int64))
    return PairDataset((pair,), ("X",), None, None)


def test_translation_is_measured_removed_and_reported():
    source, target = frustum_cube()
    shift = np.array([0.03, -0.07, 0.02])
    fixed, (motion,) = remove_rigid_motion(_dataset(source, target + shift))
    assert np.allclose(motion.translation, shift + target.mean(0) - source.mean(0))
    assert np.allclose(fixed.pairs[0].target.mean(0), source.mean(0), atol=1e-15)
    assert "moved by" in motion.sentence() and "removed" in motion.sentence()


def test_a_uniform_shift_is_not_symmetry_breaking():
    # ground truth: the frustum keeps C4v; a shift off the axis would leave only Cs
    source, target = frustum_cube()
    shifted = target + [0.05, 0.0, 0.0]
    assert transformation_group(source, shifted, keep_translation=True).name == "Cs"
    fixed, _ = remove_rigid_motion(_dataset(source, shifted))
    assert transformation_group(source, fixed.pairs[0].target, keep_translation=True).name == "C4v"


def test_kabsch_recovers_a_known_rotation():
    rng = np.random.default_rng(0)
    source = rng.normal(size=(12, 3))
    rotation = Rotation.from_rotvec([0.1, -0.2, 0.3]).as_matrix()
    target = source @ rotation.T + [1.0, 2.0, 3.0]
    assert np.allclose(best_rotation(source, target), rotation, atol=1e-12)
    angle = np.degrees(np.linalg.norm([0.1, -0.2, 0.3]))
    assert np.isclose(rigid_rotation_angle(source, target), angle)


def test_rotation_is_kept_by_default_because_removing_it_changes_the_group():
    # top face alone turned: C4. With the best rigid rotation removed the top turns by
    # +phi/2 and the bottom by -phi/2, a map that also has the half-turns of D4.
    source, target = twisted_cube(0.2)
    kept, (motion,) = remove_rigid_motion(_dataset(source, target))
    assert motion.rotation_degrees > 1.0 and not motion.rotation_removed
    assert transformation_group(source, kept.pairs[0].target).name == "C4"
    removed, _ = remove_rigid_motion(_dataset(source, target), rotation=True)
    assert transformation_group(source, removed.pairs[0].target).name == "D4"


def test_transformation_group_takes_each_structure_about_its_own_centroid():
    source, target = frustum_cube()
    shifted = target + [0.05, 0.0, 0.0]
    assert transformation_group(source, shifted).name == "C4v"
    assert transformation_group(source, shifted, keep_translation=True).name == "Cs"
