"""Each picture: written, of the requested size, and showing what it claims (pixels)."""

from __future__ import annotations

import matplotlib.colors
import matplotlib.image
import numpy as np
from e3nn import o3

from symbreak.render import (
    Arrow,
    VectorPanel,
    field_panels,
    render_irrep,
    render_layer_signal,
    render_structures,
    render_training,
    render_vectors,
)
from symbreak.render._elements import AXIS_ORDER_COLOURS, element_classes, element_view
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
    pair = prism_run.task.dataset.pairs[0]
    names = prism_run.task.dataset.species_names
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


# ---------------------------------------------------------------- issue 9: what a reader sees
WIDE = (480, 320)  # big enough for text to be told from geometry


def dark(image: np.ndarray) -> np.ndarray:
    return image.max(axis=-1) < 0.45


def test_inactive_irreps_are_left_out_of_the_signal_and_named(tmp_path):
    irreps = o3.Irreps("1x0e + 1x2e + 1x4e")
    quadrupole = np.zeros(1 + 5 + 9)
    quadrupole[3] = 1.0  # 2e, m = 0
    with_noise = quadrupole.copy()
    with_noise[6:] = np.random.default_rng(0).normal(size=9)  # a big 4e, flagged inactive
    flags = {0: {"2e": True, "4e": False}}
    args = (0,)
    clean = render_layer_signal(quadrupole, irreps, *args, tmp_path / "a.png", WIDE, RESOLUTION,
                                active=flags)  # fmt: skip
    noisy = render_layer_signal(with_noise, irreps, *args, tmp_path / "b.png", WIDE, RESOLUTION,
                                active=flags)  # fmt: skip
    unflagged = render_layer_signal(with_noise, irreps, *args, tmp_path / "c.png", WIDE,
                                    RESOLUTION)  # fmt: skip
    top = slice(0, int(0.8 * WIDE[1]))  # above the note line
    even = slice(0, WIDE[0] // 2)
    assert np.abs(pixels(clean)[top, even] - pixels(noisy)[top, even]).mean() < 1e-3
    assert np.abs(pixels(clean)[top, even] - pixels(unflagged)[top, even]).mean() > 0.01
    # The inactive 4e is named in the note at the bottom: text appears there.
    bottom = slice(int(0.9 * WIDE[1]), None)
    assert dark(pixels(noisy)[bottom, even]).sum() > dark(pixels(clean)[bottom, even]).sum() + 20


def _bar_rows(image: np.ndarray) -> np.ndarray:
    """Rows where the colour bar runs: its blue end (left of centre) strongly coloured."""
    blue_end = image[:, int(0.27 * image.shape[1]) : int(0.37 * image.shape[1])]
    saturation = blue_end.max(axis=-1) - blue_end.min(axis=-1)
    return np.flatnonzero((saturation > 0.15).mean(axis=1) > 0.9)


def test_colour_bar_title_and_ticks_are_on_opposite_sides(tmp_path):
    # vtk draws a horizontal bar's title over its middle tick ("0"): the title goes below.
    image = pixels(render_irrep([0, 0, 1.0, 0, 0], "2e", 0, tmp_path / "q.png", WIDE,
                                RESOLUTION, "caption"))  # fmt: skip
    rows = _bar_rows(image)
    assert rows.size and rows.min() > WIDE[1] // 2
    columns = slice(WIDE[0] // 3, 2 * WIDE[0] // 3)
    above = dark(image[rows.min() - 14 : rows.min() - 1, columns]).sum()
    below = dark(image[rows.max() + 2 : rows.max() + 22, columns]).sum()
    assert above > 10 and below > 10  # ticks above, title below


def test_field_labels_are_off_the_arrows(tmp_path):
    # Renaming an arrow changes only the legend, never the pixels where the arrows are.
    def picture(name, label):
        panel = VectorPanel("polar", [Arrow(label, [1.0, 0.0, 0.0]),
                                      Arrow("w", [-1.0, 0.2, 0.0], "#c0392b")])  # fmt: skip
        return pixels(render_vectors([panel], tmp_path / name, WIDE))

    short, long = picture("a.png", "E"), picture("b.png", "a very long label for E, field")
    changed = np.abs(short - long).max(axis=-1) > 0.05
    rows, _ = np.nonzero(changed)
    assert rows.size and rows.max() < 0.3 * WIDE[1]  # the legend, under the title


def test_a_field_stays_visible_beside_a_parallel_weight(tmp_path):
    fields = {"axial": [0.0, 1.0, 0.0]}
    alone = field_panels(fields, [{}])[1]
    both = field_panels(fields, [{"1e": np.array([0.0, 0.3, 0.0])}])[1]
    for arrow in alone.arrows + both.arrows:
        arrow.label = ""  # count the arrows' pixels, not their names'
    ink = [dark(pixels(render_vectors([p], tmp_path / f"{k}.png", WIDE)))[int(0.3 * WIDE[1]):]
           .sum() for k, p in enumerate((alone, both))]  # fmt: skip
    assert ink[1] > 0.7 * ink[0]  # with equal arrows drawn over each other: 0.4


def test_inactive_weights_get_no_arrow_and_a_note(tmp_path):
    fields = {"polar": [1.0, 0.0, 0.0], "axial": [0.0, 1.0, 0.0]}
    noise = [{"1o": np.array([1.0, 0, 0]), "1e": np.array([1e-6, -2e-6, 1e-6])}]
    axial = field_panels(fields, noise, [0], inactive={(0, "1e")})[1]
    assert [a.label for a in axial.arrows] == ["axial B"]
    assert any("layer 0 1e: inactive" in note for note in axial.notes)
    negligible = field_panels({**fields, "negligible": ["axial"]}, noise, [0])[1]
    assert [a.label for a in negligible.arrows] == ["layer 0 1e"]


def test_a_weight_against_its_field_is_explained():
    fields = {"polar": [1.0, 0.0, 0.0]}
    against = field_panels(fields, [{"1o": np.array([-0.1, 0.0, 0.0])}])[0]
    along = field_panels(fields, [{"1o": np.array([0.1, 0.0, 0.0])}])[0]
    assert any("gauge" in note and "negative charge" in note for note in against.notes)
    assert not along.notes


def test_many_elements_are_drawn_one_per_class(tmp_path, prism_run):
    elements = named_group("Oh").symmetry_elements()
    assert [(label, len(m)) for label, m in element_classes(elements)] == [
        ("C4", 3), ("C3", 4), ("C2", 6), ("σ ⊥ C4", 3), ("σ ⊥ C2", 6)]  # fmt: skip
    assert element_view(elements) == "classes"
    assert element_view(named_group("D4h").symmetry_elements()) == "all"
    pairs = prism_run.task.dataset
    pair = pairs.pairs[0]
    args = (pair.source, pair.source, pair.species, pairs.species_names, elements, "Oh")
    every = pixels(render_structures(*args, tmp_path / "all.png", WIDE, view="all"))
    classes = pixels(render_structures(*args, tmp_path / "classes.png", WIDE, view="classes"))
    purple = matplotlib.colors.to_rgb(AXIS_ORDER_COLOURS[2])
    c2_lines = [(np.abs(image - purple).max(axis=-1) < 0.08).sum() for image in (every, classes)]
    assert 0 < c2_lines[1] < 0.5 * c2_lines[0]  # one C2 line drawn instead of six
