"""Figures for notebook 08: results over seeds (dot plots) and the depth experiment.

Every function takes computed data and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def plot_seed_dots(values: dict, chance: float | None = None, ylabel: str = "",
                   title: str = "") -> Figure:
    """One column per arm: every seed's value as a dot, the mean as a bar-free line.

    Args:
        values: ``{arm label: per-seed values}``.
        chance: a dashed reference line (e.g. a coin flip), or None.
    """
    fig = Figure(figsize=(1.6 + 1.3 * len(values), 3.4), layout="constrained")
    ax = fig.subplots()
    for i, v in enumerate(values.values()):
        v = np.asarray(v, dtype=float)
        ax.plot(np.full(v.size, i) + np.linspace(-0.12, 0.12, v.size), v, "o", color=f"C{i}",
                alpha=0.8)
        ax.hlines(v.mean(), i - 0.3, i + 0.3, color=f"C{i}", lw=2)
    if chance is not None:
        ax.axhline(chance, color="k", ls="--", lw=1)
        ax.text(len(values) - 0.5, chance, " chance", va="bottom", ha="right", fontsize=8)
    ax.set_xticks(range(len(values)), list(values), rotation=20, ha="right", fontsize=8)
    ax.set(ylim=(0, 1.02), ylabel=ylabel, title=title)
    return fig


def plot_depth_results(results: dict, depths, seeds) -> Figure:
    """The depth experiment: bottom-layer gradient at init (log) and dev span F1 against depth.

    Args:
        results: ``{"L/kind/seed": {"bottom_grad_at_init", "final_train_loss", "dev_f1"}}``.
        depths: the stack depths L; seeds: the seeds run for each.
    """
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, key, label in ((axes[0], "bottom_grad_at_init", "‖∂L/∂U⁽¹⁾‖ at initialisation (log)"),
                           (axes[1], "dev_f1", "dev span F1 after training")):
        for i, kind in enumerate(("plain", "residual")):
            vals = np.array([[results[f"{L}/{kind}/{s}"][key] for s in seeds] for L in depths])
            for j, L in enumerate(depths):
                ax.plot(np.full(len(seeds), L) * (1.06 if i else 0.94), vals[j], "o",
                        color=f"C{i}", alpha=0.6, ms=4)
            ax.plot(depths, vals.mean(axis=1), "-", color=f"C{i}", label=kind)
        ax.set_xscale("log", base=2)
        ax.set_xticks(list(depths), [str(L) for L in depths])
        ax.set(xlabel="stacked layers L", ylabel=label)
        if key == "bottom_grad_at_init":
            ax.set_yscale("log")
        else:
            ax.set_ylim(0, 1)
        ax.legend(fontsize=8)
    fig.suptitle("stacked tanh RNNs with and without residual connections (dots: seeds)")
    return fig
