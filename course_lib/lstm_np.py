"""The LSTM in numpy: forward and backward through time, in PyTorch's layout.

Equations (``torch.nn.LSTM``, batch-first; σ the logistic sigmoid, ⊙ element-wise)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      # input gate   (输入门)
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      # forget gate  (遗忘门)
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)   # candidate cell value
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      # output gate  (输出门)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                      # cell state   (细胞状态)
    h_t = o_t ⊙ tanh(c_t)

The four gates are packed along the first axis in torch's order **i, f, g, o**:
``W_ih`` (4H, D) = [W_ii; W_if; W_ig; W_io], ``W_hh`` (4H, H), ``b_ih`` and ``b_hh`` (4H,).
CS231n assignment 3 and fastbook pack i, f, **o, g** instead; :func:`reorder_gates` converts.
Shapes: N batch, T time, D input, H hidden, G = 4 gates.

Along the cell state the Jacobian is diagonal, ∂c_t/∂c_{t-1} = diag(f_t) (holding the gates
fixed), which is why gradients can travel far when the forget gate stays near 1.

The API mirrors :mod:`course_lib.rnn_np`: step and sequence functions, forward returns
``(output, cache)``, backward returns a dict of gradients keyed like the parameters.

References:
    Hochreiter & Schmidhuber, "Long short-term memory", Neural Computation 1997.
    Gers, Schmidhuber & Cummins, "Learning to forget: continual prediction with LSTM",
    Neural Computation 2000 (the forget gate; forget-bias initialisation).
    Jozefowicz, Zaremba & Sutskever, "An empirical exploration of recurrent network
    architectures", ICML 2015 (forget bias 1).
    PyTorch documentation, ``torch.nn.LSTM``.
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

GATES = ("i", "f", "g", "o")  # torch's packing order


class LSTMStepCache(NamedTuple):
    """What one forward step keeps for its backward step."""

    x_t: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    c_prev: np.ndarray  # (N, H)
    gates: np.ndarray  # (N, 4H) activated gates i, f, g, o
    c_t: np.ndarray  # (N, H)
    params: dict


class LSTMCache(NamedTuple):
    """What the sequence forward pass keeps for backpropagation through time."""

    x: np.ndarray  # (N, T, D)
    h0: np.ndarray  # (N, H)
    c0: np.ndarray  # (N, H)
    h: np.ndarray  # (N, T, H)
    c: np.ndarray  # (N, T, H) cell states
    gates: np.ndarray  # (N, T, 4H) activated gates i, f, g, o
    params: dict


def gate_slice(gate: str, H: int) -> slice:
    """Rows of the packed (4H, ·) weights that belong to ``gate`` in torch's i, f, g, o order."""
    if gate not in GATES:
        raise ValueError(f"gate must be one of {GATES}, got {gate!r}")
    k = GATES.index(gate)
    return slice(k * H, (k + 1) * H)


def split_gates(gates: np.ndarray) -> dict:
    """Split a packed (..., 4H) array into ``{"i": …, "f": …, "g": …, "o": …}`` of (..., H)."""
    H4 = gates.shape[-1]
    if H4 % 4:
        raise ValueError(f"last axis must be 4H, got {H4}")
    return {k: gates[..., gate_slice(k, H4 // 4)] for k in GATES}


def reorder_gates(params: dict, src: str = "ifog", dst: str = "ifgo") -> dict:
    """Re-pack the gate blocks of every parameter from order ``src`` to order ``dst``.

    ``reorder_gates(p, "ifog", "ifgo")`` turns CS231n-/fastbook-ordered weights into torch's
    layout; the reverse call goes back. Returns new arrays.
    """
    if sorted(src) != sorted("ifgo") or sorted(dst) != sorted("ifgo"):
        raise ValueError(f"src and dst must be permutations of 'ifgo', got {src!r}, {dst!r}")
    out = {}
    for k, v in params.items():
        v = np.asarray(v)
        H = v.shape[0] // 4
        blocks = {name: v[j * H:(j + 1) * H] for j, name in enumerate(src)}
        out[k] = np.concatenate([blocks[name] for name in dst], axis=0)
    return out


def check_params(params: dict) -> tuple[int, int]:
    """Validate an LSTM parameter dict (4 gates packed) and return ``(D, H)``; ``ValueError``
    names the key, the expected and the actual shape (or dtype)."""
    return np_common.check_params(params, gates=4)


def init_params(D: int, H: int, rng: np.random.Generator, scale: float | None = None,
                forget_bias: float | None = None) -> dict:
    """Draw parameters as ``torch.nn.LSTM`` does: uniform in [-1/√H, 1/√H].

    Args:
        D, H: input and hidden sizes.
        rng: the random generator to draw from.
        scale: half-width of the uniform range; default ``1/sqrt(H)``.
        forget_bias: if given, set ``b_ih[f] = forget_bias`` and ``b_hh[f] = 0`` so the
            *effective* forget bias b_if + b_hf equals it (torch adds both biases).

    Returns:
        ``{"W_ih": (4H, D), "W_hh": (4H, H), "b_ih": (4H,), "b_hh": (4H,)}`` in float64.
    """
    k = 1.0 / np.sqrt(H) if scale is None else scale
    shapes = {"W_ih": (4 * H, D), "W_hh": (4 * H, H), "b_ih": (4 * H,), "b_hh": (4 * H,)}
    params = {name: rng.uniform(-k, k, size=shape) for name, shape in shapes.items()}
    if forget_bias is not None:
        params["b_ih"][gate_slice("f", H)] = forget_bias
        params["b_hh"][gate_slice("f", H)] = 0.0
    return params


def lstm_step_forward(x_t, h_prev, c_prev, params: dict):
    """One step of the equations in the module docstring.

    Args:
        x_t: input, (N, D).  h_prev, c_prev: previous hidden and cell state, (N, H).
        params: ``W_ih`` (4H, D), ``W_hh`` (4H, H), ``b_ih``, ``b_hh`` (4H,), gates i, f, g, o.

    Returns:
        ``(h_t, c_t, cache)`` with ``h_t``, ``c_t`` (N, H) and an :class:`LSTMStepCache`.
    """
    D, H = check_params(params)
    x_t = np.asarray(x_t)
    if x_t.ndim != 2 or x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (N, D) with D={D}, got {x_t.shape}")
    x_t = check_array("x_t", x_t, x_t.shape, "(N, D)")
    N = x_t.shape[0]
    h_prev = check_array("h_prev", h_prev, (N, H), "(N, H)")
    c_prev = check_array("c_prev", c_prev, (N, H), "(N, H)")
    a = x_t @ params["W_ih"].T + params["b_ih"] + h_prev @ params["W_hh"].T + params["b_hh"]
    gates = _activate(a, H)  # (N, 4H)
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    c_t = f * c_prev + i * g
    h_t = o * np.tanh(c_t)
    return h_t, c_t, LSTMStepCache(x_t, h_prev, c_prev, gates, c_t, params)


def _activate(a: np.ndarray, H: int) -> np.ndarray:
    """σ on the i, f, o blocks and tanh on the g block of packed pre-activations (..., 4H)."""
    out = sigmoid(a)
    out[..., 2 * H:3 * H] = np.tanh(a[..., 2 * H:3 * H])
    return out


def _gate_grads(dh_t, dc_t, gates, c_prev, c_t):
    """Shared core of the step backward: returns (da (N, 4H), dc_prev (N, H))."""
    H = c_t.shape[-1]
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    tc = np.tanh(c_t)
    dc = dc_t + dh_t * o * (1.0 - tc * tc)  # all paths into c_t
    da = np.concatenate([
        dc * g * i * (1.0 - i),  # input gate through σ'
        dc * c_prev * f * (1.0 - f),  # forget gate
        dc * i * (1.0 - g * g),  # candidate through tanh'
        dh_t * tc * o * (1.0 - o),  # output gate
    ], axis=1)
    return da, dc * f  # ∂c_t/∂c_{t-1} = f_t: the cell-state highway


def lstm_step_backward(dh_t, dc_t, cache: LSTMStepCache) -> dict:
    """Backward of one step.

    Args:
        dh_t: ∂L/∂h_t, (N, H).  dc_t: ∂L/∂c_t from later steps (or zeros), (N, H).
        cache: from :func:`lstm_step_forward`.

    Returns:
        dict with ``W_ih`` (4H, D), ``W_hh`` (4H, H), ``b_ih``, ``b_hh`` (4H,), ``x`` (N, D),
        ``h_prev`` and ``c_prev`` (N, H). ``c_prev`` includes ``dc_t ⊙ f_t``.
    """
    N, H = cache.c_t.shape
    dh_t = check_array("dh_t", dh_t, (N, H), "(N, H)")
    dc_t = check_array("dc_t", dc_t, (N, H), "(N, H)")
    p = cache.params
    da, dc_prev = _gate_grads(dh_t, dc_t, cache.gates, cache.c_prev, cache.c_t)
    return {
        "W_ih": da.T @ cache.x_t,
        "W_hh": da.T @ cache.h_prev,
        "b_ih": da.sum(axis=0),
        "b_hh": da.sum(axis=0),
        "x": da @ p["W_ih"],
        "h_prev": da @ p["W_hh"],
        "c_prev": dc_prev,
    }


def lstm_forward(x, h0, c0, params: dict):
    """Run the LSTM over a batch of sequences.

    Args:
        x: inputs, (N, T, D).  h0, c0: initial hidden and cell state, (N, H).
        params: ``W_ih`` (4H, D), ``W_hh`` (4H, H), ``b_ih``, ``b_hh`` (4H,).

    Returns:
        ``(h, cache)``: hidden states ``h`` (N, T, H) and an :class:`LSTMCache` holding also
        the cell states ``cache.c`` (N, T, H) and the activated gates ``cache.gates``
        (N, T, 4H). ``h[:, -1]`` and ``cache.c[:, -1]`` are torch's ``h_n[0]`` and ``c_n[0]``.
    """
    D, H = check_params(params)
    x, h0 = check_sequence_inputs(x, h0, D, H)
    N, T, _ = x.shape
    c0 = check_array("c0", c0, (N, H), "(N, H)")
    dtype = np.result_type(x, h0, c0, *(params[k] for k in PARAM_NAMES))
    h = np.empty((N, T, H), dtype=dtype)
    c = np.empty((N, T, H), dtype=dtype)
    gates = np.empty((N, T, 4 * H), dtype=dtype)
    xw = x @ params["W_ih"].T + params["b_ih"] + params["b_hh"]  # (N, T, 4H), all steps at once
    h_prev, c_prev = h0, c0
    for t in range(T):
        gates[:, t] = _activate(xw[:, t] + h_prev @ params["W_hh"].T, H)
        i, f, g, o = (gates[:, t, k * H:(k + 1) * H] for k in range(4))
        c_prev = f * c_prev + i * g
        h_prev = o * np.tanh(c_prev)
        c[:, t], h[:, t] = c_prev, h_prev
    return h, LSTMCache(x, h0, c0, h, c, gates, params)


def lstm_backward(dh, cache: LSTMCache, dc_last=None) -> dict:
    """Backpropagation through time for :func:`lstm_forward`.

    ``dh[:, t]`` is ∂L/∂h_t from outside the recurrence (e.g. an output layer). Two carries run
    backwards: ∂L/∂h_t through h_{t+1} (via W_hh) and ∂L/∂c_t through c_{t+1}, which is just
    multiplied by f_{t+1}.

    Args:
        dh: (N, T, H).
        cache: from :func:`lstm_forward`.
        dc_last: optional ∂L/∂c_T for a loss on the final cell state, (N, H).

    Returns:
        dict with ``W_ih`` (4H, D), ``W_hh`` (4H, H), ``b_ih``, ``b_hh`` (4H,), ``x`` (N, T, D),
        ``h0`` and ``c0`` (N, H).
    """
    x, h0, c0, h, c, gates, p = cache
    N, T, H = h.shape
    dh = check_array("dh", dh, (N, T, H), "(N, T, H)")
    dc_carry = (np.zeros((N, H), dtype=h.dtype) if dc_last is None
                else check_array("dc_last", dc_last, (N, H), "(N, H)"))
    dh_carry = np.zeros((N, H), dtype=h.dtype)
    da = np.empty_like(gates)  # (N, T, 4H)
    c_prev_all = np.concatenate([c0[:, None, :], c], axis=1)[:, :T]
    for t in reversed(range(T)):
        da[:, t], dc_carry = _gate_grads(dh[:, t] + dh_carry, dc_carry, gates[:, t],
                                         c_prev_all[:, t], c[:, t])
        dh_carry = da[:, t] @ p["W_hh"]
    h_prev = np.concatenate([h0[:, None, :], h], axis=1)[:, :T]  # (N, T, H)
    return {
        "W_ih": np.einsum("ntg,ntd->gd", da, x, optimize=True),
        "W_hh": np.einsum("ntg,ntk->gk", da, h_prev, optimize=True),
        "b_ih": da.sum(axis=(0, 1)),
        "b_hh": da.sum(axis=(0, 1)),
        "x": da @ p["W_ih"],
        "h0": dh_carry,
        "c0": dc_carry,
    }


def params_from_torch(module) -> dict:
    """Copy a one-layer, unidirectional ``torch.nn.LSTM``'s weights into a float64 dict.

    Returns:
        ``{"W_ih": weight_ih_l0 (4H, D), "W_hh": weight_hh_l0 (4H, H), "b_ih", "b_hh" (4H,)}``
        as new float64 arrays, gates in torch's i, f, g, o order.
    """
    return weights_from_torch(module, "LSTM")


def params_to_torch(params: dict, module) -> None:
    """Copy a params dict into a one-layer, unidirectional ``torch.nn.LSTM``, in place.

    The module keeps its dtype; shapes must match exactly (``ValueError`` otherwise).
    """
    check_params(params)
    weights_to_torch(params, module, "LSTM")
