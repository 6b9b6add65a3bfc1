"""Gradient descent on the two toy surfaces, plain or norm-clipped, recorded step by step.

:func:`gradient_descent` runs on Pascanu's model, :func:`linear_neuron_descent` on the
lecture's neuron; both return a :class:`Trajectory`. Overflow and NaN are caught, recorded and
stop the run. Clipping is Pascanu et al.'s Algorithm 1 (§3.2) through
:func:`course_lib.clipping.clip_grad_norm`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from course_lib.clipping import clip_grad_norm
from course_lib.np_common import sigmoid
from course_lib.surface.linear_neuron import linear_neuron_loss_grad
from course_lib.surface.pascanu import T_DEFAULT, pascanu_forward, pascanu_loss_grad


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


def ends_high(trajectory: Trajectory, T: int = T_DEFAULT) -> np.ndarray:
    """For each point (w, b) a Pascanu trajectory visited: does ``σ(x_T) > 1/2``?

    The two stable fixed points of the bistable band are one "high" and one "low"; a step
    after which this flips has crossed the wall. Shape (S+1,) bool.
    """
    with np.errstate(all="ignore"):
        _, cache = pascanu_forward(trajectory.params[:, 0], trajectory.params[:, 1], T=T)
        return sigmoid(cache.x[-1]) > 0.5
