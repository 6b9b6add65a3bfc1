"""course_lib.lstm_np against torch.nn.LSTM (float64, weights copied both ways) and finite
differences."""

import numpy as np
import pytest
import torch

from course_lib import lstm_np
from course_lib.gradcheck import numerical_gradient, rel_error

SHAPES = [(3, 5, 4, 6), (1, 1, 2, 3), (2, 1, 3, 4), (1, 7, 1, 2)]  # (N, T, D, H)


def make(N, T, D, H, seed=0):
    rng = np.random.default_rng(seed)
    params = lstm_np.init_params(D, H, rng, scale=0.6)
    x = rng.normal(size=(N, T, D))
    h0 = rng.normal(size=(N, H)) * 0.5
    c0 = rng.normal(size=(N, H)) * 0.5
    return params, x, h0, c0, rng


def torch_lstm(params, x, h0, c0):
    D, H = x.shape[2], h0.shape[1]
    m = torch.nn.LSTM(D, H, batch_first=True).double()
    lstm_np.params_to_torch(params, m)
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    c0t = torch.tensor(c0[None], requires_grad=True)
    out, (hn, cn) = m(xt, (h0t, c0t))
    return m, xt, h0t, c0t, out, hn, cn


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_forward_and_backward_equal_torch(N, T, D, H):
    params, x, h0, c0, rng = make(N, T, D, H)
    h, cache = lstm_np.lstm_forward(x, h0, c0, params)
    m, xt, h0t, c0t, out, hn, cn = torch_lstm(params, x, h0, c0)
    assert h.shape == (N, T, H) and cache.c.shape == (N, T, H)
    assert rel_error(h, out.detach().numpy()) < 1e-10
    assert rel_error(cache.c[:, -1], cn[0].detach().numpy()) < 1e-10
    dh = rng.normal(size=(N, T, H))
    dc_last = rng.normal(size=(N, H))
    grads = lstm_np.lstm_backward(dh, cache, dc_last=dc_last)
    loss = (out * torch.tensor(dh)).sum() + (cn[0] * torch.tensor(dc_last)).sum()
    loss.backward()
    ref = {"W_ih": m.weight_ih_l0.grad, "W_hh": m.weight_hh_l0.grad, "b_ih": m.bias_ih_l0.grad,
           "b_hh": m.bias_hh_l0.grad, "x": xt.grad, "h0": h0t.grad[0], "c0": c0t.grad[0]}
    for k, v in ref.items():
        assert grads[k].shape == tuple(v.shape), k
        assert rel_error(grads[k], v.numpy()) < 1e-10, k


def test_params_round_trip_through_torch():
    params, *_ = make(2, 3, 4, 5)
    m = torch.nn.LSTM(4, 5, batch_first=True).double()
    lstm_np.params_to_torch(params, m)
    back = lstm_np.params_from_torch(m)
    for k in params:
        assert np.array_equal(back[k], params[k])
    back["W_ih"][0, 0] += 1.0  # a copy, not a view of the module's tensor
    assert float(m.weight_ih_l0.detach()[0, 0]) == pytest.approx(params["W_ih"][0, 0])
    m2 = torch.nn.LSTM(4, 5)
    p2 = lstm_np.params_from_torch(m2)
    assert p2["W_ih"].dtype == np.float64 and p2["W_ih"].shape == (20, 4)


@pytest.mark.parametrize("N,T,D,H", [(2, 3, 3, 4), (1, 1, 2, 2)])
def test_finite_differences(N, T, D, H):
    params, x, h0, c0, rng = make(N, T, D, H, seed=1)
    dh = rng.normal(size=(N, T, H))
    dc_last = rng.normal(size=(N, H))

    def loss_fn(_):
        h, cache = lstm_np.lstm_forward(x, h0, c0, params)
        return np.sum(h * dh) + np.sum(cache.c[:, -1] * dc_last)

    _, cache = lstm_np.lstm_forward(x, h0, c0, params)
    grads = lstm_np.lstm_backward(dh, cache, dc_last=dc_last)
    arrays = dict(params, x=x, h0=h0, c0=c0)
    for k, a in arrays.items():
        num = numerical_gradient(loss_fn, a, 1.0)
        assert rel_error(grads[k], num) < 1e-7, k


def test_step_functions_compose_to_sequence():
    N, T, D, H = 2, 4, 3, 5
    params, x, h0, c0, rng = make(N, T, D, H, seed=2)
    h_seq, cache = lstm_np.lstm_forward(x, h0, c0, params)
    h, c, caches = h0, c0, []
    for t in range(T):
        h, c, sc = lstm_np.lstm_step_forward(x[:, t], h, c, params)
        caches.append(sc)
        assert np.allclose(h, h_seq[:, t]) and np.allclose(c, cache.c[:, t])
    dh = rng.normal(size=(N, T, H))
    full = lstm_np.lstm_backward(dh, cache)
    dh_carry, dc_carry = np.zeros((N, H)), np.zeros((N, H))
    acc = {k: 0.0 for k in lstm_np.PARAM_NAMES}
    for t in reversed(range(T)):
        g = lstm_np.lstm_step_backward(dh[:, t] + dh_carry, dc_carry, caches[t])
        for k in acc:
            acc[k] = acc[k] + g[k]
        assert rel_error(g["x"], full["x"][:, t]) < 1e-12
        dh_carry, dc_carry = g["h_prev"], g["c_prev"]
    for k in acc:
        assert rel_error(acc[k], full[k]) < 1e-12, k
    assert rel_error(dh_carry, full["h0"]) < 1e-12
    assert rel_error(dc_carry, full["c0"]) < 1e-12


def test_cell_state_path_dc_dcprev_equals_forget_gate():
    params, x, h0, c0, rng = make(3, 1, 2, 4, seed=3)
    h, c, sc = lstm_np.lstm_step_forward(x[:, 0], h0, c0, params)
    dc = rng.normal(size=c.shape)
    g = lstm_np.lstm_step_backward(np.zeros_like(h), dc, sc)
    f = lstm_np.split_gates(sc.gates)["f"]
    assert rel_error(g["c_prev"], dc * f) < 1e-14
    # Only dc_t flows: gradient w.r.t. h_prev comes through the gates, not zero in general.
    assert np.abs(g["h_prev"]).max() > 0


def test_grad_c0_with_loss_on_last_cell_only():
    # Loss = Σ c_T (dh = 0). With W_hh = 0 the gates do not depend on the past, so the only
    # path from c_0 to c_T is the cell state itself and ∂c_T/∂c_0 = ∏_t f_t exactly.
    N, T, D, H = 2, 6, 3, 4
    params, x, h0, c0, _ = make(N, T, D, H, seed=4)
    dc_last = np.ones((N, H))
    p0 = dict(params, W_hh=np.zeros_like(params["W_hh"]))
    _, cache0 = lstm_np.lstm_forward(x, h0, c0, p0)
    g0 = lstm_np.lstm_backward(np.zeros((N, T, H)), cache0, dc_last=dc_last)
    f = lstm_np.split_gates(cache0.gates)["f"]
    assert rel_error(g0["c0"], f.prod(axis=1)) < 1e-12
    # With W_hh ≠ 0, c_{t-1} also reaches c_T through h_{t-1} and the gates: finite differences.
    _, cache = lstm_np.lstm_forward(x, h0, c0, params)
    g = lstm_np.lstm_backward(np.zeros((N, T, H)), cache, dc_last=dc_last)
    num = numerical_gradient(
        lambda c: lstm_np.lstm_forward(x, h0, c, params)[1].c[:, -1], c0.copy(), dc_last)
    assert rel_error(g["c0"], num) < 1e-7
    f_full = lstm_np.split_gates(cache.gates)["f"]
    assert rel_error(g["c0"], f_full.prod(axis=1)) > 1e-3  # the h-path is not negligible here


def test_reorder_gates_round_trip_and_mixup_changes_output():
    params, x, h0, c0, _ = make(2, 3, 3, 4, seed=5)
    cs231n = lstm_np.reorder_gates(params, "ifgo", "ifog")
    back = lstm_np.reorder_gates(cs231n, "ifog", "ifgo")
    for k in params:
        assert np.array_equal(back[k], params[k])
    h_ok, _ = lstm_np.lstm_forward(x, h0, c0, params)
    h_bad, _ = lstm_np.lstm_forward(x, h0, c0, cs231n)  # weights read in the wrong order
    assert np.abs(h_ok - h_bad).max() > 1e-2
    with pytest.raises(ValueError, match="permutations"):
        lstm_np.reorder_gates(params, "ifgx", "ifgo")


def test_forget_bias_init_sets_effective_bias():
    p = lstm_np.init_params(3, 4, np.random.default_rng(0), forget_bias=1.0)
    s = lstm_np.gate_slice("f", 4)
    assert np.all(p["b_ih"][s] + p["b_hh"][s] == 1.0)
    assert s == slice(4, 8)
    with pytest.raises(ValueError, match="gate"):
        lstm_np.gate_slice("x", 4)


def test_wrong_shapes_raise_valueerror():
    params, x, h0, c0, _ = make(2, 3, 3, 4)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\) with D=3"):
        lstm_np.lstm_forward(x[..., :2], h0, c0, params)
    with pytest.raises(ValueError, match=r"h0 must have shape \(N, H\) = \(2, 4\), got \(2, 5\)"):
        lstm_np.lstm_forward(x, np.zeros((2, 5)), c0, params)
    with pytest.raises(ValueError, match=r"c0 must have shape"):
        lstm_np.lstm_forward(x, h0, np.zeros((3, 4)), params)
    bad = dict(params, W_hh=np.zeros((16, 5)))
    with pytest.raises(ValueError, match=r"params\['W_hh'\] must have shape \(16, 4\)"):
        lstm_np.lstm_forward(x, h0, c0, bad)
    with pytest.raises(ValueError, match=r"\(4H, D\)"):
        lstm_np.lstm_forward(x, h0, c0, dict(params, W_ih=np.zeros((15, 3))))
    with pytest.raises(ValueError, match="missing"):
        lstm_np.lstm_forward(x, h0, c0, {"W_ih": params["W_ih"]})
    _, cache = lstm_np.lstm_forward(x, h0, c0, params)
    with pytest.raises(ValueError, match=r"dh must have shape"):
        lstm_np.lstm_backward(np.zeros((2, 2, 4)), cache)
    with pytest.raises(ValueError, match=r"dc_last must have shape"):
        lstm_np.lstm_backward(np.zeros((2, 3, 4)), cache, dc_last=np.zeros(4))
    with pytest.raises(ValueError, match="x_t"):
        lstm_np.lstm_step_forward(x[:, 0, :2], h0, c0, params)
    with pytest.raises(ValueError, match="torch.nn.LSTM"):
        lstm_np.params_from_torch(torch.nn.GRU(3, 4))
    with pytest.raises(ValueError, match="num_layers=2"):
        lstm_np.params_from_torch(torch.nn.LSTM(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="module.weight_ih_l0"):
        lstm_np.params_to_torch(params, torch.nn.LSTM(2, 4))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_bitwise_the_two_sided_formula(dtype):
    """The mask-free form equals 1/(1 + e^{-|z|}) for z ≥ 0 and e^{-|z|}/(1 + e^{-|z|}) below,
    bit for bit (so every stored output stays), with no warning at ±inf, ±1000 or NaN."""
    import warnings

    from course_lib.np_common import sigmoid

    z = np.concatenate([np.linspace(-120, 120, 480_001), [0.0, -0.0, 1e-30, -1e-30, 1000.0,
                                                          -1000.0, np.inf, -np.inf, np.nan]])
    z = z.astype(dtype)
    e = np.exp(-np.abs(z))
    two_sided = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sigmoid(z)
    assert out.dtype == dtype and np.array_equal(out, two_sided, equal_nan=True)
    assert isinstance(sigmoid(dtype(0.5)), np.ndarray) and sigmoid(0.5).shape == ()


def test_sigmoid_keeps_float32_and_matches_torch():
    """float32 gates are computed in float32 (as torch does), not silently in float64;
    integers and Python numbers become float64; no overflow warning at ±1000."""
    from course_lib.np_common import sigmoid

    z = np.array([-1000.0, -3.0, 0.0, 0.5, 1000.0], dtype=np.float32)
    out = sigmoid(z)
    assert out.dtype == np.float32
    assert np.array_equal(out, torch.sigmoid(torch.from_numpy(z)).numpy()) or \
        np.abs(out - torch.sigmoid(torch.from_numpy(z)).numpy()).max() < 1e-7
    assert sigmoid(np.array([0, 2])).dtype == np.float64 and sigmoid(0.3).dtype == np.float64
    assert sigmoid(np.float64(-745.0)) > 0 and sigmoid(-1000.0) == 0.0
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 4, 2, 5
    params = {k: rng.normal(0, 0.5, s).astype(np.float32) for k, s in
              (("W_ih", (4 * H, D)), ("W_hh", (4 * H, H)), ("b_ih", (4 * H,)), ("b_hh", (4 * H,)))}
    x = rng.normal(size=(N, T, D)).astype(np.float32)
    h, cache = lstm_np.lstm_forward(x, np.zeros((N, H), np.float32), np.zeros((N, H), np.float32),
                                    params)
    assert h.dtype == cache.gates.dtype == np.float32
