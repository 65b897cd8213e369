"""Activity is decided by size and by the loss: weights the fit does not need never count."""

import numpy as np
import torch

from symbreak.pipeline import task_for_run
from symbreak.report import irrep_rows, needed_margin
from symbreak.symmetry import named_group


def _row(rows, layer, irrep):
    return next(r for r in rows if r.layer == layer and r.irrep == irrep)


def test_needed_margin():
    assert needed_margin(1e-6, 1.0) == 1e-6  # more than all the misfit left
    assert needed_margin(0.5, 1.0) == 1e-2  # or 1 % of the data
    assert needed_margin(0.0, 1.0) == 1e-12  # and more than rounding


def test_unneeded_weights_never_count(fitted):
    run = fitted("cube_to_prism")
    task, network = task_for_run(run), run.network
    initial = run.config["fit"]["initial_loss"]
    group = named_group("Oh")
    weights = network.convolutions[0].relaxed_weights
    where = slice(5, 8)  # layer 0, 1o: the fit keeps it at zero (the data keep inversion)
    saved = weights.detach().clone()
    try:
        with torch.no_grad():
            weights[where] = torch.tensor([0.0, 0.0, 1e-7], dtype=weights.dtype)
        tiny = _row(irrep_rows(network, task, group, initial), 0, "1o")
        with torch.no_grad():
            weights[where] = torch.tensor([0.0, 0.0, 0.3], dtype=weights.dtype)
        large = _row(irrep_rows(network, task, group, initial), 0, "1o")
    finally:
        with torch.no_grad():
            weights.copy_(saved)
    # below the threshold: not even tried
    assert tiny.loss_zeroed is None and not tiny.active and not tiny.significant
    # large and breaking, but zeroing it lowers the loss: the data do not need it
    assert large.relative_breaking_norm > 0.1 and large.loss_zeroed is not None
    assert not large.active and not large.significant
    assert large.interpretation == ""


def test_breaking_norm_is_zero_for_invariant_weights(fitted):
    run = fitted("cube_to_cube")
    rows = irrep_rows(run.network, task_for_run(run), named_group("Oh"),
                      run.config["fit"]["initial_loss"])  # fmt: skip
    for row in rows:
        assert not row.active
        assert row.breaking_norm <= 1e-9 * max(row.norm, 1.0)
    assert all(np.isfinite(r.relative_norm) for r in rows)
