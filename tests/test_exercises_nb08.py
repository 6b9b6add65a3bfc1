"""The notebook-08 checkers accept the reference solutions and explain plausible mistakes."""

import pytest
import torch

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb08 import check_count_params, check_residual_forward, check_reverse


def reverse_ok(x, lengths):
    out = x.clone()
    for i, n in enumerate(lengths.tolist()):
        out[i, :n] = x[i, :n].flip(0)
    return out


def test_reverse_accepts_reference(capsys):
    check_reverse(reverse_ok)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("answer,message", [
    (None, "not set yet"),
    (lambda x, lengths: torch.flip(x, [1]), "padding now comes first"),
    (lambda x, lengths: x, "nothing was reversed"),
    (lambda x, lengths: x[:, :2], "shape"),
])
def test_reverse_rejects_wrong_answers(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_reverse(answer)


def test_reverse_reports_stub():
    def stub(x, lengths):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_reverse(stub)


def count_ok(D, H, L):
    return sum(2 * (4 * H * (D if i == 0 else 2 * H) + 4 * H * H + 8 * H) for i in range(L))


def test_count_accepts_reference(capsys):
    check_count_params(count_ok)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("answer,message", [
    (None, "not set yet"),
    (lambda D, H, L: count_ok(D, H, L) // 2, "one direction"),
    (lambda D, H, L: sum(2 * (4 * H * (D if i == 0 else H) + 4 * H * H + 8 * H)
                         for i in range(L)), "2H, not H"),
    (lambda D, H, L: count_ok(D, H, L) - 2 * L * 4 * H, "two bias vectors"),
    (lambda D, H, L: 3, "torch has"),
    (lambda D, H, L: 3.0, "should return an int"),
])
def test_count_rejects_wrong_answers(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_count_params(answer)


def residual_ok(layers, x):
    h = layers[0](x)[0]                 # the first layer reads the input; no shortcut around it
    for layer in layers[1:]:
        h = layer(h)[0] + h
    return h


def residual_around_every_layer(layers, x):
    h = x
    for layer in layers:
        h = layer(h)[0] + h
    return h


def test_residual_accepts_reference(capsys):
    check_residual_forward(residual_ok)
    assert "✓" in capsys.readouterr().out


def plain(layers, x):
    h = x
    for layer in layers:
        h = layer(h)[0]
    return h


@pytest.mark.parametrize("answer,message", [
    (None, "not set yet"),
    (plain, "no residual connections"),
    (lambda layers, x: plain(layers, x) + x, "added x once at the top"),
    (residual_around_every_layer, "first layer"),
    (lambda layers, x: layers[0](x), "not the \\(output, h_n\\) tuple"),
    (lambda layers, x: layers[0](x)[0], "differs from the reference"),
])
def test_residual_rejects_wrong_answers(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_residual_forward(answer)
