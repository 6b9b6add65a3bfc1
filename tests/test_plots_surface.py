"""Notebook 03's surface figure says truthfully where a run that left the window went."""

import matplotlib
import numpy as np

from course_lib.plots.surface import plot_surface_trajectories
from course_lib.surface.descent import Trajectory

matplotlib.use("Agg")


def _run(points, diverged=False):
    p = np.array(points, dtype=float)
    n = len(p) - 1
    return Trajectory(p, np.ones(n + 1), np.ones(n), np.zeros(n, dtype=bool), diverged)


def _annotations(fig):
    """The labels matplotlib actually draws (one whose point is off the axes is skipped unless
    its clipping is off)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    return [t.get_text() for t in fig.axes[0].texts if t._check_xy(renderer)]


def test_a_run_that_leaves_the_window_is_labelled_with_where_it_went():
    w, b = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    e = w ** 2 + b ** 2
    runs = {"stays": _run([[0, 0], [0.1, 0.1]]),
            "thrown": _run([[0, 0], [0.5, 0.5], [30.0, -2.0], [40.0, -3.0]]),
            "returns": _run([[0, 0], [5.0, 0.0], [0.2, 0.1]]),
            "outside": _run([[5.0, 0.0], [0.5, 0.5], [0.1, 0.1]]),
            "overflows": _run([[0, 0], [np.inf, np.nan]], diverged=True)}
    texts = _annotations(plot_surface_trajectories(w, b, e, runs))
    assert "thrown: thrown to (40, -3)" in texts  # where it ended, off the plot
    assert "returns: out at step 1, back" in texts  # no coordinates of a point inside
    assert "outside: starts outside" in texts
    assert "overflows: thrown to NaN/inf" in texts
    assert not any(t.startswith("stays") for t in texts) and len(texts) == 4


def test_the_label_of_a_thrown_run_stays_inside_the_plot():
    """A long label grows leftwards from the right edge instead of running off the plot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    w, b = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    label = "start (6.25, -2.75), learning rate 1.25893, T = 50"
    fig = plot_surface_trajectories(w, b, w ** 2 + b ** 2,
                                    {label: _run([[0, 0], [30.0, -2.0], [40.0, -3.0]])})
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    ax, (text,) = fig.axes[0], fig.axes[0].texts
    box = text.get_bbox_patch().get_window_extent(canvas.get_renderer())
    plot = ax.get_window_extent(canvas.get_renderer())
    assert plot.x0 <= box.x0 and box.x1 <= plot.x1, (box, plot)
