"""Explorer for gradient clipping on Pascanu's error surface: one descent, with and without.

The error-surface explorer of notebook 03 (:class:`~course_lib.widgets.surface.SurfaceExplorer`:
sliders for the learning rate, the start point and T, the surface cached per T) with one more
slider, the clipping threshold τ on a log scale. A slider release reruns two descents from the
same start with the same learning rate and number of steps — plain, and with the gradient
norm clipped at τ (:func:`course_lib.surface.gradient_descent` with ``clip=τ``) — and redraws
:func:`course_lib.plots.clipping.plot_clipping_on_surface`: both paths on the surface, their
loss and their gradient norm per step, τ and the clipped steps marked.

What moving τ shows, at the default setting (start A of notebook 04, learning rate 0.2): the
plain path is thrown off the wall; at τ = 1 the clipped one stays on the surface; a tiny τ
clips every step to length ητ, so the path hardly moves; a τ above every gradient norm on the
way never fires, and the two paths are one.

References: Pascanu, Mikolov & Bengio, ICML 2013, §3.2 and Algorithm 1 (norm clipping), §2.3
and Fig. 6 (the surface).
"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.figure import Figure

from course_lib.plots.clipping import plot_clipping_on_surface
from course_lib.surface import T_DEFAULT, Trajectory, gradient_descent
from course_lib.widgets.common import placeholder
from course_lib.widgets.surface import (
    SLIDER_OPTIONS,
    SurfaceExplorer,
    cached_grid,
    surface_sliders,
)

# Start A of notebook 04 §2: beside the wall, on the side where the unit ends low.
DEFAULTS = {"lr": 0.2, "tau": 1.0, "w0": 5.5, "b0": -3.5, "T": T_DEFAULT, "steps": 200}
TAU_EXPONENTS = (-3, 5)  # the τ slider runs from 10⁻³ (every step clipped) to 10⁵ (none)
PLACEHOLDER = placeholder("Clipping")
# Static pages (tools.explorers): a handful of values per control, keyed by the control's
# description; the states are the stored setting and each control moved alone.
SNAPSHOT_CONTROLS = {
    "learning rate": ("lr", (0.01, 0.05, 0.2, 1.0)),
    "threshold τ": ("tau", (0.001, 0.01, 0.1, 1.0, 100.0, 100000.0)),
    "T": ("T", (10, 25, 50, 100)),
    "start w": ("w0", (2.0, 5.0, 5.5, 8.0)),
    "start b": ("b0", (-6.0, -3.5, -2.5, -1.0)),
}


def clipping_runs(lr: float = DEFAULTS["lr"], tau: float = DEFAULTS["tau"],
                  w0: float = DEFAULTS["w0"], b0: float = DEFAULTS["b0"],
                  T: int = DEFAULTS["T"], steps: int = DEFAULTS["steps"]
                  ) -> tuple[Trajectory, Trajectory]:
    """``(plain, clipped)``: gradient descent on Pascanu's surface from ``(w0, b0)`` with
    learning rate ``lr`` for ``steps`` steps, without clipping and with the gradient norm
    clipped at ``tau`` (Pascanu et al. 2013, Algorithm 1)."""
    return (gradient_descent((w0, b0), lr, steps, T=T),
            gradient_descent((w0, b0), lr, steps, T=T, clip=tau))


def clipping_figure(lr: float = DEFAULTS["lr"], tau: float = DEFAULTS["tau"],
                    w0: float = DEFAULTS["w0"], b0: float = DEFAULTS["b0"],
                    T: int = DEFAULTS["T"], steps: int = DEFAULTS["steps"],
                    grid_cache: dict | None = None) -> tuple[Figure, Trajectory, Trajectory]:
    """The explorer's figure for one setting: ``(figure, plain, clipped)``.

    Draws :func:`course_lib.plots.clipping.plot_clipping_on_surface` for the runs of
    :func:`clipping_runs` (same arguments); ``grid_cache`` (``{T: (W, B, E, G)}``) avoids
    recomputing the surface for a known T.
    """
    W, B, E = cached_grid(T, grid_cache)
    plain, clipped = clipping_runs(lr, tau, w0, b0, T, steps)
    fig = plot_clipping_on_surface(W, B, E, plain, clipped, tau, lr)
    return fig, plain, clipped


def snapshot_figure(lr: float = DEFAULTS["lr"], tau: float = DEFAULTS["tau"],
                    w0: float = DEFAULTS["w0"], b0: float = DEFAULTS["b0"],
                    T: int = DEFAULTS["T"], grid_cache: dict | None = None) -> Figure:
    """The explorer's figure for one setting (what a slider release draws)."""
    return clipping_figure(lr, tau, w0, b0, int(T), grid_cache=grid_cache)[0]


class ClippingExplorer(SurfaceExplorer):
    """Sliders "learning rate", "threshold τ", "start w", "start b", "T" above the figure of
    :func:`clipping_figure`.

    Attributes:
        sliders: ``{"lr", "tau", "w0", "b0", "T": slider}``.
        output, figure, redraws: as :class:`~course_lib.widgets.surface.SurfaceExplorer`.
        plain, clipped: the current runs without and with clipping; ``trajectory`` is
            ``clipped``.
    """

    def __init__(self, lr: float = DEFAULTS["lr"], tau: float = DEFAULTS["tau"],
                 w0: float = DEFAULTS["w0"], b0: float = DEFAULTS["b0"],
                 T: int = DEFAULTS["T"], steps: int = DEFAULTS["steps"]):
        self.steps, self.clip = steps, None
        self.plain = self.clipped = self.trajectory = None
        self.sliders = {**surface_sliders(lr, w0, b0, T), "tau": widgets.FloatLogSlider(
            value=tau, base=10, min=TAU_EXPONENTS[0], max=TAU_EXPONENTS[1], step=0.1,
            description="threshold τ", readout_format=".3g", **SLIDER_OPTIONS)}
        self._build([("lr", "tau"), ("w0", "b0"), ("T",)], PLACEHOLDER)

    def _draw(self, v: dict) -> Figure:
        fig, self.plain, self.clipped = clipping_figure(
            v["lr"], v["tau"], v["w0"], v["b0"], int(v["T"]), self.steps, self._grids)
        self.trajectory = self.clipped
        return fig


def clipping_explorer(**kwargs) -> ClippingExplorer:
    """Build the explorer (keyword arguments as :class:`ClippingExplorer`); display it in a
    cell."""
    return ClippingExplorer(**kwargs)
