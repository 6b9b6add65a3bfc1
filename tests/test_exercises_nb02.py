"""Checkers of notebook 02's exercises: pass on the reference, fail helpfully otherwise."""

import numpy as np
import pytest
import torch
from hints import gives_hint

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
