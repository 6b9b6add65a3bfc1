"""Figures for slot filling and its loss (notebook 01).

Each function takes numbers already computed and returns a ``matplotlib.figure.Figure``.

References: Hung-yi Lee, "Recurrent Neural Network" lectures (the slot-filling picture: one
probability vector over the slots per word); Mesnil et al., "Using recurrent neural networks
for slot filling in spoken language understanding", IEEE/ACM TASLP 2015.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure


def plot_slot_outputs(tokens: Sequence[str], probs, tag_names: Sequence[str],
                      show_tags: Sequence[str], gold: Sequence[str] | None = None,
                      title: str = "") -> Figure:
    """The lecture's picture: under each word, its output vector ŷ_t over the K tags.

    Args:
        tokens: the T words, drawn along the bottom.
        probs: (T, K) probabilities (or one-hot targets), rows summing to 1.
        tag_names: the K tag names, in the order of ``probs``' columns.
        show_tags: which entries to draw (the same rows in every panel; K is large).
        gold: the T gold tags; their bars are drawn in green, the others in grey.
        title: figure title; the number of entries not drawn is added to it.
    """
    probs = np.asarray(probs, dtype=float)
    T, K = probs.shape
    if len(tokens) != T or len(tag_names) != K:
        raise ValueError(f"probs has shape {probs.shape}, but got {len(tokens)} tokens and "
                         f"{len(tag_names)} tag names")
    missing = [t for t in show_tags if t not in tag_names]
    if missing:
        raise ValueError(f"show_tags not among tag_names: {missing}")
    cols = [list(tag_names).index(t) for t in show_tags]
    R = len(cols)
    # One axes, one block of R horizontal bars per word (faster to draw than T subplots).
    fig = Figure(figsize=(1.25 * T + 2.4, 0.3 * R + 1.2), layout="constrained")
    ax = fig.subplots()
    y = np.arange(R)
    for t in range(T):
        colors = ["C2" if gold is not None and show_tags[j] == gold[t] else "0.6"
                  for j in range(R)]
        ax.barh(y, 0.85 * probs[t, cols], left=t, color=colors, height=0.8)
        ax.axvline(t, color="0.85", lw=0.8)
    ax.set_xlim(0, T)
    ax.set_ylim(R - 0.5, -0.5)
    ax.set_xticks(np.arange(T) + 0.45, list(tokens), fontsize=10, fontweight="bold")
    ax.set_yticks(y, list(show_tags), fontsize=7)
    ax.tick_params(axis="x", length=0)
    note = f"({R} of K = {K} entries drawn, bar length = probability; green = target)"
    ax.set_title(f"{title}  {note}" if title else note, fontsize=9)
    return fig


def plot_grouped_bars(values: dict, ylabel: str, title: str = "",
                      reference: float | None = None, reference_label: str = "",
                      percent: bool = True) -> Figure:
    """Grouped bars: ``values = {group: {series: value}}``, each bar labelled with its value."""
    groups = list(values)
    series = list(dict.fromkeys(s for g in groups for s in values[g]))
    fig = Figure(figsize=(1.9 * len(groups) + 2.5, 3.4), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(series)
    for i, s in enumerate(series):
        x = np.arange(len(groups)) + (i - (len(series) - 1) / 2) * width
        v = [values[g].get(s, np.nan) for g in groups]
        bars = ax.bar(x, v, width, label=s, color=f"C{i}")
        ax.bar_label(bars, labels=[f"{u:.0%}" if percent else f"{u:.2g}" for u in v],
                     fontsize=8)
    if reference is not None:
        ax.axhline(reference, color="gray", ls="--", lw=1, label=reference_label or None)
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set(ylabel=ylabel, title=title)
    if percent:
        ax.set_ylim(0, 1.1)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    return fig


def plot_token_losses(losses, mask, tokens: Sequence[Sequence[str]],
                      title: str = "per-word loss L_t = −log ŷ_t[y_t]") -> Figure:
    """Heatmap of a padded batch's per-word losses (N, T); padding drawn hatched, loss 0.

    Args:
        losses: (N, T) per-word losses (0 on padding).
        mask: (N, T) True on real words.
        tokens: the words of each sentence (for the cell labels).
    """
    losses = np.asarray(losses, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    N, T = losses.shape
    fig = Figure(figsize=(max(6.0, 0.75 * T), 0.55 * N + 1.4), layout="constrained")
    ax = fig.subplots()
    shown = np.ma.masked_where(~mask, losses)
    im = ax.imshow(shown, cmap="Reds", aspect="auto", vmin=0)
    ax.imshow(np.ma.masked_where(mask, np.ones_like(losses)), cmap="Greys", vmin=0, vmax=4,
              aspect="auto")
    dark = 0.6 * losses[mask].max() if mask.any() else np.inf
    for n in range(N):
        for t in range(T):
            text = tokens[n][t] if t < len(tokens[n]) else "<pad>"
            ax.text(t, n, f"{text}\n{losses[n, t]:.2f}" if mask[n, t] else text,
                    ha="center", va="center", fontsize=6.5,
                    color="white" if mask[n, t] and losses[n, t] > dark else "0.3")
    ax.set(xlabel="time step t", ylabel="sentence n", title=title)
    ax.set_yticks(range(N))
    fig.colorbar(im, ax=ax, label="loss")
    return fig
