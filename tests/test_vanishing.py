"""Tests for course_lib.vanishing: torch autograd is the oracle for every gradient norm."""

import numpy as np
import pytest
import torch

from course_lib.rnn_np import rnn_backward, rnn_forward
from course_lib.vanishing import (
    deep_gradient_norms,
    gradient_norms_by_distance,
    init_deep_stack,
    jacobian_bound,
    jacobian_norms,
    norms_at_scale,
    recurrent_matrix,
    scaled_rnn_params,
    spectral_radius,
    state_gradients,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def torch_state_grad_norms(params, x, h0, nonlinearity, dh_last):
    """‖∂L/∂h_t‖ per t from an explicit torch loop with retain_grad (float64)."""
    p = {k: torch.tensor(v) for k, v in params.items()}
    h = torch.tensor(h0, requires_grad=True)
    xs = torch.tensor(x)
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    states = []
    for t in range(x.shape[1]):
        h = act(xs[:, t] @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T + p["b_hh"])
        h.retain_grad()
        states.append(h)
    (states[-1] * torch.tensor(dh_last)).sum().backward()
    by_t = np.array([s.grad.norm(dim=1).mean().item() for s in states])
    return by_t[::-1]  # index by distance T - t


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_gradient_norms_match_torch_autograd(nonlinearity):
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 12, 4, 5
    params = scaled_rnn_params(D, H, 1.2, rng, input_scale=1.0)
    params["b_ih"] = rng.standard_normal(H) * 0.1
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H)) * 0.5
    dh_last = rng.standard_normal((N, H))
    ours = gradient_norms_by_distance(params, x, h0, nonlinearity, dh_last=dh_last)
    expected = torch_state_grad_norms(params, x, h0, nonlinearity, dh_last)
    assert ours.shape == (T,)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-300)
    assert ours[0] == pytest.approx(np.linalg.norm(dh_last, axis=1).mean())


def test_state_gradient_at_h0_is_rnn_backward_h0():
    # The δ recursion through the step functions must agree with the sequence BPTT.
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 7, 3, 4
    params = scaled_rnn_params(D, H, 0.9, rng)
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    dh = np.zeros((N, T, H))
    dh[:, -1] = rng.standard_normal((N, H))
    _, cache = rnn_forward(x, h0, params)
    deltas = state_gradients(params, x, h0, "tanh", dh_last=dh[:, -1])
    assert deltas.shape == (N, T + 1, H)
    np.testing.assert_allclose(deltas[:, 0], rnn_backward(dh, cache)["h0"], rtol=1e-12)


def test_orthogonal_norms_stay_below_rho_power():
    # ‖diag(f′) W‖ ≤ ρ when W = ρ Q, so ‖∂L_T/∂s_t‖ ≤ ρ^(T−t) for a unit upstream gradient.
    for rho in (0.8, 1.0, 1.5):
        norms = norms_at_scale(rho, "tanh", "orthogonal", T=30, H=8, N=4)
        assert np.all(norms <= rho ** np.arange(30) * (1 + 1e-12))
    assert norms_at_scale(0.8, T=40)[-1] < 1e-3  # vanishing below 1
    assert norms_at_scale(2.0, T=40)[-1] > 1e3  # exploding above 1


@pytest.mark.parametrize("kind", ["gaussian", "orthogonal", "identity"])
def test_recurrent_matrix_has_the_requested_spectral_radius(kind):
    W = recurrent_matrix(6, 1.3, np.random.default_rng(2), kind)
    assert spectral_radius(W) == pytest.approx(1.3, rel=1e-10)
    if kind != "gaussian":
        np.testing.assert_allclose(W.T @ W, 1.3**2 * np.eye(6), atol=1e-12)


def test_bad_inputs_raise_naming_the_argument():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="kind"):
        recurrent_matrix(3, 1.0, rng, "uniform")
    with pytest.raises(ValueError, match="square"):
        spectral_radius(np.ones((2, 3)))
    params = scaled_rnn_params(2, 3, 1.0, rng)
    with pytest.raises(ValueError, match="dh_last"):
        gradient_norms_by_distance(params, np.zeros((2, 4, 2)), np.zeros((2, 3)),
                                   dh_last=np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        deep_gradient_norms([np.eye(3), np.eye(4)], np.ones((2, 3)))


def test_jacobian_bound_is_the_spectral_norm():
    params = scaled_rnn_params(2, 5, 0.7, np.random.default_rng(3), kind="orthogonal")
    assert jacobian_bound(params) == pytest.approx(0.7)
    assert jacobian_bound(params, "sigmoid") == pytest.approx(0.7 / 4)
    with pytest.raises(ValueError, match="nonlinearity"):
        jacobian_bound(params, "gelu")


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("nonlinearity", ["sigmoid", "tanh", "relu"])
def test_deep_gradient_norms_match_torch(residual, nonlinearity):
    rng = np.random.default_rng(4)
    weights = init_deep_stack(6, 5, rng)
    x = rng.standard_normal((3, 5))
    dout = rng.standard_normal((3, 5))
    ours = deep_gradient_norms(weights, x, nonlinearity, residual, dout=dout)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[nonlinearity]
    a = torch.tensor(x)
    inputs = []
    for W in weights:
        a.requires_grad_(True)
        a.retain_grad()
        inputs.append(a)
        out = act(a @ torch.tensor(W).T)
        a = a + out if residual else out
    (a * torch.tensor(dout)).sum().backward()
    expected = [t.grad.norm(dim=1).mean().item() for t in inputs]
    np.testing.assert_allclose(ours, expected, rtol=1e-10)


def test_residual_connections_stop_the_sigmoid_stack_from_vanishing():
    rng = np.random.default_rng(0)
    weights = init_deep_stack(30, 32, rng)
    x = rng.standard_normal((8, 32))
    plain = deep_gradient_norms(weights, x, "sigmoid")
    res = deep_gradient_norms(weights, x, "sigmoid", residual=True)
    assert plain[0] < 1e-12 < 0.5 < res[0]


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_jacobian_norms_are_the_spectral_norms_of_autograd_jacobians(nonlinearity):
    rng = np.random.default_rng(6)
    N, T, D, H = 2, 5, 3, 4
    params = scaled_rnn_params(D, H, 1.3, rng, input_scale=1.0)
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    ours = jacobian_norms(params, x, h0, nonlinearity)
    assert ours.shape == (N, T)
    h, _ = rnn_forward(x, h0, params, nonlinearity)
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    p = {k: torch.tensor(v) for k, v in params.items()}
    for n in range(N):
        for t in range(T):
            prev = torch.tensor(h0[n] if t == 0 else h[n, t - 1])

            def step(s, n=n, t=t):
                return act(p["W_ih"] @ torch.tensor(x[n, t]) + p["b_ih"] + p["W_hh"] @ s
                           + p["b_hh"])

            J = torch.autograd.functional.jacobian(step, prev).numpy()
            assert ours[n, t] == pytest.approx(np.linalg.norm(J, 2), rel=1e-10)
    assert np.all(ours <= jacobian_bound(params, nonlinearity) * (1 + 1e-12))


def test_jacobian_norm_exceeds_one_when_w_does():
    # WildML's "the Jacobian's 2-norm is at most 1" needs ||W||_2 <= 1: with ||W||_2 = 2 and
    # inputs small enough that tanh' is near 1, every step's Jacobian has norm near 2.
    rng = np.random.default_rng(7)
    params = scaled_rnn_params(2, 6, 2.0, rng, kind="orthogonal", input_scale=1e-3)
    norms = jacobian_norms(params, rng.standard_normal((3, 4, 2)), np.zeros((3, 6)))
    assert norms.min() > 1.9
    small = scaled_rnn_params(2, 6, 0.9, rng, kind="orthogonal", input_scale=1.0)
    assert jacobian_norms(small, rng.standard_normal((3, 4, 2)), np.zeros((3, 6))).max() < 0.9 + 1e-12
