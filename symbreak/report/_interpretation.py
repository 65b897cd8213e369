"""What a relaxed-weight vector means in Cartesian x, y, z.

e3nn's l = 1 basis is already Cartesian (:math:`D^{1}(R) = R`), so ``1o``/``1e`` vectors are
read directly as polar/axial vectors. A ``2e`` vector is the traceless part of a symmetric
3x3 tensor :math:`Q`; :mod:`symbreak.symmetry._cartesian` maps :math:`Q` to ``0e + 2e``
components (e3nn's ``CartesianTensor("ij=ji")`` basis, in closed form), and back, to read the
principal axes and values of :math:`Q`.
Higher irreps are described by their stabiliser (:func:`symbreak.symmetry.stabilizer`).

>>> import numpy as np
>>> v = quadrupole_vector(np.diag([-1.0, -1.0, 2.0]))
>>> np.allclose(cartesian_quadrupole(v), np.diag([-1.0, -1.0, 2.0]))
True
>>> interpret_irrep("2e", v)
'symmetric traceless tensor, principal values x: -1, y: -1, z: 2; x² = y² ≠ z² (uniaxial about z)'
"""

from __future__ import annotations

import numpy as np

from symbreak.conventions import irrep_meaning, parse_irrep
from symbreak.symmetry import irreps_to_symmetric, stabilizer, symmetric_to_irreps

#: Relative tolerance for "equal" principal values and for an axis being along x, y or z.
INTERPRETATION_TOLERANCE = 1e-3

_AXES = "xyz"


def cartesian_quadrupole(vector) -> np.ndarray:
    """The symmetric traceless 3x3 tensor :math:`Q` of a ``2e`` vector (e3nn basis)."""
    v = np.asarray(vector, dtype=np.float64)
    return irreps_to_symmetric(np.concatenate([np.zeros(v.shape[:-1] + (1,)), v], axis=-1))


def quadrupole_vector(matrix) -> np.ndarray:
    """The ``2e`` vector (e3nn basis) of the traceless part of a symmetric 3x3 ``matrix``."""
    return symmetric_to_irreps(matrix)[..., 1:]


def cartesian_form(irrep: str, vector) -> float | list | None:
    """The Cartesian object behind a vector: a number (``0e``/``0o``), an (x, y, z) vector
    (l = 1) or a 3x3 matrix (``2e``); ``None`` for irreps without a simple Cartesian form."""
    v = np.asarray(vector, dtype=np.float64)
    l, parity = parse_irrep(irrep)
    if l == 0:
        return float(v[0])
    if l == 1:
        return v.tolist()
    if irrep == "2e":
        return cartesian_quadrupole(v).tolist()
    return None


def axis_name(axis, tol: float = INTERPRETATION_TOLERANCE) -> str:
    """``"z"`` for a direction along ±z, else its rounded components.

    >>> axis_name([0.0, -1.0, 0.0]), axis_name([1.0, 1.0, 0.0])
    ('y', '(0.707, 0.707, 0)')
    """
    u = np.asarray(axis, dtype=np.float64)
    u = u / np.linalg.norm(u)
    k = int(np.argmax(np.abs(u)))
    if abs(abs(u[k]) - 1.0) <= tol:
        return _AXES[k]
    return "(" + ", ".join(f"{c:.3g}" if abs(c) > tol else "0" for c in u) + ")"


def _signed_direction(u: np.ndarray, tol: float) -> str:
    k = int(np.argmax(np.abs(u)))
    if abs(abs(u[k]) - 1.0) <= tol:
        return f"{'+' if u[k] > 0 else '-'}{_AXES[k]}"
    return "(" + ", ".join(f"{c:.3g}" if abs(c) > tol else "0" for c in u) + ")"


def _describe_quadrupole(vector: np.ndarray, tol: float) -> str:
    values, vectors = np.linalg.eigh(cartesian_quadrupole(vector))
    scale = max(float(np.abs(values).max()), 1e-300)
    same = [abs(values[i] - values[j]) <= tol * scale for i, j in ((0, 1), (1, 2))]
    head = "symmetric traceless tensor, "
    if same[0] or same[1]:  # uniaxial: only the distinct axis is defined
        distinct = 2 if same[0] else 0
        u = vectors[:, distinct]
        name = axis_name(u, tol)
        if name in _AXES:
            others = [a for a in _AXES if a != name]
            values_text = ", ".join(
                f"{a}: {values[distinct] if a == name else values[1]:.3g}" for a in _AXES
            )
            return (f"{head}principal values {values_text}; "
                    f"{others[0]}² = {others[1]}² ≠ {name}² (uniaxial about {name})")  # fmt: skip
        return (f"{head}uniaxial about {name}: value {values[distinct]:.3g} along it, "
                f"{values[1]:.3g} across it")  # fmt: skip
    names = [axis_name(vectors[:, i], tol) for i in range(3)]
    if sorted(names) == list(_AXES):
        pairs = sorted(zip(names, values))
        text = ", ".join(f"{a}: {value:.3g}" for a, value in pairs)
        return f"{head}principal values {text}; x² ≠ y² ≠ z² (orthorhombic)"
    text = "; ".join(f"{value:.3g} along {name}" for name, value in zip(names, values))
    return f"{head}principal axes {text}"


def _describe_by_symmetry(irrep: str, vector: np.ndarray, tol: float) -> str:
    group = stabilizer({irrep: vector}, tolerance=tol)
    elements = group.symmetry_elements()
    axes = [e for e in elements if e["kind"] == "rotation"]
    where = ""
    if axes:
        main = axes[0]
        order = "∞" if main["order"] == "inf" else main["order"]
        where = f" ({order}-fold axis along {axis_name(main['axis'], tol)})"
    return f"{irrep_meaning(irrep)}, invariant under {group.pretty_name}{where}"


def interpret_irrep(irrep: str, vector, tol: float = INTERPRETATION_TOLERANCE) -> str:
    """One phrase saying what ``vector`` (e3nn basis of ``irrep``) means in x, y, z.

    >>> interpret_irrep("1o", [0.0, 0.0, -0.5])
    'polar vector along -z, length 0.5'
    >>> interpret_irrep("0o", [0.3])
    'pseudoscalar +0.3: chiral (one handedness preferred)'
    """
    v = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(v))
    l, parity = parse_irrep(irrep)
    if norm == 0.0:
        return f"{irrep_meaning(irrep)}, zero"
    if irrep == "0e":
        return f"scalar {v[0]:+.3g}: the equivariant part of the layer"
    if irrep == "0o":
        return f"pseudoscalar {v[0]:+.3g}: chiral (one handedness preferred)"
    if l == 1:
        kind = "polar vector" if parity == -1 else "axial vector (a sense of rotation)"
        return f"{kind} along {_signed_direction(v / norm, tol)}, length {norm:.3g}"
    if irrep == "2e":
        return _describe_quadrupole(v, tol)
    return _describe_by_symmetry(irrep, v, tol)
