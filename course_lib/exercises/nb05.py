"""Checkers for notebook 05 (vanishing gradients)."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import (
    ExerciseError,
    call_learner,
    finite_array,
    passed,
    require,
    require_answer,
)


def check_step_jacobian(step_jacobian) -> None:
    """``step_jacobian(h_t, W_hh, nonlinearity) -> (H, H)`` must be ∂s_t/∂s_{t-1} = diag(f′) W.

    ``h_t`` (H,) is the state after the step, so f′ is written through it: 1 − h_t² for
    tanh, [h_t > 0] for ReLU. Entry [i, j] is ∂s_t[i]/∂s_{t-1}[j].
    """
    rng = np.random.default_rng(5)
    H = 4
    W = rng.standard_normal((H, H))
    for nonlinearity in ("tanh", "relu"):
        z = rng.standard_normal(H)
        h_t = np.tanh(z) if nonlinearity == "tanh" else np.maximum(z, 0.0)
        fprime = 1 - h_t**2 if nonlinearity == "tanh" else (h_t > 0).astype(float)
        got = finite_array(call_learner(step_jacobian, h_t.copy(), W.copy(), nonlinearity),
                           f"the Jacobian ({nonlinearity})", (H, H))
        expected = fprime[:, None] * W
        if np.allclose(got, expected, atol=1e-12):
            continue
        hints = {
            "you multiplied the columns by f′ (W diag(f′)); the chain rule scales row i by "
            "f′(z_t[i]), because s_t[i] = f(z_t[i])": W * fprime[None, :],
            "you returned the transpose (W^T diag(f′)); entry [i, j] must be "
            "∂s_t[i]/∂s_{t-1}[j] = f′(z_t[i]) W[i, j]": (fprime[:, None] * W).T,
            "you left out f′: that is the Jacobian of a linear RNN": W,
        }
        if nonlinearity == "tanh":
            hints["h_t is already tanh(z_t), so tanh′(z_t) = 1 − h_t²; you computed "
                  "1 − tanh(h_t)²"] = (1 - np.tanh(h_t) ** 2)[:, None] * W
        for hint, wrong in hints.items():
            if np.allclose(got, wrong, atol=1e-12):
                raise ExerciseError(f"not yet ({nonlinearity}): {hint}")
        err = float(np.max(np.abs(got - expected)))
        raise ExerciseError(f"for {nonlinearity} your Jacobian differs from diag(f′(z_t)) W by "
                            f"up to {err:.3g}")
    passed("step_jacobian = diag(f′(z_t)) W_hh for tanh and ReLU")


def check_steps_to_vanish(k) -> None:
    """The smallest k with (‖W‖₂ · max σ′)^k < 1e-6 for ‖W‖₂ = 2 (sigmoid, σ′ ≤ 1/4)."""
    require_answer(k, "k")
    require(not isinstance(k, (bool, np.bool_)),
            f"k should be a whole number of steps, got the truth value {k!r}")
    if isinstance(k, (float, np.floating)):
        require(bool(np.isfinite(k)), f"k should be a whole number of steps, got {k!r}")
        require(float(k).is_integer(), f"k should be a whole number of steps, got {k!r}: "
                                       "round up to the first step where the bound is met")
        k = int(k)
    require(isinstance(k, (int, np.integer)), f"k should be an int (a number of steps), got "
                                              f"{type(k).__name__}")
    k = int(k)
    require(k >= 1, f"k should be a positive number of steps, got {k}")
    expected = int(np.ceil(np.log(1e-6) / np.log(0.5)))
    if k == expected:
        return passed(f"k = {k}: the bound 0.5^{k} = {0.5**k:.1e} < 1e-6, while "
                      f"0.5^{k - 1} = {0.5**(k - 1):.1e} is not")
    if k == expected // 2:
        raise ExerciseError(f"0.25^{k} < 1e-6, but the per-step factor is ‖W‖₂ · max σ′ = "
                            "2 · 1/4 = 0.5: you left out ‖W‖₂ = 2")
    if k < expected:
        raise ExerciseError(f"0.5^{k} = {0.5**k:.1e} is still above 1e-6; the per-step factor "
                            "is ‖W‖₂ · max σ′ = 2 · 1/4 = 0.5")
    raise ExerciseError(f"0.5^{k} is below 1e-6, but k = {k} is not the *smallest* such k: "
                        "solve 0.5^k < 1e-6 for k and round up")


def check_irnn_init(irnn_init) -> None:
    """``irnn_init(rnn)`` sets a ReLU ``torch.nn.RNN`` in place to Le et al.'s IRNN init.

    W_hh = I, b_ih = b_hh = 0, W_ih ~ N(0, σ²) with σ = 0.001 (Le et al. 2015, §3–4).
    """
    import torch

    torch.manual_seed(0)
    H, D = 64, 8
    rnn = torch.nn.RNN(D, H, nonlinearity="relu", batch_first=True)
    with torch.no_grad():
        call_learner(irnn_init, rnn)
    require(rnn.nonlinearity == "relu", "keep the ReLU: the identity init is for a ReLU RNN")
    for name, shape in (("weight_hh_l0", (H, H)), ("weight_ih_l0", (H, D)), ("bias_ih_l0", (H,)),
                        ("bias_hh_l0", (H,))):
        value = getattr(rnn, name, None)
        require(isinstance(value, torch.Tensor), f"rnn.{name} is no longer a tensor: change "
                                                 "the parameters in place (copy_, normal_, zero_)")
        finite_array(value.detach().double().numpy(), f"rnn.{name}", shape)
    W_hh = rnn.weight_hh_l0.detach().double().numpy()
    dev = float(np.max(np.abs(W_hh - np.eye(H))))
    require(dev < 1e-7, f"weight_hh_l0 is not the identity: max |W_hh − I| = {dev:.3g}")
    for name in ("bias_ih_l0", "bias_hh_l0"):
        b = float(getattr(rnn, name).detach().abs().max())
        require(b == 0.0, f"{name} should be zero, its largest entry is {b:.3g}")
    W_ih = rnn.weight_ih_l0.detach().double().numpy()
    std = float(W_ih.std())
    require(std > 0, "weight_ih_l0 is all zeros: draw it from N(0, 0.001²) so inputs get in")
    require(5e-4 < std < 2e-3, f"weight_ih_l0 has standard deviation {std:.3g}; Le et al. "
                               "draw it from N(0, 0.001²), i.e. std 0.001")
    require(abs(float(W_ih.mean())) < 3 * std / np.sqrt(W_ih.size) + 1e-12,
            "weight_ih_l0 should have mean 0")
    # Behaviour, not just values: at init the IRNN carries a positive state unchanged.
    h0 = torch.rand(1, 1, H, dtype=torch.float32)
    with torch.no_grad():
        out, _ = rnn(torch.zeros(1, 5, D), h0)
    require(torch.allclose(out[0, -1], h0[0, 0]), "with zero input the state should be carried "
                                                  "unchanged: h_t = ReLU(I h_{t-1}) = h_{t-1}")
    passed(f"IRNN init: W_hh = I, zero biases, W_ih std {std:.4f}; a zero input carries "
           "the state unchanged")



# --- an experimental exercise: where does the cue stop being learned? ----------------------

CUE_BUDGET = {"steps": 50, "lr": 1e-2, "clip_norm": 1.0}
"""The exercise's fixed training budget for :func:`cue_accuracy` (Adam, 32 sequences a step)."""
CUE_SEEDS = (0, 1, 2)
"""Every distance is trained once per seed: one run's outcome is a matter of luck near the
frontier (a run can stall at half the classes), the count over seeds is not."""
LEARNED = 0.9  # a run has learned the cue when its test accuracy is ≥ 0.9 (chance is 0.25)


def cue_accuracy(distance: int) -> tuple[float, ...]:
    """Test accuracies of §2's tanh RNN trained on the cue task at ``distance`` with
    :data:`CUE_BUDGET`, one per seed of :data:`CUE_SEEDS`
    (:func:`course_lib.experiments.runs.run_cue`); chance is 0.25.

    Raises ValueError unless ``distance`` is a positive int.
    """
    from course_lib.experiments.runs import run_cue

    if isinstance(distance, (bool, np.bool_)) or not isinstance(distance, (int, np.integer)) \
            or distance < 1:
        raise ValueError(f"distance should be a positive int (a number of steps), got "
                         f"{distance!r}")
    return tuple(round(run_cue("tanh", int(distance), seed=seed, **CUE_BUDGET).score, 4)
                 for seed in CUE_SEEDS)


def _learned(accs) -> int:
    """How many seeds learned the cue."""
    return int(sum(a >= LEARNED for a in accs))


def _seed_accuracies(d, accs) -> tuple[float, ...]:
    """``accuracy[d]`` as a tuple of one finite accuracy in [0, 1] per seed, or a hint."""
    n = len(CUE_SEEDS)
    shape_hint = (f"accuracy[{d}] should be what cue_accuracy({d}) returns: {n} test "
                  f"accuracies, one per seed")
    require(isinstance(accs, (tuple, list, np.ndarray)) and np.ndim(accs) == 1
            and len(accs) == n, f"{shape_hint}, got {accs!r}")
    for a in accs:
        require(isinstance(a, (int, float, np.integer, np.floating))
                and not isinstance(a, (bool, np.bool_)), f"{shape_hint}, got {accs!r}")
        require(bool(np.isfinite(a)) and 0 <= a <= 1,
                f"accuracy[{d}] holds {a!r}: a test accuracy is a number from 0 to 1")
    return tuple(float(a) for a in accs)


def check_cue_frontier(accuracy, d_stop, measure=cue_accuracy) -> None:
    """Exercise 4: the learner measured ``accuracy = {distance: cue_accuracy(distance)}``
    (one test accuracy per seed of :data:`CUE_SEEDS`) and names ``d_stop``, the shortest
    measured distance at which no seed learns the cue (every accuracy < :data:`LEARNED`).

    Any answer the measurements support is right: no seed learned at ``d_stop``, every
    shorter measured distance has a seed that learned, some shorter distance learned on every
    seed, and the nearest measured distance below ``d_stop`` within a factor 2 of it (the
    frontier is located to a factor of 2). The two ends are re-run with ``measure``. Bad
    input (wrong types, NaN, accuracies outside [0, 1]) gets a hint; no message names a
    distance the learner did not give.
    """
    require_answer(accuracy, "accuracy")
    require_answer(d_stop, "d_stop")
    require(isinstance(accuracy, dict) and len(accuracy) >= 2,
            "`accuracy` should be a dict {distance: cue_accuracy(distance)} with at least two "
            "distances: one where the cue is learned and one where it is not")
    for d in accuracy:
        require(isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))
                and d >= 1, f"the distances (keys) should be positive ints, got {d!r}")
    accuracy = {int(d): _seed_accuracies(d, a) for d, a in accuracy.items()}
    require(isinstance(d_stop, (int, np.integer)) and not isinstance(d_stop, (bool, np.bool_)),
            f"d_stop should be one distance, a positive int, got {type(d_stop).__name__} "
            f"{d_stop!r}")
    d_stop = int(d_stop)
    require(d_stop in accuracy, f"d_stop = {d_stop} is not one of the distances you "
                                "measured: name a distance from `accuracy`")
    n = len(CUE_SEEDS)
    learned = _learned(accuracy[d_stop])
    require(learned == 0, f"at d = {d_stop}, {learned} of {n} seeds still learn the cue "
                          f"(accuracy ≥ {LEARNED}): try longer distances")
    shorter = sorted(d for d in accuracy if d < d_stop and _learned(accuracy[d]) == 0)
    if shorter:
        raise ExerciseError(f"no seed learned the cue at d = {shorter[0]} either, shorter "
                            "than d_stop: d_stop is the *shortest* such distance")
    require(any(_learned(accuracy[d]) == n for d in accuracy if d < d_stop),
            f"no distance shorter than {d_stop} in `accuracy` is learned on all {n} seeds: "
            "measure a short one too, so you know the budget can learn the cue")
    d_prev = max(d for d in accuracy if d < d_stop)
    require(d_stop <= 2 * d_prev, f"the nearest distance you measured below d = {d_stop} is "
                                  f"d = {d_prev}, a factor {d_stop / d_prev:.1f} away: measure "
                                  "in between until the step is at most a factor of 2")
    for d in (d_prev, d_stop):
        again = measure(d)
        require(max(abs(a - b) for a, b in zip(again, accuracy[d], strict=True)) <= 0.05,
                f"accuracy[{d}] is not what cue_accuracy({d}) gives: measure every distance "
                "with cue_accuracy, unchanged")
    passed(f"with {CUE_BUDGET['steps']} training steps and {n} seeds, your measurements locate "
           "where the cue stops being learned to within a factor of 2 (both ends re-run and "
           "confirmed)")
