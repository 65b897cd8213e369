"""Relaxed weights as functions on the sphere, and the surfaces that draw them.

A layer's relaxed weights :math:`\\theta = \\oplus_{l,p} \\theta_{l,p}` are shown, as in
Hofgard et al. (2024), as the spherical signal

.. math:: f(\\hat u) = \\sum_{(l, p) \\neq (0, e)} Y_l(\\hat u) \\cdot \\theta_{l,p},

with e3nn's real spherical harmonics in *component* normalisation
(:math:`\\|Y_l(\\hat u)\\|^2 = 2l + 1`), the same ones the network's filters use. The
scalar ``0e`` part is left out because it is the equivariant part every layer starts with.

Parity: :math:`Y_l` has parity :math:`(-1)^l`, so an irrep ``lp`` with :math:`p \\neq (-1)^l`
(``0o``, ``1e``, ``2o``, ...) is a *pseudo* signal: it has the same angular pattern but
changes sign under inversion and mirrors. We therefore draw the even (``e``) and odd (``o``)
irreps as two separate surfaces, each evaluated with the formula above; the odd-parity surface's
mirror planes are not the weights' mirror planes (a ``0o`` pseudoscalar draws as a sphere yet
is broken by every mirror).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyvista as pv

from symbreak.conventions import parse_irrep
from symbreak.model import Irreps
from symbreak.symmetry import spherical_harmonics


def sphere_signal(coefficients: Mapping[str, np.ndarray], points) -> np.ndarray:
    """:math:`f(\\hat u) = \\sum Y_l(\\hat u) \\cdot \\theta_{l,p}` at ``points`` (P, 3).

    ``coefficients`` maps irrep names to e3nn-basis vectors; points need not be unit
    (they are normalised). Irreps are evaluated as given: leave ``0e`` out to remove it.

    >>> round(float(sphere_signal({"1o": [0.0, 0.0, 1.0]}, [[0.0, 0.0, 2.0]])[0]) ** 2, 12)
    3.0
    """
    xyz = np.asarray(points, dtype=np.float64)
    unit = xyz / np.linalg.norm(xyz, axis=-1, keepdims=True)
    values = np.zeros(len(xyz))
    for name, vector in coefficients.items():
        l, _ = parse_irrep(name)
        # the harmonics are tabulated in integral normalisation: component is sqrt(4 pi) larger
        y = spherical_harmonics(l, unit) * np.sqrt(4 * np.pi)
        values += y @ np.asarray(vector, dtype=np.float64)
    return values


def split_relaxed_weights(theta, irreps) -> list[dict[str, np.ndarray]]:
    """One ``{irrep name: vector}`` dict per multiplicity copy, in the irreps' order.

    >>> split_relaxed_weights(np.arange(5.0), "1x0e + 1x0o + 1x1o")
    [{'0e': array([0.]), '0o': array([1.]), '1o': array([2., 3., 4.])}]
    """
    theta = np.asarray(theta, dtype=np.float64)
    irreps = Irreps(irreps)
    copies: list[dict[str, np.ndarray]] = []
    for mul_ir, block in zip(irreps, irreps.slices()):
        vectors = theta[block].reshape(mul_ir.mul, mul_ir.ir.dim)
        for c in range(mul_ir.mul):
            while len(copies) <= c:
                copies.append({})
            copies[c][str(mul_ir.ir)] = vectors[c]
    return copies


def parity_parts(coefficients: Mapping[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """``{"even": {...}, "odd": {...}}`` with ``0e`` removed (the equivariant part).

    >>> parity_parts({"0e": [1.0], "0o": [2.0], "2e": [0.0] * 5})["odd"]
    {'0o': [2.0]}
    """
    parts: dict[str, dict[str, np.ndarray]] = {"even": {}, "odd": {}}
    for name, vector in coefficients.items():
        if name == "0e":
            continue
        parts["even" if parse_irrep(name)[1] == 1 else "odd"][name] = vector
    return parts


def unit_sphere(resolution: int) -> pv.PolyData:
    """A triangulated unit sphere with about ``resolution`` points around the equator."""
    return pv.Sphere(radius=1.0, theta_resolution=resolution, phi_resolution=resolution // 2 + 1)


def signal_surface(coefficients: Mapping[str, np.ndarray], resolution: int = 96,
                   scale: float | None = None) -> pv.PolyData:  # fmt: skip
    """The surface :math:`r(\\hat u) = |f(\\hat u)| / s` with point data ``"f"`` = :math:`f`.

    ``s`` is ``scale``, by default :math:`\\max |f|`, so the largest radius is 1. A zero
    signal gives the unit sphere with ``f = 0`` (drawn plain, see :func:`is_zero`).
    """
    sphere = unit_sphere(resolution)
    units = sphere.points / np.linalg.norm(sphere.points, axis=1, keepdims=True)
    f = sphere_signal(coefficients, units) if coefficients else np.zeros(len(units))
    peak = float(np.max(np.abs(f)))
    scale = peak if scale is None else scale
    surface = sphere.copy()
    if scale > 0:
        surface.points = units * (np.abs(f) / scale)[:, None]
    surface.point_data["f"] = f
    return surface


def signal_peak(coefficients: Mapping[str, np.ndarray], resolution: int = 96) -> float:
    """:math:`\\max |f|` on the mesh of :func:`signal_surface` (0 for no coefficients)."""
    if not coefficients:
        return 0.0
    points = unit_sphere(resolution).points
    return float(np.max(np.abs(sphere_signal(coefficients, points))))
