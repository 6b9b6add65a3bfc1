"""Figures for notebook 05: activation derivatives, gradient norm against distance or depth
(one line, or small multiples), one-step Jacobian norms, cue accuracy against the training
budget and with an attractor, learning-rate sweeps and per-seed scores.

Every function takes data and returns a ``matplotlib.figure.Figure``; nothing here trains.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib.np_common import sigmoid


def plot_activation_derivatives(z_max: float = 6.0) -> Figure:
    """tanh, the logistic sigmoid σ and ReLU (left) and their derivatives (right).

    The right panel marks the bounds that enter the Jacobian product: tanh′(z) = 1 − tanh²z
    ≤ 1 (at z = 0), σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4 (at z = 0), ReLU′ ∈ {0, 1}.
    """
    z = np.linspace(-z_max, z_max, 601)
    sig = sigmoid(z)
    funcs = {"tanh": (np.tanh(z), 1.0 - np.tanh(z) ** 2),
             "sigmoid σ": (sig, sig * (1.0 - sig)),
             "ReLU": (np.maximum(z, 0.0), (z > 0).astype(float))}
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    ax_f, ax_d = fig.subplots(1, 2)
    for i, (name, (f, d)) in enumerate(funcs.items()):
        ax_f.plot(z, f, color=f"C{i}", label=name)
        ax_d.plot(z, d, color=f"C{i}", label=f"{name}′")
    ax_d.axhline(1.0, color="C0", ls=":", lw=1)
    ax_d.axhline(0.25, color="C1", ls=":", lw=1)
    ax_d.annotate("tanh′ ≤ 1", xy=(-z_max, 1.03), color="C0")
    ax_d.annotate("σ′ ≤ 1/4", xy=(-z_max, 0.28), color="C1")
    ax_f.set(xlabel="z", ylabel="f(z)", title="activations", ylim=(-1.2, 2.2))
    ax_d.set(xlabel="z", ylabel="f′(z)", title="derivatives: one factor per step",
             ylim=(-0.05, 1.2))
    ax_f.legend(fontsize=8)
    ax_d.legend(fontsize=8, loc="center right")
    return fig


def plot_gradient_norms(curves: dict, references: dict | None = None, title: str = "",
                        xlabel: str = "distance T − t (steps back from the loss)",
                        ylabel: str = "‖∂L_T/∂s_t‖",
                        reference_label: str = "ρ^(T−t) (linear network)") -> Figure:
    """Gradient norm against distance on a log scale, one line per setting.

    Args:
        curves: ``{label: norms}`` with ``norms[d]`` the norm at distance d (or at layer d).
        references: optional ``{label: values}`` drawn dashed in the same colour, e.g. ρ^d,
            what a linear RNN with an orthogonal W of scale ρ would give.
        title: axes title.
        reference_label: legend entry for the dashed lines.
    """
    fig = Figure(figsize=(6.8, 4), layout="constrained")
    ax = fig.subplots()
    for i, (label, norms) in enumerate(curves.items()):
        norms = np.asarray(norms, dtype=float)
        ax.plot(np.arange(len(norms)), norms, color=f"C{i}", lw=1.8, label=label)
        if references and label in references:
            r = np.asarray(references[label], dtype=float)
            ax.plot(np.arange(len(r)), r, color=f"C{i}", ls="--", lw=1)
    if references:
        ax.plot([], [], color="gray", ls="--", lw=1, label=reference_label)
    ax.axhline(1.0, color="gray", lw=0.6)
    ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize=8, loc="best")
    return fig


def plot_layer_gradient_norms(curves: dict, title: str = "") -> Figure:
    """Gradient norm per layer of a deep feed-forward stack (bottom layer on the left)."""
    return plot_gradient_norms(curves, title=title, xlabel="layer l (0 = bottom)",
                               ylabel="‖∂L/∂a_l‖")


# --- small multiples and seed-level figures (issue 17: readable, every seed shown) --------

def plot_gradient_norm_panels(curves: dict, references: dict, title: str = "",
                              reference_label: str = "bound ρ^(T−t)") -> Figure:
    """One small panel per setting: the measured ‖∂L_T/∂s_t‖ (solid) and its bound (dashed).

    Args:
        curves: ``{label: norms}`` with ``norms[d]`` the norm at distance d.
        references: ``{label: bound}`` drawn dashed in the same panel.
        title: figure title.

    All panels share the log y-axis, so the settings compare at a glance without ten lines
    crossing in one axes; each panel's title gives the norm at the largest distance.
    """
    fig = Figure(figsize=(2.6 * len(curves), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(curves), sharey=True))
    for i, (ax, (label, norms)) in enumerate(zip(axes, curves.items(), strict=True)):
        norms = np.asarray(norms, dtype=float)
        d = np.arange(len(norms))
        ax.plot(d, norms, color=f"C{i}", lw=2, label="measured")
        if label in references:
            ax.plot(d, np.asarray(references[label], dtype=float)[:len(norms)], color="gray",
                    ls="--", lw=1, label=reference_label)
        ax.axhline(1.0, color="gray", lw=0.6)
        ax.set_yscale("log")
        ax.set_title(f"{label}\nat d = {len(norms) - 1}: {norms[-1]:.1e}", fontsize=9)
        ax.set_xlabel("distance T − t")
    axes[0].set_ylabel("‖∂L_T/∂s_t‖")
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle(title)
    return fig


def plot_jacobian_norms(step_norms, product_norms, title: str = "") -> Figure:
    """Left: ‖∂s_t/∂s_{t−1}‖₂ per step (median and range over the batch) against the line 1.
    Right: the norm of the whole product, ‖∂L_T/∂s_t‖, against the distance T − t.

    Args:
        step_norms: (N, T) one-step Jacobian norms (:func:`course_lib.vanishing.jacobian_norms`).
        product_norms: (T,) gradient norm by distance
            (:func:`course_lib.vanishing.gradient_norms_by_distance`).
    """
    step_norms = np.asarray(step_norms, dtype=float)
    t = np.arange(1, step_norms.shape[1] + 1)
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    ax_j, ax_p = fig.subplots(1, 2)
    ax_j.fill_between(t, step_norms.min(axis=0), step_norms.max(axis=0), color="C0", alpha=0.25,
                      label="range over the batch")
    ax_j.plot(t, np.median(step_norms, axis=0), color="C0", label="median")
    ax_j.axhline(1.0, color="C3", ls="--", lw=1, label="WildML's bound 1")
    ax_j.set(xlabel="step t", ylabel="‖∂s_t/∂s_(t−1)‖₂", title="each factor of the product",
             ylim=(0, max(1.3, 1.1 * float(step_norms.max()))))
    ax_j.legend(fontsize=8, loc="lower right")
    product_norms = np.asarray(product_norms, dtype=float)
    ax_p.plot(np.arange(len(product_norms)), product_norms, color="C1")
    ax_p.axhline(1.0, color="gray", lw=0.6)
    ax_p.set_yscale("log")
    ax_p.set(xlabel="distance T − t", ylabel="‖∂L_T/∂s_t‖", title="their product")
    fig.suptitle(title)
    return fig


def _seed_dots(ax, x, values, color, label=None, marker="o", offset=0.0, log_x=True):
    """Every seed as a dot (slightly spread sideways) and the mean as a line."""
    values = np.asarray(values, dtype=float)  # (len(x), n_seeds)
    x = np.asarray(x, dtype=float)
    spread = np.linspace(-0.06, 0.06, values.shape[1]) + offset
    for j in range(values.shape[1]):
        xs = x * 10 ** spread[j] if log_x else x + spread[j]
        ax.plot(xs, values[:, j], marker, color=color, ms=4, alpha=0.6, ls="none")
    ax.plot(x, values.mean(axis=1), color=color, lw=1.5, marker=marker, ms=0, label=label)


def plot_budget_curves(budgets, curves: dict, chance: float, title: str = "",
                       ylabel: str = "test accuracy", seeds=None) -> Figure:
    """Accuracy against the training budget, one small panel per setting, one line per seed.

    Args:
        budgets: numbers of training steps at which the accuracy was measured (x-axis).
        curves: ``{panel label: array (n_seeds, len(budgets))}``, e.g. one panel per distance.
        chance: the accuracy of guessing, drawn dashed.
        seeds: the seeds' names for the legend (default 0, 1, …).
    """
    fig = Figure(figsize=(3.0 * len(curves), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(curves), sharey=True))
    for ax, (label, acc) in zip(axes, curves.items(), strict=True):
        for j, seed_curve in enumerate(np.asarray(acc, dtype=float)):
            name = j if seeds is None else seeds[j]
            ax.plot(budgets, seed_curve, "o-", color=f"C{j}", ms=3, lw=1.2, label=f"seed {name}")
        ax.axhline(chance, color="gray", ls="--", lw=1, label=f"chance {chance:.2f}")
        ax.set(title=label, xlabel="training steps (budget)", ylim=(-0.02, 1.05))
    axes[0].set_ylabel(ylabel)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(title)
    return fig


def plot_attractor(distances, accuracy, follows, chance: float, title: str = "") -> Figure:
    """Attractor cases (nearer cue ≠ label): how often the model reads the far cue (accuracy)
    and how often it answers with the nearer attractor's class, against the cue distance.

    ``accuracy`` and ``follows`` are arrays (len(distances), n_seeds); dots are seeds.
    """
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    ax = fig.subplots()
    _seed_dots(ax, distances, accuracy, "C2", label="reads the far cue (accuracy)")
    _seed_dots(ax, distances, follows, "C3", marker="s", offset=0.02,
               label="answers the nearer attractor's class")
    ax.axhline(chance, color="gray", ls="--", lw=1, label=f"chance {chance:.2f}")
    ax.set_xscale("log")
    ax.set_xticks(list(distances), [str(d) for d in distances])
    ax.minorticks_off()
    ax.set(xlabel="cue distance d", ylabel="fraction of attractor test cases", ylim=(-0.02, 1.05),
           title=title)
    ax.legend(fontsize=8, loc="center left")
    return fig


def plot_lr_sweep(sweep: dict, chosen: dict, baseline: float, title: str = "") -> Figure:
    """Validation MSE against learning rate, one small panel per model; the chosen rate ringed.

    Args:
        sweep: ``{model: {lr: validation MSE}}`` (inf for a run that diverged, drawn at the top).
        chosen: ``{model: lr}`` picked by the lowest validation MSE.
        baseline: MSE of predicting the mean (dashed).
    """
    fig = Figure(figsize=(2.4 * len(sweep), 3.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(sweep), sharey=True))
    for i, (ax, (model, by_lr)) in enumerate(zip(axes, sweep.items(), strict=True)):
        lrs = np.array(sorted(by_lr, key=float), dtype=float)
        mse = np.array([by_lr[k] for k in sorted(by_lr, key=float)], dtype=float)
        shown = np.where(np.isfinite(mse), mse, 1.0)
        ax.plot(lrs, shown, "o-", color=f"C{i}")
        ax.plot([float(chosen[model])], [by_lr[chosen[model]]], "o", ms=12, mfc="none",
                color="k")
        ax.axhline(baseline, color="gray", ls="--", lw=1)
        ax.set(xscale="log", yscale="log", title=model, xlabel="learning rate")
    axes[0].set_ylabel("validation MSE (seed 0)")
    fig.suptitle(title)
    return fig


def plot_seed_scores(scores: dict, baseline: float | None = None, ylabel: str = "test MSE",
                     baseline_label: str = "baseline", title: str = "",
                     log: bool = True) -> Figure:
    """A dot plot: one column per model, one dot per seed, a bar for the mean.

    ``scores`` is ``{label: [score per seed]}``; a log y-axis (``log``) suits MSEs that span
    orders of magnitude; dots keep every seed visible where bars would hide the spread.
    """
    fig = Figure(figsize=(1.3 * len(scores) + 2, 3.6), layout="constrained")
    ax = fig.subplots()
    for i, values in enumerate(scores.values()):
        values = np.asarray(values, dtype=float)
        ax.plot(i + np.linspace(-0.12, 0.12, len(values)), values, "o", color=f"C{i}", ms=6)
        ax.plot([i - 0.25, i + 0.25], [values.mean()] * 2, color=f"C{i}", lw=2)
    if baseline is not None:
        ax.axhline(baseline, color="gray", ls="--", lw=1, label=baseline_label)
        ax.legend(fontsize=8, loc="lower left")
    ax.set_xticks(range(len(scores)), list(scores))
    if log:
        ax.set_yscale("log")
    ax.set(ylabel=ylabel + " (dots: seeds, bar: mean)", title=title)
    return fig
