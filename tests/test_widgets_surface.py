"""The surface explorer driven without a browser: set a slider, the figure changes."""

import numpy as np

from course_lib.widgets.surface import DEFAULTS, SurfaceExplorer, default_figure


def _png(explorer):
    return explorer.output.outputs[0]["data"]["image/png"]


def test_explorer_redraws_on_slider_change():
    ex = SurfaceExplorer(steps=30)
    assert ex.redraws == 1 and ex.output.outputs
    first_png, first_params = _png(ex), ex.trajectory.params.copy()
    ex.sliders["lr"].value = 0.05
    assert ex.redraws == 2
    assert _png(ex) != first_png
    assert not np.array_equal(ex.trajectory.params, first_params)
    ex.sliders["T"].value = 20
    assert ex.redraws == 3 and set(ex._grids) == {50, 20}


def test_sliders_have_descriptions_and_no_continuous_update():
    ex = SurfaceExplorer(steps=5)
    descriptions = {s.description for s in ex.sliders.values()}
    assert {"learning rate", "T", "start w", "start b"} == descriptions
    assert all(s.continuous_update is False for s in ex.sliders.values())


def test_default_figure_matches_defaults():
    fig, tr = default_figure(steps=20)
    assert tr.params[0].tolist() == [DEFAULTS["w0"], DEFAULTS["b0"]]
    assert len(fig.axes) == 3  # surface, colour bar, loss
