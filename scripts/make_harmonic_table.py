"""Write ``symbreak/symmetry/_harmonic_table.py``: e3nn's spherical harmonics as monomial
coefficients, so that ``symbreak.symmetry`` computes Wigner matrices without torch or e3nn.

e3nn's :math:`Y_l` (``normalize=False``, the default ``integral`` normalisation) is a homogeneous
polynomial of degree l. Its coefficients on the monomials :math:`x^a y^b z^c` (in
``symbreak.symmetry._wigner.monomial_exponents`` order) are read off by least squares on random
unit points and written as ``repr`` floats (17 significant digits). ``tests/symmetry/
test_harmonic_table.py`` checks the table against e3nn itself.

    PYTHONPATH=. python scripts/make_harmonic_table.py [--l-max 12]

l = 12 is the highest degree e3nn implements, and the highest the stabiliser accepts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

TABLE = Path(__file__).resolve().parents[1] / "symbreak" / "symmetry" / "_harmonic_table.py"

#: Coefficients below this fraction of the largest one of their degree are zero. The read-off
#: leaves at most 3e-11 (relative) on true zeros at l = 12 and the smallest true coefficient is
#: 0.3 (relative 1e-4): :data:`GAP` checks that nothing falls in between.
ZERO = 1e-8
GAP = (1e-9, 1e-6)

#: Points per unknown. Unit points keep the monomial matrix well conditioned (5e3 at l = 12;
#: Gaussian points, with radii spread over 0.1..3, gave 6e6 and 1e-10 errors in the values).
OVERSAMPLING = 8


def coefficients_from_e3nn(l: int) -> np.ndarray:
    """(2l+1, k) coefficients C with e3nn's :math:`Y_l(x) = C m_l(x)`, zeros exact.

    A first fit finds which coefficients vanish; each row is then refitted on its support
    alone, which removes the noise the zero columns absorbed (2e-13 -> 7e-14 in the values
    at l = 12; what remains is e3nn's own rounding).
    """
    import torch
    from e3nn import o3

    from symbreak.symmetry._wigner import monomial_exponents, monomials

    count = OVERSAMPLING * len(monomial_exponents(l)) + 8
    points = np.random.default_rng(l).normal(size=(count, 3))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    values = o3.spherical_harmonics(l, torch.from_numpy(points), normalize=False).numpy()
    basis = monomials(points, l)
    first, *_ = np.linalg.lstsq(basis, values, rcond=None)
    relative = np.abs(first.T) / np.abs(first).max()
    if np.any((relative > GAP[0]) & (relative < GAP[1])):
        raise RuntimeError(f"l = {l}: coefficients neither clearly zero nor clearly not")
    coefficients = np.zeros_like(relative)
    for row, support in enumerate(relative > ZERO):
        coefficients[row, support], *_ = np.linalg.lstsq(basis[:, support], values[:, row],
                                                         rcond=None)  # fmt: skip
    return coefficients


def table_lines(l: int, coefficients: np.ndarray) -> list[str]:
    """``    l: [[(column, value), ...], ...],`` wrapped at 100 characters."""
    lines = [f"    {l}: ["]
    for row in coefficients:
        entries = [f"({k}, {float(value)!r})," for k, value in enumerate(row) if value != 0.0]
        line = "        ["
        for entry in entries:
            if len(line) + len(entry) + 1 > 100:
                lines.append(line.rstrip())
                line = "         "
            line += entry + " "
        lines.append(line.rstrip().removesuffix(",") + "],")
    lines.append("    ],")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--l-max", type=int, default=12)
    args = parser.parse_args()
    import e3nn

    lines = [
        'r"""e3nn\'s real spherical harmonics as monomial coefficients. Generated: do not edit.',
        "",
        f"Written by ``scripts/make_harmonic_table.py`` from e3nn {e3nn.__version__}.",
        "``COEFFICIENTS[l][i]`` lists the non-zero entries of row i of the (2l+1, k) matrix C",
        "with :math:`Y_l(x) = C\\, m_l(x)` (``normalize=False``) as ``(column, value)``; the",
        "columns follow ``_wigner.monomial_exponents(l)``.",
        '"""',
        "",
        "COEFFICIENTS: dict[int, list[list[tuple[int, float]]]] = {",
    ]
    for l in range(args.l_max + 1):
        lines += table_lines(l, coefficients_from_e3nn(l))
    lines.append("}  # fmt: skip")
    TABLE.write_text("\n".join(lines) + "\n")
    print(f"wrote {TABLE} (l <= {args.l_max}, {TABLE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
