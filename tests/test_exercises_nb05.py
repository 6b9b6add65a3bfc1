"""The nb05 checkers pass the reference solutions and fail helpfully on stubs and mistakes."""

import numpy as np
import pytest
import torch
from hints import gives_hint

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb05 import check_irnn_init, check_step_jacobian, check_steps_to_vanish


def step_jacobian(h_t, W_hh, nonlinearity):
    fprime = 1 - h_t**2 if nonlinearity == "tanh" else (h_t > 0).astype(float)
    return fprime[:, None] * W_hh


def irnn_init(rnn):
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.eye(rnn.hidden_size))
        rnn.weight_ih_l0.normal_(0.0, 0.001)
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()


def stub(*args):
    raise NotImplementedError()


def test_step_jacobian(capsys):
    check_step_jacobian(step_jacobian)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_step_jacobian(None)
    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_step_jacobian(stub)
    with pytest.raises(ExerciseError, match="columns"):
        check_step_jacobian(lambda h, W, nl: W * step_jacobian(h, np.ones_like(W), nl).T)
    with pytest.raises(ExerciseError, match="transpose"):
        check_step_jacobian(lambda h, W, nl: step_jacobian(h, W, nl).T)
    with pytest.raises(ExerciseError, match="1 − tanh"):
        check_step_jacobian(lambda h, W, nl: step_jacobian(np.tanh(h), W, nl))
    with pytest.raises(ExerciseError, match="shape"):
        check_step_jacobian(lambda h, W, nl: step_jacobian(h, W, nl)[:2])


def test_steps_to_vanish(capsys):
    check_steps_to_vanish(20)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_steps_to_vanish(None)
    with pytest.raises(ExerciseError, match="left out"):
        check_steps_to_vanish(10)  # used 1/4 per step
    with pytest.raises(ExerciseError, match="still above"):
        check_steps_to_vanish(19)
    with pytest.raises(ExerciseError, match="smallest"):
        check_steps_to_vanish(25)
    with pytest.raises(ExerciseError, match="int"):
        check_steps_to_vanish("20")


def test_irnn_init(capsys):
    check_irnn_init(irnn_init)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="not set yet"):
        check_irnn_init(None)
    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_irnn_init(stub)
    with pytest.raises(ExerciseError, match="identity"):
        check_irnn_init(lambda rnn: None)  # torch's default init left in place

    def no_bias_reset(rnn):
        rnn.weight_hh_l0.copy_(torch.eye(rnn.hidden_size))
        rnn.weight_ih_l0.normal_(0.0, 0.001)

    with pytest.raises(ExerciseError, match="bias_ih_l0 should be zero"):
        check_irnn_init(no_bias_reset)

    def big_inputs(rnn):
        irnn_init(rnn)
        rnn.weight_ih_l0.normal_(0.0, 0.1)

    with pytest.raises(ExerciseError, match="standard deviation"):
        check_irnn_init(big_inputs)



def find_frontier(measure):
    """The reference solution of exercise 4: double the distance until no seed learns the cue."""
    accuracy, d = {}, 2
    while True:
        accuracy[d] = measure(d)
        if all(a < 0.9 for a in accuracy[d]):
            return accuracy, d
        d *= 2


def fake_measure(d):
    """A made-up frontier for testing the checker's logic without training: every seed learns
    up to d = 10, one of three up to 20, none beyond."""
    return (1.0, 1.0, 1.0) if d <= 10 else ((1.0, 0.5, 0.25) if d <= 20 else (0.25, 0.3, 0.24))


L3, SOME, NONE = (1.0, 1.0, 1.0), (1.0, 0.5, 0.25), (0.25, 0.3, 0.24)


def test_cue_frontier_accepts_any_supported_answer(capsys):
    from course_lib.exercises.nb05 import check_cue_frontier

    accuracy, d_stop = find_frontier(fake_measure)
    assert d_stop == 32
    check_cue_frontier(accuracy, d_stop, measure=fake_measure)
    out = capsys.readouterr().out
    assert "✓" in out and "32" not in out  # the message does not name a distance
    # another bracket, measured differently, is accepted too
    check_cue_frontier({d: fake_measure(d) for d in (5, 14, 24)}, 24, measure=fake_measure)
    # lists and arrays of the same numbers are the same measurements
    check_cue_frontier({5: list(L3), 14: np.array(SOME), 24: list(NONE)}, np.int64(24),
                       measure=fake_measure)
    # integer accuracies are accuracies: 1 is between 0 and 1
    check_cue_frontier({5: (1, 1, 1), 14: SOME, 24: NONE}, 24, measure=fake_measure)


def test_cue_frontier_hints_never_give_the_distance():
    from course_lib.exercises.nb05 import check_cue_frontier

    cases = [
        (None, None, "not set yet"),
        ({}, 8, "at least two"),
        ([(4, L3), (8, L3)], 8, "should be a dict"),
        ({4: L3, 8: L3}, 8, "3 of 3 seeds still learn"),
        ({4: L3, 16: SOME}, 16, "1 of 3 seeds still learn"),
        ({4: L3, 8: L3, 16: NONE, 32: NONE}, 32, "shortest"),
        ({16: SOME, 32: NONE}, 32, "measure a short one"),
        ({4: L3, 32: NONE}, 32, "factor 8.0"),
        ({10: L3, 16: NONE}, 20, "not one of the distances"),
        ({10: L3, 16: SOME, 24: NONE}, 24, None),  # correct, as a control
        ({10: L3, 16: SOME, 24: (0.1, 0.1, 0.1)}, 24, "not what cue_accuracy"),  # made up
        ({10: L3, 16: (1.0, 1.0, 0.5), 24: NONE}, 24, "not what cue_accuracy"),  # made up below
        # bad values get a hint, never a raw exception
        ({10: L3, 16: ("0.25", 0.3, 0.2)}, 16, "one per seed"),
        ({10: L3, 16: 0.25}, 16, "one per seed"),                 # one number, not per seed
        ({10: L3, 16: (0.25, 0.3)}, 16, "one per seed"),          # too few seeds
        ({10: L3, 16: (True, 0.3, 0.2)}, 16, "one per seed"),
        ({10: L3, 16: (float("nan"), 0.3, 0.2)}, 16, "from 0 to 1"),
        ({10: L3, 16: (float("inf"), 0.3, 0.2)}, 16, "from 0 to 1"),
        ({10: L3, 16: (1.5, 0.3, 0.2)}, 16, "from 0 to 1"),
        ({10: L3, 16: (-0.1, 0.3, 0.2)}, 16, "from 0 to 1"),
        ({10.5: L3, 16: NONE}, 16, "positive ints"),
        ({True: L3, 16: NONE}, 16, "positive ints"),
        ({0: L3, 16: NONE}, 16, "positive ints"),
        ({10: L3, 16: NONE}, [16], "d_stop should be one distance"),   # unhashable
        ({10: L3, 16: NONE}, True, "d_stop should be one distance"),
        ({10: L3, 16: NONE}, 16.0, "d_stop should be one distance"),
        ({10: L3, 16: NONE}, float("nan"), "d_stop should be one distance"),
    ]
    for accuracy, d_stop, match in cases:
        if match is None:
            check_cue_frontier(accuracy, d_stop, measure=fake_measure)
            continue
        with gives_hint(match) as err:
            check_cue_frontier(accuracy, d_stop, measure=fake_measure)
        assert "d = 21" not in str(err.value)  # the true frontier is never named


def test_cue_accuracy_rejects_bad_distances():
    from course_lib.exercises.nb05 import cue_accuracy

    for bad in (0, -4, 2.5, True, "8"):
        with pytest.raises(ValueError, match="positive int"):
            cue_accuracy(bad)


def test_cue_frontier_with_real_training():
    from course_lib.exercises.nb05 import CUE_SEEDS, check_cue_frontier, cue_accuracy

    torch.set_num_threads(1)
    accuracy, d_stop = find_frontier(cue_accuracy)
    assert all(len(a) == len(CUE_SEEDS) for a in accuracy.values())
    check_cue_frontier(accuracy, d_stop)
    wrong = {d: a for d, a in accuracy.items() if d < d_stop}
    wrong[d_stop] = (0.99,) * len(CUE_SEEDS)  # claims the far distance is learned
    with pytest.raises(ExerciseError, match="still learn"):
        check_cue_frontier(wrong, d_stop)


def test_hints_never_give_the_answer():
    with gives_hint("left out ‖W‖₂", 20):
        check_steps_to_vanish(10)
    with gives_hint("still above 1e-6", 20):
        check_steps_to_vanish(15)
    with gives_hint("smallest", 20):
        check_steps_to_vanish(25)


@pytest.mark.parametrize("k, match", [
    (21, "smallest"),                 # one too many: must not name 0.5^20
    (40, "smallest"),
    (True, "whole number"),           # a bool is not a number of steps
    (False, "whole number"),
    (float("nan"), "whole number"),
    (float("inf"), "whole number"),
    (19.5, "whole number"),
    (0, "positive"),
    (-7, "positive"),
    ("20", "int"),
    ([20], "int"),
])
def test_steps_to_vanish_bad_answers_get_hints(k, match):
    with gives_hint(match, 20):
        check_steps_to_vanish(k)


def test_steps_to_vanish_accepts_a_whole_float():
    check_steps_to_vanish(20.0)
    check_steps_to_vanish(np.int64(20))


@pytest.mark.parametrize("answer, match", [
    (lambda h, W, nl: None, "is None"),
    (lambda h, W, nl: "W", "array of numbers"),
    (lambda h, W, nl: [[1.0, 2.0], [3.0]], "array of numbers"),         # ragged
    (lambda h, W, nl: np.ones((4, 4), dtype=bool), "array of numbers"),
    (lambda h, W, nl: np.full((4, 4), np.nan), "NaN or infinite"),
    (lambda h, W, nl: np.full((4, 4), np.inf), "NaN or infinite"),
    (lambda h, W, nl: step_jacobian(h, W, nl).ravel(), "shape"),
])
def test_step_jacobian_bad_returns_get_hints(answer, match):
    with gives_hint(match):
        check_step_jacobian(answer)


def test_irnn_init_bad_parameters_get_hints():
    def nan_inputs(rnn):
        irnn_init(rnn)
        rnn.weight_ih_l0.fill_(float("nan"))

    def replaced(rnn):
        irnn_init(rnn)
        rnn.weight_hh_l0 = torch.nn.Parameter(torch.eye(3))

    with gives_hint("NaN or infinite"):
        check_irnn_init(nan_inputs)
    with gives_hint(r"shape \(3, 3\)"):
        check_irnn_init(replaced)
