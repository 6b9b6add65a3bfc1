"""The nb06 checkers pass the reference solutions and fail helpfully on stubs and mistakes."""

import numpy as np
import pytest
import torch
from hints import gives_hint, notebook_solution

from course_lib import lstm_np
from course_lib.exercises import ExerciseError
from course_lib.exercises.nb06 import (
    _lstm_step_reference,
    check_cell_gradient,
    check_lstm_step,
    check_lstm_step_backward,
    check_set_forget_bias,
)


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


# ---- Exercise 4: lstm_step_backward ---------------------------------------------------------
def backward_solution(student=False):
    return notebook_solution("06_lstm.ipynb", "ex-lstm-backward-sol", student,
                             np=np)["lstm_step_backward"]


def test_lstm_backward_passes_the_notebooks_solution_and_any_correct_one(capsys):
    check_lstm_step_backward(backward_solution())
    check_lstm_step_backward(lambda dh, dc, cache: lstm_np.lstm_step_backward(dh, dc, cache))
    out = capsys.readouterr().out
    assert out.count("✓") == 2 and "torch autograd" in out


def test_lstm_backward_fails_the_student_stub():
    with gives_hint("NotImplementedError"):
        check_lstm_step_backward(backward_solution(student=True))


def lstm_answers():
    rng = np.random.default_rng(11)  # the checker's own data
    params = lstm_np.init_params(4, 5, rng, scale=0.8)
    x, h, c = (rng.normal(size=s) for s in ((3, 4), (3, 5), (3, 5)))
    dh, dc = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    _, _, cache = lstm_np.lstm_step_forward(x, h, c, params)
    return list(lstm_np.lstm_step_backward(dh, dc, cache).values())


@pytest.mark.parametrize("mistake, hint", [
    (dict(order="ifog"), "i, f, o, g"),
    (dict(dc_input=False), "receives dc_t"),
    (dict(tanh_c=False), "tanh²"),
    (dict(g_sigmoid=True), r"not g\(1 − g\)"),
    (dict(c_prev_f=False), "times f_t"),
])
def test_lstm_backward_names_the_mistake(mistake, hint):
    with gives_hint(hint, *lstm_answers()):
        check_lstm_step_backward(lambda dh, dc, cache: _lstm_step_reference(dh, dc, cache,
                                                                             **mistake))


@pytest.mark.parametrize("gate", ["i", "f", "g", "o"])
def test_lstm_backward_names_the_wrong_gate(gate):
    k = "ifgo".index(gate)

    def one_gate_wrong(dh, dc, cache):
        grads = lstm_np.lstm_step_backward(dh, dc, cache)
        grads["W_ih"][k * 5:(k + 1) * 5] *= 1.5
        return grads

    with gives_hint(rf"gate {gate} \(rows {5 * k}:{5 * k + 5}\)", *lstm_answers()):
        check_lstm_step_backward(one_gate_wrong)


def test_lstm_backward_shapes_are_checked():
    def transposed(dh, dc, cache):
        grads = lstm_np.lstm_step_backward(dh, dc, cache)
        return {**grads, "W_ih": grads["W_ih"].T}

    with gives_hint(r"'W_ih' has shape \(4, 20\).*transposed"):
        check_lstm_step_backward(transposed)
