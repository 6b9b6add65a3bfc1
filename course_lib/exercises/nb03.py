"""Checkers for notebook 03 (the error surface)."""

from __future__ import annotations

import math

import numpy as np

from course_lib.exercises import ExerciseError, passed, require, require_answer
from course_lib.surface import pascanu_loss_grad


def check_linear_output(fn) -> None:
    """``fn(w, T)`` must return h_T of the linear neuron ``h_t = w h_{t-1} + x_t``,
    ``x = [1, 0, …, 0]``, ``h_0 = 0`` (checked on five (w, T) pairs)."""
    require_answer(fn, "linear_output")
    require(callable(fn), "`linear_output` should be a function linear_output(w, T)")
    for w, T in ((1.01, 1000), (0.99, 1000), (1.0, 1000), (2.0, 3), (0.5, 1)):
        got = fn(w, T)
        require_answer(got, f"linear_output({w}, {T})")
        got = float(got)
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
    """Reference: the b in [-8, 0] where ‖∇E‖ is largest for this w (fine scan)."""
    b = np.linspace(-8.0, 0.0, 80001)
    _, dw, db = pascanu_loss_grad(w, b, T)
    return float(b[np.argmax(np.hypot(dw, db))])


def check_wall_location(b_wall, w: float = 5.0, T: int = 50, tol: float = 0.01) -> None:
    """``b_wall`` must be where the gradient norm peaks along the line w = 5 (within tol)."""
    require_answer(b_wall, "b_wall")
    b_wall = float(b_wall)
    ref = wall_location(w, T)
    if abs(b_wall - ref) > tol:
        E_there = float(pascanu_loss_grad(w, b_wall, T)[0])
        hint = ""
        if E_there < 0.005:
            hint = (" That is close to where E is smallest; the question asks where the "
                    "*gradient* is largest (np.hypot(dw, db)).")
        side = "larger (less negative)" if ref > b_wall else "smaller (more negative)"
        near = " You are within 0.1 of it." if abs(b_wall - ref) < 0.1 else ""
        raise ExerciseError(f"b_wall = {b_wall:.4f} is not where ‖∇E‖ peaks for w = {w} "
                            f"(tolerance {tol}): the peak is at a {side} b.{near}{hint} Scan b "
                            "finely: the wall is narrow.")
    passed(f"the wall crosses w = {w:g} at b ≈ {ref:.2f}")
