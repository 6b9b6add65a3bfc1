"""Explorers without a kernel: a readable text form in JupyterLab, and on the static pages
either a stepper through figures pre-rendered at build time or a plainly labelled snapshot
(``tools.explorers``). The browser test moves a stepper on the built site."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from ipywidgets.embed import dependency_state
from nbformat import v4

from course_lib.widgets import clipping, surface, vanishing
from course_lib.widgets.common import ExplorerBox
from course_lib.widgets.gates import GateExplorer
from course_lib.widgets.vanishing import GradientNormExplorer
from tools import explorers

WIDGET_VIEW = explorers.WIDGET_VIEW


def stored_notebook(box) -> v4.NotebookNode:
    """A notebook whose one cell displayed ``box``, with the widget state nbclient stores
    (every attribute, also those at their default: τ = 1 is FloatLogSlider's default value)."""
    nb = v4.new_notebook()
    bundle = box._repr_mimebundle_()
    cell = v4.new_code_cell("explorer", execution_count=1, outputs=[
        v4.new_output("execute_result", data=bundle, execution_count=1)])
    nb.cells = [cell]
    nb.metadata["widgets"] = {explorers.WIDGET_STATE: {
        "version_major": 2, "version_minor": 0,
        "state": dependency_state([box], drop_defaults=False)}}
    return nb


def gate_box():
    rng = np.random.default_rng(0)
    sentences = [["fly", "to", "boston"], ["leave", "taipei"]]
    gates = {g: rng.uniform(size=(len(s), 4)) for s in sentences for g in "ifo"}

    def compute(i):
        T = len(sentences[i])
        return {"gates": {g: rng.uniform(size=(T, 4)) for g in ("i", "f", "o")}}

    return GateExplorer(sentences, compute).widget, gates


@pytest.mark.parametrize("make", ["surface", "clipping", "vanishing", "gates"])
def test_explorers_have_a_short_readable_text_form(make):
    if make == "surface":
        box = surface.SurfaceExplorer(steps=5)
    elif make == "clipping":
        box = clipping.ClippingExplorer(steps=5)
    elif make == "vanishing":
        box = GradientNormExplorer(T=10, H=4).widget
    else:
        box = gate_box()[0]
    assert isinstance(box, ExplorerBox)
    text = box._repr_mimebundle_()["text/plain"]
    assert len(text) < 230 and "children=" not in text and "Run All" in text
    assert text.startswith("[") and "explorer" in text


def test_snapshot_controls_name_the_real_controls():
    """The static pages find an explorer by its controls' descriptions."""
    ex = surface.SurfaceExplorer(steps=5)
    assert set(surface.SNAPSHOT_CONTROLS) == {s.description for s in ex.sliders.values()}
    cx = clipping.ClippingExplorer(steps=5)
    assert set(clipping.SNAPSHOT_CONTROLS) == {s.description for s in cx.sliders.values()}
    gn = GradientNormExplorer(T=10, H=4)
    assert set(vanishing.SNAPSHOT_CONTROLS) == {
        gn.scale.description, gn.nonlinearity.description, gn.kind.description}
    for module in (surface, clipping, vanishing):
        for _, (param, values) in module.SNAPSHOT_CONTROLS.items():
            assert 2 <= len(values) <= 6, f"a handful of values for {module.__name__} {param}"


def test_each_explorer_is_found_by_its_own_controls():
    """The clipping explorer has the surface explorer's controls and one more: each set of
    stored controls finds its own module, never the other's."""
    for module in (surface, clipping, vanishing):
        stored = dict.fromkeys(module.SNAPSHOT_CONTROLS, "")
        assert explorers.snapshot_module(stored) is module


def test_clipping_stepper_starts_at_the_stored_figure(tmp_path):
    from course_lib.widgets.common import figure_png

    box = clipping.ClippingExplorer()  # the notebook's defaults: start A, η = 0.2, τ = 1
    static, counts = explorers.static_explorers(stored_notebook(box), "04_x", tmp_path)
    n_states = 1 + sum(len(values) - 1 for _, values in clipping.SNAPSHOT_CONTROLS.values())
    assert counts == {"steppers": 1, "snapshots": 0, "states": n_states}
    page = static.cells[0].outputs[0]["data"]["text/html"]
    assert page.count('type="range"') == len(clipping.SNAPSHOT_CONTROLS)
    files = sorted((tmp_path / "explorers").glob("04_x-*.png"))
    assert len(files) == n_states and len({f.read_bytes() for f in files}) == n_states
    shown = re.search(r'<img class="ce-figure" data-state="[^"]*" src="([^"]*)"', page)[1]
    assert (tmp_path / shown).read_bytes() == figure_png(clipping.snapshot_figure()), (
        "the first state is the stored setting")


def test_stepper_prerenders_each_control_alone(tmp_path):
    box = GradientNormExplorer().widget  # the notebook's defaults: ρ = 1, tanh, orthogonal
    nb = stored_notebook(box)
    static, counts = explorers.static_explorers(nb, "05_x", tmp_path)
    assert counts == {"steppers": 1, "snapshots": 0, "states": 1 + 5 + 1 + 2}
    out = static.cells[0].outputs[0]
    assert WIDGET_VIEW not in out["data"], "no live-looking widget left on the page"
    page = out["data"]["text/html"]
    assert "Pre-rendered explorer." in page and page.count('type="range"') == 3
    states = json.loads(re.search(r'data-states="([^"]*)"', page)[1].replace("&quot;", '"'))
    assert len(states) == 9 and len(set(states.values())) == 9
    files = sorted((tmp_path / "explorers").glob("05_x-*.png"))
    assert len(files) == 9 and len({f.read_bytes() for f in files}) == 9, "9 different figures"
    assert out["metadata"]["course"]["height"] > 300  # the slide planner's estimate
    # the first state is the stored setting: the same figure the explorer drew
    from course_lib.widgets.common import figure_png

    stored = states["2|0|0"]  # ρ = 1.0 is the third value, tanh and orthogonal the first
    assert (tmp_path / stored).read_bytes() == figure_png(vanishing.snapshot_figure(1.0))


def test_an_explorer_that_needs_the_notebook_is_a_labelled_snapshot(tmp_path):
    box, _ = gate_box()
    nb = stored_notebook(box)
    static, counts = explorers.static_explorers(nb, "06_x", tmp_path)
    assert counts == {"steppers": 0, "snapshots": 1, "states": 0}
    page = static.cells[0].outputs[0]["data"]["text/html"]
    assert "<strong>Snapshot.</strong>" in page and "Stored setting: sentence = 0: fly to boston" \
        in page
    assert 'src="data:image/png;base64,' in page, "the stored figure is shown"
    assert 'type="range"' not in page, "nothing on the page pretends to move"


def test_other_widgets_are_left_alone(tmp_path):
    import ipywidgets

    bar = ipywidgets.FloatProgress(value=0.5)  # no description: not an explorer
    nb = stored_notebook(bar)
    static, counts = explorers.static_explorers(nb, "07_x", tmp_path)
    assert counts["steppers"] == counts["snapshots"] == 0
    assert WIDGET_VIEW in static.cells[0].outputs[0]["data"]
