"""Finite-difference gradient checks (central differences, float64).

For a function ``f`` with output ``y = f(x)`` and an upstream gradient ``dout`` of y's shape,
the scalar ``L = Σ f(x) ⊙ dout`` has gradient ``∂L/∂x = J^T dout``: exactly what a backward
function returns for that ``dout``. Central differences approximate it with error O(eps²)::

    ∂L/∂x_i ≈ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)

References: CS231n assignment notes, "Gradient checks"; Nocedal & Wright, *Numerical
Optimization*, §8.1.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable, x: np.ndarray, dout, eps: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    ``x`` is perturbed in place and restored, so ``f`` may close over the same array (e.g. a
    parameter inside a dict). ``x`` must be float64: float32 round-off (≈1e-7) would swamp
    the eps² truncation error.

    Args:
        f: maps ``x`` (any shape) to an array of ``dout``'s shape (or a scalar if dout is 1).
        x: the point, float64 array of any shape; modified temporarily, restored on return.
        dout: upstream gradient, same shape as ``f(x)``.
        eps: step size.

    Returns:
        An array of ``x``'s shape.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(f"x must be a float64 numpy array, got {type(x).__name__} "
                         f"{getattr(x, 'dtype', '')}")
    out_shape = np.shape(f(x))
    if np.shape(dout) != out_shape:
        raise ValueError(f"dout must have the shape of f(x), {out_shape}, got {np.shape(dout)}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = np.sum(np.asarray(f(x)) * dout)
        x[i] = old - eps
        minus = np.sum(np.asarray(f(x)) * dout)
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
        it.iternext()
    return grad


def rel_error(a, b) -> float:
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, 1e-8)``.

    The 1e-8 floor keeps entries that are both ≈ 0 from counting as a 100 % error; it is far
    below any gradient entry the course checks, so it never hides a real mismatch.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def assert_gradients_close(analytic: dict, reference: dict, tol: float, what: str = "") -> dict:
    """Assert ``rel_error(analytic[k], reference[k]) < tol`` for every key of ``reference``.

    Returns:
        ``{key: relative error}`` for a table.

    Raises:
        AssertionError: listing every key whose error is at or above ``tol``, with its error.
    """
    errors = {k: rel_error(analytic[k], reference[k]) for k in reference}
    bad = {k: e for k, e in errors.items() if not e < tol}
    if bad:
        listed = ", ".join(f"{k}: {e:.2e}" for k, e in bad.items())
        raise AssertionError(f"{what} gradients differ beyond rel. error {tol:g}: {listed}")
    return errors
