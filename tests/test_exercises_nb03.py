"""Checkers of notebook 03 pass on the reference and fail helpfully otherwise."""

import pytest

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
    with pytest.raises(ExerciseError, match="one step too many"):
        check_linear_output(lambda w, T: w ** T)
    with pytest.raises(ExerciseError, match="should be"):
        check_linear_output(lambda w, T: 1.0)


def test_wall_location():
    check_wall_location(wall_location())
    check_wall_location(-2.6125)
    with pytest.raises(ExerciseError, match="not set"):
        check_wall_location(None)
    with pytest.raises(ExerciseError, match="peaks at"):
        check_wall_location(-4.0)
