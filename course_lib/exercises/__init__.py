"""Checkers for the notebooks' exercises, one submodule per notebook (``nb00`` …).

A checker receives the learner's answer, says *what* is wrong when it is wrong, and prints a
✓ line when it is right. It raises :class:`ExerciseError` (an ``AssertionError``) so that a
"Run All" stops at the first unsolved exercise, as a failing self-check does.
"""

from __future__ import annotations

import numpy as np


class ExerciseError(AssertionError):
    """A learner's answer is not right yet; the message says why."""


def require(condition: bool, message: str) -> None:
    """Raise :class:`ExerciseError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseError(message)


def require_answer(answer, name: str = "answer"):
    """Reject the untouched stub (``None``/``...``) with a message that says what to do."""
    if answer is None or answer is Ellipsis:
        raise ExerciseError(f"`{name}` is not set yet: replace the stub with your code, then "
                            "run this cell again")
    return answer


def call_learner(fn, *args):
    """Call the learner's function; turn the untouched stub into a message that says what to do."""
    require_answer(fn, "your function")
    try:
        return fn(*args)
    except NotImplementedError:
        raise ExerciseError("your function still raises NotImplementedError: replace the stub "
                            "with your code") from None


def require_array(value, name: str, shape: tuple) -> np.ndarray:
    """Return ``value`` as a float array, or raise naming the expected and actual shape."""
    require_answer(value, name)
    arr = np.asarray(value)
    require(arr.dtype.kind in "fiu", f"`{name}` should be a numeric array, got {arr.dtype}")
    require(arr.shape == tuple(shape), f"`{name}` has shape {arr.shape} but should have "
                                       f"shape {tuple(shape)}")
    return arr.astype(np.float64)


def passed(what: str) -> None:
    """Print the success line."""
    print(f"✓ {what}")
