"""Checkers for notebook 04 (gradient clipping)."""

from __future__ import annotations

import math

import numpy as np

from course_lib.clipping import angle_degrees, clip_grad_norm, clip_grad_value
from course_lib.exercises import (
    ExerciseError,
    as_number,
    call_learner,
    passed,
    require,
    require_answer,
)


def _cases():
    rng = np.random.default_rng(4)
    return [({"W": 10 * rng.standard_normal((3, 3)), "b": 10 * rng.standard_normal(3)}, 1.0),
            ({"W": 0.01 * rng.standard_normal((3, 3)), "b": 0.01 * rng.standard_normal(3)}, 1.0),
            ({"a": np.array([3.0, 4.0])}, 2.5)]


def check_my_clip_norm(fn) -> None:
    """``fn(grads, max_norm)`` must return ``(clipped_dict, total_norm)`` like
    :func:`course_lib.clipping.clip_grad_norm` (one global norm over all arrays)."""
    require_answer(fn, "my_clip_norm")
    require(callable(fn), "`my_clip_norm` should be a function my_clip_norm(grads, max_norm)")
    for grads, max_norm in _cases():
        before = {k: v.copy() for k, v in grads.items()}
        out = call_learner(fn, grads, max_norm)
        require_answer(out, "my_clip_norm(...)")
        require(isinstance(out, (tuple, list)) and len(out) == 2,
                "return a pair (clipped_grads, total_norm)")
        clipped, norm = out
        require(norm is not None, "the second item you return, total_norm, is None: return "
                                  "the global norm of the gradient before clipping")
        norm = as_number(norm, "total_norm", "one number, the global norm")
        require(isinstance(clipped, dict), f"the first item you return should be a dict of "
                                           f"clipped arrays with the keys of grads, not a "
                                           f"{type(clipped).__name__}")
        want, want_norm = clip_grad_norm(before, max_norm)
        for k in before:
            require(np.array_equal(grads[k], before[k]),
                    f"you modified the input grads[{k!r}] in place: return new arrays")
        if not math.isclose(norm, want_norm, rel_tol=1e-9):
            norms = [float(np.linalg.norm(v)) for v in before.values()]
            hints = {
                "you return one array's norm: the norm is global, sqrt(Σ over all arrays of "
                "their squared entries)": max(norms),
                "you added the arrays' norms; the global norm is sqrt(Σ of all squared "
                "entries), not Σ of the norms": sum(norms),
                "you returned the squared norm: take the square root": want_norm ** 2,
            }
            for hint, wrong in hints.items():
                if math.isclose(norm, wrong, rel_tol=1e-9):
                    raise ExerciseError(f"total_norm is wrong: {hint}")
            raise ExerciseError(f"total_norm is too {'small' if norm < want_norm else 'large'}: "
                                "it is the norm of the gradient *before* clipping, "
                                "sqrt(Σ over all arrays of their squared entries)")
        require(set(clipped) == set(before), f"clipped has keys {sorted(clipped)}, expected "
                                             f"{sorted(before)}")
        for k in before:
            got = np.asarray(clipped[k])
            require(got.dtype.kind in "fiu", f"clipped[{k!r}] should be a numeric array, got "
                                             f"{type(clipped[k]).__name__} of dtype {got.dtype}")
            require(got.shape == before[k].shape, f"clipped[{k!r}] has shape {got.shape} but "
                                                  f"grads[{k!r}] has shape {before[k].shape}: "
                                                  "clipping scales, it keeps every shape")
            require(bool(np.all(np.isfinite(got))), f"clipped[{k!r}] contains NaN or inf "
                                                    "although the gradient is finite: did "
                                                    "you divide by zero?")
            got = got.astype(float)
            if not np.allclose(got, want[k], rtol=1e-5, atol=0):
                if want_norm < max_norm:
                    raise ExerciseError(f"in this case ‖g‖ is below max_norm = {max_norm}, "
                                        "so the gradient must stay as it is; you changed it "
                                        "(did you forget min(1, ·)?)")
                if np.allclose(got, np.clip(before[k], -max_norm, max_norm), rtol=1e-5, atol=0):
                    raise ExerciseError("that is value clipping (each entry clamped); norm "
                                        "clipping scales the whole gradient by max_norm/‖g‖")
                raise ExerciseError(f"clipped[{k!r}] is not g · max_norm/‖g‖: every array is "
                                    "scaled by the same factor, computed from the global norm")
    passed("my_clip_norm matches clip_grad_norm (global norm, never scales up, input untouched)")


def value_clip_angle(g=(3.0, 0.5, -0.2), clip_value: float = 1.0) -> float:
    """Reference answer: the angle (degrees) between g and its value-clipped copy."""
    g = {"g": np.asarray(g, dtype=float)}
    return angle_degrees(clip_grad_value(g, clip_value), g)


ANGLE_TOL = 0.01
"""Exercise 2 asks for the angle to 0.01°: any answer within this many degrees passes."""


def check_value_clip_angle(angle) -> None:
    """``angle`` must be the angle in degrees between g = (3, 0.5, -0.2) and clamp(g, -1, 1),
    within :data:`ANGLE_TOL` degrees (the precision the exercise asks for)."""
    angle = as_number(angle, "angle", "one number, the angle in degrees")
    ref = value_clip_angle()
    err = angle - ref
    if abs(err) <= ANGLE_TOL:
        return passed(f"value clipping turned g by {ref:.1f}°; norm clipping would turn it "
                      "by 0°")
    if math.isclose(angle, math.radians(ref), rel_tol=1e-3):
        raise ExerciseError(f"angle = {angle:.4f} looks like radians; the answer is asked "
                            "in degrees: use np.degrees")
    if math.isclose(angle, math.cos(math.radians(ref)), rel_tol=1e-3):
        raise ExerciseError("that is the cosine of the angle; take np.arccos of it and "
                            "convert to degrees")
    if abs(angle) < ANGLE_TOL:
        raise ExerciseError("angle = 0: that is what norm clipping gives; value clipping "
                            "clamps each entry separately, so the direction turns")
    if abs(err) < 0.1:
        raise ExerciseError(f"your angle is close but not within {ANGLE_TOL}°: keep "
                            "the full precision of your computation, or round to two "
                            "decimals, not one")
    raise ExerciseError(f"angle = {angle:.4f}° is too {'small' if err < 0 else 'large'}: "
                        "clamp each entry of g to [−1, 1], then take arccos of "
                        "g·c / (‖g‖ ‖c‖) in degrees")


# --- Exercise 3: find a threshold that rescues a run plain SGD cannot train ---------------

EXERCISE_LR, EXERCISE_SEEDS = 1.0, (5, 6, 7)


def check_threshold_choice(choose_threshold, run=None) -> None:
    """``choose_threshold(lr)`` must return a norm-clipping threshold τ with which the cue-task
    run of notebook 04 (:func:`course_lib.experiments.clipping.cue_run`) at learning rate
    :data:`EXERCISE_LR` solves seeds :data:`EXERCISE_SEEDS` — test accuracy ≥ 0.95 after
    2000 steps on each. Any such τ passes: the checker trains the runs (a few seconds each)
    and stops at the first seed that fails, with a hint drawn from that run.

    Args:
        choose_threshold: the learner's function ``lr -> τ``.
        run: ``(seed, lr, tau) -> summary`` (default ``cue_run``; tests pass a stand-in).
    """
    from course_lib.experiments.clipping import CONFIG, cue_run

    run = run or cue_run
    tau = call_learner(choose_threshold, EXERCISE_LR)
    require_answer(tau, "choose_threshold(lr)")
    require(isinstance(tau, (int, float, np.floating, np.integer)) and not isinstance(tau, bool),
            f"choose_threshold should return a number (the threshold τ), got "
            f"{type(tau).__name__}")
    tau = float(tau)
    require(math.isfinite(tau) and tau > 0,
            f"τ = {tau:g}: a norm threshold must be a positive, finite number (τ = ∞ would "
            "mean no clipping, and plain SGD fails at this learning rate)")
    steps, solved = CONFIG["steps"], CONFIG["solved"]
    for seed in EXERCISE_SEEDS:
        r = run(seed, EXERCISE_LR, tau)
        if r["test_acc"] >= solved:
            continue
        share = r["clipped_steps"] / max(r["steps_run"], 1)
        step = EXERCISE_LR * tau
        if share > 0.9:
            hint = (f"clipping fired on {100 * share:.0f} % of the steps, so nearly every "
                    f"update had the same length lr·τ = {step:g}, and the loss still ended at "
                    f"{r['final_loss']:.2f}: the run is too slow. Your τ sits below the "
                    "gradient norm of ordinary steps — where does the typical ‖g‖ lie in the "
                    "traces of §3?")
        elif share < 0.1:
            hint = (f"clipping fired on only {r['clipped_steps']} of {steps} steps; the "
                    f"largest gradient norm was {r['max_norm']:.3g}, and the steps around it "
                    f"were still up to lr·τ = {step:g} long. Clipping helps when it cuts the "
                    "spikes to a step the loss surface tolerates: compare lr·τ with the step "
                    "length of a run that worked in §3.")
        else:
            hint = (f"clipping fired on {100 * share:.0f} % of the steps (longest step "
                    f"lr·τ = {step:g}). Look at how the loss and ‖g‖ of this run evolve "
                    f"(`cue_run({seed}, {EXERCISE_LR:g}, tau, traces=True)`) and move τ.")
        raise ExerciseError(f"with τ = {tau:g} at learning rate {EXERCISE_LR:g}, seed {seed} "
                            f"does not solve the cue task (test accuracy "
                            f"{r['test_acc']:.2f} < {solved:g}): {hint}")
    passed(f"τ = {tau:g} at learning rate {EXERCISE_LR:g}: seeds "
           f"{', '.join(map(str, EXERCISE_SEEDS))} all solve the cue task "
           f"(test accuracy ≥ {solved:g} after {steps} steps)")
