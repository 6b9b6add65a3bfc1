import numpy as np
import pytest
from hints import gives_hint

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


def test_hints_never_give_the_answer():
    """Wrong answers of each kind get what is wrong and where to look, never the value."""
    import torch

    from course_lib import rnn_np

    rng = np.random.default_rng(1)  # the checker's own data
    params = rnn_np.init_params(4, 5, rng, scale=0.9)
    x_t, h_prev = rng.normal(size=(3, 4)), rng.normal(size=(3, 5))
    h_ref, _ = rnn_np.rnn_step_forward(x_t, h_prev, params)
    with gives_hint("left out b_ih", h_ref):
        check_rnn_step(lambda x, h, p: np.tanh(x @ p["W_ih"].T + h @ p["W_hh"].T + p["b_hh"]))
    with gives_hint("sigmoid", h_ref):
        check_rnn_step(lambda x, h, p: 1 / (1 + np.exp(-(x @ p["W_ih"].T + p["b_ih"]
                                                         + h @ p["W_hh"].T + p["b_hh"]))))
    with gives_hint("recurrent term", h_ref):
        check_rnn_step(lambda x, h, p: np.tanh(x @ p["W_ih"].T + p["b_ih"] + p["b_hh"]))
    with gives_hint(r"check each term", h_ref):
        check_rnn_step(lambda x, h, p: np.tanh(x @ p["W_ih"].T + h @ p["W_hh"] + p["b_ih"]
                                               + p["b_hh"]))
    counts = [sum(p.numel() for m in (torch.nn.RNN(D, H), torch.nn.Linear(H, K))
                  for p in m.parameters()) for D, H, K in [(3, 4, 5), (10, 32, 7), (1, 1, 1)]]
    with gives_hint("too low.*biases", *counts):
        check_param_count(lambda D, H, K: H * D + H * H + K * H)
    with gives_hint("too high.*count U", *counts):
        check_param_count(lambda D, H, K: 2 * (H * D + H * H + 2 * H + K * H + K))
