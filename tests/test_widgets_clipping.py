"""The clipping explorer driven without a browser: choose a threshold, the figure changes."""

from course_lib.experiments.runs import run_adding
from course_lib.widgets.clipping import ClippingExplorer


def test_threshold_slider_trains_lazily_and_caches():
    kw = {"model": "tanh", "T": 5, "lr": 0.5, "steps": 10, "optimizer": "sgd"}
    plain = run_adding(**kw).history
    ex = ClippingExplorer(plain, cache={}, thresholds=(0.1, 1.0), value=0.1, **kw)
    assert ex.redraws == 1 and set(ex.cache) == {0.1}
    png = ex.output.outputs[0]["data"]["image/png"]
    assert ex.slider.description == "threshold" and ex.slider.continuous_update is False
    ex.slider.value = 1.0
    assert ex.redraws == 2 and set(ex.cache) == {0.1, 1.0}
    assert ex.output.outputs[0]["data"]["image/png"] != png
    cached = ex.cache[1.0]
    ex.slider.value = 0.1
    ex.slider.value = 1.0
    assert ex.cache[1.0] is cached  # not retrained


def test_bad_initial_value():
    import pytest

    with pytest.raises(ValueError, match="value"):
        ClippingExplorer(None, thresholds=(0.1,), value=0.5)


def test_plot_functions_return_figures():
    import numpy as np
    from matplotlib.figure import Figure

    from course_lib.plots.clipping import plot_clipping_geometry

    fig = plot_clipping_geometry(np.array([4.0, 1.0]), 2.0, 1.0)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    # the threshold-sweep figures are tested in tests/test_experiments_clipping.py
