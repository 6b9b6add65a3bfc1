"""Figures for notebooks 06–07: the LSTM cell diagram, gate activations over a sentence,
gradient norm against distance (over seeds), and the state difference of two sentences.
(Multi-seed comparisons of models are drawn by :mod:`course_lib.plots.sweeps`.)

Every function takes data and returns a ``matplotlib.figure.Figure``; nothing here trains.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

GATE_TITLES = {
    "i": "input gate i_t", "f": "forget gate f_t", "g": "candidate g_t", "o": "output gate o_t",
    "c": "cell state c_t", "h": "hidden state h_t",
    "r": "reset gate r_t", "z": "update gate z_t", "n": "candidate n_t",
}


def _arrow(ax, start, end, **kw) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, lw=1.4,
                                 color=kw.pop("color", "k"), shrinkA=0, shrinkB=0, **kw))


def _op(ax, xy, text, color="white") -> None:
    ax.add_patch(Circle(xy, 0.28, fc=color, ec="k", lw=1.2, zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=13, zorder=4)


def _box(ax, xy, text, color) -> None:
    ax.add_patch(FancyBboxPatch((xy[0] - 0.45, xy[1] - 0.3), 0.9, 0.6,
                                boxstyle="round,pad=0.05", fc=color, ec="k", zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=11, zorder=4)


def plot_lstm_cell() -> Figure:
    """Diagram of one LSTM step: the cell-state line on top, the four gates below.

    The top line carries c_{t-1} → c_t through one ⊗ (by f_t) and one ⊕ (adding i_t ⊙ g_t):
    no weight matrix and no squashing on that path, which is why ∂c_t/∂c_{t-1} = diag(f_t).
    """
    fig = Figure(figsize=(9, 4.4), layout="constrained")
    ax = fig.subplots()
    ax.set(xlim=(-0.5, 10.5), ylim=(-0.6, 5.2), aspect="equal")
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.8, 0.3), 8.4, 4.3, boxstyle="round,pad=0.1",
                                fc="#f4f4f4", ec="gray", lw=1))
    y_c, y_g = 4.0, 1.4
    # the cell-state highway
    _arrow(ax, (-0.3, y_c), (2.22, y_c), color="C3")
    _op(ax, (2.5, y_c), "×")
    _arrow(ax, (2.78, y_c), (4.72, y_c), color="C3")
    _op(ax, (5.0, y_c), "+")
    _arrow(ax, (5.28, y_c), (10.3, y_c), color="C3")
    ax.text(-0.3, y_c + 0.25, "$c_{t-1}$", fontsize=12, color="C3")
    ax.text(9.7, y_c + 0.25, "$c_t$", fontsize=12, color="C3")
    ax.text(3.75, y_c + 0.45, "cell state: only $\\times f_t$ and $+\\, i_t g_t$",
            fontsize=9, color="C3", ha="center")
    # the gates, fed by [h_{t-1}, x_t]
    gates = [("f", 2.5, "σ", "C1"), ("i", 4.0, "σ", "C0"), ("g", 5.0, "tanh", "C2"),
             ("o", 7.0, "σ", "C4")]
    ax.plot([-0.3, 7.0], [0.3, 0.3], color="k", lw=1.4)
    ax.text(-0.3, -0.2, "$h_{t-1}$, $x_t$", fontsize=12)
    for name, x, act, color in gates:
        _arrow(ax, (x, 0.3), (x, y_g - 0.35))
        _box(ax, (x, y_g), f"{act}\n${name}_t$", color=_light(color))
    _arrow(ax, (2.5, y_g + 0.35), (2.5, y_c - 0.28))  # f → ×
    _op(ax, (4.5, 2.7), "×")  # i ⊙ g
    _arrow(ax, (4.0, y_g + 0.35), (4.35, 2.47))
    _arrow(ax, (5.0, y_g + 0.35), (4.65, 2.47))
    _arrow(ax, (4.6, 2.98), (4.9, y_c - 0.28))
    # output: h_t = o_t ⊙ tanh(c_t)
    _box(ax, (8.2, 3.1), "tanh", color="#ffffff")
    _arrow(ax, (8.2, y_c), (8.2, 3.45))
    _op(ax, (8.2, 1.9), "×")
    _arrow(ax, (8.2, 2.75), (8.2, 2.18))
    _arrow(ax, (7.0, y_g + 0.35), (7.93, 1.85))
    _arrow(ax, (8.48, 1.9), (10.3, 1.9))
    _arrow(ax, (8.2, 1.62), (8.2, -0.4))
    ax.text(9.7, 2.1, "$h_t$", fontsize=12)
    ax.text(8.35, -0.45, "$h_t$ (to the output layer)", fontsize=9)
    ax.set_title("one LSTM step (torch packs the gates as i, f, g, o)")
    return fig


def _light(color: str) -> tuple:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (0.6 + 0.4 * r, 0.6 + 0.4 * g, 0.6 + 0.4 * b)


def plot_gate_heatmaps(tokens: list[str], gates: dict, tags: list[str] | None = None,
                       predicted: list[str] | None = None, title: str = "") -> Figure:
    """One heatmap per gate: hidden units (rows) × words of the sentence (columns).

    Args:
        tokens: the T words.
        gates: ``{name: (T, H) array}``, e.g. ``{"i": …, "f": …, "o": …}`` (values in [0, 1]
            for σ gates; other arrays are drawn on a symmetric scale).
        tags: gold tags (T,) printed under the words, optional.
        predicted: the model's tags (T,), printed in red where they differ from ``tags``.
        title: figure title.
    """
    names = list(gates)
    T = len(tokens)
    for k in names:
        if np.shape(gates[k])[0] != T:
            raise ValueError(f"gates[{k!r}] must have shape (T, H) with T={T}, "
                             f"got {np.shape(gates[k])}")
    fig = Figure(figsize=(max(6.0, 0.75 * T + 2), 1.9 * len(names) + 1.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(names), 1, sharex=True))
    for ax, k in zip(axes, names, strict=True):
        a = np.asarray(gates[k], dtype=float).T  # (H, T)
        unit = bool(a.min() >= 0 and a.max() <= 1)
        vmax = 1.0 if unit else float(np.abs(a).max() or 1.0)
        im = ax.imshow(a, aspect="auto", cmap="viridis" if unit else "RdBu_r",
                       vmin=0.0 if unit else -vmax, vmax=vmax, interpolation="nearest")
        ax.set_ylabel(f"{GATE_TITLES.get(k, k)}\nunit", fontsize=9)
        ax.text(1.005, 0.5, f"mean {a.mean():.2f}", transform=ax.transAxes, fontsize=8,
                rotation=90, va="center")
        fig.colorbar(im, ax=ax, fraction=0.02, pad=0.04)
    labels = list(tokens)
    if tags is not None:
        labels = [f"{w}\n{t}" for w, t in zip(tokens, tags, strict=True)]
    axes[-1].set_xticks(range(T), labels, rotation=60, ha="right", fontsize=8)
    if predicted is not None and tags is not None:
        for tick, p, t in zip(axes[-1].get_xticklabels(), predicted, tags, strict=True):
            if p != t:
                tick.set_color("red")
    if title:
        fig.suptitle(title)
    return fig


def plot_gradient_vs_distance(curves: dict, title: str = "",
                              ylabel: str = "‖∂ŷ/∂x_t‖ (mean over the batch)",
                              xlabel: str = "distance T − t (steps before the read-out)",
                              refs: tuple = ()) -> Figure:
    """Gradient norm against distance on a log scale, one line per model.

    ``curves``: ``{label: norms}`` with ``norms[d]`` the norm at distance d, shape (T,), or
    one row per seed, shape (S, T): then the line is the median over seeds and the shaded
    band spans the smallest to the largest seed. Labels containing "init" are drawn dashed,
    so "at initialisation" and "after training" pair up by colour when given in the order
    model-init, model-trained. ``refs``: ``(value, label)`` horizontal reference lines.
    """
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    colors: dict = {}
    for label, norms in curves.items():
        model = label.split(",")[0]
        color = colors.setdefault(model, f"C{len(colors)}")
        norms = np.atleast_2d(np.asarray(norms, dtype=float))  # (S, T)
        d = np.arange(norms.shape[1])
        n_seeds = f" ({len(norms)} seeds)" if len(norms) > 1 else ""
        ax.plot(d, np.median(norms, axis=0), color=color,
                ls="--" if "init" in label else "-", lw=1.6, label=label + n_seeds)
        if len(norms) > 1:
            ax.fill_between(d, norms.min(axis=0), norms.max(axis=0), color=color, alpha=0.15,
                            lw=0)
    for value, ref_label in refs:
        ax.axhline(value, color="gray", ls=":", lw=1, label=ref_label)
    ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    return fig


def plot_state_difference(tokens_a: list[str], tokens_b: list[str], state_a, state_b,
                          name: str = "c") -> Figure:
    """Where two sentences' states differ: |a_t − b_t| per unit (top) and its norm (bottom).

    For two sentences that differ in one word (e.g. "arrive" vs "leave"), the difference is
    zero before that word in a left-to-right model, appears at it, and lasts as long as the
    network keeps the word in memory.

    Args:
        tokens_a, tokens_b: the two sentences, equal length T.
        state_a, state_b: (T, H) states (e.g. cell states c_t) of the two sentences.
        name: the state's symbol for the labels.
    """
    a, b = np.asarray(state_a, dtype=float), np.asarray(state_b, dtype=float)
    T = len(tokens_a)
    if len(tokens_b) != T or a.shape != b.shape or a.shape[0] != T:
        raise ValueError(f"need two sentences of equal length T={T} and states (T, H) of equal "
                         f"shape, got {len(tokens_b)} words, {a.shape} and {b.shape}")
    diff = np.abs(a - b)  # (T, H)
    fig = Figure(figsize=(max(6.0, 0.8 * T + 2), 5), layout="constrained")
    ax_map, ax_norm = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    im = ax_map.imshow(diff.T, aspect="auto", cmap="magma", interpolation="nearest")
    fig.colorbar(im, ax=ax_map, fraction=0.02, pad=0.02)
    ax_map.set(ylabel="unit", title=f"|{name}_t(a) − {name}_t(b)| per unit")
    ax_norm.plot(range(T), np.linalg.norm(a - b, axis=1), "o-", color="C3")
    ax_norm.set(ylabel=f"‖Δ{name}_t‖")
    labels = [wa if wa == wb else f"{wa}\n≠ {wb}" for wa, wb in zip(tokens_a, tokens_b,
                                                                   strict=True)]
    ax_norm.set_xticks(range(T), labels, rotation=45, ha="right", fontsize=8)
    return fig
