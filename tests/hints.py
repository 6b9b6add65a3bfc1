"""For the exercise-checker tests: a wrong answer gets a hint (what is wrong, where to look),
never the expected value."""

from __future__ import annotations

import re
from contextlib import contextmanager

import numpy as np
import pytest

from course_lib.exercises import ExerciseError


def number_forms(value) -> list[str]:
    """How a number could appear in a message: the usual formats of floats and, for integers
    of two digits or more, the integer as a whole word."""
    forms = []
    for v in np.ravel(np.asarray(value, dtype=float))[:6]:
        if not np.isfinite(v):
            continue
        if float(v).is_integer() and abs(v) >= 10:
            forms.append(rf"(?<![\d.]){int(v)}(?![\d]|\.\d)")
            continue
        if float(v).is_integer():
            continue  # 0, 1, 2 …: too common to mean anything
        for fmt in (".2f", ".3f", ".4f", ".3g", ".4g", ".6g", ".2%", ".1%", ".1f"):
            text = format(v, fmt)
            if len(text.strip("-0.%")) >= 2:  # "0.0" or "1%" would match anything
                forms.append(re.escape(text))
    return forms


def assert_no_answer(message: str, *answers) -> None:
    """Fail if ``message`` contains any of ``answers`` in a usual number format."""
    for answer in answers:
        for form in number_forms(answer):
            assert not re.search(form, message), (
                f"the hint gives the expected value away ({form!r}): {message}")


@contextmanager
def gives_hint(match: str, *answers):
    """``pytest.raises(ExerciseError, match=match)`` whose message holds none of ``answers``."""
    with pytest.raises(ExerciseError, match=match) as err:
        yield err
    assert_no_answer(str(err.value), *answers)



def notebook_solution(notebook: str, cell_id: str, student: bool = False, **namespace) -> dict:
    """Run the code cell ``cell_id`` of ``notebooks/<notebook>`` (its reference solution, or
    with ``student`` its student-version stub) in ``namespace``; return the namespace."""
    from pathlib import Path

    import nbformat

    from tools.student_version import strip_solutions

    path = Path(__file__).resolve().parent.parent / "notebooks" / notebook
    cell = next((c for c in nbformat.read(path, as_version=4).cells if c.get("id") == cell_id),
                None)
    if cell is None:
        pytest.skip(f"{notebook} has no cell {cell_id!r}")
    source = strip_solutions(cell.source)[0] if student else cell.source
    exec(compile(source, f"{notebook}:{cell_id}", "exec"), namespace)  # noqa: S102
    return namespace
