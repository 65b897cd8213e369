"""Regenerate the example files in sample_data/ (run from anywhere: `make sample-data`)."""

from __future__ import annotations

from pathlib import Path

from symbreak.data import load_dataset, make_example

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"

#: File stem -> parameters; the Lorentz fields are the paper's E along x, B along y.
SAMPLES = {
    "cube_to_cube": {},
    "cube_to_prism": {},
    "cube_to_random": {"seed": 0},
    "lorentz": {"E": (1.0, 0.0, 0.0), "B": (0.0, 1.0, 0.0)},
}


def _cif(atoms, title: str, source: str) -> str:
    """A plain P1 CIF of ``atoms``, numbers rounded (ASE writes 0.49999999999999994)."""
    a, b, c, alpha, beta, gamma = atoms.cell.cellpar()
    lines = [f"# {title}", f"# {source}", f"data_{title.split()[0]}",
             f"_cell_length_a {a:.4f}", f"_cell_length_b {b:.4f}", f"_cell_length_c {c:.4f}",
             f"_cell_angle_alpha {alpha:.2f}", f"_cell_angle_beta {beta:.2f}",
             f"_cell_angle_gamma {gamma:.2f}", "_symmetry_space_group_name_H-M 'P 1'", "loop_",
             "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x",
             "_atom_site_fract_y", "_atom_site_fract_z"]  # fmt: skip
    for k, (symbol, where) in enumerate(zip(atoms.get_chemical_symbols(),
                                            atoms.get_scaled_positions() % 1.0)):  # fmt: skip
        lines.append(f"{symbol}{k + 1} {symbol} " + " ".join(f"{x:.4f}" for x in where))
    return "\n".join(lines) + "\n"


def write_batio3_cifs(folder: Path = SAMPLE_DATA) -> list[Path]:
    """The README's crystal pair: BaTiO3 P4mm as published (the catalogue's entry) and the
    ideal cubic Pm-3m parent of the same volume, as CIF files."""
    from ase.spacegroup import crystal

    from symbreak.data.published import CASES, build_crystal

    phase = CASES["BaTiO3_P4mm_Ti"].child
    child = build_crystal(phase)
    length = round(child.get_volume() ** (1 / 3), 4)
    parent = crystal(["Ba", "Ti", "O"], [(0, 0, 0), (0.5, 0.5, 0.5), (0, 0.5, 0.5)],
                     spacegroup=221, cellpar=[length] * 3 + [90] * 3)  # fmt: skip
    texts = {
        "BaTiO3_cubic.cif": _cif(parent, "BaTiO3 cubic Pm-3m, ideal",
                                 "the P4mm cell's volume, atoms on the ideal perovskite sites"),
        "BaTiO3_P4mm.cif": _cif(child, "BaTiO3 tetragonal P4mm", phase.citation),
    }  # fmt: skip
    for name, text in texts.items():
        (folder / name).write_text(text)
    return [folder / name for name in texts]


def main() -> None:
    for name, params in SAMPLES.items():
        path = SAMPLE_DATA / f"{name}.h5"
        make_example(name, path, **params)
        dataset = load_dataset(path)
        size = path.stat().st_size
        print(f"{path.relative_to(SAMPLE_DATA.parent)}: {dataset.task}, {size} bytes")
    for path in write_batio3_cifs():
        print(f"{path.relative_to(SAMPLE_DATA.parent)}: crystal, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
