"""Pascanu et al.'s one-unit model: two parameters, a whole error surface, and its wall.

    x_t = w σ(x_{t-1}) + b,   x_0 = 0.5,   E(w, b) = (σ(x_T) - 0.7)²,   T = 50

Its surface has a "wall": a narrow band of (w, b) where E changes abruptly and the gradient is
huge. Gradients come from hand-written BPTT (:func:`pascanu_backward`), vectorised over any
broadcastable arrays of w and b, so a whole grid is one call. The wall sits where the map
``x ↦ wσ(x) + b`` has two stable fixed points (:func:`bistable_band`) and ``x_0`` lies on the
boundary between their basins.

Reference: Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural
networks", ICML 2013, §2.3 and Fig. 6.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.np_common import sigmoid

X0 = 0.5  # Pascanu's initial state
TARGET = 0.7  # Pascanu's target for σ(x_T)
T_DEFAULT = 50


class PascanuCache(NamedTuple):
    """Forward states kept for BPTT."""

    x: np.ndarray  # (T+1, *S): x_0 … x_T
    w: np.ndarray  # S
    b: np.ndarray  # S


def pascanu_forward(w, b, T: int = T_DEFAULT, x0: float = X0, target: float = TARGET):
    """``x_t = w σ(x_{t-1}) + b`` for t = 1 … T, and ``E = (σ(x_T) - target)²``.

    Args:
        w, b: broadcastable arrays (or scalars) of parameters; S = their broadcast shape.
        T: number of steps (≥ 1).

    Returns:
        ``(E, cache)``: E of shape S, cache a :class:`PascanuCache`.
    """
    if T < 1:
        raise ValueError(f"T must be ≥ 1, got {T}")
    w, b = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
    x = np.empty((T + 1, *w.shape))
    x[0] = x0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, T + 1):
            x[t] = w * sigmoid(x[t - 1]) + b
        E = (sigmoid(x[T]) - target) ** 2
    return E, PascanuCache(x, w, b)


def pascanu_backward(cache: PascanuCache, target: float = TARGET):
    """BPTT for the two-parameter model.

    With ``s_t = σ(x_t)`` and ``δ_t = ∂E/∂x_t``::

        δ_T = 2 (s_T - target) s_T (1 - s_T)
        ∂E/∂w = Σ_t δ_t s_{t-1},   ∂E/∂b = Σ_t δ_t,   δ_{t-1} = δ_t · w · s_{t-1}(1 - s_{t-1})

    The factor ``w σ'(x_{t-1})`` is the one-step Jacobian ∂x_t/∂x_{t-1}; a product of T of them
    is what explodes near the wall.

    Returns:
        ``(dw, db)``, each of shape S.
    """
    x, w = cache.x, cache.w
    T = x.shape[0] - 1
    with np.errstate(over="ignore", invalid="ignore"):
        s = sigmoid(x[T])
        delta = 2.0 * (s - target) * s * (1.0 - s)
        dw = np.zeros(w.shape)
        db = np.zeros(w.shape)
        for t in range(T, 0, -1):
            s_prev = sigmoid(x[t - 1])
            dw = dw + delta * s_prev
            db = db + delta
            delta = delta * w * s_prev * (1.0 - s_prev)
    return dw, db


def pascanu_loss_grad(w, b, T: int = T_DEFAULT):
    """``(E, dE/dw, dE/db)`` at (w, b): forward plus BPTT, shapes S."""
    E, cache = pascanu_forward(w, b, T)
    dw, db = pascanu_backward(cache)
    return E, dw, db


def surface_grid(w_range=(0.0, 12.0), b_range=(-8.0, 0.0), n_w: int = 121, n_b: int = 81,
                 T: int = T_DEFAULT):
    """E and ‖∇E‖ on a grid: returns ``(W, B, E, G)``, each of shape (n_b, n_w)."""
    W, B = np.meshgrid(np.linspace(*w_range, n_w), np.linspace(*b_range, n_b))
    E, dw, db = pascanu_loss_grad(W, B, T)
    return W, B, E, np.hypot(dw, db)


def bistable_band(w) -> tuple[float, float]:
    """The biases ``(b_low, b_high)`` between which ``x ↦ wσ(x) + b`` has two stable fixed points.

    A fixed point ``x* = wσ(x*) + b`` is stable when ``wσ'(x*) < 1``. Since σ' ≤ 1/4, for
    ``w ≤ 4`` there is exactly one, and stable; for ``w > 4`` the band's edges are the
    saddle-node biases where a fixed point is tangent, ``wσ'(x) = 1``:
    ``σ(x) = (1 ± √(1 − 4/w)) / 2``, ``b = x − wσ(x)``. The band is centred on ``b = −w/2``
    (the map is symmetric about ``x = 0, b = −w/2``). Returns ``(nan, nan)`` for ``w ≤ 4``.
    """
    w = float(w)
    if w <= 4:
        return float("nan"), float("nan")
    root = np.sqrt(1.0 - 4.0 / w)
    s = np.array([(1 + root) / 2, (1 - root) / 2])  # σ at the two tangencies
    x = np.log(s / (1 - s))
    b = x - w * s
    return float(b.min()), float(b.max())


def stable_fixed_points(w: float, b: float, x_range=(-60.0, 60.0), n: int = 240001) -> np.ndarray:
    """The stable fixed points of ``x ↦ wσ(x) + b``, found numerically on a fine grid of x.

    Sign changes of ``g(x) = wσ(x) + b − x`` bracket the fixed points (to the grid spacing);
    a fixed point is kept when ``|wσ'(x*)| < 1``. Returns them sorted, shape (k,), k = 1 or 2.
    """
    x = np.linspace(*x_range, n)
    g = w * sigmoid(x) + b - x
    roots = x[:-1][np.sign(g[:-1]) != np.sign(g[1:])]
    s = sigmoid(roots)
    return roots[np.abs(w * s * (1 - s)) < 1]
