"""Each picture: written, of the requested size, and showing what it claims (pixels)."""

from __future__ import annotations

import matplotlib.image
import numpy as np
from e3nn import o3

from symbreak.render import (
    field_panels,
    render_irrep,
    render_layer_signal,
    render_structures,
    render_training,
    render_vectors,
)
from symbreak.symmetry import named_group

SIZE = (200, 160)
RESOLUTION = 24


def pixels(path) -> np.ndarray:
    image = matplotlib.image.imread(path)
    return image[..., :3].astype(float)


def assert_picture(path, size=SIZE) -> np.ndarray:
    assert path.stat().st_size > 0
    image = pixels(path)
    assert image.shape[:2] == (size[1], size[0])  # rows = height
    assert image.std() > 0.01  # not a blank canvas
    return image


def test_quadrupole_renders_differently_from_scalar(tmp_path):
    irreps = o3.Irreps("1x0e + 1x2e")
    scalar = np.array([1.0, 0, 0, 0, 0, 0])
    quadrupole = np.array([1.0, 0, 0, 1.0, 0, 0])  # 2e, m = 0
    a = render_layer_signal(scalar, irreps, 0, tmp_path / "scalar.png", SIZE, RESOLUTION)
    b = render_layer_signal(quadrupole, irreps, 0, tmp_path / "quad.png", SIZE, RESOLUTION)
    left = slice(0, SIZE[0] // 2)  # the even-parity panel
    difference = np.abs(assert_picture(a)[:, left] - assert_picture(b)[:, left])
    assert difference.mean() > 0.02
    # The odd panels are both zero: the same picture.
    right = slice(SIZE[0] // 2 + 2, None)
    assert np.abs(pixels(a)[:, right] - pixels(b)[:, right]).mean() < 1e-3


def test_sign_of_the_weights_changes_the_colours(tmp_path):
    vector = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    plus = render_irrep(vector, "2e", 0, tmp_path / "plus.png", SIZE, RESOLUTION)
    minus = render_irrep(-vector, "2e", 0, tmp_path / "minus.png", SIZE, RESOLUTION)
    assert np.abs(assert_picture(plus) - assert_picture(minus)).mean() > 0.005


def test_structures_show_the_symmetry_elements(tmp_path, prism_run):
    pair = prism_run.pairs.pairs[0]
    names = prism_run.pairs.species_names
    args = (pair.source, pair.target, pair.species, names)
    drawn = render_structures(*args, named_group("D4h").symmetry_elements(), "D4h",
                              tmp_path / "d4h.png", SIZE)  # fmt: skip
    bare = render_structures(*args, [], "C1", tmp_path / "c1.png", SIZE)
    assert np.abs(assert_picture(drawn) - assert_picture(bare)).mean() > 0.005


def test_structures_draw_continuous_groups(tmp_path):
    line = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    elements = [{"kind": "rotation", "order": "inf", "axis": [0, 0, 1]},
                {"kind": "rotation_family", "order": 2, "perpendicular_to": [0, 0, 1]},
                {"kind": "mirror", "normal": [0, 0, 1]},
                {"kind": "mirror_family", "containing_axis": [0, 0, 1]},
                {"kind": "inversion"}, {"kind": "all_rotations"}]  # fmt: skip
    path = render_structures(line, 1.2 * line, [0, 1, 0], ["O", "C"], elements, "Dinfh",
                             tmp_path / "line.png", SIZE)  # fmt: skip
    assert_picture(path)


def test_fields_from_a_hand_made_report(tmp_path):
    fields = {"polar": [1.0, 0.0, 0.0], "axial": [[0.0, 1.0, 0.0]]}
    weights = [{"1o": np.array([0.5, 0.0, 0.0]), "1e": np.zeros(3)}]
    panels = field_panels(fields, weights)
    assert [len(p.arrows) for p in panels] == [2, 2]
    assert panels[0].arrows[0].vector.tolist() == [1.0, 0.0, 0.0]
    assert_picture(render_vectors(panels, tmp_path / "fields.png", SIZE))


def test_training_curve(tmp_path, prism_run):
    assert_picture(render_training(prism_run.history, tmp_path / "training.png", SIZE))
