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


def default_figure(lr: float = DEFAULTS["lr"], w0: float = DEFAULTS["w0"],
                   b0: float = DEFAULTS["b0"], T: int = DEFAULTS["T"],
                   steps: int = DEFAULTS["steps"], clip: float | None = None,
                   grid_cache: dict | None = None) -> tuple[Figure, object]:
    """The explorer's figure for one setting: ``(figure, trajectory)``.

    ``grid_cache`` (``{T: (W, B, E, G)}``) avoids recomputing the surface for a known T.
    """
    cache = {} if grid_cache is None else grid_cache
    if T not in cache:
        cache[T] = surface_grid(T=T)
    W, B, E, _ = cache[T]
    tr = gradient_descent((w0, b0), lr, steps, T=T, clip=clip)
    label = f"start ({w0:g}, {b0:g}), lr {lr:g}" + (f", clip {clip:g}" if clip else "")
    fig = plot_surface_trajectories(W, B, E, {label: tr}, colors={label: "C3"},
                                    title=f"E(w, b), T = {T}")
    return fig, tr


class SurfaceExplorer(ExplorerBox):
    """Sliders "learning rate", "start w", "start b", "T" above an ``Output`` with the figure.

    Attributes:
        sliders: ``{"lr", "w0", "b0", "T": slider}``.
        output: the ``Output`` widget the figure is drawn into.
        figure: the current ``Figure``; trajectory: the current ``Trajectory``.
        redraws: how many times the figure was drawn (tests check it grows).
    """

    def __init__(self, lr: float = DEFAULTS["lr"], w0: float = DEFAULTS["w0"],
                 b0: float = DEFAULTS["b0"], T: int = DEFAULTS["T"],
                 steps: int = DEFAULTS["steps"], clip: float | None = None):
        common = {"continuous_update": False, "style": {"description_width": "initial"}}
        self.sliders = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1,
                                         description="learning rate", readout_format=".3g",
                                         **common),
            "w0": widgets.FloatSlider(value=w0, min=0.0, max=12.0, step=0.25,
                                      description="start w", **common),
            "b0": widgets.FloatSlider(value=b0, min=-8.0, max=0.0, step=0.25,
                                      description="start b", **common),
            "T": widgets.IntSlider(value=T, min=5, max=100, step=5, description="T", **common),
        }
        self.output = widgets.Output()
        self.steps, self.clip = steps, clip
        self.figure, self.trajectory, self.redraws = None, None, 0
        self._grids: dict = {}
        super().__init__([widgets.HBox([self.sliders["lr"], self.sliders["T"]]),
                          widgets.HBox([self.sliders["w0"], self.sliders["b0"]]), self.output],
                         placeholder=PLACEHOLDER)
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self.redraw()

    def _on_change(self, change) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Recompute the path for the sliders' values and show the new figure."""
        v = {k: s.value for k, s in self.sliders.items()}
        self.figure, self.trajectory = default_figure(
            v["lr"], v["w0"], v["b0"], int(v["T"]), self.steps, self.clip, self._grids)
        show_figure(self.output, self.figure)
        self.redraws += 1


def surface_explorer(**kwargs) -> SurfaceExplorer:
    """Build the explorer (keyword arguments as :class:`SurfaceExplorer`); display it in a cell."""
    return SurfaceExplorer(**kwargs)
