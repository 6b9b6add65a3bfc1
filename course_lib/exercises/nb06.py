"""Checkers for notebook 06 (LSTM): one step forward, the forget bias, the cell-state
gradient, and one step backward (checked against torch autograd and finite differences)."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import ExerciseError, call_learner, finite_array, passed, require
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
    h_t, c_t = (finite_array(a, name, (N, H)) for a, name in zip(out, ("h_t", "c_t"), strict=True))
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
    for k, v in before.items():
        require(k in after, f"lstm.{k} is gone: change the biases in place, do not replace them")
        require(after[k].shape == v.shape, f"lstm.{k} has shape {tuple(after[k].shape)} but "
                                           f"should keep its shape {tuple(v.shape)}")
        finite_array(after[k].double().numpy(), f"lstm.{k}", tuple(v.shape))
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
    got = finite_array(call_learner(grad_to_c0, f.copy()), "your answer", (4,),
                       note=": (H,), one number per hidden unit")
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


# ---- Exercise 4: one LSTM step backward ------------------------------------------------------
_N, _D, _H = 3, 4, 5
_GATE_WHERE = {
    "i": "the input gate: ∂c_t/∂i_t = g_t, and i = σ(a_i), so σ′ = i(1 − i)",
    "f": "the forget gate: ∂c_t/∂f_t = c_(t−1), and σ′ = f(1 − f)",
    "g": "the candidate: ∂c_t/∂g_t = i_t, and g = tanh(a_g), so tanh′ = 1 − g²",
    "o": "the output gate: ∂h_t/∂o_t = tanh(c_t), and σ′ = o(1 − o)",
}


def _lstm_step_reference(dh_t, dc_t, cache, order: str = "ifgo", dc_input: bool = True,
                         tanh_c: bool = True, g_sigmoid: bool = False,
                         c_prev_f: bool = True) -> dict:
    """The step backward, optionally with one of the usual mistakes: gates read in another
    ``order``, the incoming ``dc_t`` or tanh′(c_t) left out, σ′ used for g, f left out of
    ∂L/∂c_(t−1)."""
    H = cache.c_t.shape[1]
    blocks = {name: cache.gates[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    i, f, g, o = blocks["i"], blocks["f"], blocks["g"], blocks["o"]
    tc = np.tanh(cache.c_t)
    dc = (dc_t if dc_input else 0) + dh_t * o * ((1 - tc * tc) if tanh_c else 1)
    d = {"i": dc * g * i * (1 - i), "f": dc * cache.c_prev * f * (1 - f),
         "g": dc * i * (g * (1 - g) if g_sigmoid else 1 - g * g), "o": dh_t * tc * o * (1 - o)}
    da = np.concatenate([d[name] for name in order], axis=1)
    p = cache.params
    return {"W_ih": da.T @ cache.x_t, "W_hh": da.T @ cache.h_prev, "b_ih": da.sum(0),
            "b_hh": da.sum(0), "x": da @ p["W_ih"], "h_prev": da @ p["W_hh"],
            "c_prev": dc * f if c_prev_f else dc}


def _torch_lstm_step(params, x_t, h_prev, c_prev, dh_t, dc_t) -> dict:
    """Autograd (float64) of Σ h_t ⊙ dh_t + Σ c_t ⊙ dc_t through torch's LSTM equations."""
    import torch

    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    x, h, c = (torch.tensor(a, requires_grad=True) for a in (x_t, h_prev, c_prev))
    a = x @ tp["W_ih"].T + tp["b_ih"] + h @ tp["W_hh"].T + tp["b_hh"]
    i, f, g, o = a.chunk(4, dim=1)
    c_t = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_t = torch.sigmoid(o) * torch.tanh(c_t)
    ((h_t * torch.tensor(dh_t)).sum() + (c_t * torch.tensor(dc_t)).sum()).backward()
    return {**{k: v.grad.numpy() for k, v in tp.items()}, "x": x.grad.numpy(),
            "h_prev": h.grad.numpy(), "c_prev": c.grad.numpy()}


def check_lstm_step_backward(lstm_step_backward) -> None:
    """``lstm_step_backward(dh_t, dc_t, cache) -> grads`` for one LSTM step, ``cache`` from
    :func:`course_lib.lstm_np.lstm_step_forward` (``x_t``, ``h_prev``, ``c_prev``, ``gates``
    (N, 4H) activated i, f, g, o, ``c_t``, ``params``), ``dc_t`` the gradient reaching c_t
    from later steps; ``grads`` has ``W_ih`` (4H, D), ``W_hh`` (4H, H), ``b_ih``, ``b_hh``
    (4H,), ``x`` (N, D), ``h_prev`` and ``c_prev`` (N, H). Checked against torch autograd and
    finite differences; a wrong answer is traced to the gate whose rows are wrong."""
    from course_lib.exercises.gradients import (
        CHECKED,
        numerical_gradients,
        require_gradients,
        same,
        wrong_keys,
    )

    rng = np.random.default_rng(11)
    N, D, H = _N, _D, _H
    params = init_params(D, H, rng, scale=0.8)
    x_t, h_prev, c_prev = (rng.normal(size=s) for s in ((N, D), (N, H), (N, H)))
    dh_t, dc_t = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    _, _, cache = lstm_step_forward(x_t, h_prev, c_prev, params)
    copy = cache._replace(**{k: np.array(getattr(cache, k)) for k in
                             ("x_t", "h_prev", "c_prev", "gates", "c_t")},
                          params={k: v.copy() for k, v in params.items()})
    got = call_learner(lstm_step_backward, dh_t.copy(), dc_t.copy(), copy)
    shapes = {"W_ih": (4 * H, D), "W_hh": (4 * H, H), "b_ih": (4 * H,), "b_hh": (4 * H,),
              "x": (N, D), "h_prev": (N, H), "c_prev": (N, H)}
    if isinstance(got, dict):
        for key in shapes:
            if key in got:
                value = got[key]
                try:
                    kind = np.asarray(value).dtype.kind
                except (TypeError, ValueError):
                    kind = "O"
                require(value is not None and kind in "fiu",
                        f"lstm_step_backward: gradient {key!r} should be an array of numbers, "
                        f"got {type(value).__name__}")
    got = require_gradients(got, shapes, "lstm_step_backward")
    for key in shapes:
        finite_array(got[key], f"lstm_step_backward: gradient {key!r}", shapes[key])
    autograd = _torch_lstm_step(params, x_t, h_prev, c_prev, dh_t, dc_t)
    arrays = {**params, "x": x_t, "h_prev": h_prev, "c_prev": c_prev}
    numerical = numerical_gradients(
        lambda: lstm_step_forward(arrays["x"], arrays["h_prev"], arrays["c_prev"], params)[:2],
        arrays, [dh_t, dc_t])
    wrong = wrong_keys(got, autograd)
    if not wrong and not wrong_keys(got, numerical, 1e-7):
        return passed(f"lstm_step_backward matches {CHECKED} for every gate, weight and input")
    variants = {
        "you read the gates as i, f, o, g (CS231n's layout); cache.gates is packed in torch's "
        "order i, f, g, o": dict(order="ifog"),
        "c_t also receives dc_t from the later steps: add it to what comes through h_t":
            dict(dc_input=False),
        "dh_t reaches c_t through h_t = o_t ⊙ tanh(c_t): multiply by o_t ⊙ (1 − tanh²(c_t))":
            dict(tanh_c=False),
        "g = tanh(a_g), so its derivative is 1 − g², not g(1 − g)": dict(g_sigmoid=True),
        "∂c_t/∂c_(t−1) = f_t: ∂L/∂c_prev is the cell gradient times f_t": dict(c_prev_f=False),
    }
    for hint, mistake in variants.items():
        variant = _lstm_step_reference(dh_t, dc_t, cache, **mistake)
        if all(same(got[k], variant[k]) for k in got):
            raise ExerciseError(f"lstm_step_backward: not yet — {hint}")
    gates = [name for k, name in enumerate("ifgo")
             if not same(got["W_ih"][k * H:(k + 1) * H], autograd["W_ih"][k * H:(k + 1) * H])]
    if gates:
        rows = ", ".join(f"{g} (rows {k * H}:{(k + 1) * H})" for k, g in enumerate("ifgo")
                         if g in gates)
        where = "; ".join(_GATE_WHERE[g] for g in gates)
        raise ExerciseError(f"lstm_step_backward: the weight gradients of gate {rows} are "
                            f"wrong. Where to look — {where}")
    raise ExerciseError(f"lstm_step_backward: the gate gradients are right but {wrong} are "
                        "not: ∂L/∂x = da W_ih, ∂L/∂h_prev = da W_hh (da the gates' "
                        "pre-activation gradients, (N, 4H)), b_hh gets the same as b_ih, and "
                        "∂L/∂c_prev = (cell gradient) ⊙ f_t")
