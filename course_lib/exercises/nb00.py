"""Checkers for notebook 00 (recap of the RNN and its notation)."""

from __future__ import annotations

import numpy as np

from course_lib import rnn_np
from course_lib.exercises import ExerciseError, call_learner, passed, require
from course_lib.np_common import sigmoid


def check_rnn_step(rnn_step) -> None:
    """``rnn_step(x_t, h_prev, params) -> h_t`` must equal ``tanh(U x + W h + b_ih + b_hh)``."""
    rng = np.random.default_rng(1)
    N, D, H = 3, 4, 5  # D ≠ H so that a transposed weight shows up as a shape error
    params = rnn_np.init_params(D, H, rng, scale=0.9)
    x_t, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    expected, _ = rnn_np.rnn_step_forward(x_t, h_prev, params)
    try:
        got = np.asarray(call_learner(rnn_step, x_t, h_prev, params), dtype=float)
    except ValueError as exc:  # numpy's "matmul: Input operand … mismatch"
        raise ExerciseError(f"your step raised ValueError ({exc}). With x_t of shape (N, D) "
                            "and W_ih of shape (H, D), the product is x_t @ W_ih.T") from None
    require(got.shape == (N, H), f"h_t has shape {got.shape} but should be (N, H) = {(N, H)}")
    if np.allclose(got, expected, atol=1e-12):
        return passed("rnn_step matches course_lib.rnn_np.rnn_step_forward")
    z = x_t @ params["W_ih"].T + h_prev @ params["W_hh"].T
    hints = {
        "you left out b_hh: torch's RNN has two bias vectors and adds both": np.tanh(z + params["b_ih"]),
        "you left out b_ih: torch's RNN has two bias vectors and adds both": np.tanh(z + params["b_hh"]),
        "you left out both biases": np.tanh(z),
        "you forgot the nonlinearity f = tanh": z + params["b_ih"] + params["b_hh"],
        "you used the sigmoid; torch.nn.RNN's default f is tanh":
            sigmoid(z + params["b_ih"] + params["b_hh"]),
        "you left out the recurrent term W h_{t-1}": np.tanh(x_t @ params["W_ih"].T + params["b_ih"] + params["b_hh"]),
    }
    for hint, wrong in hints.items():
        if np.allclose(got, wrong, atol=1e-12):
            raise ExerciseError(f"not yet: {hint}")
    err = float(np.max(np.abs(got - expected)))
    raise ExerciseError(f"h_t differs from the reference by up to {err:.3g}; check each term "
                        "of h_t = tanh(x_t W_ih^T + b_ih + h_prev W_hh^T + b_hh)")


def check_param_count(count_params) -> None:
    """``count_params(D, H, K)``: parameters of ``nn.RNN(D, H)`` plus ``nn.Linear(H, K)``."""
    import torch

    for D, H, K in [(3, 4, 5), (10, 32, 7), (1, 1, 1)]:
        got = call_learner(count_params, D, H, K)
        require(isinstance(got, (int, np.integer)), f"count_params should return an int, got "
                                                    f"{type(got).__name__}")
        rnn, out = torch.nn.RNN(D, H), torch.nn.Linear(H, K)
        expected = sum(p.numel() for m in (rnn, out) for p in m.parameters())
        if got == expected:
            continue
        where = f"for D={D}, H={H}, K={K} your count is too {'low' if got < expected else 'high'}"
        if got == expected - H:
            raise ExerciseError(f"{where}: you counted one recurrent bias; torch keeps two "
                                "(b_ih and b_hh)")
        if got == expected - K - 2 * H:
            raise ExerciseError(f"{where}: you forgot the biases (two in the RNN, one in the "
                                "output layer)")
        if got == expected - H * K - K:
            raise ExerciseError(f"{where}: you forgot the output layer V (H·K weights) and c "
                                "(K biases)")
        raise ExerciseError(f"{where}; count U (H×D), W (H×H), b_ih, b_hh (H each), V (K×H) "
                            "and c (K)")
    passed("count_params matches torch for three sizes, and does not depend on T")
