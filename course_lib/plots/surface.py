"""Figures for the error-surface notebook: the linear neuron's cliff, Pascanu's wall.

Every function takes computed data (see :mod:`course_lib.surface`) and returns a
``matplotlib.figure.Figure``; nothing here computes a gradient or shows a figure.

References: Pascanu, Mikolov & Bengio, ICML 2013, Fig. 6 (the wall) and Fig. 7 (clipping).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

TRAJECTORY_COLORS = ("C0", "C1", "C3", "C6", "C4", "C5", "C7", "C9")
"""Default trajectory colours: the tab10 cycle without green (C2) and olive (C8), which
vanish on viridis's green and yellow plateaus."""


def plot_linear_neuron(w, loss, grad, marks=(0.99, 1.0, 1.01), T: int = 1000) -> Figure:
    """Loss ``(w^{T-1} - target)²`` (left) and ``|dL/dw|`` (right) against w, log scales.

    Args:
        w: (M,) grid of recurrent weights.
        loss, grad: (M,) loss and gradient at each w (non-finite values are left out).
        marks: w values drawn as vertical lines.
    """
    w, loss, grad = (np.asarray(a, dtype=float) for a in (w, loss, grad))
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_l, ax_g = fig.subplots(1, 2, sharex=True)
    ok = np.isfinite(loss) & (loss > 0)
    ax_l.plot(w[ok], loss[ok], color="C0")
    ok = np.isfinite(grad) & (grad != 0)
    ax_g.plot(w[ok], np.abs(grad[ok]), color="C3")
    for ax in (ax_l, ax_g):
        ax.set_yscale("log")
        for m in marks:
            ax.axvline(m, color="gray", lw=0.8, ls=":")
        ax.set_xlabel("recurrent weight w")
    ax_l.set(ylabel="loss L(w)", title=f"loss: a cliff at w = 1 (T = {T})")
    ax_g.set(ylabel="|dL/dw|", title="gradient: flat on the left, huge on the right")
    return fig


def _draw_surface(ax, W, B, E, levels: int = 24):
    cs = ax.contourf(W, B, E, levels=levels, cmap="viridis")
    ax.contour(W, B, E, levels=[0.01, 0.05, 0.2, 0.45], colors="white", linewidths=0.5)
    ax.set(xlabel="w", ylabel="b", xlim=(W.min(), W.max()), ylim=(B.min(), B.max()))
    return cs


def _draw_trajectory(ax, W, B, tr, color, ls, label, slot):
    p = tr.params
    finite = np.isfinite(p).all(axis=1)
    ax.plot(p[finite, 0], p[finite, 1], ls, color=color, lw=1.5, marker=".", ms=3, label=label)
    # a black rim keeps the start visible on the yellow plateau as on the dark valley
    ax.plot(*p[0], "o", color=color, mec="black", mew=1.2, ms=8)
    inside = ((p[:, 0] >= W.min()) & (p[:, 0] <= W.max()) & (p[:, 1] >= B.min())
              & (p[:, 1] <= B.max()) & finite)
    if not inside.all():  # the run left the window: say where it went
        i = int(np.argmin(inside))
        last = p[max(i - 1, 0)]  # the last point inside (the start, if it starts outside)
        end = p[-1]
        where = "NaN/inf" if not np.isfinite(end).all() else f"({end[0]:.3g}, {end[1]:.3g})"
        if not inside[-1]:
            text = f"{label}: thrown to {where}"
        elif i == 0:
            text = f"{label}: starts outside"
        else:  # its end is on the plot: no coordinates, and short enough to fit
            text = f"{label}: out at step {i}, back"
        ax.annotate(text, xy=last, xytext=(0.97, 0.93 - 0.08 * slot),
                    textcoords="axes fraction", ha="right",  # a long label grows leftwards
                    annotation_clip=False,  # drawn even when its point is off the axes
                    color=color, fontsize=8, arrowprops={"arrowstyle": "->", "color": color},
                    bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8})


def draw_surface_trajectories(ax_s, ax_l, W, B, E, trajectories: dict,
                              linestyles: dict | None = None, colors: dict | None = None):
    """Draw the surface and the paths into ``ax_s``, each path's loss per step into ``ax_l``.

    The drawing of :func:`plot_surface_trajectories` (arguments as there), for figures that
    add panels of their own; returns the filled contour set, for a colour bar.
    """
    linestyles, colors = linestyles or {}, colors or {}
    cs = _draw_surface(ax_s, W, B, E)
    for i, (label, tr) in enumerate(trajectories.items()):
        color = colors.get(label, TRAJECTORY_COLORS[i % len(TRAJECTORY_COLORS)])
        ls = linestyles.get(label, "-")
        _draw_trajectory(ax_s, W, B, tr, color, ls, label, i)
        loss = np.where(np.isfinite(tr.loss), tr.loss, np.nan)
        ax_l.plot(np.arange(len(loss)), np.maximum(loss, 1e-12), ls, color=color, label=label)
        finite = np.flatnonzero(np.isfinite(loss))
        if tr.diverged and finite.size:  # mark the last finite loss of a run that overflowed
            ax_l.plot(finite[-1], max(loss[finite[-1]], 1e-12), "x", color=color, ms=9, mew=2)
    ax_l.set(xlabel="gradient-descent step", ylabel="E", yscale="log", title="loss per step")
    if trajectories:
        ax_s.legend(fontsize=7, loc="lower right")
        ax_l.legend(fontsize=7)
    return cs


def plot_surface_trajectories(W, B, E, trajectories: dict | None = None,
                              linestyles: dict | None = None, colors: dict | None = None,
                              title: str = "") -> Figure:
    """Pascanu's error surface with gradient-descent trajectories (left), loss per step (right).

    Args:
        W, B, E: (n_b, n_w) grid from :func:`course_lib.surface.surface_grid`.
        trajectories: ``{label: Trajectory}``; each is drawn from its start (big dot).
            A run that leaves the window is annotated with where it ended (or, when it
            came back, with the step at which it left).
        linestyles: ``{label: "-" | "--" | ":"}``; default solid.
        colors: ``{label: matplotlib colour}``; default :data:`TRAJECTORY_COLORS` in turn.
        title: figure title.
    """
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax_s, ax_l = fig.subplots(1, 2, width_ratios=[1.25, 1])
    cs = draw_surface_trajectories(ax_s, ax_l, W, B, E, trajectories or {}, linestyles, colors)
    fig.colorbar(cs, ax=ax_s, label="E(w, b)")
    ax_s.set_title(title or "error surface E(w, b) and gradient-descent paths")
    return fig


def plot_surface_3d(W, B, E, title: str = "the wall, in 3-D") -> Figure:
    """E(w, b) as a 3-D surface (the wall is the steep step between the two plateaus)."""
    fig = Figure(figsize=(6.5, 4.8), layout="constrained")
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(W, B, E, cmap="viridis", linewidth=0, antialiased=True, rstride=1, cstride=1)
    ax.set(xlabel="w", ylabel="b", zlabel="E", title=title)
    ax.view_init(elev=35, azim=-120)
    return fig


def plot_descent_losses(losses: dict, crossings: dict | None = None, steps: int | None = None,
                        title: str = "the loss along gradient descent") -> Figure:
    """The loss E at every step of some descents (log scale), wall crossings marked.

    Args:
        losses: ``{label: (S+1,) E at each visited point}``.
        crossings: ``{label: steps after which the run had crossed the wall}`` (dotted lines).
        steps: show only the first ``steps`` steps (the interesting part).
    """
    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.subplots()
    for i, (label, E) in enumerate(losses.items()):
        E = np.asarray(E, dtype=float)[: None if steps is None else steps + 1]
        ax.semilogy(np.arange(E.size), E, "o-", ms=3, color=f"C{i}", label=label)
        for j in (crossings or {}).get(label, []):
            if steps is None or j <= steps:
                ax.axvline(j, color=f"C{i}", ls=":", lw=1)
    ax.set(xlabel="step", ylabel="E (log)", title=title)
    ax.legend(fontsize=8, loc="lower right")
    return fig
