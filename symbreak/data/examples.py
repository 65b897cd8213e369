"""The paper's example data: cube deformations and charged particles in uniform fields.

Hofgard, Wang, Walters, Smidt (arXiv 2407.20471) deform a cube into a cube, a
rectangular prism and a random shape (Sec. 4.1), and learn E and B from
trajectories of charged particles (Sec. 4.2). These generators rebuild that data.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from symbreak.conventions import PAPER_EXAMPLES, PUBLISHED_EXAMPLES
from symbreak.data._shapes import cube
from symbreak.data.pairs import write_pairs
from symbreak.data.trajectories import write_trajectories
from symbreak.errors import DataError

#: Scale of the cube-to-prism deformation: x and y halved, z doubled (the paper's prism).
PRISM_SCALE = np.array([0.5, 0.5, 2.0])

#: Standard deviation of the random vertex displacements of :func:`cube_to_random`.
RANDOM_SHAPE_SIGMA = 0.3


def cube_to_cube() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The identity deformation: nothing breaks the cube's :math:`O_h` symmetry."""
    return {"cube_to_cube": (cube(), cube())}


def cube_to_prism() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    r"""The cube stretched to a square prism, :math:`(x, y, z) \mapsto (x/2, y/2, 2z)`.

    The deformation keeps :math:`D_{4h}` about z; the paper's relaxed weights learn
    :math:`x^2 = y^2 \neq z^2`.

    >>> source, target = cube_to_prism()["cube_to_prism"]
    >>> target[-1]
    array([0.5, 0.5, 2. ])
    """
    source = cube()
    return {"cube_to_prism": (source, source * PRISM_SCALE)}


def cube_to_random(seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The cube with each vertex moved by a fixed random displacement, normal with sigma 0.3.

    No symmetry of the cube survives, so every relaxed weight is needed.
    """
    source = cube()
    displacement = np.random.default_rng(seed).normal(scale=RANDOM_SHAPE_SIGMA, size=source.shape)
    return {"cube_to_random": (source, source + displacement)}


def lorentz_acceleration(
    velocities: np.ndarray, E: np.ndarray, B: np.ndarray, q_over_m: float = 1.0
) -> np.ndarray:
    r"""Lorentz acceleration :math:`a = (q/m)(E + v \times B)` for uniform fields.

    >>> lorentz_acceleration(np.array([1.0, 0, 0]), np.zeros(3), np.array([0, 0, 1.0]))
    array([ 0., -1.,  0.])
    """
    return q_over_m * (np.asarray(E) + np.cross(velocities, np.asarray(B)))


def boris_step(
    x: np.ndarray, v: np.ndarray, E: np.ndarray, B: np.ndarray, dt: float, q_over_m: float
) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of the Boris pusher (Boris 1970; Birdsall & Langdon, *Plasma Physics via
    Computer Simulation*, Sec. 4-3).

    Half an electric kick, an exact-norm rotation about B, the other half kick, then a drift:

    .. math::
        v^- = v + \tfrac{q}{m} E \tfrac{\Delta t}{2},\quad
        t = \tfrac{q}{m} B \tfrac{\Delta t}{2},\quad s = \tfrac{2t}{1 + |t|^2},\\
        v^+ = v^- + (v^- + v^- \times t) \times s,\quad
        v' = v^+ + \tfrac{q}{m} E \tfrac{\Delta t}{2},\quad x' = x + v' \Delta t.

    The rotation preserves :math:`|v|` exactly, which keeps long runs stable.
    """
    half_kick = q_over_m * np.asarray(E) * (dt / 2)
    t = q_over_m * np.asarray(B) * (dt / 2)
    s = 2 * t / (1 + t @ t)
    v_minus = v + half_kick
    v_plus = v_minus + np.cross(v_minus + np.cross(v_minus, t), s)
    v_new = v_plus + half_kick
    return x + v_new * dt, v_new


def simulate_lorentz(
    E: Sequence[float],
    B: Sequence[float],
    n_particles: int = 10,
    n_steps: int = 1000,
    dt: float = 0.1,
    seed: int = 0,
    q_over_m: float = 1.0,
) -> dict[str, np.ndarray | float]:
    r"""Charged particles in uniform fields E and B, pushed with the Boris integrator.

    Boris is the standard, volume-preserving, stable pusher for charged particles
    (:func:`boris_step`). Initial positions and velocities are standard normal. The
    stored accelerations are the exact :math:`(q/m)(E + v \times B)` at each stored
    velocity, so the learning target has no integration error.

    Returns
    -------
    dict
        ``positions``, ``velocities``, ``accelerations`` of shape ``(n_steps + 1,
        n_particles, 3)`` (the initial state and every step) and ``dt``; the layout
        :func:`~symbreak.data.write_trajectories` takes.

    Examples
    --------
    >>> run = simulate_lorentz([0, 0, 0], [0, 0, 1], n_particles=2, n_steps=5)
    >>> run["positions"].shape
    (6, 2, 3)
    """
    E = np.asarray(E, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if E.shape != (3,) or B.shape != (3,):
        raise DataError(f"E and B must be 3-vectors, not shapes {E.shape} and {B.shape}.")
    if n_particles < 1 or n_steps < 1 or not dt > 0:
        raise DataError("simulate_lorentz needs n_particles >= 1, n_steps >= 1 and dt > 0.")
    rng = np.random.default_rng(seed)
    positions = np.empty((n_steps + 1, n_particles, 3))
    velocities = np.empty_like(positions)
    positions[0] = rng.standard_normal((n_particles, 3))
    velocities[0] = rng.standard_normal((n_particles, 3))
    for step in range(n_steps):
        positions[step + 1], velocities[step + 1] = boris_step(
            positions[step], velocities[step], E, B, dt, q_over_m
        )
    accelerations = lorentz_acceleration(velocities, E, B, q_over_m)
    return {
        "positions": positions,
        "velocities": velocities,
        "accelerations": accelerations,
        "dt": float(dt),
    }


def _pairs_writer(generator: Callable[..., dict]) -> Callable[..., None]:
    def write(path: str | os.PathLike, **params) -> None:
        write_pairs(path, generator(**params), attrs=_example_attrs(generator.__name__, params))

    write.__doc__ = f"Write :func:`{generator.__name__}` to an HDF5 pairs file."
    # Advertise the generator's parameters so make_example can refuse unknown ones up front.
    signature = inspect.signature(generator)
    path_parameter = inspect.Parameter("path", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    write.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[path_parameter, *signature.parameters.values()], return_annotation=None
    )
    return write


def _write_lorentz(
    path: str | os.PathLike,
    E: Sequence[float] = (1.0, 0.0, 0.0),
    B: Sequence[float] = (0.0, 1.0, 0.0),
    n_particles: int = 10,
    n_steps: int = 1000,
    dt: float = 0.1,
    seed: int = 0,
) -> None:
    """Write :func:`simulate_lorentz` to an HDF5 trajectories file (one trajectory)."""
    params = {"E": list(map(float, E)), "B": list(map(float, B)), "n_particles": n_particles,
              "n_steps": n_steps, "dt": dt, "seed": seed}
    trajectories = {"lorentz": simulate_lorentz(**params)}
    write_trajectories(path, trajectories, attrs=_example_attrs("lorentz", params))


def _example_attrs(name: str, params: dict) -> dict[str, str]:
    """File attributes naming the example, so reports can show the known ground truth."""
    return {"example": name, "example_params": json.dumps(params)}


def _published_writer(name: str) -> Callable[..., None]:
    """A writer for catalogue entry ``name`` of :mod:`symbreak.data.published` (needs ASE and
    spglib: ``pip install symbreak[crystals]``); ``seed`` puts it in a random frame."""

    def write(path: str | os.PathLike, seed: int | None = None) -> None:
        import numpy as np

        from symbreak.data.published import published_pair, write_distortion_pairs

        rotation = None
        if seed is not None:
            from scipy.spatial.transform import Rotation

            rotation = Rotation.random(random_state=np.random.default_rng(seed)).as_matrix()
        write_distortion_pairs(path, [published_pair(name, rotation=rotation)])

    write.__doc__ = f"Write the published cluster {name} (parent -> child) as a pairs file."
    return write


_PAPER_WRITERS = {
    "cube_to_cube": _pairs_writer(cube_to_cube),
    "cube_to_prism": _pairs_writer(cube_to_prism),
    "cube_to_random": _pairs_writer(cube_to_random),
    "lorentz": _write_lorentz,
}

#: Example name -> function ``write(path, **params)`` that writes its file; the names and their
#: order are :data:`symbreak.conventions.EXAMPLE_NAMES`.
EXAMPLES: dict[str, Callable[..., None]] = {
    **{name: _PAPER_WRITERS[name] for name in PAPER_EXAMPLES},
    **{name: _published_writer(name) for name in PUBLISHED_EXAMPLES},
}


def example_parameters(name: str) -> tuple[str, ...]:
    """The keyword parameters example ``name`` takes.

    >>> example_parameters("cube_to_random")
    ('seed',)
    """
    signature = inspect.signature(EXAMPLES[name])
    return tuple(key for key in signature.parameters if key != "path")


def check_example_parameters(name: str, keys: Iterable[str], prefix: str = "") -> None:
    """Refuse a name that is no example, or a parameter it does not take, in one sentence.

    ``prefix`` is put before parameter names in the message (``"--"`` for the CLI).

    >>> try:
    ...     check_example_parameters("cube_to_prism", ["E"], prefix="--")
    ... except DataError as error:
    ...     print(error)
    --E applies only to lorentz; example 'cube_to_prism' takes no parameters.
    """
    if name not in EXAMPLES:
        raise DataError(f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)}.")
    taken = example_parameters(name)
    for key in keys:
        if key not in taken:
            users = [other for other in EXAMPLES if key in example_parameters(other)]
            where = f"applies only to {' and '.join(users)}" if users else "is no parameter"
            accepts = (
                f"takes {', '.join(prefix + k for k in taken)}" if taken else "takes no parameters"
            )
            raise DataError(f"{prefix}{key} {where}; example {name!r} {accepts}.")


def make_example(name: str, path: str | os.PathLike, **params) -> None:
    """Write the example ``name`` (a key of :data:`EXAMPLES`) to ``path``.

    ``lorentz`` takes ``E``, ``B``, ``n_particles``, ``n_steps``, ``dt``, ``seed``;
    ``cube_to_random`` takes ``seed``; the other cubes take nothing.
    """
    check_example_parameters(name, params)
    EXAMPLES[name](path, **params)
