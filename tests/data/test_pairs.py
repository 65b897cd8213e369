"""Pairs files: round trips, species vocabularies, and one test per validation error."""

from __future__ import annotations

import hashlib

import h5py
import numpy as np
import pytest

from symbreak.data import DataError, load_pairs, write_pairs
from symbreak.data._hdf5 import SCHEMA_VERSION

SQUARE = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]])


def write_raw(path, arrays: dict, attrs: dict | None = None):
    """Write datasets by HDF5 path with plain h5py, bypassing symbreak's checks."""
    with h5py.File(path, "w") as handle:
        for key, value in arrays.items():
            if value is None:
                handle.create_group(key)
            else:
                handle[key] = value
        handle.attrs.update(attrs or {})
    return path


def test_round_trip_keeps_arrays_exactly(tmp_path):
    rng = np.random.default_rng(1)
    source, target = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    path = tmp_path / "pairs.h5"
    write_pairs(path, {"b": (source, target), "a": (SQUARE, 2 * SQUARE)})
    dataset = load_pairs(path)
    assert [pair.name for pair in dataset.pairs] == ["a", "b"]
    np.testing.assert_array_equal(dataset.pairs[1].source, source)
    np.testing.assert_array_equal(dataset.pairs[1].target, target)
    np.testing.assert_array_equal(dataset.pairs[0].displacement, SQUARE)
    assert dataset.pairs[0].source.dtype == np.float64
    assert dataset.species_names == ("X",) and dataset.n_species == 1
    np.testing.assert_array_equal(dataset.pairs[0].species, np.zeros(4, dtype=np.int64))
    assert dataset.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert dataset.path == str(path) and dataset.task == "pairs" and dataset.n_points == 11


def test_species_vocabulary_is_shared_and_sorted(tmp_path):
    path = tmp_path / "species.h5"
    write_pairs(
        path,
        {
            "water": (SQUARE[:3], SQUARE[:3], ["O", "H", "H"]),
            "numbers": (SQUARE, SQUARE, np.array([10, 2, 2, 1])),
            "plain": (SQUARE, SQUARE),
        },
    )
    dataset = load_pairs(path)
    assert dataset.species_names == ("1", "2", "10", "H", "O", "X")
    by_name = {pair.name: pair for pair in dataset.pairs}
    names = np.array(dataset.species_names)
    assert list(names[by_name["water"].species]) == ["O", "H", "H"]
    assert list(names[by_name["numbers"].species]) == ["10", "2", "2", "1"]
    assert list(names[by_name["plain"].species]) == ["X"] * 4
    assert by_name["water"].species.dtype == np.int64


def test_fixed_length_byte_string_species_are_read(tmp_path):
    path = write_raw(
        tmp_path / "bytes.h5",
        {"pairs/a/source": SQUARE, "pairs/a/target": SQUARE,
         "pairs/a/species": np.array([b"C", b"C", b"N", b"C"])},
    )
    assert load_pairs(path).species_names == ("C", "N")


def test_integer_coordinates_are_accepted_as_float64(tmp_path):
    path = write_raw(tmp_path / "int.h5", {"pairs/a/source": SQUARE.astype(int),
                                          "pairs/a/target": SQUARE.astype(int)})
    assert load_pairs(path).pairs[0].source.dtype == np.float64


def test_write_is_atomic_and_leaves_old_file_when_invalid(tmp_path):
    path = tmp_path / "pairs.h5"
    write_pairs(path, {"a": (SQUARE, SQUARE)})
    before = path.read_bytes()
    with pytest.raises(DataError, match="NaN"):
        write_pairs(path, {"a": (SQUARE, np.full((4, 3), np.nan))})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.h5"]


def test_schema_attribute(tmp_path):
    path = tmp_path / "pairs.h5"
    write_pairs(path, {"a": (SQUARE, SQUARE)})
    with h5py.File(path) as handle:
        assert handle.attrs["symbreak_schema"] == SCHEMA_VERSION
    arrays = {"pairs/a/source": SQUARE, "pairs/a/target": SQUARE}
    load_pairs(write_raw(tmp_path / "no_attr.h5", arrays))  # absent is tolerated
    newer = write_raw(tmp_path / "newer.h5", arrays, {"symbreak_schema": SCHEMA_VERSION + 1})
    with pytest.raises(DataError, match="newer symbreak"):
        load_pairs(newer)


def invalid_files():
    """(case id, arrays to write or raw bytes, pattern the message must match)."""
    good = {"pairs/a/source": SQUARE, "pairs/a/target": SQUARE}
    return [
        ("no pairs group", {"other": SQUARE}, r"no /pairs group.*/trajectories"),
        ("empty pairs", {"pairs": None}, r"/pairs group is empty"),
        ("pair is dataset", {"pairs/a": SQUARE}, r"pair 'a' must be a group"),
        ("missing target", {"pairs/a/source": SQUARE}, r"pair 'a' has no 'target'"),
        ("shape (N, 2)", {**good, "pairs/a/source": SQUARE[:, :2]},
         r"'a'.*'source' has shape \(4, 2\), expected \(N, 3\)"),
        ("shape 1-D", {**good, "pairs/a/target": SQUARE.ravel()}, r"'target' has shape \(12,\)"),
        ("length mismatch", {**good, "pairs/a/target": SQUARE[:3]},
         r"'source' has 4 points but 'target' has 3"),
        ("species length", {**good, "pairs/a/species": np.arange(3)},
         r"'species' has shape \(3,\), expected \(4,\)"),
        ("species float", {**good, "pairs/a/species": np.ones(4)}, r"integers or strings"),
        ("nan", {**good, "pairs/a/target": np.where(SQUARE == 1, np.nan, SQUARE)},
         r"'target' contains NaN"),
        ("inf", {**good, "pairs/a/source": np.where(SQUARE == 1, np.inf, SQUARE)},
         r"'source' contains Inf"),
        ("one point", {"pairs/a/source": SQUARE[:1], "pairs/a/target": SQUARE[:1]},
         r"1 point\(s\); a pair needs at least 2"),
        ("coincident", {**good, "pairs/a/source": SQUARE[[0, 1, 2, 1]] + [0, 0, 1e-10]},
         r"points 1 and 3 coincide"),
        ("all coincident", {"pairs/a/source": np.ones((3, 3)), "pairs/a/target": np.ones((3, 3))},
         r"coincide"),
        ("strings", {**good, "pairs/a/source": np.array([b"a", b"b"])}, r"'source' is not numeric"),
    ]


@pytest.mark.parametrize(
    "case, arrays, pattern", invalid_files(), ids=[c[0] for c in invalid_files()]
)
def test_invalid_content_raises_one_sentence_naming_the_file(tmp_path, case, arrays, pattern):
    path = write_raw(tmp_path / "bad.h5", arrays)
    with pytest.raises(DataError, match=pattern) as caught:
        load_pairs(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_near_but_distinct_points_are_accepted(tmp_path):
    # 1e-6 of the size apart: well above the 1e-8 coincidence tolerance.
    source = np.vstack([SQUARE, SQUARE[:1] + [1e-6, 0, 0]])
    write_pairs(tmp_path / "ok.h5", {"a": (source, source)})


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_pairs(tmp_path / "absent.h5")


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(DataError, match="not a file"):
        load_pairs(tmp_path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.h5"
    path.write_bytes(b"")
    with pytest.raises(DataError, match=r"empty \(0 bytes\)"):
        load_pairs(path)


def test_text_file_is_not_hdf5(tmp_path):
    path = tmp_path / "points.h5"
    path.write_text("x,y,z\n0,0,0\n1,0,0\n")
    with pytest.raises(DataError, match="not an HDF5 file"):
        load_pairs(path)


def test_write_refuses_bad_tuples(tmp_path):
    with pytest.raises(DataError, match="nothing to write"):
        write_pairs(tmp_path / "x.h5", {})
    with pytest.raises(DataError, match=r"\(source, target\)"):
        write_pairs(tmp_path / "x.h5", {"a": (SQUARE,)})
    with pytest.raises(DataError, match="integers or strings"):
        write_pairs(tmp_path / "x.h5", {"a": (SQUARE, SQUARE, np.ones(4))})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("scale", [1e200, 1e16, -1e300])
def test_huge_coordinates_are_refused_in_one_sentence(tmp_path, scale):
    path = write_raw(tmp_path / "huge.h5", {"pairs/a/source": SQUARE * scale,
                                            "pairs/a/target": SQUARE})  # fmt: skip
    with pytest.raises(DataError, match=r"'source' holds .* beyond the largest magnitude"):
        load_pairs(path)


def test_huge_coordinates_through_the_cli_exit_2(tmp_path):
    from typer.testing import CliRunner

    from symbreak.cli import app

    path = write_raw(tmp_path / "huge.h5", {"pairs/a/source": np.eye(3) * 1e200,
                                            "pairs/a/target": np.eye(3) * 1e200})  # fmt: skip
    result = CliRunner().invoke(app, ["fit", str(path), "--out", str(tmp_path / "run"), "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("error:") and "rescale" in result.output
    assert not (tmp_path / "run").exists()
