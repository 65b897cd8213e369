"""Hypothesis strategies for structure files as text (CIF, POSCAR, extxyz), valid and broken.

Each file starts from a valid cubic perovskite (ABO3, a = 4) or a small cluster, with its
numbers drawn near the valid ones or from a pool of bad values (zero, negative, 1e308, NaN,
words), and is then possibly damaged: cut short, a line dropped or doubled, bytes changed.
Near-valid draws dominate, so that the readers' deeper checks (cell mapping, site checks,
trajectory conversion) run too, not only the parsers. Shared by
tests/data/test_fuzz_structure_files.py.
"""

from __future__ import annotations

from hypothesis import strategies as st

#: Numbers a careless or broken file holds where a length, angle or coordinate belongs.
BAD_NUMBERS = ["0", "-0", "-4", "1e-10", "1e308", "-1e308", "1e-320", "nan", "inf", "-inf",
               "abc", "", "4,0", "7.2(3)", "1e", "0x10", "--1", "९"]  # fmt: skip

SYMBOLS = ["Ba", "Ti", "O", "Sr", "C", "H", "Xx", "", "1", "O2-", "ti"]

#: The perovskite's sites, as fractions of the cubic cell.
PEROVSKITE = [("Ba", (0.0, 0.0, 0.0)), ("Ti", (0.5, 0.5, 0.5)), ("O", (0.5, 0.5, 0.0)),
              ("O", (0.5, 0.0, 0.5)), ("O", (0.0, 0.5, 0.5))]  # fmt: skip


def number_near(value: float, spread: float):
    """A valid number near ``value`` (:func:`damaged` puts bad ones in afterwards)."""
    return st.floats(value - spread, value + spread, allow_nan=False).map(lambda x: f"{x:.6g}")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


@st.composite
def damaged(draw, text: str) -> str:
    """``text`` with up to two of its numbers made bad (:data:`BAD_NUMBERS`), then possibly
    cut short, a line dropped or doubled, or bytes changed; about a third stays valid."""
    tokens = text.split(" ")
    numbers = [k for k, token in enumerate(tokens) if _is_number(token.strip())]
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2]))):
        k = numbers[draw(st.integers(0, len(numbers) - 1))]
        ending = "\n" if tokens[k].endswith("\n") else ""
        tokens[k] = draw(st.sampled_from(BAD_NUMBERS)) + ending
    text = " ".join(tokens)
    how = draw(st.sampled_from(["none"] * 6 + ["cut", "drop", "double", "bytes"]))
    lines = text.split("\n")
    if how == "cut":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how in ("drop", "double"):
        k = draw(st.integers(0, len(lines) - 1))
        lines[k : k + 1] = [] if how == "drop" else [lines[k], lines[k]]
        return "\n".join(lines)
    if how == "bytes":
        chars = list(text)
        for _ in range(draw(st.integers(1, 4))):
            chars[draw(st.integers(0, len(chars) - 1))] = draw(
                st.sampled_from(["\x00", "#", "'", "-", "9", "e", ";", "\n", "\t", "é", "_"]))
        return "".join(chars)
    return text


@st.composite
def perovskite_sites(draw) -> list[tuple[str, list[str]]]:
    """The five sites, each moved a little or given a bad coordinate; sometimes one dropped
    or repeated (two atoms at one spot)."""
    sites = [(name, [draw(number_near(x, 0.03)) for x in where]) for name, where in PEROVSKITE]
    change = draw(st.sampled_from(["none"] * 5 + ["drop", "repeat", "symbol"]))
    k = draw(st.integers(0, len(sites) - 1))
    if change == "drop":
        del sites[k]
    elif change == "repeat":
        sites.append(sites[k])
    elif change == "symbol":
        sites[k] = (draw(st.sampled_from(SYMBOLS)), sites[k][1])
    return sites


@st.composite
def cif_texts(draw) -> str:
    lengths = [draw(number_near(4.0, 0.1)) for _ in range(3)]
    angles = [draw(number_near(90.0, 1.0)) for _ in range(3)]
    group = draw(st.sampled_from(["P 1"] * 8 + ["P m -3 m", "P 4 m m", "Q 9", ""]))
    lines = ["data_fuzz"]
    lines += [f"_cell_length_{axis} {value}" for axis, value in zip("abc", lengths)]
    lines += [f"_cell_angle_{axis} {value}" for axis, value in zip(("alpha", "beta", "gamma"),
                                                                    angles)]  # fmt: skip
    lines += [f"_symmetry_space_group_name_H-M '{group}'", "loop_", "_atom_site_label",
              "_atom_site_type_symbol", "_atom_site_fract_x", "_atom_site_fract_y",
              "_atom_site_fract_z"]  # fmt: skip
    for k, (name, where) in enumerate(draw(perovskite_sites())):
        lines.append(f"{name or 'X'}{k} {name} {' '.join(where)}")
    return draw(damaged("\n".join(lines) + "\n"))


@st.composite
def poscar_texts(draw) -> str:
    sites = draw(perovskite_sites())
    species = list(dict.fromkeys(name for name, _ in sites))
    counts = [sum(1 for name, _ in sites if name == s) for s in species]
    if draw(st.booleans()) and draw(st.booleans()):
        counts[draw(st.integers(0, len(counts) - 1))] += draw(st.sampled_from([-1, 1, 5]))
    lines = ["fuzz", draw(number_near(1.0, 0.01))]
    for row in range(3):
        lines.append(" ".join(draw(number_near(4.0 if col == row else 0.0, 0.05))
                              for col in range(3)))  # fmt: skip
    lines += [" ".join(species), " ".join(map(str, counts)),
              draw(st.sampled_from(["Direct", "Direct", "Cartesian", "Selective", "x"]))]
    ordered = sorted(sites, key=lambda site: species.index(site[0]))
    lines += [" ".join(where) for _, where in ordered]
    return draw(damaged("\n".join(lines) + "\n"))


def _extxyz_frame(draw, periodic: bool, step: int) -> str:
    if periodic:
        sites = draw(perovskite_sites())
        rows = [(name, [f"{float(x) * 4.0:.6g}" for x in where]) for name, where in sites]
        lattice = " ".join(draw(number_near(4.0 if i % 4 == 0 else 0.0, 0.05))
                           for i in range(9))  # fmt: skip
        header = f'Lattice="{lattice}" Properties=species:S:1:pos:R:3 pbc="T T T"'
    else:
        cluster = [("C", (0, 0, 0)), ("O", (1.2, 0, 0)), ("H", (-1, 0.3, 0)), ("H", (0, 1, 0.4))]
        rows = [(name, [draw(number_near(x + 0.05 * step, 0.05)) for x in where])
                for name, where in cluster]  # fmt: skip
        if draw(st.integers(0, 7)) == 0:
            k = draw(st.integers(0, len(rows) - 1))
            rows[k] = (draw(st.sampled_from(SYMBOLS)), rows[k][1])
        header = "Properties=species:S:1:pos:R:3"
    time = draw(st.sampled_from(["", "", f" time={0.5 * step}", " time=T", " time=abc",
                                 f" time={-step}"]))  # fmt: skip
    count = len(rows) + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
    lines = [str(count), header + time] + [f"{name} {' '.join(where)}" for name, where in rows]
    return "\n".join(lines)


@st.composite
def extxyz_texts(draw) -> tuple[str, int]:
    """An extxyz file of 1 to 4 frames (one: a child, two: a pair, more: a trajectory);
    returns the text and the number of frames written."""
    frames = draw(st.integers(1, 4))
    periodic = draw(st.booleans())
    text = "\n".join(_extxyz_frame(draw, periodic, step) for step in range(frames)) + "\n"
    return draw(damaged(text)), frames


#: The valid partner files the generated children are paired with.
PARENT_CIF = """data_parent
_cell_length_a 4.0
_cell_length_b 4.0
_cell_length_c 4.0
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Ba0 Ba 0 0 0
Ti1 Ti 0.5 0.5 0.5
O2 O 0.5 0.5 0
O3 O 0.5 0 0.5
O4 O 0 0.5 0.5
"""

PARENT_XYZ = "4\nProperties=species:S:1:pos:R:3\nC 0 0 0\nO 1.2 0 0\nH -1 0.3 0\nH 0 1 0.4\n"
