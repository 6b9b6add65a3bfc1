"""The GRU in numpy: forward and backward through time, in PyTorch's layout.

Equations (``torch.nn.GRU``, batch-first; σ the logistic sigmoid, ⊙ element-wise)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              # reset gate  (重置门)
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              # update gate (更新门)
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   # candidate state
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

Gates are packed along the first axis in torch's order **r, z, n**: ``W_ih`` (3H, D),
``W_hh`` (3H, H), ``b_ih`` and ``b_hh`` (3H,). The reset gate multiplies the *result* of the
recurrent product, bias included (this is cuDNN's form, which torch follows).

Cho et al. (2014) apply the reset gate *before* the product (``variant="cho2014"``)::

    n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)

Same parameters, a different function: the two variants give different numbers for the same
weights. Shapes: N batch, T time, D input, H hidden, G = 3 gates.

References:
    Cho et al., "Learning phrase representations using RNN encoder-decoder for statistical
    machine translation", EMNLP 2014 (Eqs. 5-8).
    Chung, Gulcehre, Cho & Bengio, "Empirical evaluation of gated recurrent neural networks
    on sequence modeling", 2014.
    PyTorch documentation, ``torch.nn.GRU``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib import np_common
from course_lib.np_common import (
    PARAM_NAMES,
    check_array,
    check_sequence_inputs,
    sigmoid,
    weights_from_torch,
    weights_to_torch,
)

GATES = ("r", "z", "n")  # torch's packing order
VARIANTS = ("torch", "cho2014")


class GRUStepCache(NamedTuple):
    """What one forward step keeps for its backward step."""

    x_t: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    r: np.ndarray  # (N, H) reset gate
    z: np.ndarray  # (N, H) update gate
    n: np.ndarray  # (N, H) candidate
    hn: np.ndarray  # (N, H) W_hn h_prev + b_hn ("torch") or W_hn (r ⊙ h_prev) + b_hn ("cho2014")
    params: dict
    variant: str


class GRUCache(NamedTuple):
    """What the sequence forward pass keeps for backpropagation through time."""

    x: np.ndarray  # (N, T, D)
    h0: np.ndarray  # (N, H)
    h: np.ndarray  # (N, T, H)
    gates: np.ndarray  # (N, T, 3H) activated r, z, n
    hn: np.ndarray  # (N, T, H) the recurrent part of n's pre-activation, see GRUStepCache
    params: dict
    variant: str


def gate_slice(gate: str, H: int) -> slice:
    """Rows of the packed (3H, ·) weights that belong to ``gate`` in torch's r, z, n order."""
    if gate not in GATES:
        raise ValueError(f"gate must be one of {GATES}, got {gate!r}")
    k = GATES.index(gate)
    return slice(k * H, (k + 1) * H)


def check_params(params: dict) -> tuple[int, int]:
    """Validate a GRU parameter dict (3 gates packed) and return ``(D, H)``.

    Raises:
        ValueError: naming the key, the expected shape and the actual shape (or dtype).
    """
    return np_common.check_params(params, gates=3)


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")


def init_params(D: int, H: int, rng: np.random.Generator, scale: float | None = None) -> dict:
    """Draw parameters as ``torch.nn.GRU`` does: uniform in [-1/√H, 1/√H].

    Returns:
        ``{"W_ih": (3H, D), "W_hh": (3H, H), "b_ih": (3H,), "b_hh": (3H,)}`` in float64.
    """
    k = 1.0 / np.sqrt(H) if scale is None else scale
    shapes = {"W_ih": (3 * H, D), "W_hh": (3 * H, H), "b_ih": (3 * H,), "b_hh": (3 * H,)}
    return {name: rng.uniform(-k, k, size=shape) for name, shape in shapes.items()}


def _step(xw_t, h_prev, params: dict, variant: str):
    """Core step from the input projection ``xw_t = x_t W_ih^T + b_ih`` (N, 3H)."""
    H = h_prev.shape[1]
    W_hh, b_hh = params["W_hh"], params["b_hh"]
    hw = h_prev @ W_hh[:2 * H].T + b_hh[:2 * H]  # r and z parts, (N, 2H)
    r = sigmoid(xw_t[:, :H] + hw[:, :H])
    z = sigmoid(xw_t[:, H:2 * H] + hw[:, H:])
    if variant == "torch":
        hn = h_prev @ W_hh[2 * H:].T + b_hh[2 * H:]
        n = np.tanh(xw_t[:, 2 * H:] + r * hn)
    else:
        hn = (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:]
        n = np.tanh(xw_t[:, 2 * H:] + hn)
    h_t = (1.0 - z) * n + z * h_prev
    return h_t, r, z, n, hn


def gru_step_forward(x_t, h_prev, params: dict, variant: str = "torch"):
    """One step of the equations in the module docstring.

    Args:
        x_t: input, (N, D).  h_prev: previous hidden state, (N, H).
        params: ``W_ih`` (3H, D), ``W_hh`` (3H, H), ``b_ih``, ``b_hh`` (3H,), gates r, z, n.
        variant: ``"torch"`` (reset after the product, default) or ``"cho2014"``.

    Returns:
        ``(h_t, cache)`` with ``h_t`` (N, H) and a :class:`GRUStepCache`.
    """
    _check_variant(variant)
    D, H = check_params(params)
    x_t = np.asarray(x_t)
    if x_t.ndim != 2 or x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (N, D) with D={D}, got {x_t.shape}")
    x_t = check_array("x_t", x_t, x_t.shape, "(N, D)")
    h_prev = check_array("h_prev", h_prev, (x_t.shape[0], H), "(N, H)")
    xw = x_t @ params["W_ih"].T + params["b_ih"]
    h_t, r, z, n, hn = _step(xw, h_prev, params, variant)
    return h_t, GRUStepCache(x_t, h_prev, r, z, n, hn, params, variant)


def _grads_core(dh_t, h_prev, r, z, n, hn, W_hh, variant):
    """Return (ga (N, 3H) input-side pre-activation grads, gh (N, 3H) recurrent-side, dh_prev)."""
    H = h_prev.shape[1]
    dn = dh_t * (1.0 - z)
    dz = dh_t * (h_prev - n)
    dh_prev = dh_t * z  # the direct, gated path: ∂h_t/∂h_{t-1} ⊃ diag(z_t)
    dan = dn * (1.0 - n * n)
    dar_from_n = dan * hn if variant == "torch" else (dan @ W_hh[2 * H:]) * h_prev
    dar = dar_from_n * r * (1.0 - r)
    daz = dz * z * (1.0 - z)
    ga = np.concatenate([dar, daz, dan], axis=1)
    if variant == "torch":
        gh = np.concatenate([dar, daz, dan * r], axis=1)
        dh_prev = dh_prev + gh @ W_hh
    else:
        gh = np.concatenate([dar, daz, dan], axis=1)
        dh_prev = dh_prev + gh[:, :2 * H] @ W_hh[:2 * H] + (dan @ W_hh[2 * H:]) * r
    return ga, gh, dh_prev


def gru_step_backward(dh_t, cache: GRUStepCache) -> dict:
    """Backward of one step, given ``dh_t`` = ∂L/∂h_t (N, H).

    Returns:
        dict with ``W_ih`` (3H, D), ``W_hh`` (3H, H), ``b_ih``, ``b_hh`` (3H,), ``x`` (N, D)
        and ``h_prev`` (N, H).
    """
    N, H = cache.h_prev.shape
    dh_t = check_array("dh_t", dh_t, (N, H), "(N, H)")
    p = cache.params
    ga, gh, dh_prev = _grads_core(dh_t, cache.h_prev, cache.r, cache.z, cache.n, cache.hn,
                                  p["W_hh"], cache.variant)
    # For cho2014 the n rows of W_hh multiply r ⊙ h_prev, not h_prev.
    h_in = cache.h_prev if cache.variant == "torch" else cache.r * cache.h_prev
    dW_hh = gh.T @ cache.h_prev
    dW_hh[2 * H:] = gh[:, 2 * H:].T @ h_in
    return {
        "W_ih": ga.T @ cache.x_t,
        "W_hh": dW_hh,
        "b_ih": ga.sum(axis=0),
        "b_hh": gh.sum(axis=0),
        "x": ga @ p["W_ih"],
        "h_prev": dh_prev,
    }


def gru_forward(x, h0, params: dict, variant: str = "torch"):
    """Run the GRU over a batch of sequences.

    Args:
        x: inputs, (N, T, D).  h0: initial hidden state, (N, H).
        params: ``W_ih`` (3H, D), ``W_hh`` (3H, H), ``b_ih``, ``b_hh`` (3H,).
        variant: ``"torch"`` (default; equals ``torch.nn.GRU``) or ``"cho2014"``
            (reset gate applied to h_{t-1} before the product W_hn).

    Returns:
        ``(h, cache)``: hidden states ``h`` (N, T, H) and a :class:`GRUCache` whose ``gates``
        (N, T, 3H) hold the activated r, z, n.
    """
    _check_variant(variant)
    D, H = check_params(params)
    x, h0 = check_sequence_inputs(x, h0, D, H)
    N, T, _ = x.shape
    dtype = np.result_type(x, h0, *(params[k] for k in PARAM_NAMES))
    h = np.empty((N, T, H), dtype=dtype)
    gates = np.empty((N, T, 3 * H), dtype=dtype)
    hn = np.empty((N, T, H), dtype=dtype)
    xw = x @ params["W_ih"].T + params["b_ih"]  # (N, T, 3H), all steps at once
    h_prev = h0
    for t in range(T):
        h_prev, r, z, n, hn[:, t] = _step(xw[:, t], h_prev, params, variant)
        h[:, t] = h_prev
        gates[:, t] = np.concatenate([r, z, n], axis=1)
    return h, GRUCache(x, h0, h, gates, hn, params, variant)


def gru_backward(dh, cache: GRUCache) -> dict:
    """Backpropagation through time for :func:`gru_forward` (both variants).

    Args:
        dh: ∂L/∂h_t from outside the recurrence, (N, T, H).
        cache: from :func:`gru_forward`.

    Returns:
        dict with ``W_ih`` (3H, D), ``W_hh`` (3H, H), ``b_ih``, ``b_hh`` (3H,),
        ``x`` (N, T, D) and ``h0`` (N, H).
    """
    x, h0, h, gates, hn, p, variant = cache
    N, T, H = h.shape
    dh = check_array("dh", dh, (N, T, H), "(N, T, H)")
    ga = np.empty_like(gates)
    gh = np.empty_like(gates)
    carry = np.zeros((N, H), dtype=h.dtype)
    h_prev = np.concatenate([h0[:, None, :], h], axis=1)[:, :T]  # (N, T, H)
    r, z, n = gates[..., :H], gates[..., H:2 * H], gates[..., 2 * H:]
    for t in reversed(range(T)):
        ga[:, t], gh[:, t], carry = _grads_core(dh[:, t] + carry, h_prev[:, t], r[:, t],
                                                z[:, t], n[:, t], hn[:, t], p["W_hh"], variant)
    h_in = h_prev if variant == "torch" else r * h_prev
    dW_hh = np.einsum("ntg,ntk->gk", gh, h_prev, optimize=True)
    dW_hh[2 * H:] = np.einsum("ntg,ntk->gk", gh[..., 2 * H:], h_in, optimize=True)
    return {
        "W_ih": np.einsum("ntg,ntd->gd", ga, x, optimize=True),
        "W_hh": dW_hh,
        "b_ih": ga.sum(axis=(0, 1)),
        "b_hh": gh.sum(axis=(0, 1)),
        "x": ga @ p["W_ih"],
        "h0": carry,
    }


def params_from_torch(module) -> dict:
    """Copy a one-layer, unidirectional ``torch.nn.GRU``'s weights into a float64 dict.

    Returns:
        ``{"W_ih": weight_ih_l0 (3H, D), "W_hh": weight_hh_l0 (3H, H), "b_ih", "b_hh" (3H,)}``
        as new float64 arrays, gates in torch's r, z, n order.
    """
    return weights_from_torch(module, "GRU")


def params_to_torch(params: dict, module) -> None:
    """Copy a params dict into a one-layer, unidirectional ``torch.nn.GRU``, in place.

    The module keeps its dtype; shapes must match exactly (``ValueError`` otherwise).
    """
    check_params(params)
    weights_to_torch(params, module, "GRU")
