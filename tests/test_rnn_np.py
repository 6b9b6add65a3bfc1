"""course_lib.rnn_np against finite differences and torch.nn.RNN (the oracle), in float64."""

import numpy as np
import pytest
import torch

from course_lib import rnn_np
from course_lib.gradcheck import assert_gradients_close, numerical_gradient, rel_error

SHAPES = [(2, 5, 3, 4), (1, 1, 3, 4), (3, 1, 2, 5), (1, 7, 1, 1), (4, 6, 5, 3)]  # N, T, D, H


def setup(N, T, D, H, seed=0):
    rng = np.random.default_rng(seed)
    params = rnn_np.init_params(D, H, rng, scale=0.8)
    x = rng.normal(size=(N, T, D))
    h0 = rng.normal(size=(N, H))
    dh = rng.normal(size=(N, T, H))
    return params, x, h0, dh


def torch_rnn(params, nonlinearity):
    D = params["W_ih"].shape[1]
    H = params["W_hh"].shape[0]
    module = torch.nn.RNN(D, H, batch_first=True, nonlinearity=nonlinearity).double()
    rnn_np.params_to_torch(params, module)
    return module


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_gradients_match_finite_differences(shape, nonlinearity):
    params, x, h0, dh = setup(*shape)
    h, cache = rnn_np.rnn_forward(x, h0, params, nonlinearity)
    grads = rnn_np.rnn_backward(dh, cache)

    def f(_):
        return rnn_np.rnn_forward(x, h0, params, nonlinearity)[0]

    numeric = {k: numerical_gradient(f, params[k], dh) for k in rnn_np.PARAM_NAMES}
    numeric["x"] = numerical_gradient(f, x, dh)
    numeric["h0"] = numerical_gradient(f, h0, dh)
    assert_gradients_close(grads, numeric, tol=1e-7, what=f"rnn {shape} {nonlinearity}")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_forward_and_gradients_match_torch(shape, nonlinearity):
    params, x, h0, dh = setup(*shape, seed=1)
    module = torch_rnn(params, nonlinearity)
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    out, h_n = module(xt, h0t)
    (out * torch.tensor(dh)).sum().backward()

    h, cache = rnn_np.rnn_forward(x, h0, params, nonlinearity)
    grads = rnn_np.rnn_backward(dh, cache)
    assert np.max(np.abs(h - out.detach().numpy())) < 1e-12
    assert np.max(np.abs(h[:, -1] - h_n[0].detach().numpy())) < 1e-12
    reference = {
        "W_ih": module.weight_ih_l0.grad.numpy(),
        "W_hh": module.weight_hh_l0.grad.numpy(),
        "b_ih": module.bias_ih_l0.grad.numpy(),
        "b_hh": module.bias_hh_l0.grad.numpy(),
        "x": xt.grad.numpy(),
        "h0": h0t.grad.numpy()[0],
    }
    assert_gradients_close(grads, reference, tol=1e-10, what="rnn vs torch")


def test_params_round_trip_both_ways():
    torch.manual_seed(0)
    module = torch.nn.RNN(3, 4, batch_first=True)
    params = rnn_np.params_from_torch(module)
    assert all(p.dtype == np.float64 for p in params.values())
    assert params["W_ih"].shape == (4, 3) and params["W_hh"].shape == (4, 4)
    params["W_hh"] += 1.0  # a copy: the module must not change
    assert not np.allclose(module.weight_hh_l0.detach().numpy(), params["W_hh"])
    other = torch.nn.RNN(3, 4, batch_first=True).double()
    rnn_np.params_to_torch(params, other)
    np.testing.assert_array_equal(other.weight_hh_l0.detach().numpy(), params["W_hh"])
    back = rnn_np.params_from_torch(other)
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])


def test_forward_matches_float32_module_through_from_torch():
    torch.manual_seed(3)
    module = torch.nn.RNN(2, 5, batch_first=True)  # float32, torch's own init
    x = torch.randn(3, 4, 2)
    out, _ = module(x)
    h, _ = rnn_np.rnn_forward(x.double().numpy(), np.zeros((3, 5)), rnn_np.params_from_torch(module))
    assert np.max(np.abs(h - out.detach().double().numpy())) < 1e-6  # float32 round-off


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_truncate_at_least_T_equals_full_bptt(nonlinearity):
    params, x, h0, dh = setup(3, 6, 2, 4, seed=2)
    _, cache = rnn_np.rnn_forward(x, h0, params, nonlinearity)
    full = rnn_np.rnn_backward(dh, cache)
    for k in (6, 9):
        truncated = rnn_np.rnn_backward(dh, cache, truncate=k)
        assert_gradients_close(truncated, full, tol=1e-12, what=f"truncate={k}")


def test_truncate_1_equals_hand_computed_local_gradient():
    params, x, h0, dh = setup(2, 5, 3, 4, seed=4)
    h, cache = rnn_np.rnn_forward(x, h0, params)
    g = rnn_np.rnn_backward(dh, cache, truncate=1)
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    dz = dh * (1 - h**2)  # no recursion: each output's gradient stops at its own step
    np.testing.assert_allclose(g["W_hh"], np.einsum("nth,ntk->hk", dz, h_prev), rtol=1e-12)
    np.testing.assert_allclose(g["W_ih"], np.einsum("nth,ntd->hd", dz, x), rtol=1e-12)
    np.testing.assert_allclose(g["b_ih"], dz.sum((0, 1)), rtol=1e-12)
    np.testing.assert_allclose(g["x"], dz @ params["W_ih"], rtol=1e-12)
    np.testing.assert_allclose(g["h0"], dz[:, 0] @ params["W_hh"], rtol=1e-12)


def test_truncated_gradient_equals_torch_with_detached_windows():
    """truncate=k for the output at t is autograd through a graph cut k steps back."""
    params, x, h0, dh = setup(2, 7, 3, 4, seed=5)
    k = 3
    _, cache = rnn_np.rnn_forward(x, h0, params)
    g = rnn_np.rnn_backward(dh, cache, truncate=k)
    module = torch_rnn(params, "tanh")
    h_full, _ = module(torch.tensor(x), torch.tensor(h0[None]))
    h_full = h_full.detach()
    total = 0.0
    for t in range(7):
        start = max(0, t - k + 1)
        init = torch.tensor(h0[None]) if start == 0 else h_full[:, start - 1][None]
        out, _ = module(torch.tensor(x[:, start:t + 1]), init)
        total = total + (out[:, -1] * torch.tensor(dh[:, t])).sum()
    total.backward()
    assert rel_error(g["W_hh"], module.weight_hh_l0.grad.numpy()) < 1e-10
    assert rel_error(g["W_ih"], module.weight_ih_l0.grad.numpy()) < 1e-10
    assert rel_error(g["b_hh"], module.bias_hh_l0.grad.numpy()) < 1e-10


def test_truncation_error_shrinks_with_k():
    params, x, h0, dh = setup(2, 12, 3, 4, seed=6)
    _, cache = rnn_np.rnn_forward(x, h0, params)
    full = rnn_np.rnn_backward(dh, cache)["W_hh"]
    errors = [np.linalg.norm(rnn_np.rnn_backward(dh, cache, truncate=k)["W_hh"] - full)
              for k in (1, 2, 4, 8, 12)]
    assert errors[0] > errors[2] > errors[3] and errors[-1] < 1e-12


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda p, x, h0: (x[:, :, :2], h0, p), r"x must have shape \(N, T, D\) with D=3, got \(2, 5, 2\)"),
        (lambda p, x, h0: (x[0], h0, p), r"x must have shape \(N, T, D\) with D=3, got \(5, 3\)"),
        (lambda p, x, h0: (x, h0[:, :3], p), r"h0 must have shape \(N, H\) = \(2, 4\), got \(2, 3\)"),
        (lambda p, x, h0: (x, h0, {**p, "W_hh": p["W_hh"][:3]}), r"params\['W_hh'\] must have shape \(4, 4\)"),
        (lambda p, x, h0: (x, h0, {**p, "b_ih": p["b_ih"][:, None]}), r"params\['b_ih'\] must have shape \(4,\)"),
        (lambda p, x, h0: (x.astype(int), h0, p), r"x must be a floating-point array"),
        (lambda p, x, h0: (x, h0, {k: v for k, v in p.items() if k != "b_hh"}), r"missing \['b_hh'\]"),
    ],
)
def test_wrong_shapes_raise_value_error_naming_shapes(bad, message):
    params, x, h0, _ = setup(2, 5, 3, 4)
    with pytest.raises(ValueError, match=message):
        rnn_np.rnn_forward(*bad(params, x, h0))


def test_backward_rejects_bad_dh_and_truncate():
    params, x, h0, dh = setup(2, 5, 3, 4)
    _, cache = rnn_np.rnn_forward(x, h0, params)
    with pytest.raises(ValueError, match=r"dh must have shape \(N, T, H\) = \(2, 5, 4\), got \(2, 4, 4\)"):
        rnn_np.rnn_backward(dh[:, :4], cache)
    for k in (0, -1, 2.5):
        with pytest.raises(ValueError, match="truncate must be None or a positive int"):
            rnn_np.rnn_backward(dh, cache, truncate=k)
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        rnn_np.rnn_forward(x, h0, params, nonlinearity="sigmoid")


def test_empty_time_axis_gives_empty_outputs():
    params, x, h0, _ = setup(2, 3, 3, 4)
    h, cache = rnn_np.rnn_forward(x[:, :0], h0, params)
    assert h.shape == (2, 0, 4)
    g = rnn_np.rnn_backward(np.zeros((2, 0, 4)), cache)
    assert np.all(g["W_hh"] == 0) and np.all(g["h0"] == 0)


def test_step_functions_compose_into_sequence():
    params, x, h0, dh = setup(2, 4, 3, 4, seed=7)
    h_seq, cache = rnn_np.rnn_forward(x, h0, params)
    h, caches = h0, []
    for t in range(4):
        h, c = rnn_np.rnn_step_forward(x[:, t], h, params)
        caches.append(c)
        np.testing.assert_allclose(h, h_seq[:, t], rtol=0, atol=1e-15)
    # backward step by step with the carried gradient equals the sequence backward
    seq = rnn_np.rnn_backward(dh, cache)
    carry = np.zeros((2, 4))
    total = {k: 0.0 for k in rnn_np.PARAM_NAMES}
    for t in reversed(range(4)):
        g = rnn_np.rnn_step_backward(dh[:, t] + carry, caches[t])
        carry = g["h_prev"]
        for k in total:
            total[k] = total[k] + g[k]
    assert_gradients_close(total, {k: seq[k] for k in total}, tol=1e-12)
    np.testing.assert_allclose(carry, seq["h0"], rtol=1e-12)


def test_from_torch_rejects_unsupported_modules():
    with pytest.raises(ValueError, match="num_layers=2"):
        rnn_np.params_from_torch(torch.nn.RNN(2, 3, num_layers=2))
    with pytest.raises(ValueError, match="bidirectional=True"):
        rnn_np.params_from_torch(torch.nn.RNN(2, 3, bidirectional=True))
    with pytest.raises(ValueError, match="expected a torch.nn.RNN, got GRU"):
        rnn_np.params_from_torch(torch.nn.GRU(2, 3))
