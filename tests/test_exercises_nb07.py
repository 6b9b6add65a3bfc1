"""The nb07 checkers pass the reference solutions and fail helpfully on stubs and mistakes."""

import numpy as np
import pytest
from hints import gives_hint

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb07 import check_gru_param_count, check_gru_step


def stub(*args):
    raise NotImplementedError()


def test_gru_param_count(capsys):
    check_gru_param_count(lambda D, H: 3 * (H * D + H * H + 2 * H))
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_gru_param_count(None)
    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_gru_param_count(stub)
    with pytest.raises(ExerciseError, match="PyTorch keeps two"):
        check_gru_param_count(lambda D, H: 3 * (H * D + H * H + H))
    with pytest.raises(ExerciseError, match="LSTM"):
        check_gru_param_count(lambda D, H: 4 * (H * D + H * H + 2 * H))
    with pytest.raises(ExerciseError, match="whole number"):
        check_gru_param_count(lambda D, H: "many")


def sig(z):
    return 1 / (1 + np.exp(-z))


def gru_step(x, h, W_ih, W_hh, b_ih, b_hh, variant="torch", swap_z=False, order="rzn"):
    H = h.shape[1]
    gi = x @ W_ih.T + b_ih
    gh = h @ W_hh.T + b_hh
    blk = {k: j for j, k in enumerate(order)}

    def part(a, k):
        return a[:, blk[k] * H:(blk[k] + 1) * H]

    r = sig(part(gi, "r") + part(gh, "r"))
    z = sig(part(gi, "z") + part(gh, "z"))
    if variant == "torch":
        n = np.tanh(part(gi, "n") + r * part(gh, "n"))
    else:
        W_hn, b_hn = W_hh[blk["n"] * H:(blk["n"] + 1) * H], b_hh[blk["n"] * H:(blk["n"] + 1) * H]
        n = np.tanh(part(gi, "n") + (r * h) @ W_hn.T + b_hn)
    return z * n + (1 - z) * h if swap_z else (1 - z) * n + z * h


def test_gru_step(capsys):
    check_gru_step(gru_step)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_gru_step(None)
    with pytest.raises(ExerciseError, match="Cho"):
        check_gru_step(lambda *a: gru_step(*a, variant="cho2014"))
    with pytest.raises(ExerciseError, match="swapped"):
        check_gru_step(lambda *a: gru_step(*a, swap_z=True))
    with pytest.raises(ExerciseError, match="z, r, n"):
        check_gru_step(lambda *a: gru_step(*a, order="zrn"))
    with pytest.raises(ExerciseError, match=r"shape \(5, 3\)"):
        check_gru_step(lambda *a: gru_step(*a).T)


def test_hints_never_give_the_answer():
    import torch

    counts = [sum(p.numel() for p in torch.nn.GRU(D, H).parameters())
              for D, H in ((3, 4), (10, 7), (1, 1))]
    with gives_hint("left out the biases", *counts):
        check_gru_param_count(lambda D, H: 3 * (H * D + H * H))
    with gives_hint("plain RNN", *counts):
        check_gru_param_count(lambda D, H: H * D + H * H + 2 * H)
    with gives_hint("too low; per gate", *counts):
        check_gru_param_count(lambda D, H: 2 * (H * D + H * H + 2 * H))
    with gives_hint("too high; per gate", *counts):
        check_gru_param_count(lambda D, H: 5 * (H * D + H * H + 2 * H))
