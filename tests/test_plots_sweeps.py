"""The multi-seed figures: what they draw is what the records say (seeds, means, medians)."""

import matplotlib
import numpy as np

from course_lib.plots.sweeps import plot_lr_sweep, plot_seed_curves, plot_seed_scores

matplotlib.use("Agg")


def _records():
    out = []
    for lr, finals in ((0.01, [0.1, 0.3, 0.2]), (0.03, [0.01, 0.02, 0.03])):
        for seed, v in enumerate(finals):
            out.append({"arm": "lstm", "lr": lr, "seed": seed, "valid": [0.5, v],
                        "diverged": False})
    out.append({"arm": "lstm", "lr": 0.03, "seed": 3, "valid": [0.5, 9.0], "diverged": False})
    out.append({"arm": "lstm", "lr": 0.01, "seed": 4, "valid": [], "diverged": True})
    return out


def test_lr_sweep_draws_the_tuning_seeds_their_means_and_the_selected_ring():
    fig = plot_lr_sweep({"adding": _records()}, selected={("adding", "lstm"): 0.03},
                        refs={"adding": [(1 / 6, "baseline")]}, seeds=range(3))
    ax = fig.axes[0]
    dots = [ln for ln in ax.lines if ln.get_marker() == "o" and ln.get_markersize() == 4]
    drawn = sorted(np.concatenate([d.get_ydata() for d in dots]).tolist())
    assert drawn == sorted([0.1, 0.3, 0.2, 0.01, 0.02, 0.03])  # seed 3 (not tuning) left out
    mean_line = next(ln for ln in ax.lines if ln.get_linestyle() == "-" and len(ln.get_xdata()) == 2)
    np.testing.assert_allclose(mean_line.get_ydata(), [0.2, 0.02])
    ring = next(ln for ln in ax.lines if ln.get_markersize() == 13)
    np.testing.assert_allclose(ring.get_ydata(), [0.02])
    assert any(ln.get_label() == "baseline" for ln in ax.lines)


def test_lr_sweep_leaves_diverged_runs_out_of_the_mean():
    fig = plot_lr_sweep({"adding": _records()})  # all seeds: lr 0.01 has a diverged seed 4
    mean_line = next(ln for ln in fig.axes[0].lines
                     if ln.get_linestyle() == "-" and len(ln.get_xdata()) == 2)
    np.testing.assert_allclose(mean_line.get_ydata(), [0.2, np.mean([0.01, 0.02, 0.03, 9.0])])


def test_seed_scores_show_every_seed_and_the_median():
    fig = plot_seed_scores({"cue": {"LSTM": [0.25, 0.5, 1.0], "GRU": [1.0, 1.0, 1.0]}},
                           refs={"cue": [(0.95, "solved")]})
    ax = fig.axes[0]
    dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert [len(d.get_xdata()) for d in dots] == [3, 3]
    bars = [ln for ln in ax.lines if ln.get_color() == "k"]
    assert [b.get_xdata()[0] for b in bars] == [0.5, 1.0]  # medians, not means
    ref = next(ln for ln in ax.lines if ln.get_label() == "solved")
    assert list(ref.get_xdata()) == [0.95, 0.95]  # a vertical line: scores run along x
    assert [t.get_text() for t in ax.get_yticklabels()] == ["LSTM", "GRU"]


def test_seed_curves_one_panel_per_model_one_line_per_seed():
    fig = plot_seed_curves({"a": [([1, 2], [0.1, 0.2])] * 3, "b": [([1, 2], [1.0, 2.0])]},
                           ylabel="score", refs=[(10.0, "ten")], log=True)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 3 + 1 and len(fig.axes[1].lines) == 1 + 1
    assert fig.axes[0].get_yscale() == "log" and "3 seeds" in fig.axes[0].get_title()


def test_lr_sweep_keeps_one_colour_per_arm_across_panels():
    a = [{"arm": arm, "lr": 0.01, "seed": 0, "valid": [0.1], "diverged": False}
         for arm in ("tanh", "gru")]
    b = [{"arm": arm, "lr": 0.01, "seed": 0, "valid": [0.5], "diverged": False}
         for arm in ("gru", "tanh")]
    fig = plot_lr_sweep({"one": a, "two": b}, labels={"tanh": "tanh RNN", "gru": "GRU"})
    colour = [{ln.get_label(): ln.get_color() for ln in ax.lines if not ln.get_label().startswith("_")}
              for ax in fig.axes]
    assert colour[0] == colour[1] and colour[0]["tanh RNN"] != colour[0]["GRU"]
