"""symbreak from Python, in the ecosystem's terms: structures in, a frozen answer out.

``symbreak.fit(parent, child)`` takes what a notebook holds: two ``ase.Atoms``, two pymatgen
``Structure`` or ``Molecule`` objects, two ``(N, 3)`` arrays with ``species=``, or paths of any
file ``symbreak fit`` reads. It fits, analyses, and returns a :class:`FittedRun` whose
:attr:`~FittedRun.report` is the immutable :class:`symbreak.report.Report`; in a notebook the
run shows itself as a table (``_repr_html_``), :meth:`~FittedRun.explain` is the text of
``symbreak explain`` and :meth:`~FittedRun.render` draws its pictures.

Nothing is written where the user can see it unless ``out=`` names a run directory; otherwise
the run lives in a private temporary folder that goes with the result. ``symbreak fit`` on
the command line is a thin layer over the same pipeline (:mod:`symbreak.pipeline`).

>>> import numpy as np, symbreak
>>> cube = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
>>> run = symbreak.fit(cube, cube * [1.0, 1.0, 1.2])
>>> run.report.residual_group.name, run.report.consistent
('D4h', True)
"""

from __future__ import annotations

import html
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from symbreak.errors import DataError


@dataclass(frozen=True)
class FittedRun:
    """A fitted and analysed run.

    Attributes
    ----------
    report : the frozen :class:`symbreak.report.Report` (``report.to_dict()`` is report.json).
    path : the run directory (a temporary one unless ``out=`` was given).
    """

    report: Any
    path: Path
    _temporary: Any = field(default=None, repr=False, compare=False)

    def explain(self, width: int = 100) -> str:
        """The text ``symbreak explain`` prints for this run."""
        from rich.console import Console

        from symbreak.report import print_report

        console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
        print_report(self.report, console)
        return console.export_text()

    def render(self, out: str | os.PathLike, fmt: str = "png"):
        """Draw the run's pictures into the folder ``out`` (as ``symbreak render``)."""
        from symbreak.pipeline import open_run
        from symbreak.render import render_run

        return render_run(open_run(self.path), out, fmt=fmt, report=self.report)

    def _repr_html_(self) -> str:
        report, fit = self.report, self.report.fit
        rows = [("input (source)", report.groups["input"]), ("target", report.groups["target"]),
                ("data (kept by the change)", report.groups["data"]),
                ("residual = input ∩ weights", report.residual_group)]  # fmt: skip
        cells = "".join(f"<tr><td>{html.escape(label)}</td><td>{html.escape(group.pretty_name)}"
                        "</td></tr>" for label, group in rows if group is not None)  # fmt: skip
        irreps = ", ".join(report.activated_irreps) or "none"
        state = "converged" if fit.converged else "not converged"
        colour = "#1a7f37" if report.consistent else "#9a6700"
        return (f"<div><b>symbreak {html.escape(report.task)} run</b>: {state} after "
                f"{fit.epochs} epochs, relative loss {fit.relative_loss:.1e}; activated irreps: "
                f"{html.escape(irreps)}<table>{cells}</table><p style='color:{colour}'>"
                f"<b>Verdict.</b> {html.escape(report.verdict)}</p></div>")  # fmt: skip


def fit(parent, child=None, *, species=None, out: str | os.PathLike | None = None,
        force: bool = False, **options) -> FittedRun:  # fmt: skip
    """Fit a relaxed E(3)NN to a structure pair (or a trajectory file) and analyse it.

    Parameters
    ----------
    parent, child : the structure before and after: ``ase.Atoms``, pymatgen ``Structure`` or
        ``Molecule``, ``(N, 3)`` arrays (their ``species`` given separately), or paths of
        files ``symbreak fit`` reads. A single path (HDF5, a two-frame file, a trajectory) needs
        no child.
    species : for arrays, one label per row (default: all the same).
    out : a run directory to write; None keeps the run in a private temporary folder.
    force : replace ``out`` when it holds a run symbreak wrote.
    **options : the options of ``symbreak fit`` by their Python names (``l_relaxed=4``,
        ``seed=1``, ``keep_order=True``...; :meth:`symbreak.options.FitOptions.from_flat`).
    """
    from symbreak.options import FitOptions
    from symbreak.pipeline import fit_file, open_run
    from symbreak.report import build_report

    try:
        fit_options = FitOptions.from_flat(**options)
    except TypeError as error:
        raise DataError(f"unknown option: {error}") from None
    dataset, source = _dataset(parent, child, species)
    temporary = None
    if out is None:
        temporary = tempfile.TemporaryDirectory(prefix="symbreak-")
        out = Path(temporary.name) / "run"
    path, _ = fit_file(source, out, fit_options, overwrite=force, dataset=dataset)
    report = build_report(open_run(path))
    return FittedRun(report, Path(path), temporary)


def _dataset(parent, child, species):
    """The dataset of ``parent`` and ``child`` and the name ``config.json`` records."""
    from symbreak.data.formats import load_input, pair_of_structures

    if isinstance(parent, str | os.PathLike):
        paths = [parent] if child is None else [parent, child]
        if not all(isinstance(p, str | os.PathLike) for p in paths):
            raise DataError("give two paths or two structures, not one of each.")
        return load_input(paths), str(paths[0])
    if child is None:
        raise DataError("a structure in memory needs its child: symbreak.fit(parent, child).")
    first = _structure(parent, species, "parent")
    second = _structure(child, species, "child")
    dataset, _ = pair_of_structures(first, second, "pair", "<memory>")
    return dataset, "<memory>"


def _structure(thing, species, where: str):
    """Our :class:`~symbreak.data.structures.Structure` of an ecosystem object."""
    from symbreak.data.structures import Structure

    if hasattr(thing, "get_chemical_symbols") and hasattr(thing, "cell"):  # ase.Atoms
        return Structure.from_atoms(thing, where)
    if hasattr(thing, "cart_coords") and hasattr(thing, "species"):  # pymatgen
        symbols = tuple(getattr(s, "symbol", str(s)) for s in thing.species)
        lattice = getattr(thing, "lattice", None)
        cell = None if lattice is None else np.asarray(lattice.matrix, dtype=np.float64)
        pbc = np.zeros(3, bool) if cell is None else np.asarray(
            getattr(lattice, "pbc", (True, True, True)), dtype=bool)
        return Structure(np.asarray(thing.cart_coords, dtype=np.float64), symbols, cell, pbc,
                         where)  # fmt: skip
    positions = np.asarray(thing, dtype=np.float64)
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise DataError(f"the {where} must be an (N, 3) array of positions, ase.Atoms or a "
                        f"pymatgen structure, not shape {positions.shape}.")  # fmt: skip
    labels = ("X",) * len(positions) if species is None else tuple(str(s) for s in species)
    if len(labels) != len(positions):
        raise DataError(f"species has {len(labels)} labels for the {where}'s {len(positions)} "
                        "positions.")  # fmt: skip
    return Structure(positions, labels, None, np.zeros(3, bool), where)
