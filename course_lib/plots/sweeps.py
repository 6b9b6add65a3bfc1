"""Figures for multi-seed experiments: learning-rate sweeps, scores per seed, curves per seed.

Every function takes plain data (the records of :mod:`course_lib.experiments.sweep` or lists of
numbers) and returns a ``matplotlib.figure.Figure``; nothing here trains. Seeds are drawn as
individual dots or thin lines, so the spread is visible next to the mean.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
from matplotlib.figure import Figure

Reference = tuple[float, str]  # (value, label) drawn as a dashed horizontal line


def _final_valid(record: dict) -> float:
    if record.get("diverged") or not record.get("valid"):
        return math.nan
    return float(record["valid"][-1])


def _references(ax, refs: list[Reference], vertical: bool = False) -> None:
    line = ax.axvline if vertical else ax.axhline
    for j, (value, label) in enumerate(refs):
        line(value, color="gray", ls=("--", ":", "-.")[j % 3], lw=1, label=label)


def plot_lr_sweep(panels: dict, labels: dict | None = None, selected: dict | None = None,
                  refs: dict | None = None, log: dict | None = None,
                  seeds: Iterable[int] | None = None) -> Figure:
    """Final validation score against learning rate, one panel per task, one colour per arm.

    Args:
        panels: ``{panel title: list of sweep records}`` (each with ``arm``, ``lr``,
            ``valid``, ``diverged``).
        labels: ``{arm: legend label}``. selected: ``{(panel title, arm): lr}``, circled.
        refs: ``{panel title: [(value, label), …]}`` reference lines (baseline, threshold).
        log: ``{panel title: True}`` for a log-scale score axis.
        seeds: draw only these seeds (the tuning seeds the selection used); default all.

    Each seed is a dot (diverged runs are left out); the line joins the means over seeds.
    """
    labels, selected, refs, log = labels or {}, selected or {}, refs or {}, log or {}
    keep = None if seeds is None else set(seeds)
    fig = Figure(figsize=(5.2 * len(panels), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    # one colour per arm in every panel: the order of ``labels``, then of first appearance
    every = list(dict.fromkeys([*labels, *(r["arm"] for rs in panels.values() for r in rs)]))
    for ax, (title, records) in zip(axes, panels.items(), strict=True):
        present = {r["arm"] for r in records}
        arms = [a for a in every if a in present]
        for j, arm in enumerate(arms):
            i = every.index(arm)
            mine = [r for r in records if r["arm"] == arm and (keep is None or r["seed"] in keep)]
            lrs = sorted({r["lr"] for r in mine})
            shift = 1.0 + 0.06 * (j - (len(arms) - 1) / 2)  # side by side, on a log axis
            for lr in lrs:
                v = [_final_valid(r) for r in mine if r["lr"] == lr]
                ax.plot([lr * shift] * len(v), v, "o", color=f"C{i}", ms=4, alpha=0.6)
            means = [np.nanmean([_final_valid(r) for r in mine if r["lr"] == lr])
                     for lr in lrs]
            ax.plot(np.array(lrs) * shift, means, "-", color=f"C{i}", lw=1.5,
                    label=labels.get(arm, arm))
            if (title, arm) in selected:
                lr = selected[title, arm]
                ax.plot(lr * shift, means[lrs.index(lr)], "o", ms=13, mfc="none",
                        mec=f"C{i}", mew=2)
        _references(ax, refs.get(title, []))
        ax.set_xscale("log")
        if log.get(title):
            ax.set_yscale("log")
        ax.set(xlabel="learning rate (Adam)", ylabel="validation score after training",
               title=title)
        ax.legend(fontsize=8)
    fig.suptitle("learning-rate sweep: dots = seeds, line = their mean, ring = selected rate")
    return fig


def plot_seed_scores(panels: dict, refs: dict | None = None, log: dict | None = None,
                     ylabel: dict | None = None) -> Figure:
    """Test score of every seed (dots) and their median (bar), one row per model.

    Args:
        panels: ``{panel title: {model label: [score per seed]}}``.
        refs: ``{panel title: [(value, label), …]}`` reference lines.
        log: ``{panel title: True}`` for a log-scale score axis.
        ylabel: ``{panel title: axis label}`` (default "test score").
    """
    refs, log, ylabel = refs or {}, log or {}, ylabel or {}
    fig = Figure(figsize=(5.2 * len(panels), 0.9 + 0.55 * max(len(p) for p in
                                                                 panels.values()) + 1.6),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, (title, models) in zip(axes, panels.items(), strict=True):
        for row, scores in enumerate(models.values()):
            s = np.asarray(scores, dtype=float)
            y = -row + np.linspace(-0.12, 0.12, len(s)) if len(s) > 1 else [-row]
            ax.plot(s, y, "o", color=f"C{row}", ms=6, alpha=0.8)
            finite = s[np.isfinite(s)]
            if finite.size:
                ax.plot([np.median(finite)] * 2, [-row - 0.3, -row + 0.3], "-", color="k", lw=2)
        _references(ax, refs.get(title, []), vertical=True)  # scores run along x
        if log.get(title):
            ax.set_xscale("log")
        ax.set_yticks([-i for i in range(len(models))], list(models))
        ax.set(xlabel=ylabel.get(title, "test score"), title=title,
               ylim=(-len(models) + 0.4, 0.6))
        if refs.get(title):
            ax.legend(fontsize=8, loc="best")
    fig.suptitle("dots = seeds, black bar = median")
    return fig


def plot_seed_curves(panels: dict, ylabel: str, xlabel: str = "step",
                     refs: list[Reference] = (), log: bool = False, title: str = "") -> Figure:
    """Small multiples: one panel per model, one thin line per seed, shared axes.

    Args:
        panels: ``{model label: [(x, y) per seed]}``.
        ylabel, xlabel: axis labels. refs: reference lines in every panel.
        log: log-scale y axis.
    """
    fig = Figure(figsize=(min(3.4 * len(panels), 15), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels), sharex=True, sharey=True))
    for i, (ax, (label, runs)) in enumerate(zip(axes, panels.items(), strict=True)):
        for x, y in runs:
            ax.plot(x, y, color=f"C{i}", lw=1, alpha=0.75)
        _references(ax, list(refs))
        if log:
            ax.set_yscale("log")
        ax.set(title=f"{label} ({len(runs)} seeds)", xlabel=xlabel)
    axes[0].set_ylabel(ylabel)
    if refs:
        axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
