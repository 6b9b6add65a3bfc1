"""Checkers of notebook 03 pass on the reference and fail helpfully otherwise."""

import pytest
from hints import gives_hint

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb03 import check_linear_output, check_wall_location, wall_location


def reference(w, T):
    h = 0.0
    for t in range(T):
        h = w * h + (1.0 if t == 0 else 0.0)
    return h


def test_linear_output():
    check_linear_output(reference)
    with pytest.raises(ExerciseError, match="not set"):
        check_linear_output(None)
    with pytest.raises(ExerciseError, match="one factor of w too many"):
        check_linear_output(lambda w, T: w ** T)
    with pytest.raises(ExerciseError, match="by hand"):
        check_linear_output(lambda w, T: 1.0)


def test_wall_location():
    check_wall_location(wall_location())
    check_wall_location(-2.6125)
    with pytest.raises(ExerciseError, match="not set"):
        check_wall_location(None)
    with pytest.raises(ExerciseError, match="not where"):
        check_wall_location(-4.0)


def test_hints_never_give_the_answer():
    answers = [w ** (T - 1) for w, T in ((1.01, 1000), (0.99, 1000), (2.0, 3))]
    with gives_hint("off by one step.*too many", *answers):
        check_linear_output(lambda w, T: w ** T)
    with gives_hint("off by one step.*too few", *answers):
        check_linear_output(lambda w, T: w ** (T - 2))
    with gives_hint("by hand", *answers):
        check_linear_output(lambda w, T: w * T)
    ref = wall_location()
    with gives_hint("larger \\(less negative\\) b", ref):
        check_wall_location(-4.0)
    with gives_hint("smaller \\(more negative\\) b.*within 0.1", ref):
        check_wall_location(ref + 0.05)
