"""The notebook-08 checkers accept the reference solutions and explain plausible mistakes."""

import pytest
import torch
from hints import gives_hint

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
    (lambda D, H, L: 3, "too low; per layer"),
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


def test_hints_never_give_the_answer():
    counts = [count_ok(D, H, L) for D, H, L in [(3, 4, 1), (5, 7, 2), (2, 3, 3)]]
    with gives_hint("too low: you counted one direction", *counts):
        check_count_params(lambda D, H, L: count_ok(D, H, L) // 2)
    with gives_hint("too high; per layer", *counts):
        check_count_params(lambda D, H, L: count_ok(D, H, L) + 1)

    def shifted(x, lengths):  # reverses the real tokens, but shifted by one place
        out = reverse_ok(x, lengths)
        return torch.roll(out, 1, dims=1)

    lengths = torch.tensor([5, 2, 4, 1])
    x = torch.arange(1, 6).repeat(4, 1) * (torch.arange(5) < lengths.unsqueeze(1))
    expected_rows = reverse_ok(x, lengths).tolist()
    with gives_hint("reverse order, the padding stay at the end") as err:
        check_reverse(shifted)
    assert not any(str(row) in str(err.value) for row in expected_rows)

    def padding_changed(x, lengths):
        out = reverse_ok(x, lengths)
        out[1, 2:] = 9
        return out

    with gives_hint("padding after them changed"):
        check_reverse(padding_changed)
