"""What every explorer shares: its box, a readable text form, drawing a figure into an Output.

An explorer lives in a kernel; without one it cannot move. Two things make that visible:

* :class:`ExplorerBox` gives the explorer a short sentence as its text form, which JupyterLab
  shows (instead of ``VBox(children=(FloatSlider(…``) when the cell's output is loaded
  without its widget, e.g. a notebook opened before "Run All";
* each explorer module declares ``SNAPSHOT_CONTROLS`` and ``snapshot_figure`` when its figure
  can be recomputed from its controls alone: the static site and the slides
  (:mod:`tools.explorers`) then pre-render a handful of values per control at build time and
  step through them without a kernel. Explorers that need the notebook's own results (a
  trained model, training runs) have none, and the static pages say plainly that they show a
  snapshot.
"""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
from matplotlib.figure import Figure


class ExplorerBox(widgets.VBox):
    """A ``VBox`` whose text form is ``placeholder`` (one readable sentence, not the
    ``VBox(children=(…`` that JupyterLab would otherwise show before the cell has run)."""

    def __init__(self, children=(), placeholder: str = "An explorer: run this cell to use it.",
                 **kwargs):
        super().__init__(children, **kwargs)
        self._placeholder = placeholder

    def __repr__(self) -> str:
        return self._placeholder


def placeholder(name: str) -> str:
    """The text an explorer shows where its widget cannot be drawn (ipywidgets cuts a
    widget's text form at 110 characters)."""
    text = f"[{name} explorer: it appears when this cell runs (Run ▸ Run All Cells).]"
    if len(text) > 110:
        raise ValueError(f"placeholder too long for ipywidgets' 110 characters: {text!r}")
    return text


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """``fig`` as PNG bytes at ``dpi``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def show_figure(output: widgets.Output, fig: Figure, dpi: int = 80) -> bytes:
    """Replace what ``output`` shows with ``fig`` rendered as PNG; return the PNG bytes.

    Writing the display-data message into ``output.outputs`` directly (instead of
    ``with output: display(fig)``) needs no running kernel, so tests can drive it too.
    """
    png = figure_png(fig, dpi)
    w, h = fig.get_size_inches() * dpi
    output.outputs = ({
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(png).decode("ascii"),
                 "text/plain": f"<Figure size {w:.0f}x{h:.0f}>"},
        "metadata": {},
    },)
    return png
