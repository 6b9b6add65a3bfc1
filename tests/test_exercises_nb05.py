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
    """The reference solution of exercise 4: double the distance until the cue is at chance."""
    accuracy, d = {}, 2
    while True:
        accuracy[d] = measure(d)
        if accuracy[d] <= 0.4:
            return accuracy, d
        d *= 2


def fake_measure(d):
    """A made-up frontier for testing the checker's logic without training."""
    return 1.0 if d <= 10 else (0.6 if d <= 20 else 0.25)


def test_cue_frontier_accepts_any_supported_answer(capsys):
    from course_lib.exercises.nb05 import check_cue_frontier

    accuracy, d_stop = find_frontier(fake_measure)
    assert d_stop == 32
    check_cue_frontier(accuracy, d_stop, measure=fake_measure)
    out = capsys.readouterr().out
    assert "✓" in out and "32" not in out  # the message does not name a distance
    # another bracket, measured differently, is accepted too
    check_cue_frontier({d: fake_measure(d) for d in (5, 14, 24)}, 24, measure=fake_measure)


def test_cue_frontier_hints_never_give_the_distance():
    from course_lib.exercises.nb05 import check_cue_frontier

    cases = [
        (None, None, "not set yet"),
        ({}, 8, "at least two"),
        ({4: 1.0, 8: 1.0}, 8, "still learns"),
        ({4: 1.0, 16: 0.6}, 16, "above chance"),
        ({4: 1.0, 8: 1.0, 16: 0.25, 32: 0.25}, 32, "shortest"),
        ({16: 0.6, 32: 0.25}, 32, "measure a short one"),
        ({4: 1.0, 32: 0.25}, 32, "factor 8.0"),
        ({10: 1.0, 16: 0.25}, 20, "not one of the distances"),
        ({10: 1.0, 16: 0.6, 24: 0.25}, 24, None),  # correct, as a control
        ({10: 1.0, 16: 0.6, 24: 0.1}, 24, "not what cue_accuracy"),  # a made-up number
        ({10: 1.0, 16: 0.9, 24: 0.25}, 24, "not what cue_accuracy"),  # made up below d_stop
        ({10: 1.0, 16: "0.25"}, 16, "between 0 and 1"),
        ({10.5: 1.0, 16: 0.25}, 16, "positive ints"),
    ]
    for accuracy, d_stop, match in cases:
        if match is None:
            check_cue_frontier(accuracy, d_stop, measure=fake_measure)
            continue
        with pytest.raises(ExerciseError, match=match) as err:
            check_cue_frontier(accuracy, d_stop, measure=fake_measure)
        assert "d = 21" not in str(err.value)  # the true frontier is never named


def test_cue_frontier_with_real_training():
    from course_lib.exercises.nb05 import check_cue_frontier, cue_accuracy

    torch.set_num_threads(1)
    accuracy, d_stop = find_frontier(cue_accuracy)
    check_cue_frontier(accuracy, d_stop)
    wrong = {d: a for d, a in accuracy.items() if d < d_stop}
    wrong[d_stop] = 0.99  # claims the far distance is learned
    with pytest.raises(ExerciseError, match="still learns"):
        check_cue_frontier(wrong, d_stop)


def test_hints_never_give_the_answer():
    with gives_hint("left out ‖W‖₂", 20):
        check_steps_to_vanish(10)
    with gives_hint("still above 1e-6", 20):
        check_steps_to_vanish(15)
    with gives_hint("smallest", 20):
        check_steps_to_vanish(25)
