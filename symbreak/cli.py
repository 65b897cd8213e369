"""The ``symbreak`` command: parse, call the library, print. No science here."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from symbreak.errors import DataError, RunError

app = typer.Typer(
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
console = Console()
errors = Console(stderr=True)


class Target(str, Enum):
    displacement = "displacement"
    signal = "signal"


class Regulariser(str, Enum):
    group_lasso = "group-lasso"
    l2 = "l2"
    none = "none"


def fail(message: str, code: int = 2) -> None:
    """One clear sentence on stderr and a non-zero exit; never a traceback."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def fit(
    data: Path = typer.Argument(
        ..., help="HDF5 file with /pairs or /trajectories (docs/data_format.md)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Run directory to create."),
    l_relaxed: int = typer.Option(4, help="Highest l of the relaxed weights (both parities)."),
    multiplicity: int = typer.Option(1, help="Copies of each irrep in the relaxed weights."),
    layers: int = typer.Option(
        None,
        help="Relaxed convolutions, each with its own relaxed weights "
        "[default: 2 for pairs, 1 for trajectories].",
        show_default=False,
    ),
    target: Target = typer.Option(
        Target.displacement,
        help="Pairs only: learn the displacement (1o), or the target position as a "
        "spherical signal (the paper's choice).",
    ),
    reg: Regulariser = typer.Option(
        Regulariser.group_lasso,
        help="Penalty on non-scalar relaxed weights: group-lasso switches whole irreps "
        "off exactly; l2 is the paper's.",
    ),
    reg_strength: float = typer.Option(1e-3, help="λ, relative to the loss at initialisation."),
    epochs: int = typer.Option(
        400, help="Upper bound on optimiser epochs; the fit stops early once converged."
    ),
    seed: int = typer.Option(0, help="Seed of the network's initial weights."),
    lr: float = typer.Option(1.0, help="Learning rate (L-BFGS step scale for pairs)."),
    cutoff: float = typer.Option(
        None, help="Edges join points closer than this (input length unit); default: every pair."
    ),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Fit a relaxed E(3)NN to DATA and save the run in OUT.

    At the start only the scalar (0e) relaxed weights are non-zero, so the network is
    exactly equivariant; the irreps that switch on during the fit are the symmetry
    breaking the data need. Ctrl-C stops early and keeps the best model so far.
    """
    from symbreak.fit import FitOptions
    from symbreak.pipeline import fit_file

    try:
        options = FitOptions(
            l_relaxed=l_relaxed,
            multiplicity=multiplicity,
            layers=layers,
            target=target.value,
            reg=reg.value,
            reg_strength=reg_strength,
            epochs=epochs,
            seed=seed,
            lr=lr,
            cutoff=cutoff,
        )
    except ValueError as error:
        fail(f"{error}.")
    if out.exists() and not force:
        fail(f"{out} already exists; choose another --out or pass --force to replace it.")
    progress = Progress(
        TextColumn("[bold]fitting[/]"),
        BarColumn(),
        TextColumn("epoch {task.completed:>4.0f}"),
        TextColumn("loss {task.fields[loss]:.3e}"),
        TimeElapsedColumn(),
        console=errors,
        disable=quiet,
        transient=True,
    )
    try:
        with progress:
            bar = progress.add_task("fit", total=epochs, loss=float("nan"))
            path, result = fit_file(
                data,
                out,
                options,
                overwrite=force,
                on_epoch=lambda row: progress.update(bar, completed=row.epoch, loss=row.loss),
            )
    except (DataError, RunError) as error:
        fail(str(error))
    state = (
        "converged"
        if result.converged_
        else "interrupted"
        if result.interrupted_
        else "stopped at --epochs"
    )
    console.print(
        f"[bold]{state}[/] after {result.epochs_} epochs in {result.seconds_:.2f} s: "
        f"loss {result.loss_:.3e} "
        f"({result.loss_ / max(result.initial_loss_, 1e-300):.1e} of the initial). "
        f"Run saved in [cyan]{path}[/]."
    )
    if result.interrupted_:
        raise typer.Exit(130)


@app.command()
def example(
    name: str = typer.Argument(..., help="cube_to_cube, cube_to_prism, cube_to_random or lorentz."),
    out: Path = typer.Option(..., "--out", "-o", help="HDF5 file to write."),
    E: str = typer.Option(None, "--E", help="lorentz: electric field 'x,y,z'."),
    B: str = typer.Option(None, "--B", help="lorentz: magnetic field 'x,y,z'."),
    seed: int = typer.Option(None, help="Random seed (cube_to_random, lorentz)."),
) -> None:
    """Write one of the paper's example datasets to OUT."""
    from symbreak.data import make_example

    params: dict = {}
    try:
        for key, text in (("E", E), ("B", B)):
            if text is not None:
                params[key] = _vector(text, f"--{key}")
        if seed is not None:
            params["seed"] = seed
        make_example(name, out, **params)
    except DataError as error:
        fail(str(error))
    console.print(f"wrote [cyan]{out}[/]")


@app.command()
def explain(
    run: Path = typer.Argument(..., help="Run directory written by `symbreak fit`."),
    json_output: bool = typer.Option(
        False, "--json", help="Print the report as JSON (the layout of report.json), nothing else."
    ),
    threshold: float = typer.Option(
        1e-3,
        help="Relative size (of the layer's 0e weight) above which a relaxed-weight block can "
        "count as active; also the relative tolerance of the weights' stabiliser.",
    ),
    tolerance: float = typer.Option(
        0.01, help="Symmetry tolerance for the structures, in their length unit."
    ),
) -> None:
    """Say which symmetry the fitted network broke, how, and whether it matches the data."""
    import json

    from symbreak.report import build_report, print_report
    from symbreak.run import load_run

    if threshold <= 0 or tolerance <= 0:
        fail("--threshold and --tolerance must be positive.")
    try:
        report = build_report(load_run(run), threshold=threshold, tolerance=tolerance)
    except (DataError, RunError) as error:
        fail(str(error))
    if json_output:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        print_report(report, console)



class Format(str, Enum):
    png = "png"
    html = "html"


@app.command()
def render(
    run: Path = typer.Argument(..., help="Run directory written by `symbreak fit`."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the pictures (created)."),
    format: Format = typer.Option(  # noqa: A002 - the option is called --format
        Format.png, "--format", help="png pictures, or html interactive pages for the 3-D views."
    ),
    layer: int = typer.Option(None, "--layer", help="Draw only this layer's relaxed weights."),
    size: str = typer.Option("1200x600", "--size", help="Picture size WIDTHxHEIGHT in pixels."),
) -> None:
    """Draw the relaxed weights, the structures with their symmetry elements and the training
    curve of RUN into OUT; OUT/index.html lists and explains every file."""
    from symbreak.render import RenderError, parse_size, render_run
    from symbreak.run import load_run

    try:
        rendering = render_run(load_run(run), out, format.value, layer, parse_size(size))
    except (DataError, RunError, RenderError) as error:
        fail(str(error))
    for note in rendering.notes:
        errors.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print(
        f"wrote {len(rendering.files)} files to [cyan]{rendering.out}[/]; "
        f"see [cyan]{rendering.index}[/]."
    )

def _vector(text: str, option: str) -> tuple[float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3:
        raise DataError(f"{option} must be three numbers 'x,y,z', not {text!r}.")
    return values


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="symbreak")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
