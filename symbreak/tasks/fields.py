r"""Uniform background fields read out of a fitted trajectories network.

Relaxed weights give the directions of the fields only up to the sign (and scale) of the
learned tensor-product weights, so the fitted model is probed instead. For a particle in
uniform fields, :math:`a(v) = E + v \times B` (charge-to-mass ratio absorbed), so

.. math::
    E = a(0), \qquad
    J_{ij} = \frac{\partial a_i}{\partial v_j} = \epsilon_{ijk} B_k, \qquad
    B_k = \tfrac12 \epsilon_{ijk} J_{ij},

i.e. :math:`B = (J_{yz}, J_{zx}, J_{xy})` of the antisymmetric part
:math:`A = (J - J^T)/2`. The symmetric part of :math:`J` (friction, anisotropic drag)
is zero for a pure Lorentz force; its relative size is reported as a quality number.

Components are Cartesian x, y, z, which is also e3nn's basis for ``1o``/``1e``.

>>> import torch
>>> E, B = torch.tensor([1.0, 0, 0]).double(), torch.tensor([0, 2.0, 0]).double()
>>> fields = probe_fields(lambda v: E + torch.linalg.cross(v, B.expand_as(v)))
>>> fields.polar.round(12).tolist(), fields.axial.round(12).tolist()
([1.0, 0.0, 0.0], [0.0, 2.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

#: A field smaller than this fraction of the data's rms acceleration counts as absent.
NEGLIGIBLE_FIELD = 1e-3
#: Relative tolerance of the stabiliser of the recovered fields (they are fitted, not exact).
FIELD_SYMMETRY_TOLERANCE = 0.02
#: A field shorter than this many of its standard errors is not detected in noisy data.
DETECTION = 5.0


@dataclass
class Fields:
    """Uniform fields felt by the particles, in the data's units.

    Attributes
    ----------
    polar : (3,) array
        :math:`E`: the predicted acceleration at rest (polar vector, ``1o``).
    axial : (3,) array
        :math:`B`: the vector of the antisymmetric part of :math:`\\partial a/\\partial v`
        (axial vector, ``1e``).
    jacobian : (3, 3) array
        :math:`\\partial a_i/\\partial v_j` at :math:`v = 0`.
    symmetric_fraction : float
        :math:`\\lVert (J + J^T)/2 \\rVert_F / \\lVert J \\rVert_F` (0 for a pure Lorentz force).
    """

    polar: np.ndarray
    axial: np.ndarray
    jacobian: np.ndarray
    symmetric_fraction: float

    def to_dict(self) -> dict:
        """JSON-ready: ``{"polar": [...], "axial": [...], ...}``."""
        return {
            "polar": self.polar.tolist(),
            "axial": self.axial.tolist(),
            "jacobian": self.jacobian.tolist(),
            "symmetric_fraction": self.symmetric_fraction,
        }


def axial_vector(jacobian: np.ndarray) -> np.ndarray:
    """:math:`B_k = \\tfrac12 \\epsilon_{ijk} J_{ij}`: the vector of J's antisymmetric part.

    >>> axial_vector(np.array([[0, 3.0, -2], [-3, 0, 1], [2, -1, 0]])).tolist()
    [1.0, 2.0, 3.0]
    """
    antisymmetric = (jacobian - jacobian.T) / 2
    return np.array([antisymmetric[1, 2], antisymmetric[2, 0], antisymmetric[0, 1]])


def probe_fields(acceleration: Callable[[torch.Tensor], torch.Tensor]) -> Fields:
    """Fields of a model ``acceleration(v)`` mapping velocities ``(S, 3)`` to ``(S, 3)``."""
    rest = torch.zeros(1, 3, dtype=torch.float64)
    with torch.no_grad():
        polar = acceleration(rest)[0].double().numpy()
    jacobian = (
        torch.autograd.functional.jacobian(lambda v: acceleration(v[None])[0], rest[0])
        .double()
        .numpy()
    )
    return _fields(polar, jacobian)


def _fields(polar: np.ndarray, jacobian: np.ndarray) -> Fields:
    norm = float(np.linalg.norm(jacobian))
    symmetric = float(np.linalg.norm((jacobian + jacobian.T) / 2))
    return Fields(polar, axial_vector(jacobian), jacobian, symmetric / norm if norm else 0.0)


def linear_response_fields(velocities: np.ndarray, accelerations: np.ndarray) -> Fields:
    """Fields of the data themselves, with no network: least squares of :math:`a = E + J v`.

    For particles in uniform fields this model is exact, so it is the ground truth the
    network's read-out is judged against (interactions between particles, if any, only
    average into it).

    >>> v = np.random.default_rng(0).normal(size=(50, 3))
    >>> fields = linear_response_fields(v, [1.0, 0, 0] + np.cross(v, [0, 2.0, 0]))
    >>> bool(np.allclose(fields.polar, [1, 0, 0]) and np.allclose(fields.axial, [0, 2, 0]))
    True
    """
    v = np.asarray(velocities, dtype=np.float64).reshape(-1, 3)
    a = np.asarray(accelerations, dtype=np.float64).reshape(-1, 3)
    design = np.hstack([np.ones((len(v), 1)), v])
    coefficients, *_ = np.linalg.lstsq(design, a, rcond=None)
    return _fields(coefficients[0], coefficients[1:].T)


def linear_response_scatter(velocities: np.ndarray, accelerations: np.ndarray
                            ) -> tuple[float, float]:  # fmt: skip
    """How well uniform fields explain the data: the mean square residual of the least squares
    :math:`a = E + J v` (per component, the fit loss's measure), and the relative standard
    error of :math:`(E, J)` (the size of its error over its own size).

    >>> rng = np.random.default_rng(1)
    >>> v = rng.normal(size=(4000, 3))
    >>> a = [1.0, 0, 0] + np.cross(v, [0, 2.0, 0]) + 0.1 * rng.normal(size=(4000, 3))
    >>> mse, relative = linear_response_scatter(v, a)
    >>> round(mse, 2), bool(0.0005 < relative < 0.005)
    (0.01, True)
    """
    v = np.asarray(velocities, dtype=np.float64).reshape(-1, 3)
    a = np.asarray(accelerations, dtype=np.float64).reshape(-1, 3)
    design = np.hstack([np.ones((len(v), 1)), v])
    coefficients, *_ = np.linalg.lstsq(design, a, rcond=None)
    residual = a - design @ coefficients
    freedom = max(len(v) - design.shape[1], 1)
    variance = float(np.sum(residual**2)) / (3 * freedom)
    covariance = variance * np.linalg.pinv(design.T @ design)
    error = np.sqrt(3 * float(np.trace(covariance)))  # every coefficient, every component
    size = float(np.linalg.norm(coefficients))
    return float(np.mean(residual**2)), error / size if size > 0 else 0.0


def fitted_fields(network, task) -> Fields:
    """Fields of a fitted trajectories network, averaged over the species.

    ``task`` is the :class:`~symbreak.tasks.trajectories.TrajectoryTask` the network was
    fitted on (it knows the species and undoes the velocity/acceleration scaling).
    """
    probes = [
        probe_fields(lambda v, s=species: task.acceleration(network, v, s))
        for species in range(task.n_species)
    ]
    polar = np.mean([p.polar for p in probes], axis=0)
    jacobian = np.mean([p.jacobian for p in probes], axis=0)
    return _fields(polar, jacobian)


def field_vectors(
    fields: Fields, acceleration_scale: float, velocity_scale: float,
    errors: tuple[float, float] | None = None,
) -> dict[str, np.ndarray]:
    """``{"1o": E, "1e": B}`` without fields too weak to matter, for :func:`field_group`.

    E is compared with the rms acceleration, :math:`|v| |B|` (rms velocity) likewise. With
    ``errors`` (the standard errors of E and B the data allow, :func:`field_errors`), a field
    within :data:`DETECTION` of them is not detected either: on noisy positions the network
    reads a B of noise out of gravity alone.
    """
    strength = {
        "1o": np.linalg.norm(fields.polar) / acceleration_scale,
        "1e": np.linalg.norm(fields.axial) * velocity_scale / acceleration_scale,
    }
    vectors = {"1o": fields.polar, "1e": fields.axial}
    floor = {"1o": 0.0, "1e": 0.0}
    if errors is not None:
        floor = {"1o": DETECTION * errors[0], "1e": DETECTION * errors[1]}
    return {name: vectors[name] for name, s in strength.items()
            if s > NEGLIGIBLE_FIELD and np.linalg.norm(vectors[name]) > floor[name]}  # fmt: skip


def field_errors(velocities: np.ndarray, accelerations: np.ndarray) -> tuple[float, float]:
    """Standard errors of E and B in the least squares :math:`a = E + J v`, in the data's
    units (the lengths of their error vectors).

    >>> rng = np.random.default_rng(1)
    >>> v = rng.normal(size=(4000, 3))
    >>> a = [1.0, 0, 0] + 0.1 * rng.normal(size=(4000, 3))
    >>> [round(e, 4) for e in field_errors(v, a)]
    [0.0027, 0.0019]
    """
    v = np.asarray(velocities, dtype=np.float64).reshape(-1, 3)
    a = np.asarray(accelerations, dtype=np.float64).reshape(-1, 3)
    design = np.hstack([np.ones((len(v), 1)), v])
    coefficients, *_ = np.linalg.lstsq(design, a, rcond=None)
    residual = a - design @ coefficients
    variance = float(np.sum(residual**2)) / (3 * max(len(v) - design.shape[1], 1))
    covariance = variance * np.linalg.pinv(design.T @ design)
    # E's three components each carry covariance[0, 0]; B's components are half-differences
    # of two J entries, each J entry carrying covariance[j, j]
    polar = np.sqrt(3 * covariance[0, 0])
    axial = np.sqrt(3 * float(np.mean(np.diag(covariance)[1:])) / 2)
    return float(polar), float(axial)


def field_group(vectors: dict[str, np.ndarray], tolerance: float = FIELD_SYMMETRY_TOLERANCE):
    """Residual symmetry of uniform fields: the stabiliser of E (``1o``) and B (``1e``).

    E ⊥ B gives Cs (mirror normal to B), a general angle C1, E ∥ B C∞ about them, E
    alone C∞v about E, B alone C∞h about B, no field O(3).

    >>> field_group({"1o": np.array([1.0, 0, 0]), "1e": np.array([0, 1.0, 0])}).name
    'Cs'
    """
    from symbreak.symmetry import stabilizer

    return stabilizer(dict(vectors), tolerance=tolerance)


def describe_field_group(vectors: dict[str, np.ndarray], group) -> str:
    """One sentence: which fields the data hold and the symmetry they leave.

    >>> v = {"1o": np.array([1.0, 0, 0]), "1e": np.array([0, 1.0, 0])}
    >>> describe_field_group(v, field_group(v))
    'E ⊥ B leaves Cs: the mirror plane containing E, normal to B.'
    """
    from symbreak.conventions import pretty_group_name

    name = pretty_group_name(group.name)
    if not vectors:
        return f"no uniform field: the dynamics keep {name}."
    if set(vectors) == {"1o"}:
        return f"a polar field E alone leaves {name}: rotations about E and mirrors containing it."
    if set(vectors) == {"1e"}:
        return (
            f"an axial field B alone leaves {name}: rotations about B, the mirror normal to it "
            "and inversion."
        )
    E, B = vectors["1o"], vectors["1e"]
    angle = np.degrees(np.arccos(np.clip(abs(E @ B) / np.linalg.norm(E) / np.linalg.norm(B), 0, 1)))
    if group.name == "Cs":
        return f"E ⊥ B leaves {name}: the mirror plane containing E, normal to B."
    if group.name == "Cinf":
        return f"E ∥ B leaves {name}: rotations about their common axis, no mirror."
    return f"E and B at {angle:.0f}° leave {name}: no symmetry but the identity."


def species_fields(network, task) -> list[Fields]:
    """Fields of a fitted network probed species by species (no averaging: opposite
    charges would cancel, and their B would look like nothing)."""
    return [probe_fields(lambda v, s=species: task.acceleration(network, v, s))
            for species in range(task.n_species)]  # fmt: skip


def prepared_fields_summary(task, network, statistics) -> tuple[dict, object]:
    """The report's ``fields`` and the data's group when the data's own fields were measured
    per species with errors (:class:`~symbreak.tasks.field_statistics.FieldStatistics`).

    The network is probed per species and its fields are reported once, the reference
    species' (the one the data measure best), with every species' signed coupling. A
    network field counts only above :data:`DETECTION` of the data's error on it.
    """
    from symbreak.tasks.field_statistics import couple

    probes = species_fields(network, task)
    polar = np.array([p.polar for p in probes])
    axial = np.array([p.axial for p in probes])
    reference = statistics.reference()
    E, B, couplings = couple(polar, axial, statistics.rms_velocity, reference)
    floor = {"1o": DETECTION * statistics.combined("polar")[1],
             "1e": DETECTION * statistics.combined("axial")[1]}  # fmt: skip
    scale = {"1o": statistics.rms_acceleration,
             "1e": statistics.rms_acceleration / statistics.rms_velocity}  # fmt: skip
    vectors = {irrep: vector for irrep, vector in (("1o", E), ("1e", B))
               if np.linalg.norm(vector)
               > max(floor[irrep], NEGLIGIBLE_FIELD * scale[irrep])}  # fmt: skip
    # species whose coupling is opposite keep the same axis; their vectors add nothing new
    group = field_group(vectors)
    data_group = statistics.group()
    names = statistics.species_names
    data_E, data_B, data_couplings = statistics.common_fields()
    reference_fields = probes[int(np.argmax(np.abs(couplings)))] if len(probes) else None
    summary = {
        **_fields(E, reference_fields.jacobian if reference_fields else np.zeros((3, 3))
                  ).to_dict(),
        "polar": E.tolist(), "axial": B.tolist(),
        "couplings": dict(zip(names, np.round(couplings, 6).tolist(), strict=True)),
        "group": group.name,
        "group_elements": group.symmetry_elements(),
        "description": describe_field_group(vectors, group) + _couplings_sentence(
            names, couplings),
        "negligible": [kind for kind, irrep in (("polar", "1o"), ("axial", "1e"))
                       if irrep not in vectors],  # fmt: skip
        "data": {
            "polar": data_E.tolist(), "axial": data_B.tolist(),
            "polar_error": statistics.combined("polar")[1],
            "axial_error": statistics.combined("axial")[1],
            "couplings": dict(zip(names, np.round(data_couplings, 6).tolist(), strict=True)),
            "group": data_group.name, "tolerance": statistics.tolerance(),
            "description": statistics.describe(),
        },
    }  # fmt: skip
    return summary, data_group


def _couplings_sentence(names, couplings) -> str:
    if len(names) < 2:
        return ""
    listed = ", ".join(f"{name} {c:+.3g}" for name, c in zip(names, couplings, strict=True))
    return f" Each species feels the fields with its own signed coupling (q/m, up to the " \
           f"common scale): {listed}."  # fmt: skip
