"""The ``symbreak`` command: parse, call the library, print. No science here.

Start-up is part of the interface: this module imports typer and nothing heavy, so ``--help``
answers in about 0.3 s; h5py loads only to read data and torch only to fit or load a network,
after the input and every option have been checked (docs/reliability.md).
"""

from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperGroup

from symbreak import __version__, _interrupts
from symbreak.conventions import (
    DEFAULT_RENDER_SIZE,
    DEFAULT_THRESHOLD,
    PAIR_TARGETS,
    PAPER_EXAMPLES,
    PUBLISHED_EXAMPLES,
    REGULARISERS,
    RENDER_FORMATS,
)
from symbreak.errors import DataError, RunError
from symbreak.options import FitOptions

#: The library's defaults, shown by --help and used when an option is not given.
_DEFAULTS = FitOptions()


class _PlainFlags:
    """Show on/off options as plain flags (``--force``), not as ``--force <bool>``."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params


class Command(_PlainFlags, TyperCommand):
    pass


class _PlainConversion:
    """Path, number, text and flag parameters converted by their own type.

    typer 0.29 converts every value through a pydantic ``TypeAdapter``, and importing
    pydantic takes 0.13-0.19 s, a third of ``symbreak modes`` on a small cell (its speed goal
    beside CrystOD, docs/benchmarks.md). With a typer without that layer this changes nothing.
    """

    def get_params(self, ctx):
        params = super().get_params(ctx)
        plain = _plain_runtime_param()
        for param in params if plain is not None else ():
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is None or getattr(param, "_runtime_param", False) is not None:
                continue
            info = descriptor.parameter_info
            bounded = any(getattr(info, b, None) is not None for b in ("min", "max"))
            if descriptor.annotation in _PLAIN_KINDS and info.parser is None and not bounded:
                param._runtime_param = plain(parameter_info=info, annotation=descriptor.annotation)
        return params


_PLAIN_KINDS = {Path: "path", float: "number", int: "integer", str: "text", bool: "flag"}


@functools.cache
def _plain_runtime_param():
    try:
        from typer._coercion import RuntimeParam
    except ImportError:
        return None

    class PlainRuntimeParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            try:
                if self.annotation is bool and not isinstance(value, bool):
                    return {"true": True, "false": False}[str(value).lower()]
                return self.annotation(value)
            except (TypeError, ValueError, KeyError):
                text = f"{value!r} is not a {_PLAIN_KINDS[self.annotation]}."
                raise typer.BadParameter(text, ctx=ctx, param=param) from None

    return PlainRuntimeParam


class _QuickCommand(_PlainConversion, Command):
    pass


class Group(_PlainConversion, _PlainFlags, TyperGroup):
    pass


app = typer.Typer(
    cls=Group,
    help=(
        "Discover symmetry breaking in data with relaxed E(3)-equivariant networks.\n\n"
        "Typical session: `symbreak example cube_to_prism --out prism.h5`, then "
        "`symbreak fit prism.h5 --out runs/prism`, `symbreak explain runs/prism` and "
        "`symbreak render runs/prism --out pictures/`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _Consoles:
    """rich consoles, made when first printed to (rich costs 0.1 s to import)."""

    def __getattr__(self, name: str):
        if name not in ("console", "errors"):  # doctest and inspect probe other names
            raise AttributeError(name)
        from rich.console import Console

        self.console, self.errors = Console(), Console(stderr=True)
        return getattr(self, name)


_consoles = _Consoles()


def _version(value: bool) -> None:
    if value:
        _consoles.console.print(f"symbreak {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    # The help is the Typer's; this callback only adds --version.
    return None


def _choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """A typer choice from one of the conventions' tuples (one source of truth)."""
    return Enum(name, [(value.replace("-", "_"), value) for value in values], type=str)


Target = _choices("Target", PAIR_TARGETS)
Regulariser = _choices("Regulariser", REGULARISERS)
Format = _choices("Format", RENDER_FORMATS)


def fail(message: str, code: int = 2) -> None:
    """One clear sentence on stderr and a non-zero exit; never a traceback."""
    _consoles.errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _load_torch() -> None:
    """Import torch with Ctrl-C held back until it is loaded: a KeyboardInterrupt raised
    inside torch's C++ import code aborts the process (symbreak._interrupts)."""
    with _interrupts.deferred():
        import torch  # noqa: F401


def note(message: str) -> None:
    _consoles.errors.print(f"[yellow]note:[/] {message}", highlight=False, soft_wrap=True)


#: The --help panels of ``fit``: options by namespace (symbreak.options), each kind's its own.
_OUTPUT, _NETWORK, _TRAINING = "Output", "Network", "Training"
_PAIRS, _TRAJECTORIES = "Structure pairs and crystals", "Trajectories"
_EVERY_KIND = "Every kind"


@app.command(cls=Command)
def fit(
    data: Path = typer.Argument(
        ..., metavar="DATA", help="HDF5 file with /pairs or /trajectories (docs/data_format.md), "
        "or the parent structure (CIF, POSCAR, extxyz, xyz, .traj: anything ASE reads)."
    ),
    child: Path = typer.Argument(
        None, metavar="[CHILD]", help="The child structure, when DATA is the parent's file.",
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Run directory to create.",
        rich_help_panel=_OUTPUT,
    ),
    l_relaxed: int = typer.Option(
        _DEFAULTS.model.l_relaxed, help="Highest l of the relaxed weights (both parities).",
        rich_help_panel=_NETWORK,
    ),
    multiplicity: int = typer.Option(
        _DEFAULTS.model.multiplicity, help="Copies of each irrep in the relaxed weights.",
        rich_help_panel=_NETWORK,
    ),
    layers: int = typer.Option(
        None,
        help="Relaxed convolutions, each with its own relaxed weights "
        "(default: each kind's own, 2 for structure pairs and crystals, 1 for trajectories).",
        show_default=False,
        rich_help_panel=_NETWORK,
    ),
    target: Target = typer.Option(
        Target.displacement,
        help="Learn the displacement (1o), or the target position as a "
        "spherical signal (the paper's choice).",
        rich_help_panel=_PAIRS,
    ),
    reg: Regulariser = typer.Option(
        Regulariser.group_lasso,
        help="Penalty on non-scalar relaxed weights: group-lasso switches whole irreps "
        "off exactly; l2 is the paper's.",
        rich_help_panel=_TRAINING,
    ),
    reg_strength: float = typer.Option(
        _DEFAULTS.optimiser.reg_strength, help="λ ≥ 0, relative to the loss at initialisation.",
        rich_help_panel=_TRAINING,
    ),
    epochs: int = typer.Option(
        _DEFAULTS.optimiser.epochs,
        help="Upper bound on optimiser epochs; the fit stops early once converged.",
        rich_help_panel=_TRAINING,
    ),
    seed: int = typer.Option(
        _DEFAULTS.optimiser.seed, help="Seed of the network's initial weights.",
        rich_help_panel=_TRAINING,
    ),
    lr: float = typer.Option(
        _DEFAULTS.optimiser.lr, help="Learning rate > 0 (L-BFGS step scale for pairs).",
        rich_help_panel=_TRAINING,
    ),
    cutoff: float = typer.Option(
        None, help="Edges join points closer than this (input length unit); default: every "
        "pair of a cluster, a crystal's neighbour shells, the interaction range of trajectories.",
        rich_help_panel=_EVERY_KIND,
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace OUT if it is a symbreak run holding nothing else.",
        rich_help_panel=_OUTPUT,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.",
        rich_help_panel=_OUTPUT,
    ),
    symmetry_tolerance: float = typer.Option(
        None,
        help="Length within which the data's symmetry is found "
        "(default: read off the data, inside the lowest clear gap of its tolerance ladder)",
        show_default=False,
        rich_help_panel=_PAIRS,
    ),
    free_symmetry: bool = typer.Option(
        False,
        "--free-symmetry",
        help="Structure pairs: let the relaxed weights leave the invariant subspace of the data's "
        "group (by default they stay in it, so rounding cannot pose as breaking).",
        rich_help_panel=_TRAINING,
    ),
    keep_translation: bool = typer.Option(
        False,
        "--keep-translation",
        help="Keep each target's rigid translation (by default it is removed and "
        "reported: a uniform shift is not a distortion).",
        rich_help_panel=_PAIRS,
    ),
    threads: int = typer.Option(
        None,
        help="Torch threads (default: one for small problems, else the free cores; "
        "also $SYMBREAK_THREADS)",
        show_default=False,
        rich_help_panel=_TRAINING,
    ),
    remove_rotation: bool = typer.Option(
        False,
        "--remove-rotation",
        help="Also remove each target's best rigid rotation (by default it is only "
        "measured: removing it changes what the map keeps).",
        rich_help_panel=_PAIRS,
    ),
    keep_order: bool = typer.Option(
        False,
        "--keep-order",
        help="Keep the target's atom order as the file gives it. By default a cluster "
        "whose target lists its atoms in another order is matched to the source (per species, "
        "least displacement after the best rigid alignment) and the note says so.",
        rich_help_panel=_PAIRS,
    ),
    dt: float = typer.Option(
        None, "--dt", help="Trajectory files (extxyz, .traj, LAMMPS dump, H5MD): time step, "
        "when the file gives none.", show_default=False,
        rich_help_panel=_TRAJECTORIES,
    ),
) -> None:
    """Fit a relaxed E(3)NN to DATA and save the run in OUT.

    At the start only the scalar (0e) relaxed weights are non-zero, so the network is
    exactly equivariant; the irreps that switch on during the fit are the symmetry
    breaking the data need. Ctrl-C stops early and keeps the best model so far.
    """
    from symbreak.options import FitOptions
    from symbreak.run import check_out

    try:  # the options check their own values, before torch loads
        options = FitOptions.from_flat(
            l_relaxed=l_relaxed, multiplicity=multiplicity, layers=layers, target=target.value,
            reg=reg.value, reg_strength=reg_strength, epochs=epochs, seed=seed, lr=lr,
            cutoff=cutoff, symmetry_tolerance=symmetry_tolerance,
            symmetry_adapted=not free_symmetry, keep_translation=keep_translation,
            remove_rotation=remove_rotation, keep_order=keep_order, threads=threads,
        )  # fmt: skip
        inputs = [data] if child is None else [data, child]
        check_out(out, inputs, overwrite=force)
        from symbreak.data.formats import load_input  # h5py/ASE, not torch: fails in < 1 s

        dataset = load_input(inputs, dt)
    except (ValueError, DataError, RunError) as error:
        fail(str(error))
    with _interrupts.deferred():  # torch: see _load_torch
        from symbreak.pipeline import fit_file

    progress = _fit_progress(quiet)
    try:
        with progress:
            bar = progress.add_task("fit", total=epochs, loss=float("nan"))
            path, result = fit_file(
                data,
                out,
                options,
                overwrite=force,
                dataset=dataset,
                on_leftovers=lambda names: note(
                    f"removed {', '.join(names)}, left beside {out} by an interrupted fit."
                ),
                on_restored=lambda name: note(
                    f"put the previous run back as {out}: a fit killed while replacing it had "
                    f"left it aside as {name}."
                ),
                on_epoch=lambda row: progress.update(bar, completed=row.epoch, loss=row.loss),
            )
    except (DataError, RunError) as error:
        fail(str(error))
    _print_fit(result, path)


def _fit_progress(quiet: bool):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]fitting[/]"),
        BarColumn(),
        TextColumn("epoch {task.completed:>4.0f}"),
        TextColumn("loss {task.fields[loss]:.3e}"),
        TimeElapsedColumn(),
        console=_consoles.errors,
        disable=quiet,
        transient=True,
    )


def _print_fit(result, path: Path) -> None:
    state = (
        "converged"
        if result.converged_
        else "interrupted"
        if result.interrupted_
        else "stopped at --epochs"
    )
    _consoles.console.print(
        f"[bold]{state}[/] after {result.epochs_} epochs in {result.seconds_:.2f} s: "
        f"loss {result.loss_:.3e} "
        f"({result.loss_ / max(result.initial_loss_, 1e-300):.1e} of the initial). "
        f"Run saved in [cyan]{path}[/]."
    )
    if result.interrupted_:
        _interrupts.reported = True
        raise typer.Exit(130)


@app.command(cls=Command)
def example(
    name: str = typer.Argument(
        ...,
        metavar="NAME",
        help=f"{', '.join(PAPER_EXAMPLES)}, or a published phase transition cut as a cluster "
        f"(needs symbreak\\[crystals]): {', '.join(PUBLISHED_EXAMPLES)}.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="HDF5 file to write."),
    E: str = typer.Option(None, "--E", help="lorentz only: electric field 'x,y,z'."),
    B: str = typer.Option(None, "--B", help="lorentz only: magnetic field 'x,y,z'."),
    seed: int = typer.Option(
        None, help="Random seed (cube_to_random, lorentz; published clusters: a random frame)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace OUT if it is a file symbreak wrote and nobody changed."
    ),
) -> None:
    """Write one of the paper's example datasets to OUT."""
    from symbreak.data import check_replaceable, make_example
    from symbreak.data.examples import check_example_parameters

    params: dict = {}
    try:
        given = {"E": E, "B": B, "seed": seed}
        check_example_parameters(name, [k for k, v in given.items() if v is not None], "--")
        for key, text in (("E", E), ("B", B)):
            if text is not None:
                params[key] = _vector(text, f"--{key}")
        if seed is not None:
            params["seed"] = seed
        check_replaceable(out, force)
        make_example(name, out, **params)
    except DataError as error:
        fail(str(error))
    except OSError as error:
        _fail_writing(out, error)
    _consoles.console.print(f"wrote [cyan]{out}[/]")


def _fail_writing(out: Path, error: OSError, what: str = "") -> None:
    """A write the file system refused, in one sentence naming the cause (full disk...)."""
    from symbreak.errors import file_system_error

    after = "" if what else "; the file there is kept" if out.exists() else "; nothing was written"
    fail(str(file_system_error(f"cannot write {what}{out}", error, after)))


@app.command(cls=Command)
def explain(
    run: Path = typer.Argument(..., metavar="RUN", help="Run directory written by `symbreak fit`."),
    json_output: bool = typer.Option(
        False, "--json", help="Print the report as JSON (the layout of report.json), nothing else."
    ),
    threshold: float = typer.Option(
        DEFAULT_THRESHOLD,
        help="Relative size (of the layer's whole relaxed weights) above which a block can "
        "count as active; also the relative tolerance of the weights' stabiliser.",
    ),
    tolerance: float = typer.Option(
        None,
        help="Symmetry tolerance for the structures, in their length unit "
        "(default: the one the fit used)",
        show_default=False,
    ),
) -> None:
    """Say which symmetry the fitted network broke, how, and whether it matches the data.

    The report the fit saved (report.json) is shown when it was made with these options by
    this version of symbreak; otherwise it is rebuilt from the run.
    """
    if (run / "sweep.json").is_file():  # a sweep folder: the stability of its answer
        return _explain_sweep(run, json_output, threshold, tolerance)
    import json

    from symbreak.options import check_explain_options
    from symbreak.run import read_saved_report

    try:
        check_explain_options(threshold, tolerance)
        saved = read_saved_report(run, threshold=threshold, tolerance=tolerance)
    except (ValueError, RunError) as error:
        fail(str(error))
    if saved is not None and json_output:  # no torch, no rebuilding: well under a second
        sys.stdout.write(json.dumps(saved, indent=2) + "\n")
        return
    from symbreak.report import Report, build_report, print_report

    report = None
    if saved is not None:
        try:
            report = Report.from_dict(saved)
        except (KeyError, TypeError, ValueError):  # a layout of another version: rebuild
            report = None
    try:
        if report is None:
            _load_torch()
            from symbreak.pipeline import open_run  # the task and torch: only to rebuild

            report = build_report(open_run(run), threshold=threshold, tolerance=tolerance)
    except (DataError, RunError) as error:
        fail(str(error))
    if not (run / "report.json").is_file():
        note(f"{run} has no saved report.json; this report was rebuilt from the run.")
    if json_output:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        print_report(report, _consoles.console)
        _print_run_domains(report)


@app.command(cls=_QuickCommand)
def modes(
    parent: Path = typer.Argument(..., metavar="PARENT", help="The high-symmetry structure "
                                  "(CIF, POSCAR, extxyz, ...), or one file with two frames."),
    child: Path = typer.Argument(None, metavar="CHILD", help="The distorted structure.",
                                 show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print the modes as JSON."),
    other_origin: bool = typer.Option(
        False, "--other-origin", help="Label for the parent's origin moved to its other site of "
        "full symmetry (a perovskite's B site when A is at the origin, and back)."),
    tolerance: float = typer.Option(1e-3, help="spglib's symprec for the groups, in Angstrom."),
    render: Path = typer.Option(
        None, "--render", metavar="DIR", show_default=False, help="Also draw the parent "
        "(structure.png) and one panel per mode of 0.01 A or more, atoms moved by arrows "
        "(modes.png, modes.html), into DIR."),
    exaggeration: float = typer.Option(
        None, "--exaggeration", show_default=False, help="Arrow length per Angstrom of "
        "displacement in --render's pictures; by default the largest is 0.8 of the shortest "
        "bond."),
) -> None:
    """Split a distortion into symmetry modes of the parent (ISODISTORT / AMPLIMODES labels).

    Group theory only, no fit: per irrep of the parent's space group its CDML label, k-point,
    amplitude in Angstrom, isotropy subgroup and role, then the strain's irreps. Two
    clusters (same atoms, same order) get the irreps of the parent's point group (T1u, Eg...).
    """
    import json

    from symbreak.data.modes import read_modes

    try:
        paths = [parent] if child is None else [parent, child]
        result = read_modes(paths, other_origin=other_origin, symprec=tolerance)
    except DataError as error:
        fail(str(error))
    if render is not None:
        _render_modes(result, render, exaggeration)
    if json_output:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    from rich.table import Table

    table = Table(title=result.headline(), title_justify="left")
    for column in result.columns:
        table.add_column(column)
    for row in result.rows():
        table.add_row(*row)
    _consoles.console.print(table)
    for line in [result.sites_line(), result.strain_line(), *result.notes]:
        _consoles.console.print(line, highlight=False)


def _render_modes(result, out: Path, exaggeration: float | None) -> None:
    """``modes --render``: the pictures of a crystal decomposition, listed on stderr."""
    if not getattr(result, "fields", ()):
        fail("--render draws crystal pairs; two clusters have no pictures yet.")
    if exaggeration is not None and not exaggeration > 0:
        fail(f"--exaggeration must be positive, not {exaggeration:g}.")
    import numpy as np

    from symbreak.render import write_mode_pictures

    cell = result.cell @ result.lattice
    inside = np.mod(result.positions @ np.linalg.inv(result.cell) + 1e-9, 1.0) - 1e-9
    positions = inside @ cell  # each atom's image inside the cell drawn
    paths = write_mode_pictures(out, result.to_dict()["modes"], result.fields, positions,
                                result.symbols, cell, exaggeration,
                                result.headline())  # fmt: skip
    for path in paths:
        sys.stderr.write(f"wrote {path}\n")


@app.command(cls=Command)
def convert(
    inputs: list[Path] = typer.Argument(
        ..., metavar="IN...", help="Two structure files (parent, child) or one with two frames; "
        "any format ASE reads (CIF, POSCAR, extxyz, xyz, .traj)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="HDF5 file to write (docs/data_format.md)."),
    dt: float = typer.Option(
        None, "--dt", help="Trajectories: time step, when the file gives none.", show_default=False
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace OUT if it is a file symbreak wrote and nobody changed."
    ),
) -> None:
    """Write what symbreak reads from IN as its HDF5 file OUT, to inspect or fit later.

    Crystals are mapped first (supercell, origin shift, atom matching); the mapping is printed
    and stored in OUT's attribute cell_mappings. One file with three frames or more (extxyz,
    .traj, LAMMPS dump, H5MD) is a trajectory, streamed.
    """
    from symbreak.data import check_replaceable
    from symbreak.data.formats import convert_any

    try:
        check_replaceable(out, force)
        lines = convert_any(inputs, out, dt)
    except DataError as error:
        fail(str(error))
    except OSError as error:
        _fail_writing(out, error)
    _consoles.console.print(f"wrote [cyan]{out}[/]: {lines[0]}")
    for line in lines[1:]:
        _consoles.console.print(line, highlight=False)


@app.command(cls=Command)
def sweep(
    data: Path = typer.Argument(
        ..., metavar="DATA", help="What `symbreak fit` takes: an HDF5 file, a trajectory file, "
        "or the parent structure (CIF, POSCAR, extxyz, xyz, .traj)."
    ),
    child: Path = typer.Argument(
        None, metavar="[CHILD]", help="The child structure, when DATA is the parent's file.",
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Sweep folder (created; rerun to resume)."),
    dt: float = typer.Option(
        None, "--dt", help="Trajectory files: time step, when the file gives none.",
        show_default=False,
    ),
    seeds: int = typer.Option(4, help="Seeds 0 .. N-1 at every hyper-parameter point."),
    l_relaxed: str = typer.Option("2,4,6", help="Comma list of highest relaxed l."),
    reg_strength: str = typer.Option("1e-4,1e-3,1e-2", help="Comma list of λ."),
    reg: str = typer.Option(
        None, help=f"Comma list: {', '.join(REGULARISERS)}.", show_default=False
    ),
    multiplicity: str = typer.Option(None, help="Comma list.", show_default=False),
    layers: str = typer.Option(None, help="Comma list.", show_default=False),
    epochs: str = typer.Option(None, help="Comma list.", show_default=False),
    lr: str = typer.Option(None, help="Comma list.", show_default=False),
    target: str = typer.Option(
        None, help=f"Comma list: {', '.join(PAIR_TARGETS)}.", show_default=False
    ),
    cutoff: str = typer.Option(None, help="Comma list.", show_default=False),
    symmetry_tolerance: str = typer.Option(None, help="Comma list.", show_default=False),
    workers: int = typer.Option(
        None, help="Fits at a time (default: local, one per core; cluster, its CPUs).",
        show_default=False,
    ),
    cpus_per_fit: int = typer.Option(
        None, help="Cores, and torch threads, of each fit (default: cores / workers; 1 on "
        "a cluster).", show_default=False,
    ),
    address: str = typer.Option(
        None, envvar="RAY_ADDRESS", help="Ray cluster (host:port or ray://host:port); "
        "default: a local Ray started for this sweep.", show_default=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Fit DATA over a grid of seeds and hyper-parameters on Ray, one run directory per point
    in OUT; `symbreak explain OUT` says how stable the answer is (docs/sweep.md)."""
    from symbreak.sweep import INSTALL_HINT, grid_from_options, open_sweep, ray_available

    lists = dict(l_relaxed=l_relaxed, reg_strength=reg_strength, reg=reg, epochs=epochs,
                 multiplicity=multiplicity, layers=layers, lr=lr, target=target, cutoff=cutoff,
                 symmetry_tolerance=symmetry_tolerance)  # fmt: skip
    try:
        grid = grid_from_options(lists, seeds)
        for name, value in (("workers", workers), ("cpus-per-fit", cpus_per_fit)):
            if value is not None and value < 1:
                raise ValueError(f"--{name} must be at least 1, not {value}.")
        inputs = [data] if child is None else [data, child]
        open_sweep(out, inputs, grid)
        from symbreak.data.formats import load_input  # the inputs fit takes, checked as fit does

        load_input(inputs, dt)
    except (ValueError, DataError, RunError) as error:
        fail(str(error))
    if not ray_available():
        fail(INSTALL_HINT.replace("[", "\\["))  # rich markup would eat "[sweep]"
    from symbreak.sweep import print_failures, run_sweep, summary_sentence, sweep_progress

    try:
        with sweep_progress(_consoles.errors, quiet) as show:
            state = run_sweep(inputs, out, grid, workers, address, cpus_per_fit,
                              on_progress=show, dt=dt)  # fmt: skip
    except KeyboardInterrupt:
        _interrupts.reported = True
        fail(f"interrupted; the finished points stay in {out}: run the same command again "
             "to finish the sweep.", code=130)  # fmt: skip
    except RunError as error:
        fail(str(error))
    except OSError as error:  # sweep.json or a point's folder: a full or read-only disk
        _fail_writing(out, error, "the sweep ")
    print_failures(state, _consoles.errors)
    _consoles.console.print(summary_sentence(state, out), highlight=False)
    if any(point["status"] != "done" for point in state.points.values()):
        raise typer.Exit(1)


def _explain_sweep(sweep: Path, json_output: bool, threshold: float, tolerance) -> None:
    """`symbreak explain SWEEP`: how stable the sweep's answer is (docs/sweep.md)."""
    import json

    from symbreak.options import check_explain_options
    from symbreak.sweep import analyse_sweep, print_stability

    try:
        check_explain_options(threshold, tolerance)
        stability = analyse_sweep(sweep, threshold, tolerance)
    except (ValueError, DataError, RunError) as error:
        fail(str(error))
    if json_output:
        sys.stdout.write(json.dumps(stability.to_dict(), indent=2) + "\n")
    else:
        print_stability(stability, _consoles.console)


def _print_run_domains(report) -> None:
    """The domains of a single run's residual group in its input group (docs/sweep.md)."""
    from symbreak.sweep import print_domains, run_domains

    print_domains(run_domains(report), _consoles.console)


@app.command(cls=Command)
def render(
    run: Path = typer.Argument(..., metavar="RUN", help="Run directory written by `symbreak fit`."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the pictures (created)."),
    format: Format = typer.Option(  # noqa: A002 - the option is called --format
        Format.png, "--format", help="png pictures, svg or pdf vector graphics for papers, or "
        "html interactive pages for the 3-D views."
    ),
    layer: int = typer.Option(None, "--layer", help="Draw only this layer's relaxed weights."),
    size: str = typer.Option(
        "x".join(map(str, DEFAULT_RENDER_SIZE)), "--size",
        help="Picture size WIDTHxHEIGHT in pixels.",
    ),
) -> None:
    """Draw the relaxed weights, the structures with their symmetry elements and the training
    curve of RUN into OUT; OUT/index.html lists and explains every file."""
    if (run / "sweep.json").is_file():  # a sweep folder: its stability pictures
        return _render_sweep(run, out, size)
    _load_torch()
    with _interrupts.deferred():
        from symbreak.pipeline import open_run
        from symbreak.render import RenderError, parse_size, render_run

    try:
        rendering = render_run(open_run(run), out, format.value, layer, parse_size(size))
    except (DataError, RunError, RenderError) as error:
        fail(str(error))
    except OSError as error:
        _fail_writing(out, error, "the pictures to ")
    for text in rendering.notes:
        note(text)
    _consoles.console.print(
        f"wrote {len(rendering.files)} files to [cyan]{rendering.out}[/]; "
        f"see [cyan]{rendering.index}[/]."
    )


def _render_sweep(sweep: Path, out: Path, size: str) -> None:
    """`symbreak render SWEEP`: the residual-group heat map and the directions sphere."""
    from symbreak.render import RenderError, parse_size, render_sweep
    from symbreak.sweep import analyse_sweep

    try:
        files = render_sweep(analyse_sweep(sweep).to_dict(), out, parse_size(size))
    except (ValueError, DataError, RunError, RenderError) as error:
        fail(str(error))
    except OSError as error:
        _fail_writing(out, error, "the pictures to ")
    _consoles.console.print(f"wrote {', '.join(f.name for f in files)} to [cyan]{out}[/].")


def _vector(text: str, option: str) -> tuple[float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3:
        raise DataError(f"{option} must be three numbers 'x,y,z', not {text!r}.")
    return values

