"""Explorer for Pascanu's error surface: learning rate, start point and T → the descent path.

A thin front-end over :func:`course_lib.plots.surface.plot_surface_trajectories`. The surface
grid for each T is computed once and cached; a slider release (``continuous_update=False``)
reruns one 2-parameter gradient descent (milliseconds) and redraws the figure into an
``Output`` widget as a PNG, so the same code works in JupyterLab, in static HTML and in tests.

References: Pascanu, Mikolov & Bengio, ICML 2013, Fig. 6.
"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.figure import Figure

from course_lib.plots.surface import plot_surface_trajectories
from course_lib.surface import T_DEFAULT, gradient_descent, surface_grid
from course_lib.widgets.common import ExplorerBox, placeholder, show_figure

DEFAULTS = {"lr": 0.2, "w0": 5.0, "b0": -2.5, "T": T_DEFAULT, "steps": 200, "clip": None}
PLACEHOLDER = placeholder("Error-surface")
SLIDER_OPTIONS = {"continuous_update": False, "style": {"description_width": "initial"}}
# Static pages (tools.explorers): a handful of values per control, keyed by the control's
# description; the states are the stored setting and each control moved alone.
SNAPSHOT_CONTROLS = {
    "learning rate": ("lr", (0.01, 0.05, 0.2, 1.0, 5.0)),
    "T": ("T", (10, 25, 50, 75, 100)),
    "start w": ("w0", (2.0, 4.0, 5.0, 6.0, 8.0)),
    "start b": ("b0", (-6.0, -4.0, -2.5, -1.0)),
}


def snapshot_figure(lr: float = DEFAULTS["lr"], w0: float = DEFAULTS["w0"],
                    b0: float = DEFAULTS["b0"], T: int = DEFAULTS["T"],
                    grid_cache: dict | None = None) -> Figure:
    """The explorer's figure for one setting (what a slider release draws)."""
    return default_figure(lr, w0, b0, int(T), grid_cache=grid_cache)[0]


def cached_grid(T: int, grid_cache: dict | None = None):
    """The surface ``(W, B, E)`` for T, from ``grid_cache`` (``{T: (W, B, E, G)}``) when it
    holds it, else computed by :func:`course_lib.surface.surface_grid` and stored there."""
    cache = {} if grid_cache is None else grid_cache
    if T not in cache:
        cache[T] = surface_grid(T=T)
    return cache[T][:3]


def default_figure(lr: float = DEFAULTS["lr"], w0: float = DEFAULTS["w0"],
                   b0: float = DEFAULTS["b0"], T: int = DEFAULTS["T"],
                   steps: int = DEFAULTS["steps"], clip: float | None = None,
                   grid_cache: dict | None = None) -> tuple[Figure, object]:
    """The explorer's figure for one setting: ``(figure, trajectory)``.

    ``grid_cache`` (``{T: (W, B, E, G)}``) avoids recomputing the surface for a known T.
    """
    W, B, E = cached_grid(T, grid_cache)
    tr = gradient_descent((w0, b0), lr, steps, T=T, clip=clip)
    label = f"start ({w0:g}, {b0:g}), lr {lr:g}" + (f", clip {clip:g}" if clip else "")
    fig = plot_surface_trajectories(W, B, E, {label: tr}, colors={label: "C3"},
                                    title=f"E(w, b), T = {T}")
    return fig, tr


def surface_sliders(lr: float, w0: float, b0: float, T: int) -> dict:
    """The sliders every surface explorer has: ``{"lr", "w0", "b0", "T": slider}``, labelled
    "learning rate" (log scale), "start w", "start b", "T"; none redraws while dragged."""
    return {
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1,
                                     description="learning rate", readout_format=".3g",
                                     **SLIDER_OPTIONS),
        "w0": widgets.FloatSlider(value=w0, min=0.0, max=12.0, step=0.25,
                                  description="start w", **SLIDER_OPTIONS),
        "b0": widgets.FloatSlider(value=b0, min=-8.0, max=0.0, step=0.25,
                                  description="start b", **SLIDER_OPTIONS),
        "T": widgets.IntSlider(value=T, min=5, max=100, step=5, description="T",
                               **SLIDER_OPTIONS),
    }


class SurfaceExplorer(ExplorerBox):
    """Sliders "learning rate", "start w", "start b", "T" above an ``Output`` with the figure.

    Attributes:
        sliders: ``{"lr", "w0", "b0", "T": slider}``.
        output: the ``Output`` widget the figure is drawn into.
        figure: the current ``Figure``; trajectory: the current ``Trajectory``.
        redraws: how many times the figure was drawn (tests check it grows).

    Other explorers of the same surface (:mod:`course_lib.widgets.clipping`) subclass it:
    they add sliders, call :meth:`_build` and draw their own figure in :meth:`_draw`.
    """

    def __init__(self, lr: float = DEFAULTS["lr"], w0: float = DEFAULTS["w0"],
                 b0: float = DEFAULTS["b0"], T: int = DEFAULTS["T"],
                 steps: int = DEFAULTS["steps"], clip: float | None = None):
        self.steps, self.clip, self.trajectory = steps, clip, None
        self.sliders = surface_sliders(lr, w0, b0, T)
        self._build([("lr", "T"), ("w0", "b0")], PLACEHOLDER)

    def _build(self, rows, placeholder_text: str) -> None:
        """Lay out ``self.sliders`` in ``rows`` (tuples of keys) above the output, redraw
        whenever one is released, and draw the first figure."""
        self.output = widgets.Output()
        self.figure, self.redraws = None, 0
        self._grids: dict = {}
        super().__init__([*(widgets.HBox([self.sliders[k] for k in row]) for row in rows),
                          self.output], placeholder=placeholder_text)
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self.redraw()

    def _on_change(self, change) -> None:
        self.redraw()

    def _draw(self, v: dict) -> Figure:
        """The figure for the slider values ``v``; keeps the path in ``self.trajectory``."""
        fig, self.trajectory = default_figure(v["lr"], v["w0"], v["b0"], int(v["T"]),
                                              self.steps, self.clip, self._grids)
        return fig

    def redraw(self) -> None:
        """Recompute the path for the sliders' values and show the new figure."""
        self.figure = self._draw({k: s.value for k, s in self.sliders.items()})
        show_figure(self.output, self.figure)
        self.redraws += 1


def surface_explorer(**kwargs) -> SurfaceExplorer:
    """Build the explorer (keyword arguments as :class:`SurfaceExplorer`); display it in a cell."""
    return SurfaceExplorer(**kwargs)
