"""Point clouds with a known symmetry, the starting shapes of the examples and of the synthetic
distortions (:mod:`symbreak.data.examples`, :mod:`symbreak.data.published`).

>>> from symbreak.symmetry import point_group
>>> point_group(cube()).name
'Oh'
"""

from __future__ import annotations

import itertools

import numpy as np


def cube() -> np.ndarray:
    """The 8 vertices of the cube :math:`[-1, 1]^3`, in ``itertools.product`` order.

    >>> cube()[:2]
    array([[-1., -1., -1.],
           [-1., -1.,  1.]])
    """
    return np.array(list(itertools.product((-1.0, 1.0), repeat=3)), dtype=np.float64)
