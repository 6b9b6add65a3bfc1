"""Checkers for notebook 05 (vanishing gradients)."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import ExerciseError, call_learner, passed, require, require_answer


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
        got = np.asarray(call_learner(step_jacobian, h_t.copy(), W.copy(), nonlinearity), dtype=float)
        require(got.shape == (H, H), f"the Jacobian has shape {got.shape} but should be "
                                     f"(H, H) = {(H, H)}")
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
    if isinstance(k, float) and k.is_integer():
        k = int(k)
    require(isinstance(k, (int, np.integer)), f"k should be an int (a number of steps), got "
                                              f"{type(k).__name__}")
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
    raise ExerciseError(f"0.5^{k} = {0.5**k:.1e} is below 1e-6, but so is 0.5^{k - 1}: find the "
                        "*smallest* k")


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

CUE_BUDGET = {"steps": 150, "lr": 1e-2, "clip_norm": 1.0, "seed": 0}
"""The exercise's fixed training budget for :func:`cue_accuracy` (Adam, 32 sequences a step)."""
LEARNED, AT_CHANCE = 0.9, 0.4  # accuracy thresholds: learned ≥ 0.9; at chance ≤ 0.25 + 0.15


def cue_accuracy(distance: int) -> float:
    """Test accuracy of a tanh RNN trained on the cue task at ``distance`` with
    :data:`CUE_BUDGET` (:func:`course_lib.experiments.runs.run_cue`); chance is 0.25."""
    from course_lib.experiments.runs import run_cue

    return run_cue("tanh", int(distance), **CUE_BUDGET).score


def check_cue_frontier(accuracy, d_stop, measure=cue_accuracy) -> None:
    """Exercise 4: the learner measured ``accuracy = {distance: test accuracy}`` with
    :func:`cue_accuracy` and names ``d_stop``, the shortest measured distance at which the
    accuracy is at chance (≤ :data:`AT_CHANCE`).

    Any answer the measurements support is right: ``accuracy[d_stop]`` at chance, no shorter
    measured distance at chance, some shorter distance learned (≥ :data:`LEARNED`), and the
    nearest measured distance below ``d_stop`` within a factor 2 of it (the frontier is
    located to a factor of 2). The two ends are re-run with ``measure``. Messages give
    hints, never a distance to use.
    """
    require_answer(accuracy, "accuracy")
    require_answer(d_stop, "d_stop")
    require(isinstance(accuracy, dict) and len(accuracy) >= 2,
            "`accuracy` should be a dict {distance: test accuracy} with at least two "
            "distances: one where the cue is learned and one where it is not")
    for d, acc in accuracy.items():
        require(isinstance(d, (int, np.integer)) and d >= 1, f"the distances (keys) should be "
                                                             f"positive ints, got {d!r}")
        require(isinstance(acc, (float, np.floating)) and 0 <= acc <= 1,
                f"accuracy[{d}] should be a test accuracy between 0 and 1, got {acc!r}")
    require(d_stop in accuracy, f"d_stop = {d_stop!r} is not one of the distances you "
                                "measured: name a distance from `accuracy`")
    got = accuracy[d_stop]
    require(got < LEARNED, f"at d = {d_stop} the model still learns the cue (accuracy "
                           f"{got:.2f}): try longer distances")
    require(got <= AT_CHANCE, f"at d = {d_stop} the accuracy is {got:.2f}, above chance "
                              f"(0.25): part of the cue still gets through; look further")
    shorter = sorted(d for d in accuracy if d < d_stop and accuracy[d] <= AT_CHANCE)
    if shorter:
        raise ExerciseError(f"you also measured chance-level accuracy at d = {shorter[0]}, "
                            "shorter than d_stop: d_stop is the *shortest* such distance")
    require(any(accuracy[d] >= LEARNED for d in accuracy if d < d_stop),
            f"no distance shorter than {d_stop} in `accuracy` is learned (accuracy ≥ "
            f"{LEARNED}): measure a short one too, so you know the budget can learn the cue")
    d_prev = max(d for d in accuracy if d < d_stop)
    require(d_stop <= 2 * d_prev, f"the nearest distance you measured below d = {d_stop} is "
                                  f"d = {d_prev}, a factor {d_stop / d_prev:.1f} away: measure "
                                  "in between until the step is at most a factor of 2")
    for d in (d_prev, d_stop):
        again = float(measure(d))
        require(abs(again - accuracy[d]) <= 0.05,
                f"accuracy[{d}] = {accuracy[d]:.2f} is not what cue_accuracy({d}) gives: "
                "measure every distance with cue_accuracy, unchanged")
    passed(f"with a {CUE_BUDGET['steps']}-step budget your measurements locate where the cue "
           "stops being learned to within a factor of 2 (both ends re-run and confirmed)")
