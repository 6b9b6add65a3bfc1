"""The nb06 checkers pass the reference solutions and fail helpfully on stubs and mistakes."""

import numpy as np
import pytest
import torch

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb06 import check_cell_gradient, check_lstm_step, check_set_forget_bias


def sig(z):
    return 1 / (1 + np.exp(-z))


def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh, order="ifgo", tanh_h=True,
              use_b_hh=True):
    H = h_prev.shape[1]
    a = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + (b_hh if use_b_hh else 0)
    blocks = dict(zip(order, (a[:, k * H:(k + 1) * H] for k in range(4)), strict=True))
    i, f, g, o = sig(blocks["i"]), sig(blocks["f"]), np.tanh(blocks["g"]), sig(blocks["o"])
    c_t = f * c_prev + i * g
    return o * (np.tanh(c_t) if tanh_h else c_t), c_t


def stub(*args):
    raise NotImplementedError()


def test_lstm_step(capsys):
    check_lstm_step(lstm_step)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_lstm_step(None)
    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_lstm_step(stub)
    with pytest.raises(ExerciseError, match="i, f, o, g"):
        check_lstm_step(lambda *a: lstm_step(*a, order="ifog"))
    with pytest.raises(ExerciseError, match="forgot the tanh"):
        check_lstm_step(lambda *a: lstm_step(*a, tanh_h=False))
    with pytest.raises(ExerciseError, match="b_hh"):
        check_lstm_step(lambda *a: lstm_step(*a, use_b_hh=False))
    with pytest.raises(ExerciseError, match="tuple"):
        check_lstm_step(lambda *a: lstm_step(*a)[0])
    with pytest.raises(ExerciseError, match=r"shape \(5, 3\)"):
        check_lstm_step(lambda *a: tuple(v.T for v in lstm_step(*a)))


def set_forget_bias(lstm, value):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H:2 * H] = value
        lstm.bias_hh_l0[H:2 * H] = 0.0


def test_set_forget_bias(capsys):
    check_set_forget_bias(set_forget_bias)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_set_forget_bias(None)

    def only_ih(lstm, value):
        with torch.no_grad():
            lstm.bias_ih_l0[lstm.hidden_size:2 * lstm.hidden_size] = value

    def both(lstm, value):
        with torch.no_grad():
            for b in (lstm.bias_ih_l0, lstm.bias_hh_l0):
                b[lstm.hidden_size:2 * lstm.hidden_size] = value

    def wrong_rows(lstm, value):
        with torch.no_grad():
            lstm.bias_ih_l0[:lstm.hidden_size] = value
            lstm.bias_hh_l0[:lstm.hidden_size] = 0.0

    with pytest.raises(ExerciseError, match="Zero b_hh"):
        check_set_forget_bias(only_ih)
    with pytest.raises(ExerciseError, match="effective forget bias is 2"):
        check_set_forget_bias(both)
    with pytest.raises(ExerciseError, match=r"gate i\) changed"):
        check_set_forget_bias(wrong_rows)


def test_cell_gradient(capsys):
    check_cell_gradient(lambda f: np.prod(f, axis=0))
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_cell_gradient(None)
    with pytest.raises(ExerciseError, match="summed"):
        check_cell_gradient(lambda f: f.sum(axis=0))
    with pytest.raises(ExerciseError, match="one step"):
        check_cell_gradient(lambda f: f[-1])
    with pytest.raises(ExerciseError, match=r"shape \(\)"):
        check_cell_gradient(lambda f: np.prod(f))
