"""Vanishing and exploding gradients, measured — and the initialisations that fight them.

Backpropagating from the last state s_T to an earlier state s_t multiplies Jacobians
(lecture notation, ``COURSE_DESIGN.md`` §3)::

    ∂L_T/∂s_t = ∂L_T/∂s_T · ∏_{k=t+1}^{T} ∂s_k/∂s_{k-1},   ∂s_k/∂s_{k-1} = diag(f'(z_k)) W

so its norm is bounded by ∏ ‖diag(f'(z_k))‖ ‖W‖ ≤ (γ ‖W‖)^{T-t} with γ = max f' (1 for tanh
and ReLU, 1/4 for the logistic sigmoid): it shrinks or grows geometrically in T − t.
This module measures that norm for the numpy Elman RNN of :mod:`course_lib.rnn_np`, measures
the same thing per layer in a deep feed-forward stack (with or without residual connections),
builds the recurrent matrices the remedies start from (scaled random, orthogonal, identity),
and trains the remedies — tanh, orthogonal, IRNN, LSTM, GRU, read out at the last step — on
the shared benchmarks of ``course_lib.tasks`` (adding problem, cue task) with one budget.

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
import torch

from course_lib.rnn_np import (
    StepCache,
    check_params,
    rnn_forward,
    rnn_step_backward,
)

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
        return 1.0 / (1.0 + np.exp(-z))
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


# --- the remedies, as small torch models read out at the last step ------------------------

MODEL_KINDS = ("tanh", "orthogonal", "irnn", "lstm", "gru")


def make_model(kind: str, input_size: int, hidden_size: int, output_size: int,
               vocab_size: int | None = None, seed: int = 0):
    """A recurrent layer read out at its last step: ``y = V s_T + c``.

    ``kind``:
        ``"tanh"``: ``torch.nn.RNN`` with torch's default init (uniform ±1/√H);
        ``"orthogonal"``: tanh RNN with W_hh orthogonal (Saxe et al. 2014), biases 0;
        ``"irnn"``: ReLU RNN with W_hh = I, biases 0 and W_ih ~ N(0, 0.001²) (Le et al. 2015,
        the IRNN: identity recurrent matrix, zero biases, small random input weights);
        ``"lstm"`` / ``"gru"``: ``torch.nn.LSTM`` / ``GRU`` with torch's default init.

    With ``vocab_size`` the input is token ids (N, T) fed through an embedding of size
    ``input_size``; otherwise it is a float tensor (N, T, D=input_size). Output (N, K=output_size).
    The weights are drawn from ``seed`` in a forked torch RNG, so the global torch RNG is left
    as it was.
    """
    if kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS}, got {kind!r}")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return _build_model(kind, input_size, hidden_size, output_size, vocab_size)


def _build_model(kind, input_size, hidden_size, output_size, vocab_size):
    embedding = None if vocab_size is None else torch.nn.Embedding(vocab_size, input_size)
    if kind in ("lstm", "gru"):
        rnn = getattr(torch.nn, kind.upper())(input_size, hidden_size, batch_first=True)
    else:
        nonlinearity = "relu" if kind == "irnn" else "tanh"
        rnn = torch.nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity,
                           batch_first=True)
        with torch.no_grad():
            if kind == "irnn":
                rnn.weight_hh_l0.copy_(torch.eye(hidden_size))
                rnn.weight_ih_l0.normal_(0.0, 0.001)
            if kind == "orthogonal":
                torch.nn.init.orthogonal_(rnn.weight_hh_l0)
            if kind != "tanh":
                rnn.bias_ih_l0.zero_()
                rnn.bias_hh_l0.zero_()
    return LastStateNet(rnn, torch.nn.Linear(hidden_size, output_size), embedding)


class LastStateNet(torch.nn.Module):
    """embedding (optional) → recurrent layer → linear head on the last hidden state."""

    def __init__(self, rnn, head, embedding=None):
        super().__init__()
        self.embedding, self.rnn, self.head = embedding, rnn, head

    def forward(self, x):
        if self.embedding is not None:
            x = self.embedding(x)  # (N, T) ids -> (N, T, D)
        out, _ = self.rnn(x)  # (N, T, H)
        return self.head(out[:, -1])  # (N, K)


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


# --- the shared benchmarks: fixed budget, fresh seeded batch every step --------------------

def train_adding(kind: str, T: int, steps: int, hidden_size: int = 32, lr: float = 1e-3,
                 clip_norm: float | None = None, batch_size: int = 32, seed: int = 0,
                 n_test: int = 500):
    """Train a :func:`make_model` on the adding problem; return ``(History, test MSE)``.

    Loss: MSE of ŷ = V s_T + c against y = u_a + u_b (``course_lib.tasks.adding_problem``,
    baseline 1/6). Adam; batch ``step`` is drawn from ``default_rng([seed, step])`` and the
    test set (``n_test`` sequences) from ``default_rng([seed, 2**31])`` — the same data for every
    kind, so runs differ only in the model.
    """
    from course_lib.tasks import adding_problem_torch
    from course_lib.train import train

    model = make_model(kind, 2, hidden_size, 1, seed=seed)

    def batch_fn(step):
        return adding_problem_torch(batch_size, T, np.random.default_rng([seed, step]))

    def loss_fn(m, batch):
        x, y = batch
        return torch.nn.functional.mse_loss(m(x), y)

    hist = train(model, loss_fn, batch_fn, steps, lr, clip_norm=clip_norm,
                 desc=f"adding {kind}")
    x, y = adding_problem_torch(n_test, T, np.random.default_rng([seed, 2**31]))
    with torch.no_grad():
        mse = float(torch.nn.functional.mse_loss(model(x), y)) if not hist.diverged else np.inf
    return hist, mse


def train_cue(kind: str, distance: int, steps: int, hidden_size: int = 32, lr: float = 3e-3,
              clip_norm: float | None = None, batch_size: int = 32, seed: int = 0,
              n_test: int = 500, n_classes: int = 4, vocab_size: int = 16,
              embed_size: int = 8):
    """Train a :func:`make_model` classifier on ``course_lib.tasks.cue_task``.

    The cue is the first token; the class is read out after ``distance`` distractors
    (T = distance + 1). Cross-entropy loss, Adam, seeded batches as in :func:`train_adding`.
    Returns ``(History, test accuracy)``; chance is 1/``n_classes``.
    """
    from course_lib.tasks import cue_task
    from course_lib.train import train

    model = make_model(kind, embed_size, hidden_size, n_classes, vocab_size=vocab_size,
                       seed=seed)

    def sample(n, rng):
        x, y = cue_task(n, distance, rng, n_classes=n_classes, vocab_size=vocab_size)
        return torch.from_numpy(x), torch.from_numpy(y)

    def loss_fn(m, batch):
        return torch.nn.functional.cross_entropy(m(batch[0]), batch[1])

    hist = train(model, loss_fn, lambda step: sample(batch_size, np.random.default_rng(
        [seed, step])), steps, lr, clip_norm=clip_norm, desc=f"cue d={distance}")
    x, y = sample(n_test, np.random.default_rng([seed, 2**31]))
    with torch.no_grad():
        acc = float((model(x).argmax(dim=1) == y).double().mean())
    return hist, acc
