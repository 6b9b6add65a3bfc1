"""Checkers of notebook 02's exercises: pass on the reference, fail helpfully otherwise."""

import numpy as np
import pytest
import torch
from hints import gives_hint, notebook_solution

from course_lib import rnn_np
from course_lib.exercises import ExerciseError, nb02


def grad_b_reference(dh, h, W_hh):
    N, T, H = h.shape
    carry, db = np.zeros((N, H)), np.zeros(H)
    for t in reversed(range(T)):
        dz = (dh[:, t] + carry) * (1 - h[:, t] ** 2)
        db += dz.sum(axis=0)
        carry = dz @ W_hh
    return db


def test_grad_b_passes_on_reference(capsys):
    nb02.check_grad_b(grad_b_reference)
    assert "✓" in capsys.readouterr().out


def test_grad_b_rejects_stub_and_local_only():
    with pytest.raises(ExerciseError, match="not set yet"):
        nb02.check_grad_b(None)
    with pytest.raises(ExerciseError, match="local terms only"):
        nb02.check_grad_b(lambda dh, h, W: (dh * (1 - h * h)).sum(axis=(0, 1)))
    with pytest.raises(ExerciseError, match="f′"):
        nb02.check_grad_b(lambda dh, h, W: dh.sum(axis=(0, 1)))
    with pytest.raises(ExerciseError, match=r"shape \(7, 5\).*batch axis"):
        nb02.check_grad_b(lambda dh, h, W: (dh * (1 - h * h)).sum(axis=0))


def truncation_case():
    rng = np.random.default_rng(3)
    params = rnn_np.init_params(4, 8, rng)
    params["W_hh"] *= 1.0 / np.max(np.abs(np.linalg.eigvals(params["W_hh"])))
    x = rng.normal(size=(4, 25, 4))
    h0 = np.zeros((4, 8))
    dh = rng.normal(size=(4, 25, 8))
    return params, x, h0, dh


def test_truncation_k_passes_on_reference_and_names_the_error():
    params, x, h0, dh = truncation_case()
    k, errors = nb02.smallest_k(params, x, h0, dh)
    assert errors[k - 1] < 0.01 and (k == 1 or errors[k - 2] >= 0.01)
    nb02.check_truncation_k(k, params, x, h0, dh)
    with pytest.raises(ExerciseError, match="not below 1 %"):
        nb02.check_truncation_k(k - 1, params, x, h0, dh)
    with pytest.raises(ExerciseError, match="not the smallest"):
        nb02.check_truncation_k(k + 1, params, x, h0, dh)
    with pytest.raises(ExerciseError, match="not set yet"):
        nb02.check_truncation_k(None, params, x, h0, dh)
    with pytest.raises(ExerciseError, match="should be an int"):
        nb02.check_truncation_k(float(k), params, x, h0, dh)


def chunked_ok(x, h0, params, dh, k):
    return nb02.chunked_reference(x, h0, params, dh, k)


def test_chunked_passes_on_reference(capsys):
    nb02.check_chunked_bptt(chunked_ok)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, message", [
    (lambda x, h0, p, dh, k: rnn_np.rnn_backward(dh, rnn_np.rnn_forward(x, h0, p)[1]),
     "full BPTT"),
    (lambda x, h0, p, dh, k: rnn_np.rnn_backward(dh, rnn_np.rnn_forward(x, h0, p)[1],
                                                 truncate=k),
     "per-output truncation"),
    (lambda x, h0, p, dh, k: nb02.chunked_reference(x, h0, p, dh, k, carry=False),
     "reset to h0"),
    (lambda x, h0, p, dh, k: {"W_ih": 0}, "lacks"),
    (None, "not set yet"),
])
def test_chunked_rejects_plausible_mistakes(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        nb02.check_chunked_bptt(wrong)


def test_chunked_reference_equals_torch_detach():
    rng = np.random.default_rng(0)
    N, T, D, H, k = 2, 9, 3, 4, 4
    params = rnn_np.init_params(D, H, rng)
    x = rng.normal(size=(N, T, D))
    h0 = rng.normal(size=(N, H))
    dh = rng.normal(size=(N, T, H))
    rnn = torch.nn.RNN(D, H, batch_first=True, dtype=torch.float64)
    rnn_np.params_to_torch(params, rnn)
    h = torch.from_numpy(h0)[None]
    for a in range(0, T, k):
        out, h = rnn(torch.from_numpy(x[:, a:a + k]), h)
        (out * torch.from_numpy(dh[:, a:a + k])).sum().backward()
        h = h.detach()
    ref = nb02.chunked_reference(x, h0, params, dh, k)
    np.testing.assert_allclose(ref["W_hh"], rnn.weight_hh_l0.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ref["b_ih"], rnn.bias_ih_l0.grad.numpy(), rtol=1e-10)


def test_hints_never_give_the_answer():
    params, x, h0, dh = nb02._case(0)
    _, cache = rnn_np.rnn_forward(x, h0, params)
    want = rnn_np.rnn_backward(dh, cache)["b_ih"]
    with gives_hint("wrong sign", want):
        nb02.check_grad_b(lambda dh, h, W: -grad_b_reference(dh, h, W))
    with gives_hint("averaged over the batch", want):
        nb02.check_grad_b(lambda dh, h, W: grad_b_reference(dh, h, W) / h.shape[0])
    with gives_hint("relative error.*1 − s_t²", want):
        nb02.check_grad_b(lambda dh, h, W: grad_b_reference(dh, h, W.T))
    params, x, h0, dh = truncation_case()
    k, errors = nb02.smallest_k(params, x, h0, dh)
    with gives_hint("larger k", k):
        nb02.check_truncation_k(k - 1, params, x, h0, dh)
    with gives_hint("try smaller ones", k):
        nb02.check_truncation_k(k + 2, params, x, h0, dh)


# ---- Exercise 4: rnn_step_backward and rnn_backward ---------------------------------------
def solutions(student=False):
    ns = notebook_solution("02_bptt.ipynb", "ex-bptt-step-sol", student, np=np, rnn_np=rnn_np)
    return notebook_solution("02_bptt.ipynb", "ex-bptt-seq-sol", student, **ns)


def test_backward_checkers_pass_the_notebooks_solutions(capsys):
    ns = solutions()
    nb02.check_rnn_step_backward(ns["rnn_step_backward"])
    nb02.check_rnn_backward(ns["rnn_backward"])
    out = capsys.readouterr().out
    assert out.count("✓") == 2 and "torch autograd" in out and "finite differences" in out


def test_backward_checkers_accept_any_correct_implementation(capsys):
    nb02.check_rnn_step_backward(lambda dh, cache: rnn_np.rnn_step_backward(dh, cache))
    nb02.check_rnn_backward(lambda dh, cache: rnn_np.rnn_backward(dh, cache))  # vectorised
    assert capsys.readouterr().out.count("✓") == 2


def test_backward_checkers_fail_the_student_stubs():
    ns = solutions(student=True)
    with gives_hint("NotImplementedError"):
        nb02.check_rnn_step_backward(ns["rnn_step_backward"])
    with gives_hint("NotImplementedError"):
        nb02.check_rnn_backward(ns["rnn_backward"])


def step_grads(dz, cache, state=None, back=None):
    p = cache.params
    return {"W_ih": dz.T @ cache.x_t, "W_hh": dz.T @ (cache.h_prev if state is None else state),
            "b_ih": dz.sum(0), "b_hh": dz.sum(0), "x": dz @ p["W_ih"],
            "h_prev": dz @ (p["W_hh"] if back is None else back)}


def right(dh, c):
    return step_grads(dh * (1 - c.h_t ** 2), c)


def step_answers():
    """The checker's reference gradients (never to appear in a hint)."""
    from course_lib.exercises import nb02_backward as b

    params, rng = b._case(0)
    x_t, h_prev = rng.normal(size=(b.N, b.D)), rng.normal(size=(b.N, b.H))
    dh_t = rng.normal(size=(b.N, b.H))
    _, cache = rnn_np.rnn_step_forward(x_t, h_prev, params)
    return list(rnn_np.rnn_step_backward(dh_t, cache).values())


@pytest.mark.parametrize("mistake, hint", [
    (lambda dh, c: step_grads(dh, c), "left out f′"),
    (lambda dh, c: step_grads(dh * (1 - np.tanh(c.h_t) ** 2), c), "already tanh"),
    (lambda dh, c: step_grads(dh * (1 - c.h_t ** 2), c, state=c.h_t), "off by one step"),
    (lambda dh, c: step_grads(dh * (1 - c.h_t ** 2), c, back=c.params["W_hh"].T),
     "not through its transpose"),
    (lambda dh, c: {**right(dh, c), "W_hh": right(dh, c)["W_hh"].T}, "W_hh is transposed"),
    (lambda dh, c: {**right(dh, c), "W_ih": c.x_t.T @ (dh * (1 - c.h_t ** 2))},
     r"shape \(4, 6\).*transposed"),
    (lambda dh, c: {**right(dh, c), "b_hh": np.zeros(c.h_t.shape[1])},
     r"\['b_hh'\] are wrong.*exactly like b_ih"),
    (lambda dh, c: {k: v for k, v in right(dh, c).items() if k != "x"}, r"lacks \['x'\]"),
    (lambda dh, c: {**right(dh, c), "b_ih": right(dh, c)["b_ih"] / 3,
                    "b_hh": right(dh, c)["b_hh"] / 3}, "do not average"),
])
def test_step_backward_names_the_mistake(mistake, hint):
    with gives_hint(hint, *step_answers()):
        nb02.check_rnn_step_backward(mistake)


def bptt(dh, cache, carry=True, accumulate=True, state_off=False, forward=False, h0_grad=True):
    x, h0, h, p, nl = cache
    grads = {k: np.zeros_like(p[k]) for k in rnn_np.PARAM_NAMES}
    dx, back = np.zeros_like(x), np.zeros_like(h0)
    steps = range(x.shape[1]) if forward else reversed(range(x.shape[1]))
    for t in steps:
        prev = h[:, t] if state_off else (h[:, t - 1] if t else h0)
        g = rnn_np.rnn_step_backward(dh[:, t] + (back if carry else 0),
                                     rnn_np.StepCache(x[:, t], prev, h[:, t], p, nl))
        for k in grads:
            grads[k] = grads[k] + g[k] if accumulate else g[k]
        dx[:, t], back = g["x"], g["h_prev"]
    return {**grads, "x": dx, "h0": back if h0_grad else np.zeros_like(h0)}


@pytest.mark.parametrize("mistake, hint", [
    (dict(carry=False), "carry is missing"),
    (dict(accumulate=False), "overwritten"),
    (dict(state_off=True), "off by one step"),
    (dict(forward=True), "walk the steps backwards"),
    (dict(h0_grad=False), "h0 is missing"),
])
def test_bptt_names_the_mistake(mistake, hint):
    with gives_hint(hint):
        nb02.check_rnn_backward(lambda dh, cache: bptt(dh, cache, **mistake))


def test_bptt_with_a_wrong_step_points_back_to_the_step():
    def wrong_step(dh, cache):
        g = bptt(dh, cache)
        g["W_ih"] = 2 * g["W_ih"]
        return g

    with gives_hint(r"\['W_ih'\] are wrong.*Check rnn_step_backward first"):
        nb02.check_rnn_backward(wrong_step)
