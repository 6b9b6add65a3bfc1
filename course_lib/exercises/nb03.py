"""Checkers for notebook 03 (the error surface)."""

from __future__ import annotations

import math

import numpy as np

from course_lib.exercises import (
    ExerciseError,
    as_number,
    call_learner,
    passed,
    require,
    require_answer,
)
from course_lib.surface import pascanu_loss_grad


def check_linear_output(fn) -> None:
    """``fn(w, T)`` must return h_T of the linear neuron ``h_t = w h_{t-1} + x_t``,
    ``x = [1, 0, …, 0]``, ``h_0 = 0`` (checked on five (w, T) pairs)."""
    require_answer(fn, "linear_output")
    require(callable(fn), f"`linear_output` should be a function linear_output(w, T), not a "
                          f"{type(fn).__name__}")
    for w, T in ((1.01, 1000), (0.99, 1000), (1.0, 1000), (2.0, 3), (0.5, 1)):
        got = call_learner(fn, w, T)
        shape = np.shape(got) if isinstance(got, (list, tuple, np.ndarray)) else None
        if shape and len(shape) == 1 and shape[0] in (T, T + 1) and shape[0] > 1:
            raise ExerciseError(f"linear_output({w}, {T}) returned {shape[0]} values, the whole "
                                "sequence of states: return only the last one, h_T")
        got = as_number(got, f"linear_output({w}, {T})", "one number, h_T")
        want = w ** (T - 1)
        if not math.isclose(got, want, rel_tol=1e-9):
            if math.isclose(got, w ** T, rel_tol=1e-9):
                raise ExerciseError(f"linear_output({w}, {T}) is off by one step (one factor "
                                    "of w too many): the input x_1 = 1 arrives at step 1, "
                                    "where h_0 = 0; write out h_1, h_2, h_3 by hand")
            if T > 1 and math.isclose(got, w ** (T - 2), rel_tol=1e-9):
                raise ExerciseError(f"linear_output({w}, {T}) is off by one step (one factor "
                                    "of w too few): count the steps from x_1 to h_T")
            raise ExerciseError(f"linear_output({w}, {T}) is wrong: run h_t = w h_(t−1) + x_t "
                                "from h_0 = 0 with x = [1, 0, …, 0] for a small T by hand and "
                                "compare")
    passed("linear_output(w, T) = w^(T-1): 1.01 → 2.1e4, 1.0 → 1, 0.99 → 4.4e-5 at T = 1000")


def wall_location(w: float = 5.0, T: int = 50) -> float:
    """Reference: the b in [-8, 0] where ‖∇E‖ is largest for this w (scan in steps of 10⁻⁴)."""
    b = np.linspace(-8.0, 0.0, 80001)
    _, dw, db = pascanu_loss_grad(w, b, T)
    return float(b[np.argmax(np.hypot(dw, db))])


WALL_WS = (5.5, 7.5, 10.5)
"""The w at which Exercise 2's ``wall_b(w)`` is checked: none of them is computed in the
notebook (it scans w = 5 and w = 6)."""


def check_wall_location(wall_b, T: int = 50, tol: float = 0.01) -> None:
    """``wall_b(w)`` must return the b in [-8, 0] where ‖∇E(w, b)‖ peaks along the line of
    this w, within ``tol``, for every w in :data:`WALL_WS` (Pascanu's model, T steps).

    Messages say on which side the peak lies, never where.
    """
    require_answer(wall_b, "wall_b")
    require(callable(wall_b), f"`wall_b` should be a function wall_b(w) that returns the "
                              f"wall's b for that w, not a {type(wall_b).__name__}")
    got = {}
    for w in WALL_WS:
        b = as_number(call_learner(wall_b, w), f"wall_b({w})", "one number, the b of the wall")
        require(-8.0 <= b <= 0.0, f"wall_b({w}) = {b:.4g} is outside [-8, 0], the range of b "
                                  "to search")
        got[w] = b
    if len({round(b, 6) for b in got.values()}) == 1:
        raise ExerciseError(f"wall_b gives b = {got[WALL_WS[0]]:.4f} for every w; the wall "
                            "moves with w: scan along the line of the w you are given")
    for w, b in got.items():
        ref = wall_location(w, T)
        if abs(b - ref) <= tol:
            continue
        E_there = float(pascanu_loss_grad(w, b, T)[0])
        hint = ""
        if E_there < 0.005:
            hint = (" That is close to where E is smallest; the question asks where the "
                    "*gradient* is largest (np.hypot(dw, db)).")
        side = "larger (less negative)" if ref > b else "smaller (more negative)"
        near = " You are within 0.1 of it." if abs(b - ref) < 0.1 else ""
        raise ExerciseError(f"wall_b({w}) = {b:.4f} is not where ‖∇E‖ peaks along w = {w} "
                            f"(tolerance {tol}): the peak is at a {side} b.{near}{hint} Scan b "
                            "finely: the wall is narrow.")
    passed(f"wall_b(w) finds the wall at w = {', '.join(map(str, WALL_WS))} "
           f"(each within {tol})")
