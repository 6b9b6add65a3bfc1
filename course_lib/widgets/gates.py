"""Explorer for notebook 06: pick a sentence, see the LSTM's gate activations over its words.

A thin front-end over :func:`course_lib.plots.gates.plot_gate_heatmaps`. The gates come from a
function the notebook passes in (e.g. the numpy LSTM run on a trained tagger's embeddings),
called once per sentence and cached: choosing a sentence never trains anything.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from course_lib.plots.gates import plot_gate_heatmaps
from course_lib.widgets.common import ExplorerBox, placeholder, show_figure

PLACEHOLDER = placeholder("Gate")
# No SNAPSHOT_CONTROLS: the gates come from the notebook's trained tagger, so the static
# pages show the stored snapshot and say so.


class GateExplorer:
    """A dropdown of sentences and a heatmap of the chosen sentence's gate activations.

    Args:
        sentences: the token lists to choose from.
        compute: ``index -> {"gates": {name: (T, H)}, "tags": [...] | None,
            "predicted": [...] | None}`` for ``sentences[index]``.
        index: the sentence shown first.

    Attributes:
        sentence: the dropdown (value = index into ``sentences``).
        figure: the figure currently shown; ``result``: what ``compute`` returned for it.
        widget: the box to display.
    """

    def __init__(self, sentences: list[list[str]], compute: Callable[[int], dict],
                 index: int = 0):
        if not sentences:
            raise ValueError("sentences must not be empty")
        if not 0 <= index < len(sentences):
            raise ValueError(f"index must lie in [0, {len(sentences)}), got {index}")
        self.sentences = sentences
        self._compute = compute
        self._cache: dict = {}
        options = [(f"{i}: {' '.join(s)[:70]}", i) for i, s in enumerate(sentences)]
        self.sentence = widgets.Dropdown(options=options, value=index, description="sentence",
                                         layout=widgets.Layout(width="90%"))
        self.output = widgets.Output()
        self.sentence.observe(self._on_change, names="value")
        self.widget = ExplorerBox([self.sentence, self.output], placeholder=PLACEHOLDER)
        self.figure = None
        self.result = None
        self.update()

    def _on_change(self, change) -> None:
        self.update()

    def compute(self) -> dict:
        """What ``compute`` returns for the chosen sentence, computed once per sentence."""
        i = self.sentence.value
        if i not in self._cache:
            self._cache[i] = self._compute(i)
        return self._cache[i]

    def update(self) -> None:
        """Fetch the chosen sentence's gates and redraw."""
        self.result = self.compute()
        tokens = self.sentences[self.sentence.value]
        self.figure = plot_gate_heatmaps(tokens, self.result["gates"],
                                         tags=self.result.get("tags"),
                                         predicted=self.result.get("predicted"),
                                         title=f"sentence {self.sentence.value}")
        show_figure(self.output, self.figure)


def gate_explorer(sentences: list[list[str]], compute: Callable[[int], dict],
                  index: int = 0) -> widgets.Widget:
    """Build a :class:`GateExplorer` and return its widget (for a notebook cell)."""
    return GateExplorer(sentences, compute, index).widget
