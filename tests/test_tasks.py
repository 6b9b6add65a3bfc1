"""The adding problem and the cue task: shapes, definitions and the stated baselines."""

import numpy as np
import pytest
import torch

from course_lib.tasks import (
    ADDING_BASELINE_MSE,
    adding_problem,
    adding_problem_torch,
    cue_task,
    one_hot,
)


@pytest.mark.parametrize("halves", [True, False])
def test_adding_problem_definition(halves):
    x, y = adding_problem(500, 12, np.random.default_rng(0), halves=halves)
    assert x.shape == (500, 12, 2) and y.shape == (500,) and x.dtype == y.dtype == np.float64
    u, m = x[..., 0], x[..., 1]
    assert (u >= 0).all() and (u < 1).all()
    assert set(np.unique(m)) == {0.0, 1.0} and (m.sum(axis=1) == 2).all()
    np.testing.assert_allclose(y, (u * m).sum(axis=1), rtol=0, atol=1e-15)
    first = m.argmax(axis=1)
    last = 11 - m[:, ::-1].argmax(axis=1)
    if halves:
        assert (first < 6).all() and (last >= 6).all()
    else:  # both markers sometimes fall in the same half
        assert ((first >= 6) | (last < 6)).any()


def test_adding_baseline_mse_is_one_sixth():
    assert ADDING_BASELINE_MSE == 1 / 6
    _, y = adding_problem(200_000, 4, np.random.default_rng(1))
    assert abs(np.mean((y - 1.0) ** 2) - 1 / 6) < 0.003
    assert abs(np.mean(y) - 1.0) < 0.003  # 1.0 is the best constant predictor


def test_adding_problem_seeded_and_torch_variant():
    a = adding_problem(3, 5, np.random.default_rng(7))
    b = adding_problem(3, 5, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    xt, yt = adding_problem_torch(3, 5, np.random.default_rng(7))
    assert xt.dtype == yt.dtype == torch.float32 and tuple(yt.shape) == (3, 1)
    np.testing.assert_allclose(xt.numpy(), a[0], atol=1e-7)
    with pytest.raises(ValueError, match="T >= 2"):
        adding_problem(3, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        adding_problem(3, 5, 0)


def test_cue_task_definition_and_chance():
    x, y = cue_task(20_000, 7, np.random.default_rng(0), n_classes=4, vocab_size=10)
    assert x.shape == (20_000, 8) and x.dtype == y.dtype == np.int64
    np.testing.assert_array_equal(x[:, 0], y + 1)
    assert x[:, 1:].min() == 5 and x[:, 1:].max() == 9 and set(np.unique(y)) == {0, 1, 2, 3}
    # the distractors carry no information: the majority label per last token is at chance
    acc = np.mean([np.bincount(y[x[:, -1] == t], minlength=4).max() / np.sum(x[:, -1] == t)
                   for t in range(5, 10)])
    assert abs(acc - 0.25) < 0.02
    assert cue_task(5, 0, np.random.default_rng(0))[0].shape == (5, 1)
    with pytest.raises(ValueError, match="vocab_size"):
        cue_task(5, 3, np.random.default_rng(0), n_classes=4, vocab_size=5)
    with pytest.raises(ValueError, match="distance"):
        cue_task(5, -1, np.random.default_rng(0))


def test_one_hot():
    out = one_hot(np.array([[0, 2]]), 3)
    np.testing.assert_array_equal(out, [[[1, 0, 0], [0, 0, 1]]])
    with pytest.raises(ValueError, match="token ids"):
        one_hot(np.array([3]), 3)


def test_attractor_cue_task_definition():
    from course_lib.tasks import attractor_cue_task

    n, d, near = 40_000, 9, 2
    x, y, a = attractor_cue_task(n, d, np.random.default_rng(0), near, agree=0.75)
    assert x.shape == (n, d + 1) and x.dtype == y.dtype == a.dtype == np.int64
    np.testing.assert_array_equal(x[:, 0], y + 1)  # the cue, d steps before the end
    np.testing.assert_array_equal(x[:, d - near], a + 1)  # the attractor, `near` steps before
    others = np.delete(x, [0, d - near], axis=1)
    assert others.min() >= 5  # every other token is a distractor
    assert abs(np.mean(a == y) - 0.75) < 0.01
    # when it disagrees, the attractor names each other class equally often
    diff = (a - y)[a != y] % 4
    assert set(np.unique(diff)) == {1, 2, 3} and np.ptp(np.bincount(diff)[1:]) < 0.05 * diff.size
    # trusting the attractor scores `agree`; on attractor cases only it scores 0
    _, y0, a0 = attractor_cue_task(1000, d, np.random.default_rng(1), near, agree=0.0)
    assert np.all(a0 != y0)
    # the cue-task draws are unchanged: same cue, labels and distractors as cue_task
    xc, yc = cue_task(50, d, np.random.default_rng(3))
    xa, ya, _ = attractor_cue_task(50, d, np.random.default_rng(3), near)
    np.testing.assert_array_equal(ya, yc)
    np.testing.assert_array_equal(np.delete(xa, d - near, 1), np.delete(xc, d - near, 1))


@pytest.mark.parametrize("kwargs, match", [({"attractor_distance": 9}, "attractor_distance"),
                                           ({"attractor_distance": -1}, "attractor_distance"),
                                           ({"attractor_distance": 2, "agree": 1.5}, "agree")])
def test_attractor_cue_task_rejects_bad_arguments(kwargs, match):
    from course_lib.tasks import attractor_cue_task

    with pytest.raises(ValueError, match=match):
        attractor_cue_task(5, 9, np.random.default_rng(0), **kwargs)
