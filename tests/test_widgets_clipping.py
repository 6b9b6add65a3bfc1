"""The clipping explorer driven without a browser: set a slider, the figure changes, and the
two paths differ (or agree) as notebook 04 says they do."""

import numpy as np
import pytest

from course_lib import surface as sf
from course_lib.widgets import clipping as cw
from course_lib.widgets.clipping import DEFAULTS, ClippingExplorer, clipping_figure, clipping_runs


def _png(explorer):
    return explorer.output.outputs[0]["data"]["image/png"]


def _inside(tr) -> bool:
    """Every point of the path is finite and inside the surface's window [0, 12] × [-8, 0]."""
    p = tr.params
    return bool(np.isfinite(p).all() and (p[:, 0] >= 0).all() and (p[:, 0] <= 12).all()
                and (p[:, 1] >= -8).all() and (p[:, 1] <= 0).all())


def test_explorer_redraws_on_slider_change():
    ex = ClippingExplorer(steps=60)
    assert ex.redraws == 1 and ex.output.outputs
    first_png, first_clipped = _png(ex), ex.clipped.params.copy()
    first_plain = ex.plain.params.copy()
    ex.sliders["tau"].value = 0.01
    assert ex.redraws == 2 and _png(ex) != first_png
    assert not np.array_equal(ex.clipped.params, first_clipped), "τ moves the clipped path"
    assert np.array_equal(ex.plain.params, first_plain), "τ leaves the plain path alone"
    assert ex.trajectory is ex.clipped
    ex.sliders["lr"].value = 0.05
    assert ex.redraws == 3 and not np.array_equal(ex.plain.params, first_plain)
    ex.sliders["T"].value = 20
    assert ex.redraws == 4 and set(ex._grids) == {50, 20}


def test_sliders_have_descriptions_log_tau_and_no_continuous_update():
    ex = ClippingExplorer(steps=5)
    assert {s.description for s in ex.sliders.values()} == {
        "learning rate", "threshold τ", "start w", "start b", "T"}
    assert all(s.continuous_update is False for s in ex.sliders.values())
    tau = ex.sliders["tau"]
    assert type(tau).__name__ == "FloatLogSlider" and tau.base == 10
    assert (tau.min, tau.max) == cw.TAU_EXPONENTS and tau.value == DEFAULTS["tau"]
    assert repr(ex) == cw.PLACEHOLDER


def test_figure_has_surface_loss_and_norm_panels():
    fig, plain, clipped = clipping_figure(steps=20)
    assert plain.params[0].tolist() == clipped.params[0].tolist() == [DEFAULTS["w0"],
                                                                      DEFAULTS["b0"]]
    assert len(fig.axes) == 4  # surface, colour bar, loss, gradient norm
    norm_ax = next(ax for ax in fig.axes if ax.get_ylabel() == "‖∇E‖ before clipping")
    assert norm_ax.get_yscale() == "log"
    assert any(line.get_label() == f"threshold τ = {DEFAULTS['tau']:g}"
               for line in norm_ax.get_lines())


def test_default_setting_plain_is_thrown_off_and_clipped_stays_lower():
    plain, clipped = clipping_runs()
    assert plain.largest_jump()[1] > 100 and not _inside(plain)
    assert _inside(clipped) and clipped.loss[-1] < plain.loss[-1]
    assert clipped.largest_jump()[1] <= DEFAULTS["lr"] * DEFAULTS["tau"] + 1e-12
    # the explorer's default is run A of notebook 04 §2
    run_a = sf.gradient_descent((5.5, -3.5), lr=0.2, steps=200, T=50, clip=1.0)
    assert np.array_equal(clipped.params, run_a.params)


def test_tiny_tau_is_slow_and_huge_tau_changes_nothing():
    plain, _ = clipping_runs()
    tiny = clipping_runs(tau=10.0 ** cw.TAU_EXPONENTS[0])[1]
    assert tiny.clipped.all() and tiny.loss[-1] > 0.4  # started at 0.44
    huge = clipping_runs(tau=10.0 ** cw.TAU_EXPONENTS[1])[1]
    assert huge.clipped.sum() == 0 and np.array_equal(huge.params, plain.params)
    # in between: τ = 100 fires only on the step at the wall, which still throws the run off
    mid = clipping_runs(tau=100.0)[1]
    assert np.flatnonzero(mid.clipped).tolist() == [int(np.argmax(plain.grad_norm))]
    assert not _inside(mid)


@pytest.mark.parametrize("description", list(cw.SNAPSHOT_CONTROLS))
def test_snapshot_figure_takes_every_control(description):
    param, values = cw.SNAPSHOT_CONTROLS[description]
    stored = {"lr": DEFAULTS["lr"], "tau": DEFAULTS["tau"], "w0": DEFAULTS["w0"],
              "b0": DEFAULTS["b0"], "T": DEFAULTS["T"]}[param]
    assert stored in values, "the stored setting is one of the states"
    fig = cw.snapshot_figure(**{param: values[0]})
    assert len(fig.axes) == 4
