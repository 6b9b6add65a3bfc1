"""Checkers for notebook 01 (slot filling and its loss).

The loss checkers run the learner's function on their own seeded padded batches and compare
with :func:`course_lib.losses_np.softmax_cross_entropy`; the ceiling checker recounts tags.
"""

from __future__ import annotations

import numpy as np

from course_lib.corpus import is_left_cue_case, memoryless_ceiling
from course_lib.exercises import ExerciseError, passed, require, require_answer
from course_lib.losses_np import softmax, softmax_cross_entropy


def _batch(seed: int, N: int = 3, T: int = 5, K: int = 4):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=1.5, size=(N, T, K))
    lengths = np.array([T, 3, 1][:N])
    mask = np.arange(T)[None, :] < lengths[:, None]
    targets = np.where(mask, rng.integers(1, K, size=(N, T)), 0)  # pad id 0, as the corpus
    return logits, targets, mask


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _magnitude(got: float, want: float) -> str:
    """", about N orders of magnitude" when ``got`` is off by a factor of 10 or more."""
    if got <= 0 or want <= 0:
        return ""
    orders = np.log10(got / want)
    return f", by about {abs(orders):.0f} order(s) of magnitude" if abs(orders) >= 1 else ""


def check_masked_loss(masked_loss) -> None:
    """Exercise 1: ``masked_loss(logits, targets, mask) -> float``, the sum over real words."""
    require_answer(masked_loss, "masked_loss")
    require(callable(masked_loss),
            f"`masked_loss` should be a function, got {type(masked_loss).__name__}")
    for seed in (0, 1):
        logits, targets, mask = _batch(seed)
        got = require_answer(masked_loss(logits.copy(), targets.copy(), mask.copy()),
                             "masked_loss(...)")
        require(np.ndim(got) == 0, f"return one number (the summed loss), got an array of "
                                   f"shape {np.shape(got)}")
        got = float(got)
        want, _ = softmax_cross_entropy(logits, targets, mask, reduction="sum")
        if _close(got, want):
            continue
        everywhere, _ = softmax_cross_entropy(logits, targets, np.ones_like(mask), "sum")
        if _close(got, everywhere):
            raise ExerciseError("you summed over padding positions too: multiply each L_t by "
                                "the mask (or select the real words) before summing")
        if _close(got, want / mask.sum()):
            raise ExerciseError("you divided by the number of real words: that is "
                                "reduction='mean'; this exercise asks for the plain sum")
        if _close(got, want / mask.shape[0]):
            raise ExerciseError("you divided by the number of sentences; return the plain sum "
                                "over the real words")
        if _close(got, -want):
            raise ExerciseError("the sign is flipped: the loss is −log ŷ_t[y_t] ≥ 0")
        probs = softmax(logits)
        picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
        if _close(got, float(-(picked * mask).sum())) or _close(got, float((1 - picked)[mask]
                                                                           .sum())):
            raise ExerciseError("take the logarithm of the probability: L_t = −log ŷ_t[y_t]")
        raw = np.take_along_axis(logits, targets[..., None], axis=-1)[..., 0]
        if _close(got, float(-(raw * mask).sum())):
            raise ExerciseError("you used the raw score o_t[y_t]: apply the softmax first "
                                "(−log softmax(o_t)[y_t])")
        raise ExerciseError(f"your loss is too {'small' if got < want else 'large'}"
                            f"{_magnitude(got, want)}; compute L = Σ_n Σ_t m_nt · (−log "
                            "softmax(o_nt)[y_nt]) over the real words only")
    passed("masked_loss sums −log softmax over real words only (two padded batches)")


def check_masked_loss_grad(masked_loss_grad) -> None:
    """Exercise 2: ``masked_loss_grad(logits, targets, mask) -> dlogits`` (N, T, K)."""
    require_answer(masked_loss_grad, "masked_loss_grad")
    require(callable(masked_loss_grad),
            f"`masked_loss_grad` should be a function, got {type(masked_loss_grad).__name__}")
    for seed in (2, 3):
        logits, targets, mask = _batch(seed)
        got = require_answer(masked_loss_grad(logits.copy(), targets.copy(), mask.copy()),
                             "masked_loss_grad(...)")
        got = np.asarray(got, dtype=np.float64)
        require(got.shape == logits.shape, f"dlogits has shape {got.shape} but should be "
                                           f"{logits.shape} (N, T, K), like the logits")
        _, want = softmax_cross_entropy(logits, targets, mask, reduction="sum")
        if np.allclose(got, want, rtol=1e-9, atol=1e-12):
            continue
        if np.abs(got[~mask]).max() > 1e-12:
            raise ExerciseError("dlogits is not zero at padding positions: multiply by the mask")
        if np.allclose(got, -want, atol=1e-12):
            raise ExerciseError("the sign is flipped: ∂L/∂o_t = ŷ_t − y_t (prediction minus "
                                "one-hot target)")
        if np.allclose(got, softmax(logits) * mask[..., None], atol=1e-12):
            raise ExerciseError("you returned ŷ_t only: subtract the one-hot target y_t")
        if np.allclose(got, want / mask.sum(), atol=1e-12):
            raise ExerciseError("you divided by the number of real words (that is the gradient "
                                "of the mean); give the gradient of the summed loss")
        err = float(np.abs(got - want).max())
        raise ExerciseError(f"dlogits differs from ∂L/∂o by up to {err:.2e}")
    passed("dlogits = mask ⊙ (ŷ_t − onehot(y_t)) (two padded batches)")


def check_memoryless_ceiling(ceiling, examples) -> None:
    """Exercise 3: the accuracy ceiling of a memoryless tagger on the arrive/leave words."""
    require_answer(ceiling, "ceiling")
    require(np.ndim(ceiling) == 0, f"`ceiling` should be one number, got shape "
                                   f"{np.shape(ceiling)}")
    ceiling = float(ceiling)
    require(0 <= ceiling <= 1, f"`ceiling` is an accuracy and must lie in [0, 1], got "
                               f"{ceiling:.4g} (give a fraction, not a percentage)")
    want = memoryless_ceiling(examples)
    if abs(ceiling - want) < 1e-9:
        passed(f"a memoryless tagger can reach at most {want:.1%} on these words")
        return
    n_words = len({ex.tokens[i] for ex in examples for i in is_left_cue_case(ex)})
    if ceiling >= 1 - 1e-9:
        raise ExerciseError("1.0 would need different tags for the same word — impossible "
                            "without context. Count, for each word, its most frequent tag")
    if ceiling < want:
        raise ExerciseError(f"your ceiling is too low: a memoryless tagger may give each of the "
                            f"{n_words} distinct words its *most frequent* tag among these "
                            "positions; count those hits over all the positions")
    raise ExerciseError("your ceiling is too high: a memoryless tagger must give every "
                        "occurrence of a word the same tag, so it is wrong on the occurrences "
                        "whose tag is not the word's most frequent one")
