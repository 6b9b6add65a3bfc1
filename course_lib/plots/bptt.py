"""Figures for backpropagation through time (notebook 02).

Each function takes numbers already computed and returns a ``matplotlib.figure.Figure``.

References: WildML, "Recurrent Neural Networks Tutorial, Part 3 – Backpropagation Through Time
and Vanishing Gradients" (2015); Williams & Peng, Neural Computation 1990 (truncated BPTT).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def plot_truncation_error(ks, errors: dict, threshold: float | None = 0.01,
                          title: str = "truncated BPTT: gradient error vs k") -> Figure:
    """Relative gradient error ‖g_k − g‖ / ‖g‖ against the truncation length k (log y).

    Args:
        ks: truncation lengths, (M,).
        errors: ``{label: errors (M,)}``; zeros are drawn at the axis floor.
        threshold: a horizontal reference line (e.g. 1 %), or None.
    """
    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.subplots()
    ks = np.asarray(ks)
    for label, err in errors.items():
        err = np.maximum(np.asarray(err, dtype=float), 1e-17)  # log axis: show exact 0 at floor
        ax.semilogy(ks, err, marker=".", lw=1.2, label=label)
    if threshold is not None:
        ax.axhline(threshold, color="gray", ls="--", lw=1, label=f"{threshold:.0%}")
    ax.set(xlabel="truncation length k", ylabel="relative error of ∂L/∂θ", title=title)
    ax.legend(fontsize=8)
    return fig


def plot_truncation_windows(T: int, k: int) -> Figure:
    """Which steps s each loss term L_t sends gradient to, per-output vs chunked truncation.

    Per-output truncation (``rnn_backward(truncate=k)``): s ∈ [t−k+1, t].
    Chunked truncation (carry the state, detach it every k steps): s from the start of t's
    chunk to t, i.e. between 1 and k steps.
    """
    t = np.arange(T)[:, None]
    s = np.arange(T)[None, :]
    per_output = (s <= t) & (s > t - k)
    chunked = (s <= t) & (s >= (t // k) * k)
    full = s <= t
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    panels = [("full BPTT", full), (f"per-output, truncate={k}", per_output),
              (f"chunked, length {k}", chunked)]
    for ax, (name, m) in zip(axes, panels, strict=True):
        ax.imshow(m, cmap="Blues", vmin=0, vmax=1.4, origin="upper")
        ax.set(title=name, xlabel="step s that receives gradient")
        ax.set_xticks(range(0, T, max(1, T // 6)))
    axes[0].set_ylabel("loss term L_t")
    for ax in axes[2:]:
        for b in range(k, T, k):
            ax.axvline(b - 0.5, color="C3", lw=1)
            ax.axhline(b - 0.5, color="C3", lw=1)
    return fig


def plot_cost_vs_length(Ts, seconds, cache_bytes: dict,
                        time_label: str = "forward + backward (ms)",
                        memory_label: str = "cache kept for backward (KiB)") -> Figure:
    """Time (left) and memory (right) of forward + BPTT against sequence length T.

    Args:
        Ts: sequence lengths, (M,).
        seconds: measured time (wall or CPU) of forward + backward for each T, (M,).
        cache_bytes: ``{label: bytes (M,)}``, e.g. full BPTT vs chunked truncation.
        time_label, memory_label: y-axis labels of the two panels.
    """
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_t, ax_m = fig.subplots(1, 2)
    Ts = np.asarray(Ts, dtype=float)
    sec = np.asarray(seconds, dtype=float)
    ax_t.plot(Ts, 1e3 * sec, "o-", label="measured")
    ax_t.plot(Ts, 1e3 * sec[-1] * Ts / Ts[-1], "k:", lw=1, label="∝ T")
    ax_t.set(xlabel="sequence length T", ylabel=time_label, title="time",
             ylim=(0, None))
    ax_t.legend(fontsize=8)
    for label, b in cache_bytes.items():
        ax_m.plot(Ts, np.asarray(b, dtype=float) / 2**10, "o-", label=label)
    ax_m.set(xlabel="sequence length T", ylabel=memory_label,
             title="memory", ylim=(0, None))
    ax_m.legend(fontsize=8)
    return fig


def plot_contributions(distances, norms: dict,
                       title: str = "contribution of step t − d to ∂L_t/∂W") -> Figure:
    """Norm of each time step's term in ∂L_t/∂W against its distance d (log y).

    Args:
        distances: d = 0, 1, …, (M,).
        norms: ``{label: ‖term‖ (M,)}``.
    """
    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.subplots()
    for label, n in norms.items():
        ax.semilogy(distances, np.maximum(np.asarray(n, dtype=float), 1e-300), ".-",
                    label=label)
    ax.set(xlabel="distance d (steps back from the loss term)",
           ylabel="‖term at distance d‖ (Frobenius)", title=title)
    ax.legend(fontsize=8)
    return fig
