"""Checkers for notebook 02 (backpropagation through time).

Each checker runs the learner's code or answer against :mod:`course_lib.rnn_np` on its own
seeded data and says what is wrong when it is wrong.
"""

from __future__ import annotations

import numpy as np

from course_lib import rnn_np
from course_lib.exercises import ExerciseError, passed, require, require_answer
from course_lib.exercises.nb02_backward import (  # noqa: F401 (the notebook calls nb02.check_…)
    check_rnn_backward,
    check_rnn_step_backward,
)

GRAD_KEYS = ("W_ih", "W_hh", "b_ih", "b_hh")


def _case(seed: int, N: int = 3, T: int = 7, D: int = 4, H: int = 5, scale: float = 0.6):
    rng = np.random.default_rng(seed)
    params = rnn_np.init_params(D, H, rng, scale=scale)
    x = rng.normal(size=(N, T, D))
    h0 = rng.normal(scale=0.5, size=(N, H))
    dh = rng.normal(size=(N, T, H))
    return params, x, h0, dh


def _rel(a, b) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def check_grad_b(grad_b) -> None:
    """Exercise 1: ``grad_b(dh, h, W_hh) -> ∂L/∂b`` (H,) by the δ recursion (tanh RNN)."""
    require_answer(grad_b, "grad_b")
    require(callable(grad_b), f"`grad_b` should be a function, got {type(grad_b).__name__}")
    for seed in (0, 1):
        params, x, h0, dh = _case(seed)
        h, cache = rnn_np.rnn_forward(x, h0, params)
        want = rnn_np.rnn_backward(dh, cache)["b_ih"]
        got = require_answer(grad_b(dh.copy(), h.copy(), params["W_hh"].copy()),
                             "grad_b(...)")
        got = np.asarray(got, dtype=np.float64)
        H = want.shape[0]
        if got.shape != want.shape:
            hint = (" — sum dz over both the batch axis and the time axis"
                    if got.shape in ((h.shape[1], H), (h.shape[0], H), h.shape) else "")
            raise ExerciseError(f"∂L/∂b has shape {got.shape} but should be ({H},){hint}")
        local = (dh * (1 - h * h)).sum(axis=(0, 1))
        if _rel(got, want) > 1e-8:
            if _rel(got, local) < 1e-8:
                raise ExerciseError("your ∂L/∂b equals Σ_t dh_t ⊙ f′(z_t): the local terms only. "
                                    "Add the gradient that reaches s_t through s_{t+1}: "
                                    "δ_t = dh_t + (δ_{t+1} ⊙ f′(z_{t+1})) W")
            if _rel(got, dh.sum(axis=(0, 1))) < 1e-8:
                raise ExerciseError("you summed dh without multiplying by f′(z_t) = 1 − s_t²")
            if _rel(got, -want) < 1e-8:
                raise ExerciseError("∂L/∂b has the wrong sign: δ_t = dh_t + (δ_{t+1} ⊙ "
                                    "f′(z_{t+1})) W adds the two contributions")
            if _rel(got, want / h.shape[0]) < 1e-8:
                raise ExerciseError("you averaged over the batch; the loss is a sum, so sum "
                                    "dz over the batch axis too")
            raise ExerciseError(f"∂L/∂b is off by a relative error {_rel(got, want):.1e}: "
                                "walk t from T−1 down to 0, carry (δ_{t+1} ⊙ f′(z_{t+1})) W "
                                "into step t, and multiply by f′(z_t) = 1 − s_t² before summing")
    passed("∂L/∂b from your δ recursion equals rnn_backward's (two random cases)")


def smallest_k(params: dict, x, h0, dh, threshold: float = 0.01) -> tuple[int, np.ndarray]:
    """The smallest k whose ∂L/∂W_hh has relative error < ``threshold``, and all errors."""
    _, cache = rnn_np.rnn_forward(x, h0, params)
    full = rnn_np.rnn_backward(dh, cache)["W_hh"]
    T = x.shape[1]
    errors = np.array([_rel(rnn_np.rnn_backward(dh, cache, truncate=k)["W_hh"], full)
                       for k in range(1, T + 1)])
    return int(np.argmax(errors < threshold)) + 1, errors


def check_truncation_k(k, params: dict, x, h0, dh) -> None:
    """Exercise 2: the smallest k with ‖∂L/∂W_hh(k) − ∂L/∂W_hh‖ / ‖∂L/∂W_hh‖ < 1 %."""
    require_answer(k, "k")
    require(isinstance(k, (int, np.integer)) and not isinstance(k, bool),
            f"`k` should be an int, got {type(k).__name__} {k!r}")
    T = np.shape(x)[1]
    require(1 <= k <= T, f"k must lie between 1 and T={T}, got {k}")
    best, errors = smallest_k(params, x, h0, dh)
    err = errors[k - 1]
    require(err < 0.01, f"with k={k} the error of ∂L/∂W_hh is still {err:.1%} (not below "
                        "1 %): a larger k keeps more terms")
    require(k == best, f"k={k} gives {err:.2%}, below 1 %, but it is not the smallest such k: "
                       "try smaller ones, each against the full gradient")
    before = f"; k={k - 1} gives {errors[k - 2]:.2%}" if k > 1 else ""
    passed(f"k={k} is the smallest truncation length with error < 1 % ({err:.2%}{before})")


def chunked_reference(x, h0, params: dict, dh, k: int, carry: bool = True) -> dict:
    """Chunked truncated BPTT: run chunks of length k, backpropagate inside each chunk only.

    With ``carry=True`` each chunk starts from the previous chunk's last state (detached:
    no gradient flows back across the boundary); with ``carry=False`` from ``h0`` again.
    """
    T = x.shape[1]
    grads = {key: np.zeros_like(params[key]) for key in GRAD_KEYS}
    h_start = h0
    for a in range(0, T, k):
        h, cache = rnn_np.rnn_forward(x[:, a:a + k], h_start, params)
        g = rnn_np.rnn_backward(dh[:, a:a + k], cache)
        for key in GRAD_KEYS:
            grads[key] += g[key]
        h_start = h[:, -1] if carry else h0
    return grads


def check_chunked_bptt(chunked_bptt) -> None:
    """Exercise 3: ``chunked_bptt(x, h0, params, dh, k) -> grads`` (carry, detach)."""
    require_answer(chunked_bptt, "chunked_bptt")
    require(callable(chunked_bptt),
            f"`chunked_bptt` should be a function, got {type(chunked_bptt).__name__}")
    for seed, k in ((0, 3), (1, 2), (2, 7)):
        params, x, h0, dh = _case(seed, T=7)
        got = require_answer(chunked_bptt(x.copy(), h0.copy(), {p: v.copy() for p, v in
                                                                params.items()}, dh.copy(), k),
                             "chunked_bptt(...)")
        require(isinstance(got, dict), f"return a dict of gradients, got {type(got).__name__}")
        missing = [key for key in GRAD_KEYS if key not in got]
        require(not missing, f"the returned dict lacks {missing}")
        want = chunked_reference(x, h0, params, dh, k)
        for key in GRAD_KEYS:
            require(np.shape(got[key]) == want[key].shape,
                    f"grads[{key!r}] has shape {np.shape(got[key])} but should be "
                    f"{want[key].shape}")
        err = _rel(np.asarray(got["W_hh"], dtype=np.float64), want["W_hh"])
        if err <= 1e-8:
            continue
        _, cache = rnn_np.rnn_forward(x, h0, params)
        alternatives = {
            "full BPTT: gradient still flows across chunk boundaries — start each chunk from "
            "the carried state as a fresh input (rnn_forward on the chunk alone)":
                rnn_np.rnn_backward(dh, cache)["W_hh"],
            f"per-output truncation rnn_backward(truncate={k}): every output gets k steps; "
            "in chunked truncation an output gets only the steps back to its chunk's start":
                rnn_np.rnn_backward(dh, cache, truncate=k)["W_hh"],
            "chunked truncation with the state reset to h0 at every chunk: carry the last "
            "hidden state of the previous chunk instead":
                chunked_reference(x, h0, params, dh, k, carry=False)["W_hh"],
        }
        for what, ref in alternatives.items():
            if _rel(np.asarray(got["W_hh"], dtype=np.float64), ref) < 1e-8:
                raise ExerciseError(f"with T=7, k={k} your ∂L/∂W_hh equals {what}")
        raise ExerciseError(f"with T=7, k={k} your ∂L/∂W_hh differs from chunked truncated BPTT "
                            f"by a relative error {err:.1e}")
    passed("chunked truncated BPTT (carry the state, cut the gradient) is right for "
           "k = 3, 2 and 7 on T = 7")
