"""Notebook 05's figures draw the data they are given (checked through the Matplotlib objects)."""

import math

import matplotlib
import numpy as np

from course_lib.plots import vanishing as vplots

matplotlib.use("Agg")


def test_gradient_norm_panels_one_panel_per_setting():
    curves = {"ρ = 0.5": 0.5 ** np.arange(5.0), "ρ = 2": 2.0 ** np.arange(5.0)}
    fig = vplots.plot_gradient_norm_panels(curves, {k: v * 1.0 for k, v in curves.items()})
    assert len(fig.axes) == 2
    for ax, (label, norms) in zip(fig.axes, curves.items(), strict=True):
        assert ax.get_yscale() == "log" and label in ax.get_title()
        np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), norms)
    assert "1.6e+01" in fig.axes[1].get_title()  # the end value is in the title


def test_jacobian_norms_figure_marks_the_bound_one():
    steps = np.array([[1.1, 1.2, 1.05], [1.0, 1.3, 1.1]])
    fig = vplots.plot_jacobian_norms(steps, np.array([1.0, 0.1, 0.01]))
    left, right = fig.axes
    np.testing.assert_array_equal(left.get_lines()[0].get_ydata(), np.median(steps, axis=0))
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in left.get_lines())
    assert right.get_yscale() == "log"


def test_budget_curves_one_line_per_seed():
    acc = {"d = 10": [[0.5, 1.0], [1.0, 1.0]], "d = 100": [[0.25, 0.3], [0.2, 0.7]]}
    fig = vplots.plot_budget_curves([250, 500], acc, chance=0.25, seeds=[3, 4])
    assert len(fig.axes) == 2
    lines = fig.axes[1].get_lines()
    np.testing.assert_array_equal(lines[1].get_ydata(), [0.2, 0.7])
    assert lines[1].get_label() == "seed 4"


def test_attractor_figure_shows_means_and_every_seed():
    acc = np.array([[1.0, 1.0, 0.9], [0.0, 0.1, 0.0]])
    fol = 1 - acc
    fig = vplots.plot_attractor([10, 100], acc, fol, chance=0.25)
    ydata = [list(line.get_ydata()) for line in fig.axes[0].get_lines()]
    assert list(acc.mean(axis=1)) in ydata and list(fol.mean(axis=1)) in ydata
    assert sum(len(y) == 2 for y in ydata) >= 2 * 3  # a dot series per seed and quantity


def test_lr_sweep_rings_the_chosen_rate_and_draws_divergence_at_the_top():
    sweep = {"irnn": {"0.001": 0.05, "0.01": math.inf}, "lstm": {"0.001": 0.1, "0.01": 0.001}}
    fig = vplots.plot_lr_sweep(sweep, {"irnn": "0.001", "lstm": "0.01"}, baseline=1 / 6)
    irnn, lstm = fig.axes
    np.testing.assert_array_equal(irnn.get_lines()[0].get_ydata(), [0.05, 1.0])
    ring = lstm.get_lines()[1]
    assert list(ring.get_xdata()) == [0.01] and list(ring.get_ydata()) == [0.001]


def test_seed_scores_every_seed_is_a_dot():
    fig = vplots.plot_seed_scores({"IRNN": [0.05, 0.1, 0.02], "LSTM": [1e-3, 2e-3, 1e-3]},
                                  baseline=1 / 6)
    ax = fig.axes[0]
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [len(d.get_ydata()) for d in dots] == [3, 3]
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["IRNN", "LSTM"]
