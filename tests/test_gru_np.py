"""course_lib.gru_np against torch.nn.GRU (float64, weights copied both ways) and finite
differences; the Cho-2014 variant by finite differences."""

import numpy as np
import pytest
import torch

from course_lib import gru_np
from course_lib.gradcheck import numerical_gradient, rel_error

SHAPES = [(3, 5, 4, 6), (1, 1, 2, 3), (2, 1, 3, 4), (1, 7, 1, 2)]  # (N, T, D, H)


def make(N, T, D, H, seed=0):
    rng = np.random.default_rng(seed)
    params = gru_np.init_params(D, H, rng, scale=0.6)
    x = rng.normal(size=(N, T, D))
    h0 = rng.normal(size=(N, H)) * 0.5
    return params, x, h0, rng


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_forward_and_backward_equal_torch(N, T, D, H):
    params, x, h0, rng = make(N, T, D, H)
    h, cache = gru_np.gru_forward(x, h0, params)
    m = torch.nn.GRU(D, H, batch_first=True).double()
    gru_np.params_to_torch(params, m)
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    out, hn = m(xt, h0t)
    assert h.shape == (N, T, H)
    assert rel_error(h, out.detach().numpy()) < 1e-10
    assert rel_error(h[:, -1], hn[0].detach().numpy()) < 1e-10
    dh = rng.normal(size=(N, T, H))
    grads = gru_np.gru_backward(dh, cache)
    (out * torch.tensor(dh)).sum().backward()
    ref = {"W_ih": m.weight_ih_l0.grad, "W_hh": m.weight_hh_l0.grad, "b_ih": m.bias_ih_l0.grad,
           "b_hh": m.bias_hh_l0.grad, "x": xt.grad, "h0": h0t.grad[0]}
    for k, v in ref.items():
        assert grads[k].shape == tuple(v.shape), k
        assert rel_error(grads[k], v.numpy()) < 1e-10, k


def test_params_round_trip_through_torch():
    params, *_ = make(2, 3, 4, 5)
    m = torch.nn.GRU(4, 5, batch_first=True).double()
    gru_np.params_to_torch(params, m)
    back = gru_np.params_from_torch(m)
    for k in params:
        assert np.array_equal(back[k], params[k])
    back["W_hh"][0, 0] += 1.0  # a copy, not a view
    assert float(m.weight_hh_l0.detach()[0, 0]) == pytest.approx(params["W_hh"][0, 0])
    assert gru_np.params_from_torch(torch.nn.GRU(4, 5))["W_hh"].shape == (15, 5)


@pytest.mark.parametrize("variant", ["torch", "cho2014"])
@pytest.mark.parametrize("N,T,D,H", [(2, 3, 3, 4), (1, 1, 2, 2)])
def test_finite_differences(variant, N, T, D, H):
    # Element-wise relative error is harsh on entries near 1e-5, where the O(eps²) truncation
    # error of central differences (~1e-11 absolute) alone reaches 1e-7 relative; with this
    # seed no gradient entry is that small (seed 1 has one, and fails at 4e-7 for that reason
    # only: torch agrees with it to 1e-10 above).
    params, x, h0, rng = make(N, T, D, H, seed=3)
    dh = rng.normal(size=(N, T, H))
    _, cache = gru_np.gru_forward(x, h0, params, variant=variant)
    grads = gru_np.gru_backward(dh, cache)
    for k, a in dict(params, x=x, h0=h0).items():
        num = numerical_gradient(lambda _: gru_np.gru_forward(x, h0, params, variant)[0], a, dh)
        assert rel_error(grads[k], num) < 1e-7, (variant, k)


def test_cho2014_is_a_different_function_of_the_same_weights():
    params, x, h0, _ = make(2, 4, 3, 5, seed=2)
    h_torch, _ = gru_np.gru_forward(x, h0, params)
    h_cho, _ = gru_np.gru_forward(x, h0, params, variant="cho2014")
    assert np.abs(h_torch - h_cho).max() > 1e-2
    # They coincide when b_hn = 0 and r = 1 (reset gate saturated open): W(r ⊙ h) = r ⊙ (W h).
    p = {k: v.copy() for k, v in params.items()}
    p["b_hh"][gru_np.gate_slice("n", 5)] = 0.0
    p["b_ih"][gru_np.gate_slice("r", 5)] = 50.0
    a, _ = gru_np.gru_forward(x, h0, p)
    b, _ = gru_np.gru_forward(x, h0, p, variant="cho2014")
    assert rel_error(a, b) < 1e-12


@pytest.mark.parametrize("variant", ["torch", "cho2014"])
def test_step_functions_compose_to_sequence(variant):
    N, T, D, H = 2, 4, 3, 5
    params, x, h0, rng = make(N, T, D, H, seed=3)
    h_seq, cache = gru_np.gru_forward(x, h0, params, variant)
    h, caches = h0, []
    for t in range(T):
        h, sc = gru_np.gru_step_forward(x[:, t], h, params, variant)
        caches.append(sc)
        assert np.allclose(h, h_seq[:, t])
    dh = rng.normal(size=(N, T, H))
    full = gru_np.gru_backward(dh, cache)
    carry = np.zeros((N, H))
    acc = {k: 0.0 for k in gru_np.PARAM_NAMES}
    for t in reversed(range(T)):
        g = gru_np.gru_step_backward(dh[:, t] + carry, caches[t])
        for k in acc:
            acc[k] = acc[k] + g[k]
        assert rel_error(g["x"], full["x"][:, t]) < 1e-12
        carry = g["h_prev"]
    for k in acc:
        assert rel_error(acc[k], full[k]) < 1e-12, k
    assert rel_error(carry, full["h0"]) < 1e-12


def test_update_gate_interpolates():
    # z = 1 (saturated) copies h_prev; z = 0 replaces it with n.
    params, x, h0, _ = make(2, 1, 3, 4, seed=4)
    p = {k: v.copy() for k, v in params.items()}
    p["b_ih"][gru_np.gate_slice("z", 4)] = 60.0
    h1, _ = gru_np.gru_step_forward(x[:, 0], h0, p)
    assert rel_error(h1, h0) < 1e-12
    p["b_ih"][gru_np.gate_slice("z", 4)] = -60.0
    h1, sc = gru_np.gru_step_forward(x[:, 0], h0, p)
    assert rel_error(h1, sc.n) < 1e-12


def test_wrong_shapes_raise_valueerror():
    params, x, h0, _ = make(2, 3, 3, 4)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\) with D=3"):
        gru_np.gru_forward(x[..., :2], h0, params)
    with pytest.raises(ValueError, match=r"h0 must have shape \(N, H\) = \(2, 4\), got \(2, 5\)"):
        gru_np.gru_forward(x, np.zeros((2, 5)), params)
    with pytest.raises(ValueError, match=r"params\['b_hh'\] must have shape \(12,\)"):
        gru_np.gru_forward(x, h0, dict(params, b_hh=np.zeros(16)))
    with pytest.raises(ValueError, match=r"\(3H, D\)"):
        gru_np.gru_forward(x, h0, dict(params, W_ih=np.zeros((16, 3))))
    with pytest.raises(ValueError, match="variant"):
        gru_np.gru_forward(x, h0, params, variant="cho")
    _, cache = gru_np.gru_forward(x, h0, params)
    with pytest.raises(ValueError, match=r"dh must have shape"):
        gru_np.gru_backward(np.zeros((2, 3, 5)), cache)
    with pytest.raises(ValueError, match="h_prev"):
        gru_np.gru_step_forward(x[:, 0], h0[:1], params)
    with pytest.raises(ValueError, match="torch.nn.GRU"):
        gru_np.params_from_torch(torch.nn.LSTM(3, 4))
    with pytest.raises(ValueError, match="bidirectional=True"):
        gru_np.params_from_torch(torch.nn.GRU(3, 4, bidirectional=True))
    with pytest.raises(ValueError, match=r"module.weight_ih_l0 has \(15, 3\)"):
        gru_np.params_to_torch(params, torch.nn.GRU(3, 5))
