"""Every exercise checker gives hints, not answers: no message of an ``ExerciseError`` (or a
``require`` that raises one) is built from the expected value. Each notebook's tests try
wrong answers of each kind (``tests/test_exercises_nb*.py``, with ``hints.gives_hint``);
this test reads the checkers' source, so a new checker is held to it too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hints import assert_no_answer

ROOT = Path(__file__).resolve().parent.parent
CHECKERS = sorted((ROOT / "course_lib" / "exercises").glob("nb*.py"))
# Names the checkers give the right answer; a message may not interpolate them.
ANSWER_NAMES = {"want", "wants", "expected", "ref", "reference", "best", "answer", "solution",
                "want_norm", "expected_rows", "target"}


# What a hint may say about the answer: which side it is on (a comparison), its shape, how
# far the learner is from it (a difference, a relative error, orders of magnitude).
SAFE_CALLS = {"_rel", "_magnitude", "abs"}


def _leaks(expr: ast.AST) -> list[str]:
    """Answer-like names in ``expr`` that are not inside a comparison, a ``.shape``, a
    difference or a distance helper."""
    if isinstance(expr, ast.Compare):
        return []
    if isinstance(expr, ast.Attribute) and expr.attr == "shape":
        return []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Sub):
        return []
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and \
            expr.func.id in SAFE_CALLS:
        return []
    if isinstance(expr, ast.Name):
        return [expr.id] if expr.id in ANSWER_NAMES else []
    return [name for child in ast.iter_child_nodes(expr) for name in _leaks(child)]


def message_names(path: Path) -> list[tuple[int, str]]:
    """(line, name) of every answer-like name interpolated into a failure message."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("ExerciseError", "require")):
            continue
        for arg in node.args:
            for sub in ast.walk(arg):
                if isinstance(sub, ast.FormattedValue):
                    found.extend((node.lineno, name) for name in _leaks(sub.value))
    return found


@pytest.mark.parametrize("path", CHECKERS, ids=lambda p: p.name)
def test_no_failure_message_interpolates_the_answer(path):
    assert message_names(path) == [], f"{path.name} puts the answer into a hint"


def test_the_source_check_can_fail(tmp_path):
    bad = tmp_path / "nb99.py"
    bad.write_text('def check(x):\n    want = 2\n'
                   '    raise ExerciseError(f"got {x}, expected {want:.3f}")\n'
                   '    require(x == want, f"too {\'low\' if x < want else \'high\'}, off by '
                   '{abs(x - want)}, expected {np.round(want[:3], 4)}")\n')
    assert message_names(bad) == [(3, "want"), (4, "want")]


def test_number_forms_catch_the_usual_formats():
    message = "your loss is 3.2, expected 34.5623 (or 18.13°, k=15)"
    for answer in (34.5623, 18.1301, 15):
        with pytest.raises(AssertionError, match="gives the expected value away"):
            assert_no_answer(message, answer)
    assert_no_answer("your loss is too large; sum over real words", 34.5623, 15, 0.25)
