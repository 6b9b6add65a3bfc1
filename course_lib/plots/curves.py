"""Training curves: loss and gradient norm per step for one or more runs."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def plot_histories(histories: dict, title: str = "", log_loss: bool = True,
                   baseline: float | None = None, baseline_label: str = "baseline") -> Figure:
    """Loss (left) and gradient norm before clipping (right) of several runs.

    Args:
        histories: ``{label: course_lib.train.History}``.
        title: figure title.
        log_loss: log scale for the loss axis.
        baseline: a horizontal reference loss (e.g. the adding problem's 1/6).

    Clipped steps are marked with dots on the gradient-norm trace; a diverged run ends with
    an ✗ at its last finite loss.
    """
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_loss, ax_norm = fig.subplots(1, 2)
    for i, (label, h) in enumerate(histories.items()):
        color = f"C{i}"
        loss = np.asarray(h.loss, dtype=float)
        steps = np.arange(1, len(loss) + 1)
        ax_loss.plot(steps, loss, color=color, lw=1, label=label)
        norm = np.asarray(h.grad_norm, dtype=float)
        ax_norm.plot(steps, norm, color=color, lw=1, label=label)
        clipped = np.asarray(h.clipped, dtype=bool)
        if clipped.any():
            ax_norm.plot(steps[clipped], norm[clipped], ".", color=color, ms=3,
                         label=f"{label}: clipped steps")
        if h.diverged:
            finite = np.flatnonzero(np.isfinite(loss))
            if finite.size:
                j = finite[-1]
                ax_loss.plot(steps[j], loss[j], "x", color=color, ms=10, mew=2)
            ax_loss.annotate("diverged (NaN/inf)", xy=(0.02, 0.92 - 0.08 * i),
                             xycoords="axes fraction", color=color)
    if baseline is not None:
        ax_loss.axhline(baseline, color="gray", ls="--", lw=1, label=baseline_label)
    if log_loss:
        ax_loss.set_yscale("log")
    ax_norm.set_yscale("log")
    ax_loss.set(xlabel="step", ylabel="training loss", title="loss")
    ax_norm.set(xlabel="step", ylabel="‖g‖ (before clipping)", title="gradient norm")
    ax_loss.legend(fontsize=8)
    ax_norm.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
