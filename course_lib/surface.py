"""Error surfaces of tiny recurrent models: the lecture's cliff and Pascanu's wall.

Two models, both small enough to map their whole loss surface:

1. The lecture's linear neuron (Hung-yi Lee, RNN part II): every weight 1 except the
   recurrent weight w, input ``x = [1, 0, …, 0]``::

       h_t = w h_{t-1} + x_t,  h_0 = 0   →   y_T = h_T = w^{T-1}     (y_1000 = w^999)

   with the loss ``L(w) = (y_T - target)²``.

2. Pascanu et al. (2013, §2.3 and Fig. 6) — one sigmoid unit, two parameters::

       x_t = w σ(x_{t-1}) + b,   x_0 = 0.5,   E(w, b) = (σ(x_T) - 0.7)²,  T = 50

   Its surface has a "wall": a narrow band of (w, b) where E changes abruptly and the gradient
   is huge. Gradients come from hand-written BPTT (:func:`pascanu_grad`), vectorised over any
   broadcastable arrays of w and b, so a whole grid is one call.

:func:`gradient_descent` runs plain (optionally norm-clipped) gradient descent on model 2 and
returns a :class:`Trajectory`; overflow and NaN are caught, recorded and stop the run.

References:
    Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks",
    ICML 2013, §2.3 (Fig. 6) and §3.2 (Algorithm 1).
    Bengio, Simard & Frasconi, "Learning long-term dependencies with gradient descent is
    difficult", IEEE TNN 1994.
    Hung-yi Lee, "Recurrent Neural Network (Part II)", ML lecture (the w^999 example).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from course_lib.clipping import clip_grad_norm
from course_lib.np_common import sigmoid

X0 = 0.5  # Pascanu's initial state
TARGET = 0.7  # Pascanu's target for σ(x_T)
T_DEFAULT = 50


# --- 1. the lecture's linear neuron -------------------------------------------------------

def linear_neuron_forward(w, T: int = 1000) -> np.ndarray:
    """Run ``h_t = w h_{t-1} + x_t`` with ``x = [1, 0, …, 0]``, ``h_0 = 0``, for T steps.

    Args:
        w: recurrent weight(s), scalar or array of any shape S.
        T: sequence length (≥ 1).

    Returns:
        ``h`` of shape (T, *S): ``h[t-1] = h_t = w^(t-1)``, so ``h[-1] = w^(T-1)``.
    """
    if T < 1:
        raise ValueError(f"T must be ≥ 1, got {T}")
    w = np.asarray(w, dtype=np.float64)
    h = np.empty((T, *w.shape))
    prev = np.zeros(w.shape)
    with np.errstate(over="ignore"):  # w^999 overflows to inf for w ≳ 2; that is the point
        for t in range(T):
            prev = w * prev + (1.0 if t == 0 else 0.0)
            h[t] = prev
    return h


def linear_neuron_loss_grad(w, T: int = 1000, target: float = 0.5):
    """Loss ``L = (h_T - target)²`` and ``dL/dw`` by BPTT through the linear neuron.

    BPTT: ``δ_T = 2 (h_T - target)``; for t = T … 1: ``dL/dw += δ_t h_{t-1}``,
    ``δ_{t-1} = w δ_t``. (Closed form for checking: ``dL/dw = 2 (w^{T-1} - target) (T-1) w^{T-2}``.)

    Args:
        w: scalar or array of shape S.

    Returns:
        ``(loss, grad)``, each of shape S.
    """
    w = np.asarray(w, dtype=np.float64)
    h = linear_neuron_forward(w, T)
    with np.errstate(over="ignore", invalid="ignore"):
        delta = 2.0 * (h[-1] - target)
        loss = (h[-1] - target) ** 2
        grad = np.zeros(w.shape)
        for t in range(T - 1, 0, -1):  # h[t] depends on w through w * h[t-1]
            grad = grad + delta * h[t - 1]
            delta = delta * w
    return loss, grad


# --- 2. Pascanu's two-parameter model -----------------------------------------------------

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


class Trajectory(NamedTuple):
    """A gradient-descent run on the two-parameter model.

    Attributes:
        params: (S+1, 2) the points (w, b) visited, starting point first.
        loss: (S+1,) E at each point.
        grad_norm: (S,) ‖∇E‖ at each step, before clipping.
        clipped: (S,) whether clipping changed that step.
        diverged: the parameters or loss became inf/NaN; the run stopped there.
    """

    params: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    clipped: np.ndarray
    diverged: bool

    def largest_jump(self) -> tuple[int, float]:
        """``(step, distance)`` of the longest single step in (w, b)."""
        d = np.linalg.norm(np.diff(self.params, axis=0), axis=1)
        if d.size == 0 or not np.isfinite(d).any():
            return 0, math.nan
        i = int(np.nanargmax(np.where(np.isfinite(d), d, -1)))
        return i, float(d[i])


def _descend(loss_grad, theta0, lr: float, steps: int, clip: float | None) -> Trajectory:
    """Shared loop: ``θ ← θ - lr · clip(∇E(θ))``; stops at the first non-finite value."""
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0, got {steps}")
    theta = np.array(theta0, dtype=np.float64)
    params, losses, norms, clipped = [theta.copy()], [], [], []
    diverged = False
    with np.errstate(all="ignore"):  # overflow is recorded, not warned about
        E, grad = loss_grad(theta)
        losses.append(float(E))
        for _ in range(steps):
            g = {"theta": np.asarray(grad, dtype=np.float64)}
            if clip is not None:
                g, norm = clip_grad_norm(g, clip)
                clipped.append(bool(norm > clip))
            else:
                norm = float(np.linalg.norm(g["theta"]))
                clipped.append(False)
            norms.append(norm)
            if not math.isfinite(norm):
                diverged = True
                break
            theta = theta - lr * g["theta"]
            E, grad = loss_grad(theta)
            params.append(theta.copy())
            losses.append(float(E))
            if not (np.isfinite(theta).all() and math.isfinite(float(E))):
                diverged = True
                break
    return Trajectory(np.array(params), np.array(losses), np.array(norms, dtype=float),
                      np.array(clipped, dtype=bool), diverged)


def gradient_descent(start, lr: float, steps: int, T: int = T_DEFAULT,
                     clip: float | None = None) -> Trajectory:
    """Plain gradient descent ``θ ← θ - lr ∇E(θ)`` on θ = (w, b), optionally norm-clipped.

    With ``clip`` the gradient goes through :func:`course_lib.clipping.clip_grad_norm`
    first (Pascanu's Algorithm 1). A step that makes θ or E non-finite is recorded (the
    non-finite point is kept so plots can show where the run left) and ends the run; no
    floating-point warning is emitted.

    Args:
        start: (w0, b0).
        lr: learning rate (> 0).
        steps: maximum number of steps (≥ 0).
        T: sequence length of the model.
        clip: norm-clipping threshold, or None.

    Returns:
        A :class:`Trajectory` with ``params`` of shape (S+1, 2).
    """
    if np.shape(start) != (2,):
        raise ValueError(f"start must be (w0, b0), got shape {np.shape(start)}")

    def loss_grad(theta):
        E, dw, db = pascanu_loss_grad(theta[0], theta[1], T)
        return E, np.array([dw, db])

    return _descend(loss_grad, start, lr, steps, clip)


def linear_neuron_descent(w0: float, lr: float, steps: int, T: int = 1000,
                          target: float = 0.5, clip: float | None = None) -> Trajectory:
    """Gradient descent on the linear neuron's ``L(w) = (w^{T-1} - target)²``.

    Same loop as :func:`gradient_descent`; ``params`` has shape (S+1, 1). Overflow of
    ``w^{T-1}`` to inf (and the NaN gradient that follows) ends the run with
    ``diverged=True`` instead of a warning.
    """

    def loss_grad(theta):
        L, g = linear_neuron_loss_grad(theta[0], T, target)
        return L, np.array([g])

    return _descend(loss_grad, [w0], lr, steps, clip)
