"""Drive the notebook-05 explorer programmatically: changing a control changes the curve."""

import matplotlib
import numpy as np
import pytest

from course_lib.vanishing import norms_at_scale
from course_lib.widgets.vanishing import (
    GradientNormExplorer,
    explorer_figure,
    gradient_norm_explorer,
)

matplotlib.use("Agg")


@pytest.fixture
def explorer():
    return GradientNormExplorer(T=30, H=8)


def test_default_curve_is_the_static_one(explorer):
    np.testing.assert_array_equal(explorer.norms, norms_at_scale(1.0, "tanh", "orthogonal",
                                                                 T=30, H=8))
    assert explorer.figure.axes[0].get_yscale() == "log"
    assert explorer.scale.continuous_update is False
    fig, norms = explorer_figure(T=30, H=8)  # what the notebook's static cell shows
    np.testing.assert_array_equal(norms, explorer.norms)
    assert fig.axes[0].get_title() == explorer.figure.axes[0].get_title()


def test_scale_moves_the_curve(explorer):
    before = explorer.norms[-1]
    first_figure = explorer.figure
    explorer.scale.value = 2.0
    assert explorer.figure is not first_figure
    assert explorer.norms[-1] > 100 * before  # above 1: exploding
    explorer.scale.value = 0.5
    assert explorer.norms[-1] < 1e-6  # below 1: vanishing
    line = explorer.figure.axes[0].get_lines()[0]
    np.testing.assert_array_equal(line.get_ydata(), explorer.norms)


def test_activation_and_init_change_the_curve(explorer):
    tanh_curve = explorer.norms.copy()
    explorer.nonlinearity.value = "relu"
    assert not np.allclose(explorer.norms, tanh_curve)
    explorer.kind.value = "identity"  # IRNN at init: no vanishing with ReLU and W = I
    assert explorer.norms[-1] > 0.1
    assert "identity" in explorer.figure.axes[0].get_lines()[0].get_label()


def test_results_are_cached(explorer):
    first = explorer.norms
    explorer.scale.value = 1.5
    explorer.scale.value = 1.0
    assert explorer.norms is first  # the cached array, not a recomputation


def test_factory_returns_a_displayable_box():
    import ipywidgets

    assert isinstance(gradient_norm_explorer(T=10, H=4), ipywidgets.VBox)
