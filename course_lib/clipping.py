"""Gradient clipping in numpy: norm clipping (Pascanu et al. 2013, Algorithm 1) and value clipping.

Norm clipping rescales *all* gradients together when their global L2 norm is too large::

    ‖g‖ = sqrt(Σ_p Σ_i g_{p,i}²)                  # one norm over every array of the dict
    g  ← g · min(1, max_norm / (‖g‖ + 1e-6))      # torch's formula, eps included

so the update keeps its direction and only its length is capped. Value clipping clamps every
entry on its own, ``g_{p,i} ← clamp(g_{p,i}, -clip_value, clip_value)``, which can turn the
direction of the update.

Both functions return new arrays and never modify their input, and they give the same numbers
as ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_`` (torch 2.13, default arguments),
including for non-finite gradients (see each docstring).

References:
    Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks",
    ICML 2013, §3.2 and Algorithm 1.
    Mikolov, "Statistical language models based on neural networks", PhD thesis 2012
    (element-wise clipping).
    PyTorch ``torch/nn/utils/clip_grad.py`` (``_get_total_norm``, ``_clip_grads_with_norm_``).
"""

from __future__ import annotations

import math

import numpy as np

EPS = 1e-6  # torch adds this to the norm before dividing: max_norm / (total_norm + 1e-6)


def _check_grads(grads: dict, name: str = "grads") -> dict:
    if not isinstance(grads, dict):
        raise ValueError(f"{name} must be a dict of numpy arrays, got {type(grads).__name__}")
    if not grads:
        raise ValueError(f"{name} is an empty dict: there is nothing to clip")
    out = {}
    for key, g in grads.items():
        a = np.asarray(g)
        if a.dtype.kind not in "fc":
            raise ValueError(f"{name}[{key!r}] must be a floating-point array, got dtype {a.dtype}")
        out[key] = a
    return out


def _check_threshold(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(v) or v < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return v


def global_norm(grads: dict) -> float:
    """``‖g‖ = sqrt(Σ_p ‖g_p‖²)`` over every array of ``grads``, as a Python float.

    Computed like torch: the L2 norm of each array, then the L2 norm of those norms. An inf
    entry gives inf, a NaN entry gives NaN.
    """
    grads = _check_grads(grads)
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.array([np.linalg.norm(g.ravel().astype(np.float64)) for g in grads.values()])
        return float(np.linalg.norm(norms))


def clip_grad_norm(grads: dict, max_norm: float,
                   error_if_nonfinite: bool = False) -> tuple[dict, float]:
    """Norm clipping: scale every gradient by ``min(1, max_norm / (‖g‖ + 1e-6))``.

    Same result as ``torch.nn.utils.clip_grad_norm_(params, max_norm)`` (``norm_type=2``):

    - all-zero gradients: ``‖g‖ = 0``, the factor is 1, gradients are returned unchanged;
    - an inf entry: ``‖g‖ = inf``, the factor is 0, so every finite entry becomes 0 and the
      inf entry becomes NaN (``inf · 0``) — as torch does with ``error_if_nonfinite=False``;
    - a NaN entry: ``‖g‖ = NaN``, the factor is NaN, every entry becomes NaN (torch too).

    A training loop should therefore test ``math.isfinite(total_norm)`` and skip the step
    (or stop), which is what :func:`course_lib.train.train` does. With
    ``error_if_nonfinite=True`` a non-finite norm raises instead (torch raises a
    RuntimeError there; we raise ValueError).

    Args:
        grads: ``{name: array}`` of any shapes (float arrays); not modified.
        max_norm: the threshold (≥ 0; ``inf`` means "never clip"; 0 zeroes the gradients,
            as in torch).
        error_if_nonfinite: raise if the total norm is NaN or inf.

    Returns:
        ``(clipped, total_norm)``: a new dict of new arrays (same keys, shapes, dtypes) and the
        global norm *before* clipping, as a float.

    Raises:
        ValueError: ``grads`` empty or not a dict of float arrays; ``max_norm`` negative or NaN;
            non-finite norm with ``error_if_nonfinite=True``.
    """
    grads = _check_grads(grads)
    max_norm = _check_threshold(max_norm, "max_norm")
    total = global_norm(grads)
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(f"the total gradient norm is {total}, so it cannot be clipped "
                         "(pass error_if_nonfinite=False to scale by it anyway, as torch does)")
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        coef = max_norm / (total + EPS)
        coef = min(coef, 1.0) if not math.isnan(coef) else coef  # NaN propagates, like torch.clamp
        clipped = {k: g * np.asarray(coef, dtype=g.dtype) for k, g in grads.items()}
    return clipped, total


def clip_grad_value(grads: dict, clip_value: float) -> dict:
    """Value clipping: ``g_{p,i} ← clamp(g_{p,i}, -clip_value, clip_value)`` entry by entry.

    Same result as ``torch.nn.utils.clip_grad_value_(params, clip_value)``: ±inf becomes
    ±clip_value, NaN stays NaN (clamping propagates NaN in numpy and in torch).

    Args:
        grads: ``{name: array}`` of any shapes (float arrays); not modified.
        clip_value: the bound (≥ 0).

    Returns:
        A new dict of new arrays, same keys, shapes and dtypes.

    Raises:
        ValueError: ``grads`` empty or not a dict of float arrays; ``clip_value`` negative or
            NaN (torch would silently set every entry to ``clip_value`` for a negative one).
    """
    grads = _check_grads(grads)
    c = _check_threshold(clip_value, "clip_value")
    return {k: np.clip(g, -c, c) for k, g in grads.items()}


def angle_degrees(a: dict, b: dict) -> float:
    """The angle between two gradient dicts seen as single flat vectors, in degrees.

    ``θ = arccos(⟨a, b⟩ / (‖a‖ ‖b‖))``; used to show that norm clipping keeps the direction
    (θ = 0) and value clipping does not. Both dicts must have the same keys and shapes.
    """
    a, b = _check_grads(a, "a"), _check_grads(b, "b")
    if a.keys() != b.keys():
        raise ValueError(f"a and b must have the same keys, got {sorted(a)} and {sorted(b)}")
    va = np.concatenate([a[k].ravel() for k in a]).astype(np.float64)
    vb = np.concatenate([np.asarray(b[k]).ravel() for k in a]).astype(np.float64)
    if va.shape != vb.shape:
        raise ValueError(f"a and b must have the same sizes, got {va.size} and {vb.size}")
    na, nb = np.linalg.norm(va), np.linalg.norm(vb)
    if na == 0 or nb == 0:
        raise ValueError("the angle with a zero vector is undefined")
    cos = float(np.clip(va @ vb / (na * nb), -1.0, 1.0))
    return math.degrees(math.acos(cos))
