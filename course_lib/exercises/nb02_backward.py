"""Checkers for notebook 02's backward-pass exercise: the learner writes
``rnn_step_backward(dh_t, cache)`` and ``rnn_backward(dh, cache)`` (CS231n-style).

Each checker runs the learner's function on its own seeded data (D ≠ H, so a transposed
weight gradient is a shape error), computes the reference twice — torch autograd in float64
and central differences — and accepts any implementation that matches both. When it does
not, it names the wrong gradients and the usual cause: f′ left out or applied to h_t twice,
the step's input state off by one step, the carry not sent back, gradients overwritten
instead of summed over time, a transposed weight. Re-exported by :mod:`nb02`.
"""

from __future__ import annotations

import numpy as np

from course_lib import rnn_np
from course_lib.exercises import ExerciseError, call_learner, passed, require
from course_lib.exercises.gradients import (
    CHECKED,
    numerical_gradients,
    require_gradients,
    same,
    wrong_keys,
)

N, T, D, H = 3, 5, 4, 6
WHERE = {
    "W_ih": "z_t = x_t W_ihᵀ + …, so ∂L/∂W_ih pairs dz = dh_t ⊙ f′(z_t) with x_t",
    "W_hh": "z_t = … + h_(t−1) W_hhᵀ, so ∂L/∂W_hh pairs dz with the state the step read",
    "b_ih": "b_ih enters every row of z_t: sum dz over the batch",
    "b_hh": "b_hh enters z_t exactly like b_ih",
    "x": "∂L/∂x_t sends dz back through W_ih",
    "h_prev": "∂L/∂h_(t−1) sends dz back through W_hh",
    "h0": "∂L/∂h0 is what step 0 sends back through W_hh",
}


def _case(seed: int = 0):
    rng = np.random.default_rng(seed)
    params = rnn_np.init_params(D, H, rng, scale=0.7)
    return params, rng


def _torch_grads(params: dict, inputs: dict, run, upstream) -> dict:
    """Autograd (float64) of Σ out ⊙ upstream through ``run(torch params, torch inputs)``."""
    import torch

    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    ti = {k: torch.tensor(v, requires_grad=True) for k, v in inputs.items()}
    (run(tp, ti) * torch.tensor(upstream)).sum().backward()
    return {**{k: v.grad.numpy() for k, v in tp.items()},
            **{k: v.grad.numpy() for k, v in ti.items()}}


def _torch_step(tp, ti):
    import torch

    return torch.tanh(ti["x"] @ tp["W_ih"].T + tp["b_ih"] + ti["h_prev"] @ tp["W_hh"].T
                      + tp["b_hh"])


def _torch_sequence(tp, ti):
    import torch

    h, out = ti["h0"], []
    for t in range(ti["x"].shape[1]):
        h = torch.tanh(ti["x"][:, t] @ tp["W_ih"].T + tp["b_ih"] + h @ tp["W_hh"].T
                       + tp["b_hh"])
        out.append(h)
    return torch.stack(out, dim=1)


def _step_variants(dh_t, cache) -> dict[str, dict]:
    """What the usual mistakes return, keyed by the hint for each."""
    p, x_t, h_prev, h_t = cache.params, cache.x_t, cache.h_prev, cache.h_t

    def grads(dz, state=h_prev, back=p["W_hh"]):
        return {"W_ih": dz.T @ x_t, "W_hh": dz.T @ state, "b_ih": dz.sum(0), "b_hh": dz.sum(0),
                "x": dz @ p["W_ih"], "h_prev": dz @ back}

    dz = dh_t * (1 - h_t ** 2)
    return {
        "you left out f′(z_t): with h_t = tanh(z_t), dz = dh_t ⊙ (1 − h_t²) comes first":
            grads(dh_t),
        "h_t is already tanh(z_t), so f′(z_t) = 1 − h_t²; you computed 1 − tanh(h_t)²":
            grads(dh_t * (1 - np.tanh(h_t) ** 2)),
        "∂L/∂W_hh is off by one step: it pairs dz with h_(t−1) = cache.h_prev, the state "
        "this step read, not with h_t": grads(dz, state=h_t),
        "∂L/∂h_prev goes back through W_hh as it is (dz W_hh), not through its transpose":
            grads(dz, back=p["W_hh"].T),
        "the loss is a sum over the batch: sum dz over it for the biases, do not average":
            {**grads(dz), "b_ih": dz.mean(0), "b_hh": dz.mean(0)},
    }


def check_rnn_step_backward(rnn_step_backward) -> None:
    """``rnn_step_backward(dh_t, cache) -> grads`` for one tanh step, ``cache`` from
    :func:`course_lib.rnn_np.rnn_step_forward`; ``grads`` has ``W_ih`` (H, D), ``W_hh``
    (H, H), ``b_ih``, ``b_hh`` (H,), ``x`` (N, D) and ``h_prev`` (N, H)."""
    params, rng = _case(0)
    x_t, h_prev, dh_t = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    h_t, cache = rnn_np.rnn_step_forward(x_t, h_prev, params)
    got = call_learner(rnn_step_backward, dh_t.copy(), cache._replace(
        x_t=x_t.copy(), h_prev=h_prev.copy(), h_t=h_t.copy(),
        params={k: v.copy() for k, v in params.items()}))
    shapes = {"W_ih": (H, D), "W_hh": (H, H), "b_ih": (H,), "b_hh": (H,), "x": (N, D),
              "h_prev": (N, H)}
    got = require_gradients(got, shapes, "rnn_step_backward")
    autograd = _torch_grads(params, {"x": x_t, "h_prev": h_prev}, _torch_step, dh_t)
    arrays = {**params, "x": x_t, "h_prev": h_prev}
    numerical = numerical_gradients(
        lambda: rnn_np.rnn_step_forward(arrays["x"], arrays["h_prev"], params)[0], arrays, [dh_t])
    wrong = wrong_keys(got, autograd)
    if not wrong and not wrong_keys(got, numerical, 1e-7):
        return passed(f"rnn_step_backward matches {CHECKED} for W_ih, W_hh, b_ih, b_hh, x and "
                      "h_prev")
    _explain(got, autograd, _step_variants(dh_t, cache), "rnn_step_backward")


def _explain(got: dict, reference: dict, variants: dict, what: str, also: str = "") -> None:
    """Raise the hint for the first mistake ``got`` matches, else name its wrong keys."""
    wrong = wrong_keys(got, reference)
    for hint, variant in variants.items():
        if all(same(got[k], variant[k]) for k in got if k in variant):
            raise ExerciseError(f"{what}: not yet — {hint}")
    if "W_hh" in wrong and same(got["W_hh"], reference["W_hh"].T):
        raise ExerciseError(f"{what}: ∂L/∂W_hh is transposed (dz^T times the state, rows = "
                            "the units the weight feeds)")
    where = "; ".join(f"{k}: {WHERE[k]}" for k in wrong if k in WHERE)
    raise ExerciseError(f"{what}: the gradients {wrong} are wrong (the others are right). "
                        f"Where to look — {where}{also}")


def _sequence_variants(dh, cache) -> dict[str, dict]:
    """The usual BPTT mistakes, run with the library's (correct) step backward."""
    x, h0, h, p, nl = cache

    def bptt(carry=True, accumulate=True, state_off=False, order=None):
        grads = {k: np.zeros_like(p[k]) for k in rnn_np.PARAM_NAMES}
        dx, back = np.zeros_like(x), np.zeros_like(h0)
        for t in order or reversed(range(h.shape[1])):
            prev = h[:, t] if state_off else (h[:, t - 1] if t else h0)
            step = rnn_np.StepCache(x[:, t], prev, h[:, t], p, nl)
            g = rnn_np.rnn_step_backward(dh[:, t] + (back if carry else 0), step)
            for k in grads:
                grads[k] = grads[k] + g[k] if accumulate else g[k]
            dx[:, t], back = g["x"], g["h_prev"]
        return {**grads, "x": dx, "h0": back}

    return {
        "the carry is missing: step t must also get what step t+1 sends back, "
        "dh[:, t] + dh_prev (from step t+1), before its step backward": bptt(carry=False),
        "the parameter gradients are overwritten: sum (+=) each step's gradients over "
        "time": bptt(accumulate=False),
        "off by one step: step t read h_(t−1) (h0 at t = 0), not h_t": bptt(state_off=True),
        "walk the steps backwards, t = T−1, …, 0: the carry comes from the future":
            bptt(order=range(h.shape[1])),
    }


def check_rnn_backward(rnn_backward) -> None:
    """``rnn_backward(dh, cache) -> grads``: BPTT through a tanh RNN, ``cache`` from
    :func:`course_lib.rnn_np.rnn_forward`, ``dh`` (N, T, H) the gradient reaching each
    hidden state from outside the recurrence; ``grads`` has the four parameter gradients,
    ``x`` (N, T, D) and ``h0`` (N, H)."""
    params, rng = _case(1)
    x, h0, dh = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, T, H))
    h, cache = rnn_np.rnn_forward(x, h0, params)
    got = call_learner(rnn_backward, dh.copy(), cache._replace(
        x=x.copy(), h0=h0.copy(), h=h.copy(), params={k: v.copy() for k, v in params.items()}))
    shapes = {"W_ih": (H, D), "W_hh": (H, H), "b_ih": (H,), "b_hh": (H,), "x": (N, T, D),
              "h0": (N, H)}
    got = require_gradients(got, shapes, "rnn_backward")
    autograd = _torch_grads(params, {"x": x, "h0": h0}, _torch_sequence, dh)
    arrays = {**params, "x": x, "h0": h0}
    numerical = numerical_gradients(
        lambda: rnn_np.rnn_forward(arrays["x"], arrays["h0"], params)[0], arrays, [dh])
    wrong = wrong_keys(got, autograd)
    if not wrong and not wrong_keys(got, numerical, 1e-7):
        return passed(f"rnn_backward (BPTT over T = {T} steps) matches {CHECKED}")
    require(not (set(wrong) == {"h0"} and np.allclose(got["h0"], 0)),
            "rnn_backward: ∂L/∂h0 is missing — it is the dh_prev that step 0 sends back")
    _explain(got, autograd, _sequence_variants(dh, cache), "rnn_backward",
             ". Check rnn_step_backward first: rnn_backward calls it at every step")
