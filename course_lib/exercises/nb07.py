"""Checkers for notebook 07 (GRU)."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import ExerciseError, call_learner, passed, require
from course_lib.gru_np import gru_step_forward, init_params


def check_gru_param_count(count_params) -> None:
    """``count_params(D, H)`` = trainable numbers in ``torch.nn.GRU(D, H)`` (one layer):
    3 gates × (H·D + H·H + 2H), PyTorch's two bias vectors included."""
    import torch

    for D, H in ((3, 4), (10, 7), (1, 1)):
        got = call_learner(count_params, D, H)
        require(isinstance(got, (int, np.integer)) or (isinstance(got, float) and
                                                       got.is_integer()),
                f"count_params({D}, {H}) should be a whole number, got {got!r}")
        got = int(got)
        expected = sum(p.numel() for p in torch.nn.GRU(D, H).parameters())
        if got == expected:
            continue
        hints = {
            3 * (H * D + H * H + H): "you counted one bias vector per gate; PyTorch keeps two, "
                                     "b_ih and b_hh",
            3 * (H * D + H * H): "you left out the biases (b_ih and b_hh, 3H each)",
            4 * (H * D + H * H + 2 * H): "that is an LSTM (4 blocks: i, f, g, o); the GRU has "
                                         "3 (r, z, n)",
            H * D + H * H + 2 * H: "that is a plain RNN; the GRU has 3 blocks (r, z, n)",
            3 * (H * D + H * H + 2 * H) + H: "one H too many",
        }
        hint = hints.get(got, f"count_params({D}, {H}) is too {'low' if got < expected else 'high'}"
                              "; per gate (r, z, n) count the rows of W_ih (H × D), W_hh (H × H) "
                              "and the two biases b_ih, b_hh (H each)")
        raise ExerciseError(f"not yet (D={D}, H={H}): {hint}")
    passed("count_params(D, H) = 3·(H·D + H·H + 2H), as torch.nn.GRU counts")


def check_gru_step(gru_step) -> None:
    """``gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh) -> h_t`` with torch's equations: gates
    packed r, z, n; ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))``;
    ``h_t = (1 − z) ⊙ n + z ⊙ h_prev``."""
    rng = np.random.default_rng(8)
    N, D, H = 3, 4, 5
    p = init_params(D, H, rng, scale=0.8)
    x, h = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    got = call_learner(gru_step, x.copy(), h.copy(), *(p[k].copy() for k in
                                                 ("W_ih", "W_hh", "b_ih", "b_hh")))
    got = np.asarray(got, dtype=float)
    require(got.shape == (N, H), f"h_t has shape {got.shape} but should be (N, H) = {(N, H)}")
    expected, cache = gru_step_forward(x, h, p)
    if np.allclose(got, expected, atol=1e-10):
        return passed("gru_step matches torch.nn.GRU (gates r, z, n; reset after the product)")
    cho, _ = gru_step_forward(x, h, p, variant="cho2014")
    if np.allclose(got, cho, atol=1e-10):
        raise ExerciseError("that is Cho et al.'s 2014 variant, W_hn (r ⊙ h) + b_hn; torch "
                            "applies the reset gate after the product: r ⊙ (W_hn h + b_hn)")
    z, n = cache.z, cache.n
    if np.allclose(got, z * n + (1 - z) * h, atol=1e-10):
        raise ExerciseError("z and 1 − z are swapped: torch keeps the old state with z, "
                            "h_t = (1 − z) ⊙ n + z ⊙ h_prev")
    swap = {k: np.concatenate([v[H:2 * H], v[:H], v[2 * H:]]) for k, v in p.items()}
    if np.allclose(got, gru_step_forward(x, h, swap)[0], atol=1e-10):
        raise ExerciseError("you read the gates as z, r, n; torch packs them r, z, n")
    err = float(np.abs(got - expected).max())
    raise ExerciseError(f"h_t differs from torch's GRU step by up to {err:.3g}")
