"""Figures for the gradient-clipping notebook: the geometry of clipping and a threshold sweep.

Training curves themselves are drawn by :func:`course_lib.plots.curves.plot_histories`.

References: Pascanu, Mikolov & Bengio, ICML 2013, §3.2 (Algorithm 1 and the threshold
heuristic: 0.5 to 10 times the average gradient norm).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def plot_clipping_geometry(g, max_norm: float, clip_value: float) -> Figure:
    """A 2-D gradient ``g`` (shape (2,)), its norm-clipped and value-clipped versions.

    Norm clipping shrinks the arrow onto the circle of radius ``max_norm`` (same direction);
    value clipping projects it into the square ``[-clip_value, clip_value]²`` (direction turns).
    """
    g = np.asarray(g, dtype=float)
    if g.shape != (2,):
        raise ValueError(f"g must have shape (2,), got {g.shape}")
    norm = np.linalg.norm(g)
    g_norm = g * min(1.0, max_norm / (norm + 1e-6))
    g_val = np.clip(g, -clip_value, clip_value)
    fig = Figure(figsize=(4.8, 4.4), layout="constrained")
    ax = fig.subplots()
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(max_norm * np.cos(t), max_norm * np.sin(t), color="C0", lw=0.8, ls="--",
            label=f"‖g‖ = {max_norm:g}")
    c = clip_value
    ax.plot([-c, c, c, -c, -c], [-c, -c, c, c, -c], color="C1", lw=0.8, ls="--",
            label=f"|g_i| = {c:g}")
    for vec, color, label in ((g, "gray", "gradient g"), (g_norm, "C0", "norm-clipped"),
                              (g_val, "C1", "value-clipped")):
        ax.annotate("", xy=vec, xytext=(0, 0),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": 2})
        ax.plot([], [], color=color, lw=2, label=label)
    lim = 1.1 * max(norm, max_norm, c * np.sqrt(2))
    ax.set(xlim=(-0.3 * lim, lim), ylim=(-0.3 * lim, lim), aspect="equal",
           xlabel="g₁", ylabel="g₂", title="norm clipping keeps the direction")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def plot_threshold_sweep(thresholds, final_loss, steps_to, heuristic=None,
                         baseline: float | None = None, level: float | None = None) -> Figure:
    """Final loss (left) and steps to reach ``level`` (right) against the clipping threshold.

    Args:
        thresholds: (M,) clipping thresholds (log x-axis).
        final_loss: (M,) final training loss of each run (inf/NaN drawn at the top as ✗).
        steps_to: (M,) steps to reach ``level`` (None = never, drawn as ✗).
        heuristic: ``(low, high)`` range shaded (Pascanu: 0.5–10 × mean gradient norm).
        baseline: horizontal reference loss (1/6 for the adding problem).
    """
    th = np.asarray(thresholds, dtype=float)
    fl = np.asarray(final_loss, dtype=float)
    st = np.array([np.nan if s is None else s for s in steps_to], dtype=float)
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_f, ax_s = fig.subplots(1, 2, sharex=True)
    ok = np.isfinite(fl)
    ax_f.plot(th[ok], fl[ok], "o-", color="C0")
    top = np.nanmax(fl[ok]) * 1.5 if ok.any() else 1.0
    if (~ok).any():
        ax_f.plot(th[~ok], np.full((~ok).sum(), top), "x", color="C3", ms=10, mew=2,
                  label="diverged")
    ok = np.isfinite(st)
    ax_s.plot(th[ok], st[ok], "o-", color="C0")
    ymax = np.nanmax(st) * 1.2 if ok.any() else 1.0
    if (~ok).any():
        ax_s.plot(th[~ok], np.full((~ok).sum(), ymax), "x", color="C3", ms=10, mew=2,
                  label="never reached")
    for ax in (ax_f, ax_s):
        ax.set_xscale("log")
        if heuristic is not None:
            ax.axvspan(*heuristic, color="C2", alpha=0.15, label="0.5–10 × mean ‖g‖")
        ax.set_xlabel("clipping threshold (max_norm)")
    if baseline is not None:
        ax_f.axhline(baseline, color="gray", ls="--", lw=1, label="baseline 1/6")
    ax_f.set(yscale="log", ylabel="final training loss", title="final loss")
    ax_s.set(ylabel="steps", title="steps to converge" + (f" (loss < {level:g})" if level else ""))
    ax_f.legend(fontsize=8)
    ax_s.legend(fontsize=8)
    return fig
