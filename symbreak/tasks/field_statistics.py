r"""The data's own uniform fields, per species, with standard errors: no network involved.

For a particle i of species s in uniform fields, with drag, interactions and noise,

.. math:: a_i = E_s + J_s v_i + \sum_j f_{s s_j}(r_{ij}) + \xi_i,
          \qquad E_s = (q/m)_s E, \quad J_s = (q/m)_s [B]_\times - \gamma_s I.

*Which estimator.* Split every frame t into the species' means
(:math:`\bar a_s(t), \bar v_s(t)`) and the deviations from them. Pair forces between
particles of one species sum to zero in every frame (Newton's third law, equal masses), so
:math:`\bar a_s(t)` carries no interaction from its own species at all; forces from other
species enter it only through the total momentum (:math:`\sum_s m_s N_s \bar a_s` is free of
every internal force). So

- :math:`J_s` comes from the deviations pooled over frames (within-frame least squares,
  :math:`\sum \delta a\,\delta v^T = J_s \sum \delta v\,\delta v^T`), where the field
  :math:`E_s` drops out; for a species with one particle per frame, from the frames' means;
- :math:`E_s = \langle \bar a_s(t) - J_s \bar v_s(t) \rangle_t`: exact, frame by frame, for one
  species in uniform fields however strongly the particles interact (a dense cluster in a
  weak field), where a particle-level fit would bury E under the interaction forces.

*Weighted means.* Where the frames come with per-particle weights (the inverse scatter of
the fitted pair forces by nearest-neighbour distance,
:mod:`symbreak.tasks.neighbour_scatter`), :math:`E_s` is also read as
:math:`(\sum w\, a - J_s \sum w\, v) / \sum w`, and replaces the plain means where its
error is below :data:`WEIGHTED_GAIN` of theirs (a ±q gas whose ions collide between frames).

*Errors.* Interactions correlate the particles of a frame, and frames are correlated in time,
so particles are not independent samples. The frames are cut into :data:`BLOCKS` contiguous
blocks and the standard errors are the delete-one-block jackknife's (Efron & Tibshirani,
*An Introduction to the Bootstrap*, ch. 11), which sees whatever correlation lives inside a block.

A field counts as detected when it stands above :data:`DETECTION` of its standard errors and
above :data:`~symbreak.tasks.fields.NEGLIGIBLE_FIELD` of the rms acceleration; otherwise it
is undetectable in these data (said so, with its error), not absent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from symbreak.tasks.momentum_balance import MomentumSums, jackknife_force

#: Contiguous blocks of frames for the jackknife (fewer when the data have fewer frames).
BLOCKS = 20
#: A field is detected when it is longer than this many of its standard errors.
DETECTION = 4.0
#: A field shorter than this fraction of the rms acceleration counts as absent however
#: precise: rounding, not physics. Far below :data:`symbreak.tasks.fields.NEGLIGIBLE_FIELD`
#: (1e-3), which would hide a weak field in a dense cluster (0.05 beside an rms
#: acceleration of 20 is 2.5e-3) that its error (1e-8) shows plainly.
NEGLIGIBLE = 1e-6
#: Relative size of rounding: the least standard error a field is given (exact data give 0).
ROUNDING = 1e-14
#: The weighted means (:mod:`symbreak.tasks.neighbour_scatter`) replace the plain ones only when
#: their jackknife error is below this fraction of the plain one's: a 20-block jackknife error
#: is itself uncertain by about 1/sqrt(2 x 19) = 16 %, and two estimates within two of those
#: are equally good (a dilute Langevin gas, weights within 8 % of each other, would otherwise
#: swap on noise).
WEIGHTED_GAIN = 0.7
#: The stabiliser's tolerance is this many relative errors of the detected fields (at least
#: 0.02, at most 0.3).
TOLERANCE_ERRORS = 3.0


class _Sums:
    """Per (block, species) sums over frames and particles; enough for every estimate.

    ``z`` is the velocity one frame earlier, the instrument (see :func:`_response`).
    """

    _KEYS = ("frames", "particles", "a", "v", "z", "aa", "az", "vz", "va", "vv",
             "within_az", "within_vz", "within_aa", "within_va", "within_vv", "square",
             "w", "wa", "wv")

    def __init__(self, blocks: int, n_species: int) -> None:
        shape = (blocks, n_species)
        for key in self._KEYS:
            extra = () if key in ("frames", "particles", "square", "w") else \
                (3,) if key in ("a", "v", "z", "wa", "wv") else (3, 3)  # fmt: skip
            setattr(self, key, np.zeros((*shape, *extra)))
        self.weighted = False

    def add(self, block: np.ndarray, species: np.ndarray, velocities: np.ndarray,
            accelerations: np.ndarray, earlier: np.ndarray,
            weights: np.ndarray | None = None) -> None:  # fmt: skip
        """Frames ``(B, N, 3)``, the velocities a frame earlier, and the frames' blocks;
        ``weights`` ``(B, N)``, where given, for the weighted means (``w``, ``wa``, ``wv``)."""
        self.weighted = self.weighted or weights is not None
        for s in np.unique(species):
            mask = species == s
            v, a, z = velocities[:, mask], accelerations[:, mask], earlier[:, mask]
            if weights is not None:
                w = weights[:, mask]
                np.add.at(self.w, (block, s), w.sum(axis=1))
                np.add.at(self.wa, (block, s), np.einsum("tp,tpi->ti", w, a))
                np.add.at(self.wv, (block, s), np.einsum("tp,tpi->ti", w, v))
            means = {"a": a.mean(axis=1), "v": v.mean(axis=1), "z": z.mean(axis=1)}
            deviation = {key: x - means[key][:, None] for key, x in zip("avz", (a, v, z))}
            at = (block, s)
            np.add.at(self.frames, at, 1.0)
            np.add.at(self.particles, at, v.shape[1])
            np.add.at(self.square, at, np.einsum("tpi,tpi->t", a, a))
            for key in ("a", "v", "z"):
                np.add.at(getattr(self, key), at, means[key])
            for pair in ("aa", "az", "vz", "va", "vv"):
                first, second = means[pair[0]], means[pair[1]]
                np.add.at(getattr(self, pair), at, np.einsum("ti,tj->tij", first, second))
                first, second = deviation[pair[0]], deviation[pair[1]]
                np.add.at(getattr(self, f"within_{pair}"), at,
                          np.einsum("tpi,tpj->tij", first, second))  # fmt: skip

    def total(self, drop: int | None = None) -> dict:
        """Sums over blocks (all, or all but block ``drop``), per species."""
        keep = np.ones(len(self.frames), dtype=bool)
        if drop is not None:
            keep[drop] = False
        return {key: getattr(self, key)[keep].sum(axis=0) for key in self._KEYS}


def _instrumental(az: np.ndarray, vz: np.ndarray) -> np.ndarray | None:
    """J from :math:`\\sum \\delta a\\, z^T = J \\sum \\delta v\\, z^T`; None if singular."""
    singular = np.linalg.svd(vz, compute_uv=False)
    if singular[-1] <= 1e-9 * max(singular[0], 1e-300):
        return None
    return np.linalg.solve(vz.T, az.T).T


def _response(sums: dict, s: int, route: str, form: str = "full"
              ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    r"""(E_s, J_s) of species ``s`` by one ``route``: ``"within"`` or ``"between"`` frames.

    Both regress on the velocity through an instrument, the velocity one frame earlier
    (:math:`z`): thermostat noise in :math:`a(t)` is independent of :math:`z` but not of
    :math:`v(t)` - in a stationary Langevin run :math:`\langle a \cdot v \rangle = 0`
    exactly, so ordinary least squares sees no drag at all and reads a field balanced by
    drag as zero. For deterministic dynamics both give the least-squares answer.

    ``form`` keeps J whole (``"full"``), or projects it on what uniform fields and drag can
    make, :math:`c [B]_\times - \gamma I` (``"physical"``: ``1e + 0e``), or on the drag alone
    (``"isotropic"``) before E is read: J's symmetric traceless (``2e``) part is never
    physics, only scatter, and times the mean velocity it turned E (a Langevin run at
    terminal speed 3: E 4.5 degrees off with the full J, 0.6 degrees with the drag alone).
    """
    frames = sums["frames"][s]
    nan = (np.full(3, np.nan), np.full((3, 3), np.nan))
    if frames == 0:
        return nan
    a, v, z = (sums[key][s] / frames for key in ("a", "v", "z"))
    if route == "within":
        jacobian = _instrumental(sums["within_az"][s], sums["within_vz"][s])
        if jacobian is None:
            return nan
    else:
        az = sums["az"][s] - frames * np.outer(a, z)
        vz = sums["vz"][s] - frames * np.outer(v, z)
        # momentum conservation can freeze the frames' mean velocity: no J from them then
        jacobian = _instrumental(az, vz)
        if jacobian is None:
            jacobian = np.zeros((3, 3))
    drag = np.trace(jacobian) / 3 * np.eye(3)
    if form == "isotropic":
        jacobian = drag
    elif form == "physical":
        jacobian = (jacobian - jacobian.T) / 2 + drag
    return a - jacobian @ v, jacobian


def _weighted_polar(sums: dict, s: int, route: str, form: str) -> np.ndarray:
    r""":math:`E_s` from the weighted means (:mod:`symbreak.tasks.neighbour_scatter`),
    :math:`(\sum w a - J_s \sum w v) / \sum w`, with J by ``route`` in ``form``."""
    weight = sums["w"][s]
    if not weight > 0:
        return np.full(3, np.nan)
    jacobian = _response(sums, s, route, form)[1]
    return (sums["wa"][s] - jacobian @ sums["wv"][s]) / weight


def _axial(jacobian: np.ndarray) -> np.ndarray:
    antisymmetric = (jacobian - jacobian.T) / 2
    return np.array([antisymmetric[1, 2], antisymmetric[2, 0], antisymmetric[0, 1]])


def _parts(jacobian: np.ndarray) -> tuple[np.ndarray, float, float]:
    """B (1e), drag γ = -tr J / 3 (0e) and the size of J's symmetric traceless part (2e)."""
    symmetric = (jacobian + jacobian.T) / 2
    drag = -float(np.trace(jacobian)) / 3
    return _axial(jacobian), drag, float(np.linalg.norm(symmetric + drag * np.eye(3)))


@dataclass(frozen=True)
class FieldStatistics:
    """Per-species uniform fields of the data with their standard errors (data's units).

    Attributes
    ----------
    species_names : tuple of str
    polar, axial : (S, 3) arrays
        :math:`E_s` and :math:`B_s` (the coupling :math:`(q/m)_s` included).
    polar_error, axial_error : (S,) arrays
        Lengths of their standard-error vectors (jackknife over blocks of frames).
    drag, drag_error : (S,) arrays
        :math:`\\gamma_s = -\\mathrm{tr}\\,J_s / 3` (``0e``: it breaks nothing).
    anisotropy, anisotropy_error : (S,) arrays
        Frobenius size of J's symmetric traceless part (``2e``) and its error.
    rms_acceleration, rms_velocity : float
    uniform_field_mse : float
        Mean square residual (per component) of :math:`a = E_s + J_s v`: what uniform fields
        and drag leave, interactions and noise.
    frames, blocks : int
    equal_time_drag : (S,) array
        The drag ordinary least squares at equal times sees (:math:`-\\mathrm{tr}\\,J/3` of
        :math:`\\sum \\delta a\\, \\delta v^T (\\sum \\delta v\\, \\delta v^T)^{-1}`): 0 in a
        stationary Langevin run whatever its γ, because the thermostat's noise correlates
        with v as much as the drag does (fluctuation-dissipation).
    mean_velocity : (S, 3) array
        Each species' mean velocity over the frames.
    total_force, total_force_error : (3,) array and float, or None
        :math:`Q E` (or :math:`M g`) from the total momentum, where the file gives every
        particle's mass and no B is detected
        (:func:`~symbreak.tasks.momentum_balance.uniform_force`), and its jackknife error.
    weighted_polar : (S,) array of 0/1, or None
        1 where the species' E is the mean with particles weighted by their scatter about the
        pair forces (:mod:`symbreak.tasks.neighbour_scatter`), the more precise there.
    """

    species_names: tuple[str, ...]
    polar: np.ndarray
    polar_error: np.ndarray
    axial: np.ndarray
    axial_error: np.ndarray
    drag: np.ndarray
    drag_error: np.ndarray
    anisotropy: np.ndarray
    anisotropy_error: np.ndarray
    rms_acceleration: float
    rms_velocity: float
    uniform_field_mse: float
    frames: int
    blocks: int
    equal_time_drag: np.ndarray | None = None
    mean_velocity: np.ndarray | None = None
    total_force: np.ndarray | None = None
    total_force_error: float | None = None
    weighted_polar: np.ndarray | None = None

    # ------------------------------------------------------------------ detection
    def combined(self, kind: str) -> tuple[np.ndarray, float]:
        """One ``"polar"`` (E) or ``"axial"`` (B) vector from every species, and its error.

        Each species sees the field with its own coupling, :math:`V_s = c_s u + \\epsilon_s`,
        so the common axis u is the principal axis of :math:`\\sum_s V_s V_s^T / \\sigma_s^2`
        (maximum likelihood for isotropic errors :math:`\\sigma_s`): opposite charges add up
        instead of cancelling. Its length is the best-measured species' projection, and
        its error that length over the combined significance
        :math:`\\sqrt{\\lambda_{max}}` (one species: its own vector and error).

        E's axis comes instead from the total force (:attr:`total_force`, where the file
        gives the masses) when that is the more precise: pair forces cancel in it exactly,
        while they scatter the species' means (:meth:`estimator` says which).
        """
        vector, error = self._species_combined(kind)
        if kind != "polar" or self.estimator(kind) == "species":
            return vector, error
        force = np.asarray(self.total_force)
        axis = force / np.linalg.norm(force)
        relative = self.total_force_error / float(np.linalg.norm(force))
        vectors = np.nan_to_num(self.polar)
        reference = int(np.argmax(np.abs(vectors @ axis) / np.maximum(self.polar_error, 1e-300)))
        length = float(vectors[reference] @ axis) or float(np.linalg.norm(vector))
        return axis * length, abs(length) * relative

    def estimator(self, kind: str) -> str:
        """Which estimate gives the ``kind``'s axis: ``"total force"`` (momentum balance,
        where the masses are known, no B is detected, and it is the more precise relative to
        its size, above :data:`DETECTION` errors) or ``"species"`` (per-species means)."""
        if kind != "polar" or self.total_force is None or self.total_force_error is None:
            return "species"
        size = float(np.linalg.norm(self.total_force))
        if not size > DETECTION * self.total_force_error:
            return "species"  # a neutral system: no total force to read E from
        vector, error = self._species_combined(kind)
        length = float(np.linalg.norm(vector))
        species_relative = error / length if length > 0 else float("inf")
        return "total force" if self.total_force_error / size < species_relative else "species"

    def _species_combined(self, kind: str) -> tuple[np.ndarray, float]:
        vectors, errors = np.nan_to_num(getattr(self, kind)), getattr(self, f"{kind}_error")
        # exact data have a jackknife error of exactly 0: precise to rounding, not unusable
        scale = self.rms_acceleration / (self.rms_velocity if kind == "axial" else 1.0)
        errors = np.maximum(errors, ROUNDING * scale)
        usable = np.isfinite(errors) & (errors > 0)
        if not usable.any():
            return np.zeros(3), float("inf")
        weights = np.where(usable, 1 / np.where(usable, errors, 1.0) ** 2, 0.0)
        scatter = np.einsum("s,si,sj->ij", weights, vectors, vectors)
        values, axes = np.linalg.eigh(scatter)
        axis, significance = axes[:, -1], float(np.sqrt(max(values[-1], 0.0)))
        reference = int(np.argmax(np.abs(vectors @ axis) * np.sqrt(weights)))
        projection = float(vectors[reference] @ axis)
        if significance == 0 or projection == 0:
            return np.zeros(3), float("inf")
        return axis * projection, abs(projection) / significance

    def detected(self, kind: str) -> bool:
        """Whether the combined ``"polar"`` (E) or ``"axial"`` (B) field stands above
        :data:`DETECTION` of its standard errors (and above rounding, :data:`NEGLIGIBLE`)."""
        vector, error = self.combined(kind)
        size = float(np.linalg.norm(vector))
        scale = self.rms_acceleration / (self.rms_velocity if kind == "axial" else 1.0)
        return bool(size > DETECTION * error and size > NEGLIGIBLE * scale)

    def vectors(self) -> dict[str, np.ndarray]:
        """``{"1o": E, "1e": B}`` of the detected combined fields, for the stabiliser."""
        return {irrep: self.combined(kind)[0] for irrep, kind in (("1o", "polar"),
                ("1e", "axial")) if self.detected(kind)}  # fmt: skip

    def tolerance(self) -> float:
        """The stabiliser's tolerance: :data:`TOLERANCE_ERRORS` relative errors of the
        detected fields, at least 0.02 (fitted fields), at most 0.3."""
        relative = [0.0]
        for kind in ("polar", "axial"):
            if self.detected(kind):
                vector, error = self.combined(kind)
                relative.append(error / float(np.linalg.norm(vector)))
        return float(np.clip(TOLERANCE_ERRORS * max(relative), 0.02, 0.3))

    def group(self):
        """The data's group: the stabiliser of the detected fields of every species."""
        from symbreak.symmetry import stabilizer

        return stabilizer(self.vectors(), tolerance=self.tolerance())

    def reference(self) -> int:
        """The species whose fields stand furthest above their errors."""
        significance = (np.linalg.norm(self.polar, axis=1) / np.maximum(self.polar_error, 1e-300)
                        + np.linalg.norm(self.axial, axis=1)
                        / np.maximum(self.axial_error, 1e-300))  # fmt: skip
        return int(np.argmax(np.nan_to_num(significance, nan=-1.0)))

    def common_fields(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fields reported once, each species with its signed coupling (:func:`couple`):
        along the combined directions (:meth:`combined`), as long as the reference species
        measures them."""
        polar, axial = np.nan_to_num(self.polar), np.nan_to_num(self.axial)
        reference = self.reference()
        E, B = self.combined("polar")[0], self.combined("axial")[0]
        E = _along(E, polar[reference])
        B = _along(B, axial[reference])
        stacked_polar = np.vstack([polar, E])
        stacked_axial = np.vstack([axial, B])
        E, B, couplings = couple(stacked_polar, stacked_axial, self.rms_velocity, len(polar))
        return E, B, couplings[:-1]

    def describe(self) -> str:
        """One sentence: what the data's own least squares find, with errors, drag and scatter."""
        E, B, _ = self.common_fields()
        found = []
        for kind, name, vector in (("polar", "E", E), ("axial", "B", B)):
            size, error = float(np.linalg.norm(vector)), self.combined(kind)[1]
            state = "detected" if self.detected(kind) else "not detected"
            if self.detected(kind):  # the axis's standard error, as an angle
                state += f", axis to {np.degrees(np.arctan(error / size)):.2g}°"
                if self.estimator(kind) == "total force":
                    state += " from the total force Σ m a, where pair forces cancel"
            found.append(f"{name} {size:.3g} ± {error:.2g} ({state})")
        weighted = [name for name, flag in zip(self.species_names, np.atleast_1d(
            self.weighted_polar if self.weighted_polar is not None else []), strict=False) if flag]
        if weighted:
            found[0] += (f", read for {', '.join(weighted)} with each particle weighted by the "
                         "inverse of its scatter about the pair forces")  # fmt: skip
        rows = zip(self.species_names, self.drag, self.drag_error, strict=True)
        drag = ", ".join(f"{name} {g:.3g} ± {e:.2g}" for name, g, e in rows)
        scatter = np.sqrt(self.uniform_field_mse)
        share = (f"{scatter / self.rms_acceleration:.2g} of the rms acceleration"
                 if self.rms_acceleration > 0 else "no particle accelerates")  # fmt: skip
        return (f"The data's own least squares over {self.frames} frames ({self.blocks}-block "
                f"jackknife errors): {'; '.join(found)}; drag γ (0e, breaks nothing): {drag}; "
                f"stochastic scatter left: rms {scatter:.3g} per component ({share}).")  # fmt: skip

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict:
        """JSON-ready (the run's ``config.preparation.field_statistics``)."""
        polar, axial, couplings = self.common_fields()
        out = {key: (value.tolist() if isinstance(value, np.ndarray) else value)
               for key, value in vars(self).items()}  # fmt: skip
        out["species_names"] = list(self.species_names)
        out.update(group=self.group().name, tolerance=self.tolerance(),
                   estimators={kind: self.estimator(kind) for kind in ("polar", "axial")},
                   detected={kind: self.detected(kind) for kind in ("polar", "axial")},
                   common={"polar": polar.tolist(), "axial": axial.tolist(),
                           "couplings": couplings.tolist()})  # fmt: skip
        return out

    @classmethod
    def from_dict(cls, data: dict) -> FieldStatistics:
        names = set(cls.__dataclass_fields__) - {"species_names"}
        values = {key: (np.asarray(value, dtype=np.float64) if isinstance(value, list) else value)
                  for key, value in data.items() if key in names}  # fmt: skip
        values["species_names"] = tuple(data["species_names"])
        return cls(**values)


def _along(direction: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``vector`` projected on ``direction`` (the direction's own sign kept)."""
    norm = float(np.linalg.norm(direction))
    if norm == 0:
        return np.zeros(3)
    unit = direction / norm
    return unit * abs(float(unit @ vector))


def couple(polar: np.ndarray, axial: np.ndarray, speed: float, reference: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Fields reported once, each species with its signed coupling.

    The reference species' E and B are the fields (coupling 1); every species' coupling
    :math:`c_s` is the least squares :math:`(E_s, B_s) \\approx c_s (E, B)` (B weighted by
    the rms ``speed``, so both are accelerations). Opposite charges get opposite signs
    instead of cancelling in an average.

    >>> E, B, c = couple(np.array([[1.0, 0, 0], [-2.0, 0, 0]]), np.zeros((2, 3)), 1.0, 0)
    >>> E.tolist(), c.tolist()
    ([1.0, 0.0, 0.0], [1.0, -2.0])
    """
    E, B = polar[reference], axial[reference]
    weight = speed**2
    norm = E @ E + weight * B @ B
    couplings = (polar @ E + weight * axial @ B) / norm if norm > 0 else np.zeros(len(polar))
    return E, B, couplings


def field_statistics(
    batches: Iterable, species_names: tuple[str, ...], total_frames: int, blocks: int = BLOCKS
) -> FieldStatistics:
    """Stream whole frames (objects with ``velocities``, ``accelerations`` ``(B, N, 3)`` and
    ``species`` ``(N,)``, in time order) into per-species fields and their errors.

    >>> from types import SimpleNamespace as Frames
    >>> rng = np.random.default_rng(0)
    >>> v = rng.normal(size=(200, 8, 3))
    >>> E, B = np.array([0.0, 0, 0.3]), np.array([0.0, 0, 1.0])
    >>> a = E + np.cross(v, B) + 0.01 * rng.normal(size=v.shape)
    >>> stats = field_statistics([Frames(velocities=v, accelerations=a, species=np.zeros(8, int))],
    ...                          ("X",), 200)
    >>> (stats.polar.round(2) + 0.0).tolist(), stats.group().name
    ([[0.0, 0.0, 0.3]], 'Cinf')
    >>> bool(np.allclose(stats.axial, [[0.0, 0.0, 1.0]], atol=0.03))  # lagged instrument
    True
    """
    n_species = len(species_names)
    blocks = max(2, min(blocks, total_frames // 2))
    sums, seen, last = _Sums(blocks, n_species), 0, (None, None)
    # the total force needs every particle's mass, in one closed set of particles
    momentum, trajectories = MomentumSums(blocks), set()
    for batch in batches:
        velocities = np.asarray(batch.velocities)
        trajectory = getattr(batch, "trajectory", None)
        earlier = velocities[:-1]
        if last[0] == trajectory and last[1] is not None:
            earlier = np.concatenate([last[1][None], earlier])
            frames = slice(0, len(velocities))
        else:  # the first frame of a trajectory has no earlier velocity
            frames = slice(1, len(velocities))
        last = (trajectory, velocities[-1])
        count = len(velocities)
        block = np.minimum((np.arange(seen, seen + count) * blocks) // max(total_frames, 1),
                           blocks - 1)[frames]  # fmt: skip
        seen += count
        masses = getattr(batch, "masses", None)
        trajectories.add(trajectory)
        if masses is None:
            momentum = None
        if len(block):
            accelerations = np.asarray(batch.accelerations)[frames]
            weights = getattr(batch, "weights", None)
            sums.add(block, np.asarray(batch.species), velocities[frames], accelerations,
                     earlier, None if weights is None else np.asarray(weights)[frames])
            if momentum is not None:
                momentum.add(block, np.asarray(masses, dtype=np.float64), velocities[frames],
                             accelerations, earlier)  # fmt: skip
    if len(trajectories) != 1:
        momentum = None
    return _statistics(sums, tuple(species_names), seen, momentum)


def _statistics(sums: _Sums, species_names: tuple[str, ...], frames: int,
                momentum: MomentumSums | None = None) -> FieldStatistics:  # fmt: skip
    n_species = len(species_names)
    total = sums.total()
    used = [k for k in range(len(sums.frames)) if sums.frames[k].sum() > 0]
    dropped = [sums.total(drop=k) for k in used]

    def jackknife(route: str, extract, form: str = "full") -> tuple[np.ndarray, np.ndarray]:
        return jackknife_of(lambda part, s: extract(*_response(part, s, route, form)))

    def jackknife_of(estimate) -> tuple[np.ndarray, np.ndarray]:
        value = np.array([estimate(total, s) for s in range(n_species)])
        copies = np.array([[estimate(part, s) for s in range(n_species)] for part in dropped])
        k = len(copies)
        spread = ((k - 1) / k * ((copies - copies.mean(axis=0)) ** 2).sum(axis=0)) if k > 1 \
            else np.full_like(value, np.inf)  # fmt: skip
        error = np.sqrt(spread.reshape(len(value), -1).sum(axis=1))
        return value, error

    # E: from whichever route pins it down better, species by species (free fall: the frames'
    # means, exact; Langevin at terminal speed: the within-frame drag, then E = γ v̄)
    # J: within frames wherever a species has two particles or more (far more data)
    within_ok = np.isfinite(jackknife("within", lambda E, J: E)[1])
    jacobian_route = ["within" if ok else "between" for ok in within_ok]
    parts = {}
    for name, extract in (("axial", lambda E, J: _axial(J)),
                          ("drag", lambda E, J: np.array([_parts(J)[1]])),
                          ("anisotropy", lambda E, J: np.array([_parts(J)[2]]))):  # fmt: skip
        by_route = {route: jackknife(route, extract) for route in ("within", "between")}
        parts[name] = tuple(np.array([by_route[r][i][s] for s, r in enumerate(jacobian_route)])
                            for i in (0, 1))  # fmt: skip
    axial_floor = ROUNDING * max(float(np.sqrt(total["square"].sum()
                                               / max(total["particles"].sum(), 1.0))), 1e-300)
    magnetic = bool(np.sqrt(np.nansum((np.linalg.norm(parts["axial"][0], axis=1)
                                       / np.maximum(parts["axial"][1], axial_floor)) ** 2))
                    > DETECTION)  # fmt: skip
    # E: from whichever route pins it down better, species by species (free fall: the frames'
    # means, exact; Langevin at terminal speed: the within-frame drag, then E = γ v̄)
    form = "physical" if magnetic else "isotropic"
    routes = {route: jackknife(route, lambda E, J: E, form) for route in ("within", "between")}
    choose = within_ok & (routes["within"][1] < np.nan_to_num(routes["between"][1], nan=np.inf))
    polar = np.where(choose[:, None], routes["within"][0], routes["between"][0])
    polar_error = np.where(choose, routes["within"][1], routes["between"][1])
    better = np.zeros(n_species, dtype=bool)
    if sums.weighted:  # particles weighted by their scatter (neighbour_scatter): kept if better
        weighted, weighted_error = jackknife_of(
            lambda part, s: _weighted_polar(part, s, jacobian_route[s], form))
        better = np.nan_to_num(weighted_error, nan=np.inf) \
            < WEIGHTED_GAIN * np.nan_to_num(polar_error, nan=np.inf)  # fmt: skip
        polar = np.where(better[:, None], weighted, polar)
        polar_error = np.where(better, weighted_error, polar_error)
    particles = max(float(total["particles"].sum()), 1.0)
    mean_square_v = sum(np.trace(total["within_vv"][s]) + np.trace(total["vv"][s])
                        * total["particles"][s] / max(total["frames"][s], 1.0)
                        for s in range(n_species))  # fmt: skip
    residual = 0.0
    for s in range(n_species):
        _, jacobian = _response(total, s, jacobian_route[s])
        residual += _residual(total, s, polar[s], jacobian)
    # the total force reads E exactly only without B (q v x B does not sum to Q times a
    # function of the total momentum)
    total_force, total_force_error = None, None
    if momentum is not None and not magnetic:
        total_force, total_force_error, _ = jackknife_force(momentum)
    return FieldStatistics(
        species_names, polar, polar_error, *parts["axial"], parts["drag"][0][:, 0],
        parts["drag"][1], parts["anisotropy"][0][:, 0], parts["anisotropy"][1],
        float(np.sqrt(total["square"].sum() / particles)),
        float(np.sqrt(mean_square_v / particles)) or 1.0,
        float(max(residual, 0.0) / (3 * particles)), frames, len(sums.frames),
        np.array([_equal_time_drag(total, s) for s in range(n_species)]),
        np.array([total["v"][s] / max(total["frames"][s], 1.0) for s in range(n_species)]),
        total_force, total_force_error, better.astype(np.float64),
    )  # fmt: skip


def _equal_time_drag(total: dict, s: int) -> float:
    """:math:`-\\mathrm{tr}\\,J/3` of the within-frame least squares at equal times."""
    within = total["within_vv"][s]
    if np.linalg.eigvalsh(within)[0] <= 1e-9 * max(np.trace(within), 1e-300):
        return float("nan")
    return -float(np.trace(np.linalg.solve(within, total["within_va"][s]))) / 3


def _residual(total: dict, s: int, polar: np.ndarray, jacobian: np.ndarray) -> float:
    """:math:`\\sum_i |a_i - E - J v_i|^2` over species ``s`` from the sums (within-frame
    deviations plus the frames' means, each weighted by the particles of a frame)."""
    if not np.all(np.isfinite(jacobian)):
        return 0.0
    J = jacobian

    def quadratic(aa, va, vv):
        return np.trace(aa) - 2 * np.trace(J @ va) + np.trace(J @ vv @ J.T)

    within = quadratic(*(total[f"within_{k}"][s] for k in ("aa", "va", "vv")))
    frames = max(total["frames"][s], 1.0)
    count = total["particles"][s] / frames
    between = quadratic(total["aa"][s], total["va"][s], total["vv"][s]) \
        - 2 * polar @ (total["a"][s] - J @ total["v"][s]) + frames * polar @ polar  # fmt: skip
    return float(within + count * between)


__all__ = ["BLOCKS", "DETECTION", "FieldStatistics", "couple", "field_statistics"]
