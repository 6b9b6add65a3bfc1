"""The gate explorer and the gate figures: choosing a sentence redraws, nothing recomputes twice."""

import matplotlib
import numpy as np
import pytest

from course_lib.plots.gates import (
    plot_gate_heatmaps,
    plot_gradient_vs_distance,
    plot_lstm_cell,
)
from course_lib.widgets.gates import GateExplorer, gate_explorer

matplotlib.use("Agg")

SENTENCES = [["leave", "boston", "today"], ["arrive", "in", "denver", "at", "noon"]]


def fake_compute(calls):
    def compute(i):
        calls.append(i)
        T = len(SENTENCES[i])
        rng = np.random.default_rng(i)
        return {"gates": {k: rng.random((T, 3)) for k in "ifo"}, "tags": ["O"] * T,
                "predicted": ["O"] * (T - 1) + ["B-x"]}
    return compute


def test_selecting_a_sentence_changes_the_figure_and_caches():
    calls = []
    ex = GateExplorer(SENTENCES, fake_compute(calls))
    first = ex.figure
    labels0 = [t.get_text() for t in first.axes[2].get_xticklabels()]
    assert labels0[0].startswith("leave")
    ex.sentence.value = 1
    assert ex.figure is not first
    labels1 = [t.get_text() for t in ex.figure.axes[2].get_xticklabels()]
    assert len(labels1) == 5 and labels1[0].startswith("arrive")
    ex.sentence.value = 0
    ex.sentence.value = 1
    assert calls == [0, 1]  # each sentence computed once
    assert gate_explorer(SENTENCES, fake_compute([]), index=1) is not None


def test_explorer_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        GateExplorer([], fake_compute([]))
    with pytest.raises(ValueError, match=r"index must lie in \[0, 2\)"):
        GateExplorer(SENTENCES, fake_compute([]), index=2)


def test_heatmap_marks_wrong_predictions_and_checks_shapes():
    gates = {"f": np.full((3, 2), 0.5)}
    fig = plot_gate_heatmaps(SENTENCES[0], gates, tags=["O", "B-a", "O"],
                             predicted=["O", "B-b", "O"])
    ticks = fig.axes[0].get_xticklabels()
    assert [matplotlib.colors.to_hex(t.get_color()) for t in ticks][1] == "#ff0000"
    assert matplotlib.colors.to_hex(ticks[0].get_color()) != "#ff0000"
    with pytest.raises(ValueError, match=r"gates\['f'\] must have shape \(T, H\) with T=3"):
        plot_gate_heatmaps(SENTENCES[0], {"f": np.zeros((4, 2))})


def test_other_figures_return_figures():
    assert len(plot_lstm_cell().axes) == 1
    fig = plot_gradient_vs_distance({"LSTM, init": np.ones(5), "LSTM, trained": np.ones(5)})
    assert [ln.get_linestyle() for ln in fig.axes[0].lines] == ["--", "-"]
    # one row per seed: the median line and a band from the smallest to the largest seed
    seeds = np.array([[1.0, 0.1, 0.01], [3.0, 0.3, 0.03], [2.0, 0.2, 0.02]])
    fig = plot_gradient_vs_distance({"LSTM, trained": seeds}, refs=[(1.0, "one")])
    median, ref = fig.axes[0].lines
    assert np.allclose(median.get_ydata(), [2.0, 0.2, 0.02]) and ref.get_ydata()[0] == 1.0
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert np.isclose(band.min(), 0.01) and np.isclose(band.max(), 3.0)
    assert "(3 seeds)" in fig.axes[0].get_legend().get_texts()[0].get_text()


def test_state_difference_figure():
    from course_lib.plots.gates import plot_state_difference

    a = np.zeros((3, 2))
    b = a.copy()
    b[1:] = 1.0
    fig = plot_state_difference(["go", "arrive", "x"], ["go", "leave", "x"], a, b)
    norms = fig.axes[1].lines[0].get_ydata()  # axes: map, norms, colorbar
    assert np.allclose(norms, [0, np.sqrt(2), np.sqrt(2)])
    assert "≠ leave" in fig.axes[1].get_xticklabels()[1].get_text()
    with pytest.raises(ValueError, match="equal length"):
        plot_state_difference(["a"], ["a", "b"], a, b)
