"""The trainer picks its strategy from the task and turns ``lr`` into a learning rate once."""

from types import SimpleNamespace

from symbreak.options import OptimiserOptions
from symbreak.trainer import LBFGS, MiniBatchAdam, choose_strategy
from symbreak.trainer._minibatch import ADAM_LR_SCALE, MINIBATCH_ROWS


def test_full_batch_tasks_get_lbfgs_with_lr_as_its_step_scale():
    strategy = choose_strategy(SimpleNamespace(streaming=False, minibatch_rows=None),
                               OptimiserOptions(lr=0.5, tolerance=1e-8))  # fmt: skip
    assert isinstance(strategy, LBFGS)
    assert (strategy.learning_rate, strategy.tolerance) == (0.5, 1e-8)
    assert strategy.lasso_smoothing > 0  # the line search needs a bounded curvature


def test_streaming_tasks_get_adam_at_a_hundredth_of_lr():
    options = OptimiserOptions(lr=2.0)
    default = choose_strategy(SimpleNamespace(streaming=True, minibatch_rows=None), options)
    own = choose_strategy(SimpleNamespace(streaming=True, minibatch_rows=64), options)
    assert isinstance(default, MiniBatchAdam) and ADAM_LR_SCALE == 1e-2
    assert default.learning_rate == ADAM_LR_SCALE * 2.0
    assert (default.rows, own.rows) == (MINIBATCH_ROWS, 64)
    assert default.lasso_smoothing == 0.0  # the proximal step acts on the exact norm
