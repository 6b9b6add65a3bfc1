"""The lecture's linear neuron (Hung-yi Lee, RNN part II): a cliff made of one power of w.

Every weight is 1 except the recurrent weight w; the input is ``x = [1, 0, …, 0]``::

    h_t = w h_{t-1} + x_t,  h_0 = 0   →   y_T = h_T = w^{T-1}     (y_1000 = w^999)

with the loss ``L(w) = (y_T - target)²``.
"""

from __future__ import annotations

import numpy as np


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
