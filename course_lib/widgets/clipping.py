"""Explorer for the clipping threshold: drag it, see the clipped training run change.

A thin front-end over :func:`course_lib.experiments.runs.run_adding` and
:func:`course_lib.plots.curves.plot_histories`. Each threshold's run is computed the first
time it is chosen and cached (the notebook pre-fills the cache with its sweep), and the
slider only reports on release (``continuous_update=False``).
"""

from __future__ import annotations

import ipywidgets as widgets

from course_lib.experiments.runs import run_adding
from course_lib.plots.curves import plot_histories
from course_lib.widgets.common import ExplorerBox, placeholder, show_figure

THRESHOLDS = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PLACEHOLDER = placeholder("Clipping")
# No SNAPSHOT_CONTROLS: each threshold is a training run of the notebook's own model, so the
# static pages show the stored snapshot and say so.


class ClippingExplorer(ExplorerBox):
    """A "threshold" slider above an ``Output`` with the loss and gradient-norm curves.

    Args:
        unclipped: the History of the run without clipping (drawn for comparison).
        cache: ``{threshold: History}`` of runs already computed; filled lazily.
        thresholds: the slider's choices.
        value: the initial threshold.
        run_kwargs: passed to :func:`course_lib.experiments.runs.run_adding` (model kind,
            T, steps, lr, optimizer, …).

    Attributes:
        slider, output, figure, cache, redraws (as in the surface explorer).
    """

    def __init__(self, unclipped, cache: dict | None = None, thresholds=THRESHOLDS,
                 value: float = 0.3, **run_kwargs):
        if value not in thresholds:
            raise ValueError(f"value must be one of {tuple(thresholds)}, got {value}")
        self.unclipped = unclipped
        self.cache = {} if cache is None else cache
        self.run_kwargs = run_kwargs
        self.slider = widgets.SelectionSlider(
            options=[(f"{t:g}", t) for t in thresholds], value=value, description="threshold",
            continuous_update=False, style={"description_width": "initial"})
        self.output = widgets.Output()
        self.figure, self.redraws = None, 0
        super().__init__([self.slider, self.output], placeholder=PLACEHOLDER)
        self.slider.observe(lambda change: self.redraw(), names="value")
        self.redraw()

    def history(self, threshold: float):
        """The clipped run for ``threshold``, computed once."""
        if threshold not in self.cache:
            self.cache[threshold] = run_adding(clip_norm=threshold, **self.run_kwargs).history
        return self.cache[threshold]

    def redraw(self) -> None:
        t = self.slider.value
        self.figure = clipping_figure(self.unclipped, self.history(t), t)
        show_figure(self.output, self.figure)
        self.redraws += 1


def clipping_figure(unclipped, clipped, threshold: float):
    """The explorer's figure: the unclipped run and the run clipped at ``threshold``.

    Loss axis capped at [1e-2, 1e4] and gradient-norm axis at [1e-2, 1e6] (an exploding run
    leaves the top of the plot; its ✗ marks where it stopped).
    """
    fig = plot_histories({"no clipping": unclipped, f"clip at {threshold:g}": clipped},
                         title=f"adding problem, SGD: norm clipping at {threshold:g}",
                         baseline=1 / 6, baseline_label="baseline 1/6")
    # the unclipped loss reaches 1e36: cap the axes so the clipped run stays readable
    fig.axes[0].set_ylim(1e-2, 1e4)
    fig.axes[1].set_ylim(1e-2, 1e6)
    fig.axes[1].axhline(threshold, color="C1", ls=":", lw=1)
    fig.axes[1].annotate(f"τ = {threshold:g}", xy=(0.98, threshold),
                         xycoords=("axes fraction", "data"), ha="right", va="bottom",
                         color="C1", fontsize=8)
    return fig


def clipping_explorer(unclipped, cache: dict | None = None, **kwargs) -> ClippingExplorer:
    """Build the explorer; display the returned widget in a cell."""
    return ClippingExplorer(unclipped, cache, **kwargs)
