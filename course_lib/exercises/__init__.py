"""Checkers for the notebooks' exercises, one submodule per notebook (``nb00`` …).

A checker receives the learner's answer, says *what* is wrong when it is wrong, and prints a
✓ line when it is right. It raises :class:`ExerciseError` (an ``AssertionError``) so that a
"Run All" stops at the first unsolved exercise, as a failing self-check does.
"""

from __future__ import annotations

import math
import numbers

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


def as_number(value, name: str, what: str = "a number") -> float:
    """``value`` as a finite float, or an :class:`ExerciseError` that says what is wrong.

    Accepts Python and numpy real numbers and 0-d / one-element numpy arrays; rejects None,
    bools, strings, lists, arrays of several entries, NaN and ±inf, naming what was given
    (never the expected value).
    """
    require_answer(value, name)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "fiu":
        value = value.reshape(()).item()
    if isinstance(value, str):
        raise ExerciseError(f"`{name}` is a string (str); it should be {what}: "
                            "compute it, do not type it in quotes")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shape = f" of shape {np.shape(value)}" if hasattr(value, "__len__") else ""
        raise ExerciseError(f"`{name}` is a {type(value).__name__}{shape}; it should be "
                            f"{what}")
    value = float(value)
    if math.isnan(value):
        raise ExerciseError(f"`{name}` is NaN: somewhere your computation produced "
                            "0/0, ∞ − ∞ or an overflow; print the intermediate values")
    if math.isinf(value):
        raise ExerciseError(f"`{name}` is infinite: an overflow somewhere; print the "
                            "intermediate values")
    return value


def finite_array(value, name: str, shape: tuple, note: str = "") -> np.ndarray:
    """``value`` as a finite float array of ``shape``, or a hint saying what is wrong with it."""
    require(value is not None, f"{name} is None: return the array (did you forget `return`?)")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = np.asarray(None, dtype=object)
    require(arr.dtype.kind in "fiu", f"{name} should be an array of numbers, got "
                                     f"{type(value).__name__}"
                                     + (f" of {arr.dtype}" if isinstance(value, np.ndarray) else ""))
    require(arr.shape == tuple(shape), f"{name} has shape {arr.shape} but should be "
                                       f"{tuple(shape)}{note}")
    arr = arr.astype(np.float64)
    bad = int(np.sum(~np.isfinite(arr)))
    require(bad == 0, f"{name} has {bad} entries that are NaN or infinite: look for a division "
                      "by zero or an overflow")
    return arr
