import numpy as np
import pytest

from course_lib.gradcheck import assert_gradients_close, numerical_gradient, rel_error


def test_numerical_gradient_of_known_function():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 4))
    x = rng.normal(size=(4, 2))
    dout = rng.normal(size=(3, 2))
    # f(x) = tanh(A x): gradient of sum(f ⊙ dout) is A^T (dout ⊙ (1 - tanh²))
    expected = A.T @ (dout * (1 - np.tanh(A @ x) ** 2))
    got = numerical_gradient(lambda v: np.tanh(A @ v), x, dout)
    assert rel_error(got, expected) < 1e-8
    assert x.shape == (4, 2)  # restored in place


def test_numerical_gradient_restores_input_and_rejects_float32():
    x = np.arange(4.0)
    before = x.copy()
    numerical_gradient(lambda v: v**2, x, np.ones(4))
    np.testing.assert_array_equal(x, before)
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda v: v, x.astype(np.float32), np.ones(4))


def test_rel_error_and_assert_helper():
    assert rel_error([1.0, 0.0], [1.0, 0.0]) == 0
    assert rel_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert rel_error(np.zeros(0), np.zeros(0)) == 0
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(2), np.zeros(3))
    errs = assert_gradients_close({"a": np.ones(2)}, {"a": np.ones(2)}, tol=1e-9)
    assert errs == {"a": 0.0}
    with pytest.raises(AssertionError, match=r"b: 3.33e-01"):
        assert_gradients_close({"a": np.ones(2), "b": np.ones(1)},
                               {"a": np.ones(2), "b": 2 * np.ones(1)}, tol=1e-7)
