import numpy as np
import pytest

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb00 import check_param_count, check_rnn_step


def solution_step(x_t, h_prev, p):
    return np.tanh(x_t @ p["W_ih"].T + p["b_ih"] + h_prev @ p["W_hh"].T + p["b_hh"])


def stub(*args):
    raise NotImplementedError()


def test_rnn_step_checker(capsys):
    check_rnn_step(solution_step)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_rnn_step(stub)
    with pytest.raises(ExerciseError, match="not set yet"):
        check_rnn_step(None)
    with pytest.raises(ExerciseError, match="left out b_hh"):
        check_rnn_step(lambda x, h, p: np.tanh(x @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T))
    with pytest.raises(ExerciseError, match="x_t @ W_ih.T"):
        check_rnn_step(lambda x, h, p: np.tanh(x @ p["W_ih"] + h @ p["W_hh"].T))
    with pytest.raises(ExerciseError, match="nonlinearity"):
        check_rnn_step(lambda x, h, p: x @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T + p["b_hh"])


def test_param_count_checker(capsys):
    check_param_count(lambda D, H, K: H * D + H * H + 2 * H + K * H + K)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="two"):
        check_param_count(lambda D, H, K: H * D + H * H + H + K * H + K)
    with pytest.raises(ExerciseError, match="output layer"):
        check_param_count(lambda D, H, K: H * D + H * H + 2 * H)
    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_param_count(stub)
