"""Figures for the gradient-clipping notebook: the geometry of clipping, a descent on the error
surface with and without clipping, clipped and unclipped training runs, and the learning-rate
and threshold sweeps over seeds.

Every legend sits outside the data area (below the panels), and the threshold τ is a dotted
line named in the legend, so no label is ever drawn over a curve.

References: Pascanu, Mikolov & Bengio, ICML 2013, §3.2 (Algorithm 1 and the threshold
heuristic: 0.5 to 10 times the average gradient norm).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator

from course_lib.plots.surface import draw_surface_trajectories

PLAIN, CLIPPED, TAU_COLOR = "C3", "C0", "C1"  # no clipping, clipping, the threshold line


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


def plot_clipping_on_surface(W, B, E, plain, clipped, tau: float, lr: float,
                             title: str = "") -> Figure:
    """One descent on Pascanu's surface twice: without clipping and norm-clipped at ``tau``.

    Left, the surface with both paths (plain solid, clipped dashed; a path that leaves the
    window says where it ended); right, the loss per step (top) and ‖∇E‖ before clipping
    (bottom, log scale) with τ as a dotted line and a dot on every step clipping shortened.
    A clipped step is at most ``lr * tau`` long.

    Args:
        W, B, E: (n_b, n_w) grid from :func:`course_lib.surface.surface_grid`.
        plain, clipped: :class:`course_lib.surface.Trajectory` of the same start, learning
            rate and steps, without clipping and with ``clip=tau``.
        tau: the clipping threshold. lr: the learning rate.
        title: the surface panel's title; by default it says how long a clipped step can be
            (``lr * tau``).

    Source: Pascanu, Mikolov & Bengio, ICML 2013, §3.2, Algorithm 1 (the surface: §2.3, Fig. 6).
    """
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1])
    ax_s = fig.add_subplot(grid[:, 0])
    ax_l = fig.add_subplot(grid[0, 1])
    ax_n = fig.add_subplot(grid[1, 1], sharex=ax_l)
    labels = ("no clipping", f"clipped at τ = {tau:.3g}")
    cs = draw_surface_trajectories(ax_s, ax_l, W, B, E, {labels[0]: plain, labels[1]: clipped},
                                   linestyles={labels[1]: "--"},
                                   colors={labels[0]: PLAIN, labels[1]: CLIPPED})
    fig.colorbar(cs, ax=ax_s, label="E(w, b)")
    norms = [np.asarray(tr.grad_norm, float) for tr in (plain, clipped)]
    for norm, color, ls, label in zip(norms, (PLAIN, CLIPPED), ("-", "--"), labels,
                                      strict=True):
        # a run stranded on a flat plateau has ‖∇E‖ ≈ 0: its line drops out of the panel
        ax_n.plot(np.maximum(norm, 1e-300), ls, color=color, lw=1, label=label)
    cut = np.flatnonzero(clipped.clipped)
    ax_n.plot(cut, norms[1][cut], ".", color=CLIPPED, ms=4,
              label=f"clipped steps ({cut.size} of {clipped.clipped.size})")
    ax_n.axhline(tau, color=TAU_COLOR, ls=":", lw=1.2, label=f"threshold τ = {tau:.3g}")
    ax_n.set(yscale="log", xlabel="gradient-descent step", ylabel="‖∇E‖ before clipping")
    seen = np.concatenate([n[np.isfinite(n) & (n > 0)] for n in norms] + [[tau]])
    first = [n[0] for n in norms if n.size and np.isfinite(n[0]) and n[0] > 0]
    ax_n.set_ylim(max(1e-6, min([tau, *first]) / 10), 3 * seen.max())
    ax_n.legend(fontsize=7)
    ax_l.set_xlabel("")
    ax_l.tick_params(labelbottom=False)
    ax_s.set_title(title or f"learning rate {lr:.3g}: "
                   f"a clipped step is at most {lr * tau:.3g} long")
    return fig


def _legend_below(fig: Figure, ncols: int = 4) -> None:
    """One legend for the whole figure, outside the panels (below them)."""
    handles, labels = {}, []
    for ax in fig.axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in handles and not lab.startswith("_"):
                handles[lab] = h
                labels.append(lab)
    fig.legend([handles[lab] for lab in labels], labels, loc="outside lower center",
               ncols=min(ncols, len(labels)), fontsize=8, frameon=False)


def plot_clipping_pair(plain: dict, clipped: dict, tau: float, title: str = "") -> Figure:
    """One seed trained twice: loss (left) and gradient norm before clipping (right), per step.

    Args:
        plain, clipped: the run without clipping and the run clipped at ``tau`` (same seed,
            same batches), each a dict with per-step lists ``loss`` and ``grad_norm`` and the
            clipped steps ``clipped_at`` (as :func:`course_lib.experiments.clipping.cue_run`
            returns them with ``traces=True``).
        tau: the threshold, drawn as a dotted line on the norm panel; clipped steps are dots.
    """
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax_loss, ax_norm = fig.subplots(1, 2, sharex=True)
    for run, color, label in ((plain, PLAIN, "no clipping"),
                              (clipped, CLIPPED, f"clipped at τ = {tau:g}")):
        loss, norm = np.asarray(run["loss"], float), np.asarray(run["grad_norm"], float)
        steps = np.arange(len(loss))
        ax_loss.plot(steps, loss, color=color, lw=0.8, label=label)
        ax_norm.plot(steps, norm, color=color, lw=0.8, label=label)
        cut = np.asarray(run["clipped_at"], int)
        if cut.size:
            ax_norm.plot(cut, norm[cut], ".", color=color, ms=3,
                         label=f"clipped steps ({cut.size} of {len(loss)})")
    ax_norm.axhline(tau, color=TAU_COLOR, ls=":", lw=1.2, label=f"threshold τ = {tau:g}")
    ax_loss.set(yscale="log", xlabel="step", ylabel="training loss (cross-entropy)",
                title="loss")
    ax_norm.set(yscale="log", xlabel="step", ylabel="‖g‖ before clipping", title="gradient norm")
    _legend_below(fig)
    if title:
        fig.suptitle(title)
    return fig


def plot_seed_traces(pairs: dict, tau: float, block: int, title: str = "") -> Figure:
    """Small multiples: one column per seed, loss (top) and gradient norm (bottom).

    Args:
        pairs: ``{seed: {"plain": run, "clipped": run}}`` where each run has ``loss_blocks``
            (mean loss of each block of ``block`` steps) and ``norm_blocks`` (largest ‖g‖ of
            each block), as stored by :mod:`course_lib.experiments.clipping`.
        tau: the clipping threshold (dotted line). block: steps per point.
    """
    seeds = list(pairs)
    fig = Figure(figsize=(2.3 * len(seeds) + 1, 4.6), layout="constrained")
    axes = fig.subplots(2, len(seeds), sharex=True, sharey="row", squeeze=False)
    for j, seed in enumerate(seeds):
        for arm, color, label in (("plain", PLAIN, "no clipping"),
                                  ("clipped", CLIPPED, f"clipped at τ = {tau:g}")):
            run = pairs[seed][arm]
            x = (np.arange(len(run["loss_blocks"])) + 1) * block
            axes[0, j].plot(x, run["loss_blocks"], color=color, lw=1, label=label)
            axes[1, j].plot(x, run["norm_blocks"], color=color, lw=0.8, label=label)
        axes[1, j].axhline(tau, color=TAU_COLOR, ls=":", lw=1.2,
                           label=f"threshold τ = {tau:g}")
        axes[0, j].set_title(f"seed {seed}", fontsize=9)
        axes[1, j].set_xlabel("step")
    for ax in axes.ravel():
        ax.set_yscale("log")
    axes[0, 0].set_ylabel(f"loss (mean of {block} steps)")
    axes[1, 0].set_ylabel(f"largest ‖g‖ of {block} steps")
    _legend_below(fig)
    if title:
        fig.suptitle(title)
    return fig


def _dots(ax, x, per_x, color, label, offset=1.0, jitter=0.04, center=np.mean, floor=None):
    """Each seed's value as a dot at ``x * offset`` (log axis), ``center`` (the mean) as a bar.

    With ``floor`` (a log y-axis), values below it — zeros — are drawn at ``floor``; the bar
    is the centre of the true values, drawn at ``floor`` if it is below.
    """
    for k, (xv, vals) in enumerate(zip(x, per_x, strict=True)):
        vals = np.asarray(vals, float)
        mid = center(vals)
        if floor is not None:
            vals, mid = np.maximum(vals, floor), max(mid, floor)
        xs = xv * offset * np.exp(jitter * (np.arange(len(vals)) - (len(vals) - 1) / 2))
        ax.plot(xs, vals, "o", color=color, ms=4, alpha=0.8, label=label if k == 0 else None)
        ax.plot([xs[0], xs[-1]], [mid] * 2, "-", color=color, lw=2.5)


def plot_lr_sweep(lrs, arms: dict, chance: float, solved: float, title: str = "") -> Figure:
    """Validation accuracy of every seed against the learning rate, one colour per arm.

    Args:
        lrs: (M,) learning rates (log x-axis).
        arms: ``{label: [[accuracy of each seed] for each learning rate]}``; dots are seeds,
            the bar is their mean.
        chance: accuracy of guessing (dashed). solved: the "solved" level (dotted).
    """
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    offsets = np.exp(0.12 * (np.arange(len(arms)) - (len(arms) - 1) / 2))
    if len(arms) > 3:
        raise ValueError(f"plot_lr_sweep draws up to 3 arms, got {len(arms)}")
    for (label, per_lr), color, off in zip(arms.items(), (PLAIN, CLIPPED, "C2"), offsets,
                                           strict=False):
        _dots(ax, lrs, per_lr, color, label, offset=off)
    ax.axhline(chance, color="gray", ls="--", lw=1, label=f"chance {chance:g}")
    ax.axhline(solved, color="gray", ls=":", lw=1, label=f"solved (≥ {solved:g})")
    ax.set(xscale="log", ylim=(0, 1.05), xlabel="learning rate (SGD)",
           ylabel="validation accuracy", xticks=list(lrs), xticklabels=[f"{v:g}" for v in lrs])
    _legend_below(fig, ncols=2)
    if title:
        fig.suptitle(title)
    return fig


def plot_threshold_sweep(thresholds, accuracy, steps_to, clipped_pct, steps: int,
                         heuristic=None, unclipped=None, solved: float | None = None,
                         level: float | None = None) -> Figure:
    """Test accuracy, steps to reach the loss ``level`` and % of steps clipped against τ.

    Dots are seeds; the bar is their mean (their median for the steps, where "never" counts
    as more than any number).

    Args:
        thresholds: (M,) clipping thresholds (log x-axis).
        accuracy, steps_to, clipped_pct: M lists with one value per seed; in ``steps_to`` None
            means "never reached" (drawn as ✗ above ``steps``).
        steps: the run length (top of the middle panel).
        heuristic: ``(low, high)`` shaded on every panel (Pascanu: 0.5–10 × mean ‖g‖).
        unclipped: ``(accuracy, steps_to)`` of the runs without clipping, drawn at the right
            as "none" (τ = ∞).
        solved: accuracy that counts as solved (dotted). level: the loss level of the middle
            panel's title.
    """
    th = np.asarray(thresholds, float)
    x_none = th[-1] * 4
    fig = Figure(figsize=(11, 3.9), layout="constrained")
    ax_a, ax_s, ax_c = fig.subplots(1, 3, sharex=True)
    never = steps * 1.15
    _dots(ax_a, th, accuracy, CLIPPED, "one seed (bar: mean; steps: median)")
    # % clipped on a log axis: one clipped step is 100/steps %; a run never clipped sits on
    # a line below that, labelled "never" (a log axis has no 0)
    pct_never = 100 / steps / 3
    _dots(ax_c, th, clipped_pct, CLIPPED, None, floor=pct_never)
    reached = [[never if s is None else s for s in per] for per in steps_to]
    _dots(ax_s, th, reached, CLIPPED, None, center=np.median)
    if unclipped is not None:
        _dots(ax_a, [x_none], [unclipped[0]], PLAIN, "no clipping (τ = ∞)")
        _dots(ax_s, [x_none], [[never if s is None else s for s in unclipped[1]]], PLAIN, None,
              center=np.median)
    ax_s.axhline(never, color="gray", lw=0.6)
    ax_s.set_yticks([0, steps // 2, steps, never],
                    [0, steps // 2, steps, "✗ never"])
    for ax in (ax_a, ax_s, ax_c):
        ax.set_xscale("log")
        if heuristic is not None:
            ax.axvspan(*heuristic, color="C2", alpha=0.15, lw=0,
                       label="Pascanu: 0.5–10 × mean ‖g‖")
        ax.set_xlabel("clipping threshold τ")
    ticks = list(th) + ([x_none] if unclipped is not None else [])
    ax_a.set_xticks(ticks, [f"{t:g}" for t in th] + (["none"] if unclipped is not None else []))
    if solved is not None:
        ax_a.axhline(solved, color="gray", ls=":", lw=1, label=f"solved (≥ {solved:g})")
    ax_a.set(ylim=(0, 1.05), ylabel="test accuracy", title="outcome")
    ax_s.set(ylim=(0, never * 1.08), ylabel="steps",
             title="steps until loss < " + (f"{level:g}" if level else "level"))
    ax_c.set_yscale("log")
    ax_c.axhline(pct_never, color="gray", lw=0.6)
    decades = [d for d in (0.01, 0.1, 1, 10, 100) if d > 100 / steps / 1.5]
    ax_c.set_yticks([pct_never, *decades], ["never", *(f"{d:g}" for d in decades)])
    ax_c.yaxis.set_minor_locator(LogLocator(subs="auto"))
    ax_c.set(ylim=(pct_never / 1.6, 150), ylabel="% of steps clipped",
             title="how often clipping fires")
    _legend_below(fig)
    return fig
