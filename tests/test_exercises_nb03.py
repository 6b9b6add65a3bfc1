"""Checkers of notebook 03 pass on the reference and fail helpfully otherwise."""

import importlib

import numpy as np
import pytest
from hints import gives_hint, notebook_solution

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb03 import (
    WALL_WS,
    check_linear_output,
    check_wall_location,
    wall_location,
)


def reference(w, T):
    h = 0.0
    for t in range(T):
        h = w * h + (1.0 if t == 0 else 0.0)
    return h


def states(w, T):
    h, out = 0.0, []
    for t in range(T):
        h = w * h + (1.0 if t == 0 else 0.0)
        out.append(h)
    return np.array(out)


LINEAR_ANSWERS = [w ** (T - 1) for w, T in ((1.01, 1000), (0.99, 1000), (2.0, 3))]


def test_linear_output():
    check_linear_output(reference)
    with pytest.raises(ExerciseError, match="not set"):
        check_linear_output(None)
    with pytest.raises(ExerciseError, match="one factor of w too many"):
        check_linear_output(lambda w, T: w ** T)
    with pytest.raises(ExerciseError, match="by hand"):
        check_linear_output(lambda w, T: 1.0)


def test_linear_output_accepts_numpy_scalars():
    check_linear_output(lambda w, T: np.float64(reference(w, T)))
    check_linear_output(lambda w, T: np.array([reference(w, T)]))


@pytest.mark.parametrize("bad, match", [
    (lambda w, T: str(reference(w, T)), "string"),
    (lambda w, T: [reference(w, T), 0.0], "list of shape"),
    (lambda w, T: states(w, T), "whole sequence of states"),
    (lambda w, T: np.zeros((2, 2)), "ndarray of shape"),
    (lambda w, T: float("nan"), "NaN"),
    (lambda w, T: float("inf"), "infinite"),
    (lambda w, T: None, "not set"),
])
def test_linear_output_bad_types_give_hints(bad, match):
    with gives_hint(match, *LINEAR_ANSWERS):
        check_linear_output(bad)


def test_linear_output_stub_and_non_function():
    def stub(w, T):
        raise NotImplementedError()

    with gives_hint("NotImplementedError"):
        check_linear_output(stub)
    with gives_hint("should be a function"):
        check_linear_output(3.0)


def test_notebook_solution_and_student_stub():
    ns = notebook_solution("03_error_surface.ipynb", "33")
    check_linear_output(ns["linear_output"])
    ns = notebook_solution("03_error_surface.ipynb", "36", np=np,
                           sf=importlib.import_module("course_lib.surface"))
    check_wall_location(ns["wall_b"])
    stub = notebook_solution("03_error_surface.ipynb", "36", student=True)
    with gives_hint("NotImplementedError"):
        check_wall_location(stub["wall_b"])


def test_wall_location():
    check_wall_location(wall_location)
    with pytest.raises(ExerciseError, match="not set"):
        check_wall_location(None)
    with pytest.raises(ExerciseError, match="should be a function"):
        check_wall_location(-2.6)
    with pytest.raises(ExerciseError, match="not where"):
        check_wall_location(lambda w: wall_location(w) - 0.5)


def test_wall_location_passes_within_tolerance_only():
    check_wall_location(lambda w: wall_location(w) + 0.009)
    with pytest.raises(ExerciseError, match="within 0.1"):
        check_wall_location(lambda w: wall_location(w) + 0.02)


def test_wall_answers_are_not_the_ones_the_notebook_prints():
    # The notebook scans w = 5 (cells 18, fixed-points-check) and w = 6 (wall-thickness).
    assert not {5.0, 6.0} & set(WALL_WS)
    for w in WALL_WS:
        assert -8 < wall_location(w) < 0


WALL_ANSWERS = [wall_location(w) for w in WALL_WS]


@pytest.mark.parametrize("bad, match", [
    (lambda w: float("nan"), "NaN"),
    (lambda w: float("inf"), "infinite"),
    (lambda w: "-2.61", "string"),
    (lambda w: [wall_location(w)] * 2, "list of shape"),
    (lambda w: np.linspace(-8, 0, 5), "ndarray of shape"),
    (lambda w: None, "not set"),
    (lambda w: 3.0, "outside"),
    (lambda w: -2.6123, "every w"),
])
def test_wall_location_bad_answers_give_hints(bad, match):
    with gives_hint(match, *WALL_ANSWERS):
        check_wall_location(bad)


def test_hints_never_give_the_answer():
    with gives_hint("off by one step.*too many", *LINEAR_ANSWERS):
        check_linear_output(lambda w, T: w ** T)
    with gives_hint("off by one step.*too few", *LINEAR_ANSWERS):
        check_linear_output(lambda w, T: w ** (T - 2))
    with gives_hint("by hand", *LINEAR_ANSWERS):
        check_linear_output(lambda w, T: w * T)
    with gives_hint("larger \\(less negative\\) b", *WALL_ANSWERS):
        check_wall_location(lambda w: wall_location(w) - 1.0)
    with gives_hint("smaller \\(more negative\\) b.*within 0.1", *WALL_ANSWERS):
        check_wall_location(lambda w: wall_location(w) + 0.05)


def test_success_message_does_not_print_the_answers(capsys):
    check_wall_location(wall_location)
    from hints import assert_no_answer
    assert_no_answer(capsys.readouterr().out, *WALL_ANSWERS)
