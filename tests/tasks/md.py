"""A small molecular-dynamics engine for tests: ASE's Lennard-Jones forces (the oracle of the
interactions), uniform E and B per species charge-to-mass ratio, gravity, Langevin drag and
noise, integrated by a Boris step (velocity Verlet when B = 0).

Kept small and seeded: 16 - 24 particles, a few hundred stored frames, about a second each.
"""

from __future__ import annotations

import numpy as np


def random_direction(rng: np.random.Generator) -> np.ndarray:
    vector = rng.normal(size=3)
    return vector / np.linalg.norm(vector)


def start(n: int, density: float, rng: np.random.Generator) -> np.ndarray:
    """A jittered cubic lattice (dense) or random points at least 1.1 apart (dilute)."""
    if density > 0.5:
        side = int(np.ceil(n ** (1 / 3)))
        grid = np.stack(np.meshgrid(*[np.arange(side)] * 3, indexing="ij"), -1).reshape(-1, 3)
        return (grid[:n] + 0.5) * density ** (-1 / 3) + 0.03 * rng.normal(size=(n, 3))
    box = (n / density) ** (1 / 3)
    points: list[np.ndarray] = []
    while len(points) < n:
        candidate = rng.uniform(0, box, size=3)
        if all(np.linalg.norm(candidate - p) > 1.1 for p in points):
            points.append(candidate)
    return np.array(points)


def run(n=20, density=0.9, frames=300, every=4, step=0.005, ratio=None, mass=None, E=None,
        B=None, gravity=None, gamma=0.0, temperature=0.5, seed=0, interact=True):  # fmt: skip
    """Positions and velocities ``(frames, n, 3)`` and the frame interval.

    ``ratio`` (n,) is each particle's q/m, ``mass`` (n,) its mass (forces / mass).
    """
    from ase import Atoms
    from ase.calculators.lj import LennardJones

    rng = np.random.default_rng(seed)
    ratio = np.zeros(n) if ratio is None else np.asarray(ratio, float)
    mass = np.ones(n) if mass is None else np.asarray(mass, float)
    E = np.zeros(3) if E is None else np.asarray(E, float)
    B = np.zeros(3) if B is None else np.asarray(B, float)
    g = np.zeros(3) if gravity is None else np.asarray(gravity, float)
    atoms = Atoms(f"Ar{n}", positions=start(n, density, rng))
    atoms.calc = LennardJones(sigma=1.0, epsilon=1.0, rc=2.5, smooth=True)
    velocity = rng.normal(size=(n, 3)) * np.sqrt(temperature / mass)[:, None]
    velocity -= np.average(velocity, axis=0, weights=mass)

    def accelerations(positions):
        if not interact:
            return ratio[:, None] * E + g
        atoms.positions = positions
        return atoms.get_forces() / mass[:, None] + ratio[:, None] * E + g

    x, a = atoms.positions.copy(), None
    a = accelerations(x)
    stored_x, stored_v = [], []
    t = 0.5 * step * ratio[:, None] * B
    s = 2 * t / (1 + np.sum(t**2, axis=1, keepdims=True))
    for k in range(frames * every):
        half = velocity + 0.5 * step * a
        rotated = half + np.cross(half + np.cross(half, t), s)  # Boris rotation
        x = x + step * rotated
        a = accelerations(x)
        velocity = rotated + 0.5 * step * a
        if gamma:
            # drag and noise after each step (Ornstein-Uhlenbeck exactly, BAOAB's "O")
            decay = np.exp(-gamma * step)
            velocity = decay * velocity + np.sqrt((1 - decay**2) * temperature / mass)[:, None] \
                * rng.normal(size=(n, 3))  # fmt: skip
        if k % every == 0:
            stored_x.append(x.copy())
            stored_v.append(velocity.copy())
    return np.array(stored_x), np.array(stored_v), every * step
