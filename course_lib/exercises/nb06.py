"""Checkers for notebook 06 (LSTM)."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import ExerciseError, call_learner, passed, require
from course_lib.lstm_np import gate_slice, init_params, lstm_step_forward, reorder_gates
from course_lib.np_common import sigmoid


def check_lstm_step(lstm_step) -> None:
    """``lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh) -> (h_t, c_t)`` in torch's
    layout (gates packed i, f, g, o), shapes x_t (N, D), h_prev/c_prev (N, H), W_ih (4H, D),
    W_hh (4H, H), b_ih/b_hh (4H,)."""
    rng = np.random.default_rng(6)
    N, D, H = 3, 4, 5
    p = init_params(D, H, rng, scale=0.8)
    x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    out = call_learner(lstm_step, x.copy(), h.copy(), c.copy(), *(p[k].copy() for k in
                                                             ("W_ih", "W_hh", "b_ih", "b_hh")))
    require(isinstance(out, tuple) and len(out) == 2,
            "lstm_step should return a tuple (h_t, c_t)")
    h_t, c_t = (np.asarray(a, dtype=float) for a in out)
    for name, a in (("h_t", h_t), ("c_t", c_t)):
        require(a.shape == (N, H), f"{name} has shape {a.shape} but should be (N, H) = "
                                   f"{(N, H)}")
    h_ref, c_ref, _ = lstm_step_forward(x, h, c, p)
    if np.allclose(h_t, h_ref, atol=1e-10) and np.allclose(c_t, c_ref, atol=1e-10):
        return passed("lstm_step matches torch.nn.LSTM's equations (gates i, f, g, o)")
    # diagnose the usual mistakes
    h_swap, c_swap, _ = lstm_step_forward(x, h, c, reorder_gates(p, "ifog", "ifgo"))
    if np.allclose(h_t, h_swap, atol=1e-10):
        raise ExerciseError("you read the gates in the order i, f, o, g (CS231n's layout); "
                            "torch packs them i, f, g, o: rows 2H:3H are g, rows 3H:4H are o")
    h_one, c_one, _ = lstm_step_forward(x, h, c, dict(p, b_hh=np.zeros(4 * H)))
    if np.allclose(h_t, h_one, atol=1e-10):
        raise ExerciseError("you left out b_hh: torch adds both biases, b_ih + b_hh")
    a = x @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T + p["b_hh"]
    i, f, g, o = (a[:, k * H:(k + 1) * H] for k in range(4))
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    if np.allclose(c_t, c_ref, atol=1e-10):
        if np.allclose(h_t, o * c_ref, atol=1e-10):
            raise ExerciseError("c_t is right, but h_t = o_t ⊙ tanh(c_t): you forgot the tanh")
        raise ExerciseError("c_t is right but h_t is not: h_t = o_t ⊙ tanh(c_t)")
    if np.allclose(c_t, c + i * g, atol=1e-10):
        raise ExerciseError("c_t = c_{t-1} + i ⊙ g ignores the forget gate: "
                            "c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t")
    if np.allclose(c_t, f * c + i * sigmoid(a[:, 2 * H:3 * H]), atol=1e-10):
        raise ExerciseError("the candidate g_t uses tanh, not σ")
    err = float(max(np.abs(h_t - h_ref).max(), np.abs(c_t - c_ref).max()))
    raise ExerciseError(f"h_t or c_t differs from torch's LSTM step by up to {err:.3g}")


def check_set_forget_bias(set_forget_bias) -> None:
    """``set_forget_bias(lstm, value)`` changes a ``torch.nn.LSTM`` in place so that the
    *effective* forget bias b_if + b_hf equals ``value`` for every unit, other gates untouched."""
    import torch

    torch.manual_seed(3)
    H = 6
    lstm = torch.nn.LSTM(3, H)
    before = {k: v.detach().clone() for k, v in lstm.named_parameters()}
    call_learner(set_forget_bias, lstm, 1.0)
    after = {k: v.detach() for k, v in lstm.named_parameters()}
    f = gate_slice("f", H)
    eff = (after["bias_ih_l0"] + after["bias_hh_l0"])[f].numpy()
    for k in ("weight_ih_l0", "weight_hh_l0"):
        require(torch.equal(before[k], after[k]), f"{k} changed: only the biases should change")
    for k in ("bias_ih_l0", "bias_hh_l0"):
        for gate in ("i", "g", "o"):
            s = gate_slice(gate, H)
            require(torch.equal(before[k][s], after[k][s]),
                    f"{k}[{s.start}:{s.stop}] (gate {gate}) changed: the forget gate's rows "
                    f"are [{f.start}:{f.stop}] (torch packs i, f, g, o)")
    if np.allclose(eff, 1.0, atol=1e-6):
        return passed("effective forget bias b_if + b_hf = 1 for every unit")
    if np.allclose(eff, 2.0, atol=1e-6):
        raise ExerciseError("you set both b_ih and b_hh to 1: torch adds them, so the effective "
                            "forget bias is 2 (σ(2) = 0.88, not σ(1) = 0.73)")
    hh = before["bias_hh_l0"][f].numpy()
    if np.allclose(eff, 1.0 + hh, atol=1e-6):
        raise ExerciseError("you set b_ih's forget rows to 1 but left b_hh's random values "
                            f"(±1/√H): the effective bias is 1 + b_hf, between "
                            f"{eff.min():.2f} and {eff.max():.2f}. Zero b_hh's forget rows")
    raise ExerciseError(f"the effective forget bias b_if + b_hf ranges over "
                        f"[{eff.min():.3g}, {eff.max():.3g}], not 1")


def check_cell_gradient(grad_to_c0) -> None:
    """``grad_to_c0(f) -> (H,)``: ∂c_T/∂c_0 along the cell state alone, for forget-gate
    activations ``f`` (T, H) (gates held fixed): the product ∏_t f_t, unit by unit."""
    rng = np.random.default_rng(7)
    f = rng.uniform(0.5, 1.0, size=(6, 4))
    got = np.asarray(call_learner(grad_to_c0, f.copy()), dtype=float)
    require(got.shape == (4,), f"your answer has shape {got.shape} but should be (H,) = (4,): "
                               "one number per hidden unit")
    expected = f.prod(axis=0)
    if np.allclose(got, expected, rtol=1e-10):
        return passed(f"∂c_T/∂c_0 = ∏ f_t (here between {expected.min():.3f} and "
                      f"{expected.max():.3f} after T = 6 steps)")
    if np.allclose(got, f.sum(axis=0)):
        raise ExerciseError("you summed the forget gates; the chain rule multiplies the "
                            "per-step factors ∂c_t/∂c_{t-1} = f_t")
    if np.allclose(got, f[-1]):
        raise ExerciseError("that is one step, ∂c_T/∂c_{T-1} = f_T; multiply over all T steps")
    raise ExerciseError(f"your values differ from ∏_t f_t by up to "
                        f"{np.abs(got - expected).max():.3g}")
