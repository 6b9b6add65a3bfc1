"""Figures for notebook 05: activation derivatives, gradient norm against distance or depth,
accuracy against cue distance, and the remedies' final scores.

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


def plot_accuracy_by_distance(distances, accuracies, chance: float, title: str = "") -> Figure:
    """Test accuracy against the distance between the cue and the decision."""
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(distances, accuracies, "o-", color="C3", label="tanh RNN, same training budget")
    ax.axhline(chance, color="gray", ls="--", lw=1, label=f"chance = {chance:.2f}")
    ax.set(xlabel="cue distance (tokens between the cue and the end)",
           ylabel="test accuracy", ylim=(0, 1.05), title=title)
    ax.legend(fontsize=8)
    return fig


def plot_final_scores(scores: dict, baseline: float | None = None, ylabel: str = "test MSE",
                      baseline_label: str = "baseline", title: str = "") -> Figure:
    """A bar per model (``{label: score}``), with an optional horizontal baseline."""
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.subplots()
    labels = list(scores)
    values = [float(scores[k]) for k in labels]
    bars = ax.bar(labels, values, color=[f"C{i}" for i in range(len(labels))])
    for bar, v in zip(bars, values, strict=True):
        ax.annotate(f"{v:.3g}", xy=(bar.get_x() + bar.get_width() / 2, v), ha="center",
                    va="bottom", fontsize=8)
    if baseline is not None:
        ax.axhline(baseline, color="gray", ls="--", lw=1, label=baseline_label)
        ax.legend(fontsize=8)
    ax.set(ylabel=ylabel, title=title)
    return fig
