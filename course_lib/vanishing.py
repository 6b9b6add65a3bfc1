"""Vanishing and exploding gradients, measured — and the initialisations that fight them.

Backpropagating from the last state s_T to an earlier state s_t multiplies Jacobians
(lecture notation, notebook 00)::

    ∂L_T/∂s_t = ∂L_T/∂s_T · ∏_{k=t+1}^{T} ∂s_k/∂s_{k-1},   ∂s_k/∂s_{k-1} = diag(f'(z_k)) W

so its norm is bounded by ∏ ‖diag(f'(z_k))‖ ‖W‖ ≤ (γ ‖W‖)^{T-t} with γ = max f' (1 for tanh
and ReLU, 1/4 for the logistic sigmoid): it shrinks or grows geometrically in T − t.
This module measures that norm for the numpy Elman RNN of :mod:`course_lib.rnn_np`, measures
the same thing per layer in a deep feed-forward stack (with or without residual connections),
and builds the recurrent matrices the remedies start from (scaled random, orthogonal,
identity). It never trains: the remedies are trained in :mod:`course_lib.experiments`.

References:
    Bengio, Simard & Frasconi, "Learning long-term dependencies with gradient descent is
    difficult", IEEE Trans. Neural Networks 1994.
    Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks",
    ICML 2013, §2–3 (the Jacobian product and the spectral-radius conditions).
    Le, Jaitly & Hinton, "A simple way to initialize recurrent networks of rectified linear
    units", arXiv:1504.00941, 2015 (IRNN: ReLU with W = I).
    Saxe, McClelland & Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep
    linear neural networks", ICLR 2014 (orthogonal initialisation).
    He, Zhang, Ren & Sun, "Deep residual learning for image recognition", CVPR 2016.
"""

from __future__ import annotations

import numpy as np

from course_lib.np_common import check_params, sigmoid
from course_lib.rnn_np import StepCache, rnn_forward, rnn_step_backward

RECURRENT_KINDS = ("gaussian", "orthogonal", "identity")
FF_NONLINEARITIES = ("sigmoid", "tanh", "relu")


def spectral_radius(W) -> float:
    """ρ(W) = max |λ_i(W)|, the largest eigenvalue modulus of a square matrix (H, H)."""
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix (H, H), got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def recurrent_matrix(H: int, scale: float, rng: np.random.Generator,
                     kind: str = "gaussian") -> np.ndarray:
    """A recurrent matrix W (H, H) whose spectral radius is exactly ``scale``.

    ``kind``:
        ``"gaussian"``: entries N(0, 1/H), then rescaled so that ρ(W) = scale;
        ``"orthogonal"``: scale · Q with Q from the QR decomposition of a Gaussian matrix
        (sign-corrected so Q is uniformly distributed; all singular values equal scale);
        ``"identity"``: scale · I (IRNN; no randomness used).
    """
    if kind not in RECURRENT_KINDS:
        raise ValueError(f"kind must be one of {RECURRENT_KINDS}, got {kind!r}")
    if not scale >= 0:
        raise ValueError(f"scale must be a non-negative number, got {scale}")
    if kind == "identity":
        return scale * np.eye(H)
    A = rng.standard_normal((H, H))
    if kind == "orthogonal":
        Q, R = np.linalg.qr(A)
        return scale * Q * np.sign(np.diag(R))  # Mezzadri's sign fix
    A /= np.sqrt(H)
    return scale * A / spectral_radius(A)


def scaled_rnn_params(D: int, H: int, scale: float, rng: np.random.Generator,
                      kind: str = "gaussian", input_scale: float = 1.0) -> dict:
    """RNN parameters with ``W_hh = recurrent_matrix(H, scale, rng, kind)``.

    ``W_ih`` (H, D) has entries N(0, input_scale²/D); biases are zero, so the only knob on
    the recurrence is ρ(W_hh) = ``scale``. Returns the params dict of :mod:`course_lib.rnn_np`.
    """
    W_hh = recurrent_matrix(H, scale, rng, kind)
    W_ih = rng.standard_normal((H, D)) * input_scale / np.sqrt(D)
    return {"W_ih": W_ih, "W_hh": W_hh, "b_ih": np.zeros(H), "b_hh": np.zeros(H)}


def state_gradients(params: dict, x, h0, nonlinearity: str = "tanh",
                    dh_last=None) -> np.ndarray:
    """∂L_T/∂s_t for every state s_0 = h0, s_1, …, s_T, when the loss sees only s_T.

    ``L_T = Σ dh_last ⊙ s_T``. Starting from δ_T = dh_last, each call of
    :func:`course_lib.rnn_np.rnn_step_backward` applies one transposed Jacobian,
    δ_{t-1} = (δ_t ⊙ f'(z_t)) W_hh — BPTT's δ recursion with the upstream gradient at the last
    step only, so δ_0 equals ``rnn_backward``'s ``"h0"`` for that upstream gradient.

    Args:
        params: RNN parameters (see :mod:`course_lib.rnn_np`), W_hh (H, H).
        x: inputs (N, T, D).
        h0: initial state (N, H).
        nonlinearity: ``"tanh"`` or ``"relu"``.
        dh_last: upstream gradient ∂L_T/∂s_T (N, H); default a unit vector 1/√H per sequence.

    Returns:
        ``deltas`` (N, T+1, H) with ``deltas[:, t]`` = ∂L_T/∂s_t (``deltas[:, 0]`` for h0).
    """
    h, cache = rnn_forward(x, h0, params, nonlinearity)
    N, T, H = h.shape
    delta = np.full((N, H), 1.0 / np.sqrt(H)) if dh_last is None else np.asarray(dh_last)
    if delta.shape != (N, H):
        raise ValueError(f"dh_last must have shape (N, H) = {(N, H)}, got {delta.shape}")
    deltas = np.empty((N, T + 1, H), dtype=h.dtype)
    deltas[:, T] = delta
    for t in reversed(range(T)):  # h[:, t] is s_{t+1}
        h_prev = cache.h0 if t == 0 else h[:, t - 1]
        step = StepCache(cache.x[:, t], h_prev, h[:, t], params, nonlinearity)
        deltas[:, t] = rnn_step_backward(deltas[:, t + 1], step)["h_prev"]
    return deltas


def gradient_norms_by_distance(params: dict, x, h0, nonlinearity: str = "tanh",
                               dh_last=None) -> np.ndarray:
    """‖∂L_T/∂s_t‖ for t = T, T−1, …, 1, indexed by the distance d = T − t.

    Arguments as :func:`state_gradients`.

    Returns:
        ``norms`` (T,): ``norms[d]`` = the mean over the batch of ‖∂L_T/∂s_{T-d}‖₂, so
        ``norms[0] = ‖dh_last‖`` and ``norms[T-1]`` belongs to the first state s_1.
    """
    deltas = state_gradients(params, x, h0, nonlinearity, dh_last)  # (N, T+1, H)
    return np.linalg.norm(deltas[:, 1:], axis=2).mean(axis=0)[::-1].copy()


def jacobian_norms(params: dict, x, h0, nonlinearity: str = "tanh") -> np.ndarray:
    """‖∂s_t/∂s_{t-1}‖₂ = ‖diag(f'(z_t)) W_hh‖₂ at every step of every sequence.

    The spectral norm (largest singular value) of each one-step Jacobian along the forward
    pass. Since ``0 ≤ f' ≤ γ``, it is at most ``γ ‖W_hh‖₂`` (:func:`jacobian_bound`); whether it
    is at most 1 depends on ``W_hh``, not on the activation alone.

    Args:
        params: RNN parameters (see :mod:`course_lib.rnn_np`), W_hh (H, H).
        x: inputs (N, T, D). h0: initial state (N, H).
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        ``norms`` (N, T): ``norms[n, t-1]`` = ‖∂s_t/∂s_{t-1}‖₂ for sequence n, t = 1 … T.
    """
    h, _ = rnn_forward(x, h0, params, nonlinearity)  # (N, T, H): s_1 … s_T
    fprime = 1.0 - h * h if nonlinearity == "tanh" else (h > 0).astype(h.dtype)
    jacobians = fprime[..., :, None] * params["W_hh"]  # (N, T, H, H): row i scaled by f'_i
    return np.linalg.norm(jacobians, ord=2, axis=(-2, -1))


def jacobian_bound(params: dict, nonlinearity: str = "tanh") -> float:
    """The per-step bound γ · ‖W_hh‖₂ (γ = max f' = 1 for tanh and ReLU, 1/4 for sigmoid).

    If it is below 1, ‖∂L_T/∂s_t‖ ≤ bound^{T-t} ‖∂L_T/∂s_T‖ must vanish geometrically
    (Pascanu et al. 2013, §3.1, the sufficient condition for vanishing).
    """
    check_params(params)
    gammas = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25}
    if nonlinearity not in gammas:
        raise ValueError(f"nonlinearity must be one of {tuple(gammas)}, got {nonlinearity!r}")
    gamma = gammas[nonlinearity]
    return gamma * float(np.linalg.norm(params["W_hh"], 2))


# --- a deep feed-forward stack: the same phenomenon without recurrence ---------------------

def _ff_act(z, nonlinearity):
    if nonlinearity == "sigmoid":
        return sigmoid(z)
    if nonlinearity == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _ff_act_prime(a, nonlinearity):
    """f'(z) through the output a = f(z)."""
    if nonlinearity == "sigmoid":
        return a * (1.0 - a)
    if nonlinearity == "tanh":
        return 1.0 - a * a
    return (a > 0).astype(a.dtype)


def init_deep_stack(depth: int, width: int, rng: np.random.Generator,
                    gain: float = 1.0) -> list[np.ndarray]:
    """``depth`` weight matrices (width, width) with entries N(0, gain²/width) (LeCun/Xavier)."""
    if depth < 1 or width < 1:
        raise ValueError(f"depth and width must be ≥ 1, got depth={depth}, width={width}")
    return [rng.standard_normal((width, width)) * gain / np.sqrt(width) for _ in range(depth)]


def deep_gradient_norms(weights: list, x, nonlinearity: str = "sigmoid",
                        residual: bool = False, dout=None) -> np.ndarray:
    """Gradient norm per layer of a deep feed-forward stack, ‖∂L/∂a_l‖ for l = 0 … L−1.

    Plain layers ``a_l = f(a_{l-1} W_l^T)``; residual layers ``a_l = a_{l-1} + f(a_{l-1} W_l^T)``
    (He et al. 2016). ``a_0 = x`` (N, W) is the input and ``L = Σ dout ⊙ a_L``. Backward:
    plain ``δ_{l-1} = (δ_l ⊙ f') W_l`` — the same Jacobian product as an RNN, with a new W
    per layer; residual ``δ_{l-1} = δ_l + (δ_l ⊙ f') W_l``: the identity path carries δ_l
    down unchanged.

    Args:
        weights: list of L matrices (W, W) applied bottom to top.
        x: input (N, W).
        nonlinearity: ``"sigmoid"``, ``"tanh"`` or ``"relu"``.
        residual: add the skip connection around every layer.
        dout: ∂L/∂a_L (N, W); default a unit vector 1/√W per example.

    Returns:
        ``norms`` (L,): ``norms[l]`` = mean over the batch of ‖∂L/∂a_l‖₂; index 0 is the input
        of the first layer (the bottom), index L−1 the input of the top layer.
    """
    if nonlinearity not in FF_NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {FF_NONLINEARITIES}, got "
                         f"{nonlinearity!r}")
    x = np.asarray(x, dtype=np.float64)
    width = x.shape[-1]
    for i, W in enumerate(weights):
        if np.shape(W) != (width, width):
            raise ValueError(f"weights[{i}] must have shape (W, W) = {(width, width)}, got "
                             f"{np.shape(W)}")
    acts, outs = [x], []
    for W in weights:
        out = _ff_act(acts[-1] @ W.T, nonlinearity)
        outs.append(out)
        acts.append(acts[-1] + out if residual else out)
    delta = np.full_like(x, 1.0 / np.sqrt(width)) if dout is None else np.asarray(dout)
    if delta.shape != x.shape:
        raise ValueError(f"dout must have shape (N, W) = {x.shape}, got {delta.shape}")
    norms = np.empty(len(weights))
    for layer in reversed(range(len(weights))):
        back = (delta * _ff_act_prime(outs[layer], nonlinearity)) @ weights[layer]
        delta = delta + back if residual else back
        norms[layer] = np.linalg.norm(delta, axis=1).mean()
    return norms


def norms_at_scale(scale: float, nonlinearity: str = "tanh", kind: str = "orthogonal",
                   T: int = 60, H: int = 32, N: int = 16, D: int = 4,
                   input_scale: float = 0.1, seed: int = 0) -> np.ndarray:
    """:func:`gradient_norms_by_distance` for a fresh RNN with ρ(W_hh) = ``scale``.

    The RNN comes from :func:`scaled_rnn_params` (seeded), the inputs x (N, T, D) are N(0, 1)
    and h0 = 0. Small ``input_scale`` keeps tanh out of saturation, so the recurrent scale is
    what decides. Returns ``norms`` (T,) indexed by distance T − t, as the function above.
    """
    rng = np.random.default_rng(seed)
    params = scaled_rnn_params(D, H, scale, rng, kind=kind, input_scale=input_scale)
    x = rng.standard_normal((N, T, D))
    return gradient_norms_by_distance(params, x, np.zeros((N, H)), nonlinearity)
