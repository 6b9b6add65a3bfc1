"""What the backward-pass exercises share: the learner's gradients checked against torch
autograd and finite differences, and which of them are wrong.

A learner's backward function returns a dict of gradients keyed like the parameters and
inputs (``W_ih``, ``x``, …). :func:`require_gradients` checks it is such a dict with the
right shapes (a transposed weight gradient shows as a shape error when D ≠ H), and
:func:`wrong_keys` compares it with a reference. The checkers compute the reference twice,
with torch autograd in float64 and with central differences
(:func:`course_lib.gradcheck.numerical_gradient`), and accept an answer only if it matches
both, so any correct implementation passes, however it is written.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from course_lib.exercises import ExerciseError, require
from course_lib.gradcheck import numerical_gradient, rel_error

AUTOGRAD_TOL = 1e-9  # float64 autograd and a correct numpy backward agree to round-off
NUMERICAL_TOL = 1e-7  # central differences with eps = 1e-5 (design §4, notebook 02)


def require_gradients(got, shapes: dict[str, tuple], what: str) -> dict[str, np.ndarray]:
    """``got`` as a dict of float arrays with exactly ``shapes``' keys and shapes, or
    ExerciseError saying what is missing or misshapen (a weight gradient has the weight's
    shape, an input's gradient the input's)."""
    require(isinstance(got, dict), f"{what} should return a dict of gradients keyed "
                                   f"{list(shapes)}, got {type(got).__name__}")
    missing = [k for k in shapes if k not in got]
    require(not missing, f"{what}'s dict lacks {missing} (it needs {list(shapes)})")
    out = {}
    for key, shape in shapes.items():
        value = np.asarray(got[key], dtype=np.float64)
        if value.shape != tuple(shape):
            hint = ""
            if value.shape == tuple(shape)[::-1]:
                hint = (" — transposed: a gradient has the shape of what it is the gradient "
                        "of (for W (rows, cols): dz^T times the input, not input^T dz)")
            raise ExerciseError(f"{what}: gradient {key!r} has shape {value.shape} but should "
                                f"have shape {tuple(shape)}{hint}")
        out[key] = value
    return out


def wrong_keys(got: dict, reference: dict, tol: float = AUTOGRAD_TOL) -> list[str]:
    """The keys whose arrays differ from ``reference`` by more than ``tol`` (relative)."""
    return [k for k in reference if rel_error(got[k], reference[k]) > tol]


def same(a, b, tol: float = AUTOGRAD_TOL) -> bool:
    """``a`` and ``b`` agree to ``tol`` (relative, elementwise), shapes included."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and rel_error(a, b) <= tol


def numerical_gradients(forward: Callable[[], object], arrays: dict[str, np.ndarray],
                        upstream: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Central-difference gradients of ``Σ_k sum(out_k ⊙ upstream_k)`` with respect to each
    array of ``arrays`` (perturbed in place; ``forward()`` must read them), where
    ``forward()`` returns the outputs ``out_k`` (one array or a tuple)."""
    def f(_):
        outs = forward()
        outs = outs if isinstance(outs, tuple) else (outs,)
        return sum(float(np.sum(o * u)) for o, u in zip(outs, upstream, strict=True))

    return {key: numerical_gradient(f, array, 1.0) for key, array in arrays.items()}


# The ✓ line's claim: the bounds the answer was checked to (the same text on every machine).
CHECKED = "torch autograd (rel. error < 1e-9) and finite differences (< 1e-7)"
