"""Checkers of notebook 04 pass on the reference and fail helpfully otherwise."""

import numpy as np
import pytest
from hints import gives_hint

from course_lib.clipping import clip_grad_norm
from course_lib.exercises import ExerciseError
from course_lib.exercises.nb04 import check_my_clip_norm, check_value_clip_angle, value_clip_angle


def test_my_clip_norm():
    check_my_clip_norm(clip_grad_norm)
    with pytest.raises(ExerciseError, match="not set"):
        check_my_clip_norm(None)

    def always_rescale(grads, max_norm):
        n = float(np.sqrt(sum((g ** 2).sum() for g in grads.values())))
        return {k: g * max_norm / n for k, g in grads.items()}, n

    with pytest.raises(ExerciseError, match="below max_norm"):
        check_my_clip_norm(always_rescale)

    def per_array(grads, max_norm):
        out = {k: g * min(1, max_norm / np.linalg.norm(g)) for k, g in grads.items()}
        return out, max(float(np.linalg.norm(g)) for g in grads.values())

    with pytest.raises(ExerciseError, match="global"):
        check_my_clip_norm(per_array)

    def in_place(grads, max_norm):
        out, n = clip_grad_norm(grads, max_norm)
        for k in grads:
            grads[k] *= 0.5
        return out, n

    with pytest.raises(ExerciseError, match="in place"):
        check_my_clip_norm(in_place)


def test_value_clip_angle():
    check_value_clip_angle(value_clip_angle())
    with pytest.raises(ExerciseError, match="not set"):
        check_value_clip_angle(None)
    with pytest.raises(ExerciseError, match="radians"):
        check_value_clip_angle(np.radians(value_clip_angle()))
    with pytest.raises(ExerciseError, match="norm clipping"):
        check_value_clip_angle(0.0)


def test_my_clip_norm_stub_gets_the_same_message_as_the_other_checkers():
    def stub(grads, max_norm):
        raise NotImplementedError()

    with gives_hint("NotImplementedError: replace the stub"):
        check_my_clip_norm(stub)
    with gives_hint("should be a function"):
        check_my_clip_norm({"a": 1})


def _norms():
    from course_lib.exercises.nb04 import _cases

    return [clip_grad_norm(g, m)[1] for g, m in _cases()]


@pytest.mark.parametrize("bad, match", [
    (lambda g, m: (clip_grad_norm(g, m)[0], None), "total_norm, is None"),
    (lambda g, m: (clip_grad_norm(g, m)[0], float("nan")), "NaN"),
    (lambda g, m: (clip_grad_norm(g, m)[0], float("inf")), "infinite"),
    (lambda g, m: (clip_grad_norm(g, m)[0], str(clip_grad_norm(g, m)[1])), "string"),
    (lambda g, m: (clip_grad_norm(g, m)[0], np.ones(3)), "ndarray of shape"),
    (lambda g, m: clip_grad_norm(g, m)[0], "pair"),
    (lambda g, m: (list(clip_grad_norm(g, m)[0].values()), clip_grad_norm(g, m)[1]), "dict"),
    (lambda g, m: ({k: v.ravel() for k, v in clip_grad_norm(g, m)[0].items()},
                   clip_grad_norm(g, m)[1]), "shape"),
    (lambda g, m: ({k: v * np.nan for k, v in clip_grad_norm(g, m)[0].items()},
                   clip_grad_norm(g, m)[1]), "NaN or inf"),
    (lambda g, m: ({k: "x" for k in g}, clip_grad_norm(g, m)[1]), "numeric array"),
])
def test_my_clip_norm_bad_returns_give_hints(bad, match):
    with gives_hint(match, *_norms()):
        check_my_clip_norm(bad)


def test_value_clip_angle_accepts_the_precision_the_exercise_asks_for():
    ref = value_clip_angle()
    check_value_clip_angle(round(ref, 2))            # 18.13, correctly rounded
    check_value_clip_angle(np.float64(ref))
    check_value_clip_angle(np.array(ref))
    with gives_hint("close but not within 0.01", ref):
        check_value_clip_angle(round(ref, 1))        # one decimal is not 0.01° precise
    with gives_hint("too small", ref):
        check_value_clip_angle(10.0)


@pytest.mark.parametrize("bad, match", [
    (float("nan"), "NaN"), (float("inf"), "infinite"), (-float("inf"), "infinite"),
    ("18.13", "string"), ([18.13], "list of shape"), (np.array([18.1, 18.2]), "ndarray of shape"),
    (True, "bool"),
])
def test_value_clip_angle_rejects_non_numbers_with_hints(bad, match):
    with gives_hint(match, value_clip_angle()) as err:
        check_value_clip_angle(bad)
    assert "too large" not in str(err.value) and "too small" not in str(err.value)


# --- Exercise 3: a threshold that makes the runs converge (the checker trains them) --------

def _fake_run(acc, clipped, final=0.7, max_norm=40.0):
    """A stand-in for cue_run: the summary a run with this outcome would return."""
    def run(seed, lr, tau):
        return {"test_acc": acc, "clipped_steps": clipped, "steps_run": 2000,
                "final_loss": final, "max_norm": max_norm}
    return run


def test_threshold_choice_accepts_a_working_threshold_and_trains_to_check_it():
    from course_lib.exercises.nb04 import check_threshold_choice

    check_threshold_choice(lambda lr: 0.3 / lr)  # the real runs: about 10 s


def test_threshold_choice_rejects_a_threshold_too_large_after_training():
    from course_lib.exercises.nb04 import check_threshold_choice

    with pytest.raises(ExerciseError, match="seed 5 does not solve") as err:
        check_threshold_choice(lambda lr: 100.0)  # as good as no clipping: seed 5 fails
    assert "largest gradient norm" in str(err.value)


def test_threshold_choice_hints_without_the_answer():
    from course_lib.exercises.nb04 import check_threshold_choice

    def stub(lr):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="NotImplementedError"):
        check_threshold_choice(stub)
    with pytest.raises(ExerciseError, match="not set"):
        check_threshold_choice(lambda lr: None)
    with pytest.raises(ExerciseError, match="a number"):
        check_threshold_choice(lambda lr: "0.3")
    with pytest.raises(ExerciseError, match="positive"):
        check_threshold_choice(lambda lr: -1.0)
    with pytest.raises(ExerciseError, match="positive"):
        check_threshold_choice(lambda lr: float("inf"))
    with pytest.raises(ExerciseError, match="too slow") as slow:
        check_threshold_choice(lambda lr: 1e-3, run=_fake_run(0.25, 2000, final=1.39))
    with pytest.raises(ExerciseError, match="spikes") as spiky:
        check_threshold_choice(lambda lr: 5.0, run=_fake_run(0.5, 3))
    with pytest.raises(ExerciseError, match="move τ"):
        check_threshold_choice(lambda lr: 0.5, run=_fake_run(0.5, 900))
    # a hint, never a working threshold: no number but the learner's own τ, lr·τ and the run's
    # own measurements appears in the message
    for err in (slow, spiky):
        assert "0.3" not in str(err.value) and "try τ" not in str(err.value)
    seen = []
    check_threshold_choice(lambda lr: 0.2, run=lambda s, lr, t: seen.append((s, lr, t)) or
                           {"test_acc": 1.0})
    assert seen == [(5, 1.0, 0.2), (6, 1.0, 0.2), (7, 1.0, 0.2)]


def test_hints_never_give_the_answer():
    from course_lib.exercises.nb04 import _cases

    norms = [clip_grad_norm(g, m)[1] for g, m in _cases()]

    def sum_of_norms(grads, max_norm):
        clipped, _ = clip_grad_norm(grads, max_norm)
        return clipped, sum(float(np.linalg.norm(g)) for g in grads.values())

    with gives_hint("added the arrays' norms", *norms):
        check_my_clip_norm(sum_of_norms)

    def squared(grads, max_norm):
        clipped, n = clip_grad_norm(grads, max_norm)
        return clipped, n ** 2

    with gives_hint("squared norm", *norms):
        check_my_clip_norm(squared)

    def value_clipped(grads, max_norm):
        _, n = clip_grad_norm(grads, max_norm)
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, n

    with gives_hint("value clipping", *norms):
        check_my_clip_norm(value_clipped)
    angle = value_clip_angle()
    with gives_hint("radians", angle):
        check_value_clip_angle(np.radians(angle))
    with gives_hint("cosine", angle):
        check_value_clip_angle(np.cos(np.radians(angle)))
    with gives_hint("too large", angle):
        check_value_clip_angle(45.0)
