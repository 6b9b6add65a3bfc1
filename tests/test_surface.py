"""course_lib.surface: the linear neuron, Pascanu's model (BPTT vs finite differences and torch)."""

import numpy as np
import pytest
import torch

from course_lib import surface as sf


def test_linear_neuron_runs_the_recurrence():
    ws = np.array([1.01, 1.0, 0.99])
    y = sf.linear_neuron_forward(ws, T=1000)[-1]
    np.testing.assert_allclose(y, ws ** 999, rtol=1e-10)
    assert 1.9e4 < y[0] < 2.2e4 and 4e-5 < y[2] < 5e-5


def test_linear_neuron_grad_closed_form():
    w = np.linspace(0.9, 1.02, 13)
    _, g = sf.linear_neuron_loss_grad(w, T=200, target=0.5)
    np.testing.assert_allclose(g, 2 * (w ** 199 - 0.5) * 199 * w ** 198, rtol=1e-9)


def test_pascanu_grad_matches_finite_differences_and_torch():
    pts = np.array([[2.0, -6.0], [5.0, -2.5], [6.0, -3.0], [9.0, -1.0]])
    _, dw, db = sf.pascanu_loss_grad(pts[:, 0], pts[:, 1])
    eps = 1e-5
    fd_w = (sf.pascanu_forward(pts[:, 0] + eps, pts[:, 1])[0]
            - sf.pascanu_forward(pts[:, 0] - eps, pts[:, 1])[0]) / (2 * eps)
    fd_b = (sf.pascanu_forward(pts[:, 0], pts[:, 1] + eps)[0]
            - sf.pascanu_forward(pts[:, 0], pts[:, 1] - eps)[0]) / (2 * eps)
    np.testing.assert_allclose(dw, fd_w, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(db, fd_b, rtol=1e-6, atol=1e-12)
    wb = torch.tensor(pts, dtype=torch.float64, requires_grad=True)
    x = torch.full((4,), 0.5, dtype=torch.float64)
    for _ in range(50):
        x = wb[:, 0] * torch.sigmoid(x) + wb[:, 1]
    ((torch.sigmoid(x) - 0.7) ** 2).sum().backward()
    np.testing.assert_allclose(np.stack([dw, db], 1), wb.grad.numpy(), rtol=1e-10)


def test_surface_grid_shapes_and_wall():
    W, B, E, G = sf.surface_grid(n_w=25, n_b=17)
    assert W.shape == B.shape == E.shape == G.shape == (17, 25)
    assert 0 <= E.min() and E.max() < 0.5
    b = np.linspace(-8, 0, 8001)
    _, dw, db = sf.pascanu_loss_grad(5.0, b)
    g = np.hypot(dw, db)
    assert g.max() > 100 * np.median(g)


def test_gradient_descent_thrown_and_clipped():
    plain = sf.gradient_descent((5.0, -2.5), lr=0.2, steps=200)
    j, d = plain.largest_jump()
    assert d > 10 and plain.loss[j + 1] > 10 * plain.loss[j]
    clipped = sf.gradient_descent((5.0, -2.5), lr=0.2, steps=200, clip=1.0)
    assert clipped.largest_jump()[1] <= 0.2 + 1e-9
    assert clipped.loss[-1] < 0.01 and clipped.clipped.any()
    assert plain.params.shape == (201, 2) and plain.grad_norm.shape == (200,)


def test_linear_descent_overflow_is_recorded_without_warning(recwarn):
    run = sf.linear_neuron_descent(0.99, lr=0.11, steps=20)
    assert run.diverged and not np.isfinite(run.loss[-1])
    assert len(recwarn) == 0


@pytest.mark.parametrize("call", [
    lambda: sf.gradient_descent((1.0, 2.0, 3.0), 0.1, 5),
    lambda: sf.gradient_descent((1.0, 2.0), -0.1, 5),
    lambda: sf.gradient_descent((1.0, 2.0), 0.1, -1),
    lambda: sf.pascanu_forward(1.0, 0.0, T=0),
    lambda: sf.linear_neuron_forward(1.0, T=0),
])
def test_bad_arguments(call):
    with pytest.raises(ValueError):
        call()
