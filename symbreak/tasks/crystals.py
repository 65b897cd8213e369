"""Crystal pairs: a parent and a child cell, fitted on a periodic graph.

*The graph.* Every atom of the parent (``source``) cell is a node with its species one-hot;
edges join atoms closer than the cutoff *including periodic images*, the edge vector being
:math:`x_j + S L - x_i` for the cell shift S (vesin's neighbour list; ASE's and matscipy's give
the same edges, vesin is the fastest: docs/crystals.md). The default cutoff is 1.6 times the
shortest interatomic distance (first shell and part of the second).

*The target*, per node (``1x0e + 1x1o + 1x2e``):

- ``1o``: the atom's displacement with the lattice strain removed (the fractional displacement
  in the parent's lattice), averaged over the atoms the parent's lattice translations relate,
  minus its mean (a uniform shift is not a distortion);
- ``0e + 2e``: the strain from the parent's lattice to the child's, the same for every node,
  times the length :math:`(V/N)^{1/3}` so that it weighs like a displacement.

The network is translation-invariant and its relaxed weights are shared by every edge, so the
atoms one parent translation relates always get the same output: the translation average is
exactly the part of the distortion it can represent, its zone-centre part plus the strain. The
report therefore compares point groups (:func:`symbreak.symmetry.crystal_groups`): a
zone-boundary tilt shows up through the crystal class it leaves, not as a k-vector.
"""

from __future__ import annotations

import numpy as np
import torch

from symbreak.contract import DataSymmetry, ModesSection, SymmetryConstraint
from symbreak.data import PairDataset, load_pairs, write_pairs
from symbreak.errors import DataError
from symbreak.model import Graph, RelaxedNetwork, batch_graphs
from symbreak.options import PairOptions
from symbreak.symmetry import (
    DEFAULT_SYMPREC,
    PointGroup,
    crystal_groups,
    strain_tensor,
    symmetric_to_irreps,
    symprec_ladder,
    translation_classes,
)
from symbreak.tasks._graph_task import GraphTask
from symbreak.tasks._pair_preparation import check_tolerance, prepared_pairs
from symbreak.tasks.data_checks import pair_checks, pair_diagnoses
from symbreak.tasks.data_symmetry import structures_section

#: Default cutoff in units of the shortest interatomic distance.
CUTOFF_FACTOR = 1.6

#: spglib's symprec when the user gives none and the data show no clear window (Angstrom).
DEFAULT_CRYSTAL_TOLERANCE = DEFAULT_SYMPREC

#: Said in ``explain`` and docs/report.md: what a shared set of relaxed weights can see.
ZONE_BOUNDARY_NOTE = (
    "the relaxed weights are shared by every edge of the periodic graph, so they see the "
    "point-group part of the breaking: a zone-boundary distortion (an octahedral tilt) shows "
    "up through the crystal class it leaves, not as a k-vector."
)


def periodic_edges(positions: np.ndarray, cell: np.ndarray, cutoff: float):
    """Directed edges (src, dst) and their vectors :math:`x_{src} + S L - x_{dst}` under full
    periodic boundary conditions (vesin; falls back to ASE's neighbour list)."""
    try:
        from vesin import NeighborList

        i, j, vectors = NeighborList(cutoff=cutoff, full_list=True).compute(
            points=positions, box=cell, periodic=True, quantities="ijD"
        )
    except ImportError:
        from ase import Atoms
        from ase.neighborlist import neighbor_list

        atoms = Atoms(positions=positions, cell=cell, pbc=True)
        i, j, vectors = neighbor_list("ijD", atoms, cutoff)
    return np.asarray(j, dtype=np.int64), np.asarray(i, dtype=np.int64), np.asarray(vectors)


def shortest_distance(positions: np.ndarray, cell: np.ndarray) -> float:
    """Shortest distance between two atoms (or an atom and its image)."""
    reach = 1.01 * float(np.min(np.linalg.norm(cell, axis=1)))
    _, _, vectors = periodic_edges(positions, cell, reach)
    return float(np.linalg.norm(vectors, axis=1).min()) if len(vectors) else reach


def crystal_targets(pair, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-atom zone-centre displacement (N, 3) and the scaled strain (3, 3) of one pair."""
    source_fractional = np.linalg.solve(pair.source_cell.T, pair.source.T).T
    target_fractional = np.linalg.solve(pair.target_cell.T, pair.target.T).T
    displacement = (target_fractional - source_fractional) @ pair.source_cell
    displacement -= displacement.mean(axis=0)
    averaged = np.zeros_like(displacement)
    for label in np.unique(classes):
        members = classes == label
        averaged[members] = displacement[members].mean(axis=0)
    length = (abs(np.linalg.det(pair.source_cell)) / len(pair.source)) ** (1 / 3)
    return averaged, length * strain_tensor(pair.source_cell, pair.target_cell)


#: The ``0e`` and ``2e`` columns of the ``1x0e + 1x1o + 1x2e`` output: the strain.
_STRAIN_COLUMNS = [0, 4, 5, 6, 7, 8]


class CrystalTask(GraphTask):
    """Fit the zone-centre distortion and the strain of crystal pairs on periodic graphs.

    Parameters
    ----------
    dataset : pairs with ``source_cell``, ``target_cell`` and ``pbc`` all true.
    cutoff : edge length limit (input unit); None: ``CUTOFF_FACTOR`` x shortest distance.
    tolerance : spglib's symprec for the translation classes.
    """

    name = "crystals"
    default_layers = 2
    options_namespace = "pairs"
    irreps_out = "1x0e+1x1o+1x2e"
    default_tolerance = DEFAULT_CRYSTAL_TOLERANCE

    def __init__(self, dataset: PairDataset, cutoff: float | None = None,
                 tolerance: float = DEFAULT_CRYSTAL_TOLERANCE,
                 dtype: torch.dtype = torch.float64) -> None:  # fmt: skip
        for pair in dataset.pairs:
            if not (pair.periodic and pair.pbc.all()):
                raise DataError(
                    f"pair '{pair.name}' is not periodic in three dimensions; a crystal pair "
                    "needs source_cell, target_cell and pbc = (true, true, true)."
                )
        self.dataset, self.cutoff, self.tolerance, self.dtype = dataset, cutoff, tolerance, dtype
        graphs, targets, self.cutoffs = [], [], []
        for pair in dataset.pairs:
            cut = cutoff or CUTOFF_FACTOR * shortest_distance(pair.source, pair.source_cell)
            self.cutoffs.append(cut)
            src, dst, vectors = periodic_edges(pair.source, pair.source_cell, cut)
            graphs.append(Graph(
                node_features=torch.as_tensor(np.eye(dataset.n_species)[pair.species], dtype=dtype),
                edge_src=torch.as_tensor(src), edge_dst=torch.as_tensor(dst),
                edge_vec=torch.as_tensor(vectors, dtype=dtype),
            ))  # fmt: skip
            classes = translation_classes(pair.source, pair.source_cell, pair.species, tolerance)
            displacement, strain = crystal_targets(pair, classes)
            strain_irreps = torch.as_tensor(symmetric_to_irreps(strain), dtype=dtype)  # e3nn basis
            per_node = torch.cat([strain_irreps[:1], torch.zeros(3, dtype=dtype),
                                  strain_irreps[1:]]).repeat(len(pair.source), 1)  # fmt: skip
            per_node[:, 1:4] = torch.as_tensor(displacement, dtype=dtype)
            targets.append(per_node)
        self.graph: Graph = batch_graphs(graphs)
        self.targets = torch.cat(targets)
        sizes = [len(pair.source) for pair in dataset.pairs]
        self.cell_sizes = torch.as_tensor(sizes, dtype=dtype)
        self.node_cell = torch.repeat_interleave(torch.arange(len(sizes)), torch.as_tensor(sizes))
        self.cell_strains = torch.stack([t[0, _STRAIN_COLUMNS] for t in targets])
        self.preparation: dict = {}

    @property
    def irreps_in(self) -> str:
        return f"{self.dataset.n_species}x0e"

    def fit_loss(self, network: RelaxedNetwork) -> torch.Tensor:
        """Squared error of each node's displacement, and of each cell's strain read as the mean
        of its nodes' ``0e + 2e`` outputs, over every target component (a mean square).

        The strain belongs to the cell, not to an atom: asked of every node, it made the
        network output one tensor at sites of different species, and CaTiO3 Pm-3m -> Pnma
        crept at a relative loss of 1e-9 to the 400-epoch cap (33 s). Read as the cell's mean,
        the loss is the same wherever the nodes agree, and the network need not make them.
        """
        prediction = network(self.graph, self.cached_edge_features(network))
        error = (prediction[:, 1:4] - self.targets[:, 1:4]).pow(2).sum()
        strain = prediction[:, _STRAIN_COLUMNS]
        cells = torch.zeros(len(self.cell_sizes), strain.shape[1], dtype=strain.dtype)
        cells = cells.index_add(0, self.node_cell, strain) / self.cell_sizes[:, None]
        error = error + (self.cell_sizes[:, None] * (cells - self.cell_strains).pow(2)).sum()
        return error / self.targets.numel()

    def data_symmetry(self, tolerance: float, network: RelaxedNetwork | None = None
                      ) -> DataSymmetry:  # fmt: skip
        """Point groups of parent, child and map (spglib at ``tolerance``), user's frame."""
        inputs, targets, datas, parts = [], [], [], []
        for pair, cutoff in zip(self.dataset.pairs, self.cutoffs):
            groups = crystal_groups(pair.source, pair.target, pair.source_cell, pair.target_cell,
                                    pair.species + 1, tolerance)  # fmt: skip
            inputs.append(groups.parent_point_group)
            targets.append(groups.child_point_group)
            datas.append(groups.kept_point_group)
            parts.append({"name": pair.name, "input_point_group": groups.parent_point_group.name,
                          "target_point_group": groups.child_point_group.name,
                          "data_point_group": groups.kept_point_group.name,
                          **groups.to_dict(), "cutoff": cutoff,
                          "note": ZONE_BOUNDARY_NOTE})  # fmt: skip
        modes = ModesSection({"pairs": [{"name": pair.name, **self._modes(pair)}
                                        for pair in self.dataset.pairs]})  # fmt: skip
        common = _intersection
        return DataSymmetry(common(inputs), common(targets), common(datas), None, parts,
                            sections=[structures_section(self.dataset), modes])  # fmt: skip

    def _modes(self, pair) -> dict:
        """The pair's symmetry modes (irreps of the parent's space group) for the report."""
        from symbreak.data.modes import pair_modes

        names = np.asarray(self.dataset.species_names)[np.asarray(pair.species)]
        return pair_modes(pair.source, pair.target, pair.source_cell, pair.target_cell, names)

    def write_data(self, folder) -> None:
        """The pairs, with their cells, as the run's ``data.h5``."""
        write_pairs(folder / "data.h5", {pair.name: pair for pair in self.dataset.pairs},
                    species_names=self.dataset.species_names)  # fmt: skip

    @classmethod
    def from_run(cls, run) -> CrystalTask:
        """The task of a saved crystal run, on the data stored in it."""
        task = cls(load_pairs(run.path / "data.h5"), run.options.pairs.cutoff,
                   cls.run_tolerance(run.config))  # fmt: skip
        task.preparation = dict(run.config.get("preparation", {}))
        return task

    @classmethod
    def accepts(cls, dataset) -> bool:
        return isinstance(dataset, PairDataset) and dataset.periodic

    @classmethod
    def from_dataset(cls, dataset: PairDataset, options: PairOptions, seed: int = 0
                     ) -> CrystalTask:  # fmt: skip
        """The task on loaded crystal pairs, rigid translation removed as for clusters."""
        dataset, preparation = prepared_pairs(dataset, options)
        tolerance = crystal_tolerance(dataset, options)
        task = cls(dataset, options.cutoff, tolerance["tolerance"])
        task.preparation = preparation | {"symmetry_tolerance": tolerance}
        return task

    def symmetry_constraint(self, l_relaxed: int) -> SymmetryConstraint:
        """The point group the transformation keeps; weights shared by every edge see only
        the point-group part of the breaking (:data:`ZONE_BOUNDARY_NOTE`)."""
        group = self.data_symmetry(self.tolerance).data_group
        return SymmetryConstraint.invariant(group, self.tolerance, l_relaxed,
                                            remark=ZONE_BOUNDARY_NOTE)  # fmt: skip

    def data_checks(self) -> dict:
        """Edges and contradicting pairs, as for clusters, and distortions at the zone boundary."""
        checks = pair_checks(self.dataset, len(self.graph.edge_vec), self.cutoff, self.tolerance)
        diagnoses = pair_diagnoses(self.dataset, self.preparation)
        diagnoses["data_problems"] += self.zone_boundary_problems()
        return checks | diagnoses

    def zone_boundary_problems(self) -> list[dict]:
        """A pair whose atoms move but whose zone-centre part (the displacements averaged over
        the parent's lattice translations) and strain vanish: a distortion at k != 0 only.

        The relaxed weights, shared by every edge, cannot see it, and the verdict must say so
        instead of advising a lower threshold (SrTiO3 -> I4/mcm in a 2x2x2 cubic cell).
        """
        problems, start = [], 0
        for pair in self.dataset.pairs:
            rows = slice(start, start + len(pair.source))
            start += len(pair.source)
            source_fractional = np.linalg.solve(pair.source_cell.T, pair.source.T).T
            target_fractional = np.linalg.solve(pair.target_cell.T, pair.target.T).T
            moved = (target_fractional - source_fractional) @ pair.source_cell
            moved = np.linalg.norm(moved - moved.mean(axis=0), axis=1).max()
            centre = float(self.targets[rows].abs().max())
            if moved > 2.0 * self.tolerance and centre <= self.tolerance:
                problems.append({"key": "zone_boundary", "explains": ["larger"], "sentence": (
                    f"The breaking of '{pair.name}' is not at the zone centre: its atoms move by "
                    f"up to {moved:.3g}, but averaged over the parent's lattice translations "
                    f"they stay put and the cell keeps its shape (both within {centre:.1e}): a "
                    "distortion at the zone boundary, such as an octahedral tilt that enlarges "
                    "the cell. The relaxed weights are shared by every edge, so they see only "
                    "zone-centre displacements and strain; the child's lower crystal class "
                    "comes from the k != 0 distortion alone, and no --threshold can show it.")})
        return problems

    def data_residual(self, group: PointGroup, tolerance: float) -> None:
        """Not measured for crystals yet: the verdict then names no noise floor."""
        return None


def _intersection(groups):
    from functools import reduce

    return reduce(lambda a, b: a & b, groups)


def crystal_tolerance(dataset: PairDataset, options: PairOptions) -> dict:
    """``config.preparation.symmetry_tolerance`` of a crystal fit: the user's, or, for each
    pair, one read off its ladder of symprec (:func:`symbreak.symmetry.symprec_ladder`); the
    smallest serves all."""
    if options.symmetry_tolerance is not None:
        check_tolerance(dataset, options.symmetry_tolerance,
                        lambda pair: shortest_distance(pair.source, pair.source_cell))
        return {"tolerance": options.symmetry_tolerance, "chosen": False, "pairs": []}
    pairs = [symprec_ladder(pair.source, pair.target, pair.source_cell, pair.target_cell,
                            pair.species + 1, shortest_distance(pair.source, pair.source_cell),
                            pair.name).to_dict() for pair in dataset.pairs]  # fmt: skip
    return {"tolerance": min(p["tolerance"] for p in pairs), "chosen": True, "pairs": pairs}


__all__ = ["CUTOFF_FACTOR", "DEFAULT_CRYSTAL_TOLERANCE", "CrystalTask", "crystal_targets",
           "crystal_tolerance", "periodic_edges", "shortest_distance"]  # fmt: skip
