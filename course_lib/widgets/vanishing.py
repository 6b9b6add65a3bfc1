"""Explorer for notebook 05: the gradient-norm curve ‖∂L_T/∂s_t‖ of a fresh RNN, for a chosen
recurrent scale ρ(W_hh), activation and kind of recurrent matrix.

A thin front-end over :func:`course_lib.vanishing.norms_at_scale` (cheap numpy, cached per
setting) and :func:`course_lib.plots.vanishing.plot_gradient_norms`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib.plots.vanishing import plot_gradient_norms
from course_lib.vanishing import norms_at_scale
from course_lib.widgets.common import ExplorerBox, placeholder, show_figure

PLACEHOLDER = placeholder("Gradient-norm")
# Static pages (tools.explorers): a handful of values per control, keyed by description.
SNAPSHOT_CONTROLS = {
    "ρ(W)": ("scale", (0.5, 0.8, 1.0, 1.2, 1.5, 2.0)),
    "activation": ("nonlinearity", ("tanh", "relu")),
    "W init": ("kind", ("orthogonal", "gaussian", "identity")),
}


def snapshot_figure(scale: float = 1.0, nonlinearity: str = "tanh",
                    kind: str = "orthogonal"):
    """The explorer's figure for one setting (what moving a control draws)."""
    return explorer_figure(float(scale), nonlinearity, kind)[0]


def explorer_figure(scale: float = 1.0, nonlinearity: str = "tanh", kind: str = "orthogonal",
                    T: int = 60, H: int = 32, seed: int = 0, norms=None):
    """The explorer's figure for one setting: ``(Figure, norms (T,))``.

    The measured curve ‖∂L_T/∂s_t‖ (from :func:`course_lib.vanishing.norms_at_scale`, unless
    ``norms`` is given) and, dashed, ρ^(T−t): what a linear RNN with an orthogonal W of
    scale ρ would give (an upper bound when W is orthogonal or the identity).
    """
    if norms is None:
        norms = norms_at_scale(scale, nonlinearity, kind, T=T, H=H, seed=seed)
    label = f"{nonlinearity}, {kind} W, ρ = {scale:.2f}"
    reference = scale ** np.arange(len(norms), dtype=float)
    fig = plot_gradient_norms({label: norms}, references={label: reference},
                              title=f"‖∂L_T/∂s_t‖ at distance {len(norms) - 1}: "
                                    f"{norms[-1]:.1e}")
    return fig, norms


class GradientNormExplorer:
    """Sliders for ρ(W_hh), the activation and the recurrent init; a log plot of the norms.

    Attributes:
        scale, nonlinearity, kind: the controls (``continuous_update=False``).
        figure: the figure currently shown; ``norms``: its curve (T,).
        widget: the box to display.
    """

    def __init__(self, scale: float = 1.0, nonlinearity: str = "tanh",
                 kind: str = "orthogonal", T: int = 60, H: int = 32, seed: int = 0):
        self.T, self.H, self.seed = T, H, seed
        self._cache: dict = {}
        self.scale = widgets.FloatSlider(value=scale, min=0.5, max=2.0, step=0.05,
                                         description="ρ(W)", continuous_update=False)
        self.nonlinearity = widgets.Dropdown(options=["tanh", "relu"], value=nonlinearity,
                                             description="activation")
        self.kind = widgets.Dropdown(options=["orthogonal", "gaussian", "identity"],
                                     value=kind, description="W init")
        self.output = widgets.Output()
        for control in (self.scale, self.nonlinearity, self.kind):
            control.observe(self._on_change, names="value")
        self.widget = ExplorerBox([widgets.HBox([self.scale, self.nonlinearity, self.kind]),
                                   self.output], placeholder=PLACEHOLDER)
        self.figure = None
        self.norms = None
        self.update()

    def _on_change(self, change) -> None:
        self.update()

    def compute(self) -> np.ndarray:
        """The norms (T,) for the current controls, computed once per setting."""
        key = (round(self.scale.value, 4), self.nonlinearity.value, self.kind.value)
        if key not in self._cache:
            self._cache[key] = norms_at_scale(key[0], key[1], key[2], T=self.T, H=self.H,
                                              seed=self.seed)
        return self._cache[key]

    def update(self) -> None:
        """Recompute (or fetch) the curve and redraw."""
        self.norms = self.compute()
        self.figure, _ = explorer_figure(self.scale.value, self.nonlinearity.value,
                                         self.kind.value, norms=self.norms)
        show_figure(self.output, self.figure)


def gradient_norm_explorer(**kwargs) -> widgets.Widget:
    """Build a :class:`GradientNormExplorer` and return its widget (for a notebook cell)."""
    return GradientNormExplorer(**kwargs).widget
