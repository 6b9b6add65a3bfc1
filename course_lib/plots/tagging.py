"""Figures for notebooks 08–09: padding-aware reversal, per-case accuracy, depth and
residual connections, the tagger's training history, results over seeds and confusions."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator


def _smooth(y, k: int) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if k <= 1 or len(y) < k:
        return y
    return np.convolve(y, np.ones(k) / k, mode="valid")


def plot_reverse_padding(tokens: list[list[str]], flipped: list[list[str]],
                         reversed_: list[list[str]]) -> Figure:
    """Three grids of words: the padded batch, ``torch.flip`` of it, :func:`reverse_padded`.

    Each argument is a list of rows of equal length (``"·"`` or ``"<pad>"`` for padding).
    """
    fig = Figure(figsize=(11, 0.55 * len(tokens) + 1.1), layout="constrained")
    axes = fig.subplots(1, 3)
    titles = ("padded batch x", "torch.flip(x, [1]): pads first ✗",
              "reverse_padded(x, lengths) ✓")
    for ax, grid, title in zip(axes, (tokens, flipped, reversed_), titles, strict=True):
        n, t = len(grid), len(grid[0])
        pad = np.array([[w in ("<pad>", "·") for w in row] for row in grid], dtype=float)
        ax.imshow(pad, cmap="Greys", vmin=0, vmax=3, aspect="auto")
        for i in range(n):
            for j in range(t):
                ax.text(j, i, grid[i][j], ha="center", va="center", fontsize=8,
                        color="gray" if pad[i, j] else "black")
        ax.set(title=title, xticks=range(t), yticks=range(n), xlabel="position t")
        ax.set_yticklabels([f"seq {i}" for i in range(n)])
    return fig


def plot_case_accuracy(results: dict[str, dict[str, float]], chance: float | None = 0.5,
                       title: str = "") -> Figure:
    """Grouped bars: ``results[model][case group] = accuracy`` in [0, 1]."""
    models = list(results)
    groups = list(next(iter(results.values())))
    fig = Figure(figsize=(7, 3.4), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(models)
    x = np.arange(len(groups))
    for i, m in enumerate(models):
        vals = [results[m][g] for g in groups]
        bars = ax.bar(x + (i - (len(models) - 1) / 2) * width, vals, width, label=m,
                      color=f"C{i}")
        for b, v in zip(bars, vals, strict=True):
            ax.text(b.get_x() + b.get_width() / 2, v + 0.01, f"{v:.0%}", ha="center",
                    va="bottom", fontsize=8)
    if chance is not None:
        ax.axhline(chance, color="gray", ls="--", lw=1, label=f"chance ({chance:.0%})")
    ax.set(xticks=x, ylim=(0, 1.12), ylabel="cases tagged right", title=title)
    ax.set_xticklabels(groups)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_depth(grad_norms: dict[str, dict[int, float]], histories: dict[str, object],
               smooth: int = 10) -> Figure:
    """Left: gradient norm at the bottom layer vs depth (log); right: training loss curves.

    Args:
        grad_norms: ``{label: {layers: ‖∂L/∂W_ih^(1)‖}}``, e.g. labels "plain", "residual".
        histories: ``{label: History}`` with ``.loss`` per step; labels containing
            "residual" are drawn dashed.
        smooth: moving-average window for the loss curves.
    """
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    ax_g, ax_l = fig.subplots(1, 2)
    for i, (label, by_depth) in enumerate(grad_norms.items()):
        depths = sorted(by_depth)
        ax_g.plot(depths, [by_depth[d] for d in depths], "o-", color=f"C{i}", label=label)
    depths = sorted({d for v in grad_norms.values() for d in v})
    ax_g.set_xscale("log", base=2)
    ax_g.set(yscale="log", xlabel="number of layers L",
             ylabel="‖∂L/∂W_ih‖ of the bottom layer", title="gradient reaching layer 1")
    ax_g.set_xticks(depths, [str(d) for d in depths])
    ax_g.xaxis.set_minor_locator(NullLocator())
    ax_g.legend(fontsize=8)
    colors: dict[str, str] = {}
    for label, h in histories.items():
        depth = label.split()[0]  # labels like "2 layers, residual": one color per depth
        color = colors.setdefault(depth, f"C{len(colors) + 2}")
        y = _smooth(h.loss, smooth)
        ax_l.plot(np.arange(len(y)) + smooth, y, color=color,
                  ls="--" if "residual" in label else "-", lw=1.2, label=label)
    ax_l.set(xlabel="step", ylabel=f"training loss ({smooth}-step mean)", yscale="log",
             title="training stacked tanh RNNs")
    ax_l.legend(fontsize=7, ncol=2)
    return fig


def plot_tagger_history(hist, title: str = "") -> Figure:
    """Training loss per epoch (left); dev slot F1, intent and sentence accuracy per epoch with
    the kept epoch (right). ``hist`` is a :class:`course_lib.tagger.train.TrainingHistory`."""
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    ax_l, ax_f = fig.subplots(1, 2)
    epochs = np.arange(1, len(hist.epoch_loss) + 1)
    ax_l.plot(epochs, hist.epoch_loss, "o-")
    ax_l.set(xlabel="epoch", ylabel="mean training loss", yscale="log", title="training loss")
    for i, (key, label) in enumerate((("slot_f1", "slot F1"), ("intent_accuracy", "intent"),
                                      ("sentence_accuracy", "sentence"))):
        values = [d.get(key) for d in hist.dev]
        if values and None not in values:
            ax_f.plot(epochs, 100 * np.asarray(values, dtype=float), "o-", ms=4,
                      color=f"C{i + 1}", label=label)
    if hist.best_epoch:
        ax_f.axvline(hist.best_epoch, color="gray", ls="--", lw=1,
                     label=f"kept: epoch {hist.best_epoch}")
    ax_f.legend(fontsize=8, loc="lower right")
    ax_f.set(xlabel="epoch", ylabel="dev (%)", title="early stopping on dev")
    if title:
        fig.suptitle(title)
    return fig


def plot_seed_spread(values: dict[str, list[float]], xlabel: str, title: str = "",
                     xlim: tuple[float, float] | None = None,
                     highlight: str | None = None) -> Figure:
    """Dot plot: one row per name, one dot per seed, a bar from the lowest to the highest seed
    and a diamond at the mean. ``values[name]`` are percentages (or any common scale)."""
    names = list(values)
    fig = Figure(figsize=(8, 0.36 * len(names) + 1.3), layout="constrained")
    ax = fig.subplots()
    for row, name in enumerate(names):
        v = np.asarray(values[name], dtype=float)
        y = len(names) - 1 - row
        color = "C3" if name == highlight else "C0"
        ax.plot([v.min(), v.max()], [y, y], color=color, lw=2, alpha=0.5)
        ax.plot(v, np.full(len(v), y), "o", color=color, ms=4, alpha=0.7)
        ax.plot([v.mean()], [y], "D", color="black", ms=5)
    ax.set_yticks(range(len(names)), names[::-1], fontsize=8)
    ax.plot([], [], "o", color="C0", ms=4, label="one seed")
    ax.plot([], [], "D", color="black", ms=5, label="mean")
    ax.legend(fontsize=8, loc="lower left")
    ax.set(xlabel=xlabel, title=title)
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_confusion(matrix: np.ndarray, labels: list[str], title: str = "") -> Figure:
    """Row-normalised confusion matrix (gold rows, predicted columns) with counts written in."""
    m = np.asarray(matrix, dtype=float)
    if m.shape != (len(labels), len(labels)):
        raise ValueError(f"matrix must be ({len(labels)}, {len(labels)}), got {m.shape}")
    norm = m / np.maximum(m.sum(1, keepdims=True), 1)
    size = 0.42 * len(labels) + 2.5
    fig = Figure(figsize=(size + 1.5, size), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if m[i, j]:
                ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if norm[i, j] > 0.6 else "black")
    ax.set(xticks=range(len(labels)), yticks=range(len(labels)), xlabel="predicted",
           ylabel="gold", title=title)
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticklabels(labels, fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.7, label="fraction of the gold row")
    return fig
