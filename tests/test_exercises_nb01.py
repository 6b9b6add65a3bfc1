"""Checkers of notebook 01's exercises: pass on the reference, fail helpfully otherwise."""

import numpy as np
import pytest
from hints import gives_hint

from course_lib.data import Example
from course_lib.exercises import ExerciseError, nb01
from course_lib.losses_np import softmax, softmax_cross_entropy


def loss_ok(logits, targets, mask):
    return softmax_cross_entropy(logits, targets, mask, reduction="sum")[0]


def grad_ok(logits, targets, mask):
    return softmax_cross_entropy(logits, targets, mask, reduction="sum")[1]


def test_masked_loss_passes_on_reference(capsys):
    nb01.check_masked_loss(loss_ok)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, message", [
    (None, "not set yet"),
    (lambda o, y, m: softmax_cross_entropy(o, y, np.ones_like(m), "sum")[0],
     "summed over padding positions"),
    (lambda o, y, m: softmax_cross_entropy(o, y, m, "mean")[0], "divided by the number of real"),
    (lambda o, y, m: softmax_cross_entropy(o, y, m, "sentence")[0], "number of sentences"),
    (lambda o, y, m: -softmax_cross_entropy(o, y, m, "sum")[0], "sign is flipped"),
    (lambda o, y, m: -(np.take_along_axis(softmax(o), y[..., None], -1)[..., 0] * m).sum(),
     "logarithm"),
    (lambda o, y, m: -(np.take_along_axis(o, y[..., None], -1)[..., 0] * m).sum(),
     "apply the softmax"),
    (lambda o, y, m: np.zeros(3), "one number"),
])
def test_masked_loss_rejects_plausible_mistakes(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        nb01.check_masked_loss(wrong)


def test_masked_loss_grad_passes_on_reference(capsys):
    nb01.check_masked_loss_grad(grad_ok)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, message", [
    (None, "not set yet"),
    (lambda o, y, m: softmax_cross_entropy(o, y, np.ones_like(m), "sum")[1], "padding"),
    (lambda o, y, m: -grad_ok(o, y, m), "sign is flipped"),
    (lambda o, y, m: softmax(o) * m[..., None], "subtract the one-hot"),
    (lambda o, y, m: grad_ok(o, y, m) / m.sum(), "gradient of the mean"),
    (lambda o, y, m: grad_ok(o, y, m)[:, :-1], "shape"),
])
def test_masked_loss_grad_rejects_plausible_mistakes(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        nb01.check_masked_loss_grad(wrong)


def pair(city, verb_to, verb_from):
    to = Example(["i", verb_to, city], ["O", "O", "B-toloc.city_name"], "flight")
    fr = Example(["i", verb_from, city], ["O", "O", "B-fromloc.city_name"], "flight")
    return [to, fr]


def test_memoryless_ceiling_counts_majority_tags():
    examples = pair("taipei", "arrive", "leave") + pair("paris", "reach", "leave")
    examples.append(Example(["i", "arrive", "taipei"], ["O", "O", "B-toloc.city_name"], "f"))
    # taipei: 2 toloc, 1 fromloc -> 2 right; paris: 1 + 1 -> 1 right; total 3 of 5
    assert nb01.memoryless_ceiling(examples) == pytest.approx(3 / 5)
    nb01.check_memoryless_ceiling(0.6, examples)
    with pytest.raises(ExerciseError, match="too low"):
        nb01.check_memoryless_ceiling(0.5, examples)
    with pytest.raises(ExerciseError, match="impossible"):
        nb01.check_memoryless_ceiling(1.0, examples)
    with pytest.raises(ExerciseError, match="percentage"):
        nb01.check_memoryless_ceiling(60, examples)
    with pytest.raises(ExerciseError, match="not set yet"):
        nb01.check_memoryless_ceiling(None, examples)


def test_loss_hints_never_give_the_answer():
    wants = [loss_ok(*nb01._batch(seed)) for seed in (0, 1)]
    with gives_hint("padding positions", *wants):
        nb01.check_masked_loss(lambda o, y, m: softmax_cross_entropy(o, y, np.ones_like(m),
                                                                     "sum")[0])
    with gives_hint("reduction='mean'", *wants):
        nb01.check_masked_loss(lambda o, y, m: softmax_cross_entropy(o, y, m, "mean")[0])
    with gives_hint("number of sentences", *wants):
        nb01.check_masked_loss(lambda o, y, m: softmax_cross_entropy(o, y, m, "sum")[0] / 3)
    with gives_hint("too large, by about 2 order", *wants):
        nb01.check_masked_loss(lambda o, y, m: 100 * softmax_cross_entropy(o, y, m, "sum")[0])
    with gives_hint("too small.*real words only", *wants):
        nb01.check_masked_loss(lambda o, y, m: 0.5 * softmax_cross_entropy(o, y, m, "sum")[0])


def test_ceiling_hints_never_give_the_answer():
    examples = pair("taipei", "arrive", "leave") + pair("paris", "reach", "leave")
    examples.append(Example(["i", "arrive", "taipei"], ["O", "O", "B-toloc.city_name"], "f"))
    with gives_hint("too low.*most frequent", 0.6):
        nb01.check_memoryless_ceiling(0.5, examples)
    with gives_hint("too high.*same tag", 0.6):
        nb01.check_memoryless_ceiling(0.8, examples)
