"""What the numpy RNN, LSTM and GRU share: parameter and shape checks, activations, torch copies.

The three models (:mod:`course_lib.rnn_np`, :mod:`course_lib.lstm_np`,
:mod:`course_lib.gru_np`) are siblings: each imports from here and from no other model. All
three keep PyTorch's parameter names and pack their gates along the first axis (G = 1 for the
RNN, 4 for the LSTM in the order i, f, g, o, 3 for the GRU in the order r, z, n)::

    W_ih (G·H, D)    W_hh (G·H, H)    b_ih (G·H,)    b_hh (G·H,)

so checking a parameter dict and copying it to or from a one-layer ``torch.nn`` module is the
same code for each. Shapes: N batch, T time, D input, H hidden, G gates.
"""

from __future__ import annotations

import numpy as np

PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")
NONLINEARITIES = ("tanh", "relu")


def sigmoid(z) -> np.ndarray:
    """The logistic function σ(z) = 1 / (1 + e^{-z}), element-wise, without overflow.

    Written as ``e^{min(z, 0)} / (1 + e^{-|z|})`` — ``1 / (1 + e^{-z})`` for z ≥ 0 and
    ``e^{z} / (1 + e^{z})`` for z < 0 — so ``exp`` never sees a large positive argument
    (``1 / (1 + np.exp(-z))`` overflows and warns for z < -709). The numerator picks the
    side without a mask: ``np.where`` on a mixed-sign float array is several times slower
    than an extra ``exp`` here. σ'(z) = σ(z)(1 − σ(z)) ≤ 1/4. A floating array keeps its
    dtype (float32 stays float32, as ``torch.sigmoid``); integers and Python numbers become
    float64.
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return np.asarray(np.exp(np.minimum(z, 0)) / (1.0 + np.exp(-np.abs(z))))  # 0-d stays an array


def activation(z: np.ndarray, nonlinearity: str) -> np.ndarray:
    """f(z): ``tanh`` or ``relu`` (max(z, 0)), element-wise."""
    return np.tanh(z) if nonlinearity == "tanh" else np.maximum(z, 0.0)


def activation_derivative(h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """f'(z) written through the output h = f(z): 1 - h² for tanh, [h > 0] for ReLU."""
    return 1.0 - h * h if nonlinearity == "tanh" else (h > 0).astype(h.dtype)


def check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")


def check_params(params: dict, gates: int = 1) -> tuple[int, int]:
    """Validate a parameter dict with ``gates`` blocks packed along the first axis; return (D, H).

    ``gates`` is 1 for the Elman RNN, 4 for the LSTM (i, f, g, o), 3 for the GRU (r, z, n):
    ``W_ih`` (G·H, D), ``W_hh`` (G·H, H), ``b_ih`` and ``b_hh`` (G·H,), all floating point.

    Raises:
        ValueError: naming the key, the expected shape and the actual shape (or dtype).
    """
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {list(PARAM_NAMES)}")
    W_ih = np.asarray(params["W_ih"])
    g = "" if gates == 1 else str(gates)
    if W_ih.ndim != 2 or W_ih.shape[0] % gates:
        raise ValueError(f"params['W_ih'] must have shape ({g}H, D), got {W_ih.shape}")
    H, D = W_ih.shape[0] // gates, W_ih.shape[1]
    expected = {"W_hh": (gates * H, H), "b_ih": (gates * H,), "b_hh": (gates * H,)}
    for key, shape in expected.items():
        actual = np.shape(params[key])
        if actual != shape:
            raise ValueError(f"params[{key!r}] must have shape {shape} (H={H}), got {actual}")
    for key in PARAM_NAMES:
        if np.asarray(params[key]).dtype.kind not in "fc":
            raise ValueError(f"params[{key!r}] must be a floating-point array, got dtype "
                             f"{np.asarray(params[key]).dtype}")
    return D, H


def check_array(name: str, a, shape: tuple, legend: str) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "fc":
        raise ValueError(f"{name} must be a floating-point array, got dtype {a.dtype}")
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {legend} = {shape}, got {a.shape}")
    return a


def check_sequence_inputs(x, h0, D: int, H: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate a sequence batch ``x`` (N, T, D) and its initial state ``h0`` (N, H).

    Shared by the RNN, LSTM and GRU forwards. Raises ``ValueError`` naming the expected and
    actual shapes, or a non-floating dtype.
    """
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[2] != D:
        raise ValueError(f"x must have shape (N, T, D) with D={D}, got {x.shape}")
    x = check_array("x", x, x.shape, "(N, T, D)")
    h0 = check_array("h0", h0, (x.shape[0], H), "(N, H)")
    return x, h0


def _torch_names(suffix: str = "_l0") -> dict:
    return {
        "W_ih": f"weight_ih{suffix}",
        "W_hh": f"weight_hh{suffix}",
        "b_ih": f"bias_ih{suffix}",
        "b_hh": f"bias_hh{suffix}",
    }


def check_torch_module(module, cls_name: str) -> None:
    """Raise ``ValueError`` unless ``module`` is a one-layer, unidirectional module with biases."""
    if type(module).__name__ != cls_name:
        raise ValueError(f"expected a torch.nn.{cls_name}, got {type(module).__name__}")
    if module.num_layers != 1 or module.bidirectional or not module.bias:
        raise ValueError(
            f"only one-layer, unidirectional {cls_name}s with bias=True map onto a params dict; "
            f"got num_layers={module.num_layers}, bidirectional={module.bidirectional}, "
            f"bias={module.bias}"
        )
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTMs with proj_size > 0 are not supported")


def weights_from_torch(module, cls_name: str) -> dict:
    """The ``*_l0`` weights of a one-layer, unidirectional torch RNN/LSTM/GRU as float64 copies.

    All three numpy models keep PyTorch's names and packed gate layout, so copying is the
    same for each. ``cls_name`` is ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
    """
    check_torch_module(module, cls_name)
    return {
        k: getattr(module, name).detach().cpu().double().numpy().copy()
        for k, name in _torch_names().items()
    }


def weights_to_torch(params: dict, module, cls_name: str) -> None:
    """Copy ``params`` into the ``*_l0`` weights of ``module`` in place, keeping its dtype."""
    import torch

    check_torch_module(module, cls_name)
    with torch.no_grad():
        for k, name in _torch_names().items():
            target = getattr(module, name)
            value = torch.as_tensor(np.asarray(params[k]))
            if tuple(value.shape) != tuple(target.shape):
                raise ValueError(
                    f"params[{k!r}] has shape {tuple(value.shape)}, "
                    f"module.{name} has {tuple(target.shape)}"
                )
            target.copy_(value.to(target.dtype))
