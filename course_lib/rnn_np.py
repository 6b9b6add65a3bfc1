"""The Elman RNN in numpy: forward, backpropagation through time, truncated BPTT.

Lecture notation and PyTorch names (notebook 00's table)::

    s_t = f(U x_t + W s_{t-1} + b)          # lecture
    h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)   # code, batch-first, as torch.nn.RNN

with U = ``W_ih`` (H, D), W = ``W_hh`` (H, H), b = ``b_ih + b_hh`` (H,), f = tanh or ReLU.
Shapes: N batch, T time, D input, H hidden. Everything is float64 unless the caller says
otherwise.

The API follows CS231n's forward/backward-with-cache style: a step function and a sequence
function, each forward returning ``(output, cache)`` and each backward taking the upstream
gradient and the cache and returning a dict of gradients keyed like the parameters.

References:
    Elman, "Finding structure in time", Cognitive Science 1990.
    Werbos, "Backpropagation through time: what it does and how to do it", Proc. IEEE 1990.
    Williams & Peng, "An efficient gradient-based algorithm for on-line training of recurrent
    network trajectories", Neural Computation 1990 (truncated BPTT).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.np_common import (
    PARAM_NAMES,
    activation,
    activation_derivative,
    check_array,
    check_nonlinearity,
    check_params,
    check_sequence_inputs,
    weights_from_torch,
    weights_to_torch,
)

__all__ = ["PARAM_NAMES", "StepCache", "RNNCache", "init_params", "rnn_step_forward",
           "rnn_step_backward", "rnn_forward", "rnn_backward", "params_from_torch",
           "params_to_torch"]


class StepCache(NamedTuple):
    """What one forward step keeps for its backward step."""

    x_t: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    h_t: np.ndarray  # (N, H) the step's output, from which f'(z) is recomputed
    params: dict
    nonlinearity: str


class RNNCache(NamedTuple):
    """What the sequence forward pass keeps for BPTT."""

    x: np.ndarray  # (N, T, D)
    h0: np.ndarray  # (N, H)
    h: np.ndarray  # (N, T, H)
    params: dict
    nonlinearity: str


def init_params(D: int, H: int, rng: np.random.Generator, scale: float | None = None) -> dict:
    """Draw parameters the way ``torch.nn.RNN`` does: uniform in [-1/√H, 1/√H].

    Args:
        D, H: input and hidden sizes.
        rng: the random generator to draw from (no global state).
        scale: half-width of the uniform range; default ``1/sqrt(H)`` as in torch.

    Returns:
        ``{"W_ih": (H, D), "W_hh": (H, H), "b_ih": (H,), "b_hh": (H,)}`` in float64.
    """
    k = 1.0 / np.sqrt(H) if scale is None else scale
    shapes = {"W_ih": (H, D), "W_hh": (H, H), "b_ih": (H,), "b_hh": (H,)}
    return {name: rng.uniform(-k, k, size=shape) for name, shape in shapes.items()}


def rnn_step_forward(x_t, h_prev, params: dict, nonlinearity: str = "tanh"):
    """One step: ``h_t = f(x_t W_ih^T + b_ih + h_prev W_hh^T + b_hh)``.

    Args:
        x_t: input at this step, (N, D).
        h_prev: previous hidden state, (N, H).
        params: ``W_ih`` (H, D), ``W_hh`` (H, H), ``b_ih`` (H,), ``b_hh`` (H,).
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        ``(h_t, cache)`` with ``h_t`` (N, H) and a :class:`StepCache`.
    """
    check_nonlinearity(nonlinearity)
    D, H = check_params(params)
    x_t = np.asarray(x_t)
    if x_t.ndim != 2 or x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (N, D) with D={D}, got {x_t.shape}")
    h_prev = check_array("h_prev", h_prev, (x_t.shape[0], H), "(N, H)")
    z = x_t @ params["W_ih"].T + params["b_ih"] + h_prev @ params["W_hh"].T + params["b_hh"]
    h_t = activation(z, nonlinearity)
    return h_t, StepCache(x_t, h_prev, h_t, params, nonlinearity)


def rnn_step_backward(dh_t, cache: StepCache) -> dict:
    """Backward of one step, given ``dh_t`` = ∂L/∂h_t of shape (N, H).

    With ``dz = dh_t ⊙ f'(z_t)``::

        ∂L/∂W_ih = dz^T x_t,  ∂L/∂W_hh = dz^T h_prev,  ∂L/∂b_ih = ∂L/∂b_hh = Σ_n dz,
        ∂L/∂x_t = dz W_ih,    ∂L/∂h_prev = dz W_hh     # the Jacobian diag(f') W, transposed

    Returns:
        dict with ``W_ih``, ``W_hh``, ``b_ih``, ``b_hh`` and ``x`` (N, D), ``h_prev`` (N, H).
    """
    p = cache.params
    dz = dh_t * activation_derivative(cache.h_t, cache.nonlinearity)  # (N, H)
    return {
        "W_ih": dz.T @ cache.x_t,
        "W_hh": dz.T @ cache.h_prev,
        "b_ih": dz.sum(axis=0),
        "b_hh": dz.sum(axis=0),
        "x": dz @ p["W_ih"],
        "h_prev": dz @ p["W_hh"],
    }


def rnn_forward(x, h0, params: dict, nonlinearity: str = "tanh"):
    """Run the RNN over a whole batch of sequences.

    Args:
        x: inputs, (N, T, D).
        h0: initial hidden state, (N, H).
        params: ``W_ih`` (H, D), ``W_hh`` (H, H), ``b_ih`` (H,), ``b_hh`` (H,).
        nonlinearity: ``"tanh"`` (default, as torch) or ``"relu"``.

    Returns:
        ``(h, cache)``: every hidden state ``h`` (N, T, H) and an :class:`RNNCache`.
        ``h[:, -1]`` is what ``torch.nn.RNN`` returns as ``h_n[0]``.
    """
    check_nonlinearity(nonlinearity)
    D, H = check_params(params)
    x, h0 = check_sequence_inputs(x, h0, D, H)
    N, T, _ = x.shape
    dtype = np.result_type(x, h0, *(params[k] for k in PARAM_NAMES))
    h = np.empty((N, T, H), dtype=dtype)
    # The input projection does not depend on the recurrence, so do it for all steps at once.
    xw = x @ params["W_ih"].T + params["b_ih"] + params["b_hh"]  # (N, T, H)
    h_prev = h0
    for t in range(T):
        h_prev = activation(xw[:, t] + h_prev @ params["W_hh"].T, nonlinearity)
        h[:, t] = h_prev
    return h, RNNCache(x, h0, h, params, nonlinearity)


def rnn_backward(dh, cache: RNNCache, truncate: int | None = None) -> dict:
    """Backpropagation through time.

    ``dh[:, t]`` is the gradient of the loss w.r.t. ``h_t`` *from outside the recurrence*
    (e.g. from the output layer o_t = g(V s_t + c)). Full BPTT runs the δ recursion::

        δ_t = dh_t + (δ_{t+1} ⊙ f'(z_{t+1})) W_hh        # ∂L/∂h_t, all paths
        ∂L/∂W_hh = Σ_t (δ_t ⊙ f'(z_t))^T h_{t-1}          # and likewise for W_ih, biases

    With ``truncate=k`` each output's gradient ``dh[:, t]`` is backpropagated through at most
    k steps (t, t-1, …, t-k+1) and then dropped: per-output truncation. (WildML's tutorial
    loop, ``arange(max(0, t - bptt_truncate), t + 1)``, visits k + 1 steps: its
    ``bptt_truncate=k`` is ``truncate=k+1`` here.) ``truncate=1`` keeps only each step's local
    gradient; ``truncate >= T``
    equals full BPTT (computed by the windowed loop, so tests compare two
    different code paths). The oldest step of each window still sends gradient to its own inputs
    (``x`` at that step, and ``h0`` when the window reaches t = 0). Cost is O(T·min(k, T))
    instead of O(T).

    Args:
        dh: upstream gradient w.r.t. every hidden state, (N, T, H).
        cache: from :func:`rnn_forward`.
        truncate: ``None`` for full BPTT, or a positive int k.

    Returns:
        dict with ``W_ih`` (H, D), ``W_hh`` (H, H), ``b_ih`` (H,), ``b_hh`` (H,),
        ``x`` (N, T, D) and ``h0`` (N, H).
    """
    x, h0, h, p, nonlinearity = cache
    N, T, H = h.shape
    dh = check_array("dh", dh, (N, T, H), "(N, T, H)")
    if truncate is not None and (not isinstance(truncate, (int, np.integer)) or truncate < 1):
        raise ValueError(f"truncate must be None or a positive int, got {truncate!r}")
    fprime = activation_derivative(h, nonlinearity)  # (N, T, H)
    h_prev = np.concatenate([h0[:, None, :], h], axis=1)[:, :T]  # (N, T, H): s_{t-1}

    if truncate is None:
        dz = np.empty_like(h)  # dz[:, t] = δ_t ⊙ f'(z_t)
        carry = np.zeros((N, H), dtype=h.dtype)  # ∂L/∂h_t through h_{t+1}
        for t in reversed(range(T)):
            dz[:, t] = (dh[:, t] + carry) * fprime[:, t]
            carry = dz[:, t] @ p["W_hh"]
        dh0 = carry
    else:
        dz = np.zeros_like(h)
        dh0 = np.zeros((N, H), dtype=h.dtype)
        for t in range(T):
            delta = dh[:, t]
            for s in range(t, max(t - truncate, -1), -1):  # k steps: t, t-1, …, t-k+1
                dz_s = delta * fprime[:, s]
                dz[:, s] += dz_s
                delta = dz_s @ p["W_hh"]
                if s == 0:
                    dh0 += delta

    dz2 = dz.reshape(N * T, H)  # sums over batch and time as one BLAS product
    return {
        "W_ih": dz2.T @ x.reshape(N * T, x.shape[2]),
        "W_hh": dz2.T @ h_prev.reshape(N * T, H),
        "b_ih": dz.sum(axis=(0, 1)),
        "b_hh": dz.sum(axis=(0, 1)),
        "x": dz @ p["W_ih"],
        "h0": dh0,
    }


def params_from_torch(module) -> dict:
    """Copy the weights of a one-layer, unidirectional ``torch.nn.RNN`` into a float64 dict.

    Returns:
        ``{"W_ih": weight_ih_l0, "W_hh": weight_hh_l0, "b_ih": bias_ih_l0, "b_hh": bias_hh_l0}``
        as new float64 numpy arrays (changing them does not change the module).
    """
    return weights_from_torch(module, "RNN")


def params_to_torch(params: dict, module) -> None:
    """Copy a params dict into a one-layer, unidirectional ``torch.nn.RNN``, in place.

    The module keeps its own dtype; shapes must match exactly (``ValueError`` otherwise).
    """
    check_params(params)
    weights_to_torch(params, module, "RNN")
