"""The training runs behind the notebooks' experiments: one runner per task, one seeding scheme.

* :func:`run_adding` — the adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015
  §4.1): regress ``y = u_a + u_b`` from the last state; test MSE, baseline 1/6.
* :func:`run_cue` — the cue task: classify a cue token seen ``distance`` steps before the
  end; test accuracy, chance 1/K.

Seeding (the same in every runner): the model's weights from ``seed``
(:func:`course_lib.experiments.models.make_model`), training batch ``k`` from
``numpy.random.default_rng([seed, k])``, the test set from ``default_rng([seed, 2**31])`` and
the validation set from ``default_rng([seed, 2**31 + 1])``.
Two runs with the same seed and different settings (learning rate, clipping, model kind)
therefore start from the same weights where the kinds allow it and see the same data.

Every runner trains with :func:`course_lib.train.train` (the course's one training loop) and
returns a :class:`Run`: the loop's history, the test score and the trained model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from course_lib.experiments.models import make_model
from course_lib.tasks import ADDING_BASELINE_MSE, adding_problem, attractor_cue_task, cue_task
from course_lib.train import History, train

TEST_STREAM = 2**31  # the test set's generator key, never a training step
VALID_STREAM = 2**31 + 1  # the validation set's key: for tuning, so the test set is used once


@dataclass
class Run:
    """One training run: ``history`` (per step), ``score`` (test MSE or accuracy), ``model``,
    and ``valid``, the same metric on the validation stream when the runner was asked for it."""

    history: History
    score: float
    model: Any
    valid: float | None = None


def adding_data(n: int, T: int, seed: int, step: int, dtype=torch.float32):
    """Adding-problem batch ``step`` of stream ``seed``: ``x`` (N, T, 2), ``y`` (N, 1)."""
    x, y = adding_problem(n, T, np.random.default_rng([seed, step]))
    return torch.from_numpy(x).to(dtype), torch.from_numpy(y[:, None]).to(dtype)


def run_adding(model, T: int, steps: int, lr: float, optimizer: str = "adam",
               clip_norm: float | None = None, clip_value: float | None = None,
               hidden_size: int = 32, batch_size: int = 32, seed: int = 0,
               n_test: int = 500, n_valid: int = 0, valid_every: int = 0) -> Run:
    """Train on the adding problem with sequences of length ``T``; score = test MSE.

    Args:
        model: a kind of :func:`make_model` (built with ``hidden_size`` and ``seed``) or a
            ready ``torch.nn.Module`` mapping (N, T, 2) to (N, 1).
        T, steps, lr, optimizer, clip_norm, clip_value: the budget (see
            :func:`course_lib.train.train`).
        batch_size: fresh sequences per step. seed: weights and data stream.
        n_test: held-out sequences for the score.
        n_valid: if > 0, also score that many sequences of the validation stream
            (:data:`VALID_STREAM`) into ``Run.valid``: tune on it, report the test score.
        valid_every: if > 0, a learning curve on the validation stream: the MSE on ``n_valid``
            sequences (``n_test`` if ``n_valid`` is 0) every ``valid_every`` steps and after
            the last, in ``history.eval["valid"]`` (at ``history.eval_steps``).

    Returns:
        :class:`Run` with ``score`` = test MSE (``inf`` if training diverged); the baseline of
        always predicting 1 is :data:`course_lib.tasks.ADDING_BASELINE_MSE` = 1/6.
    """
    if isinstance(model, str):
        model = make_model(model, 2, hidden_size, 1, seed=seed)
    dtype = next(model.parameters()).dtype

    def loss_fn(m, batch):
        return F.mse_loss(m(batch[0]), batch[1])

    xv, yv = (adding_data(n_valid or n_test, T, seed, VALID_STREAM, dtype) if valid_every
              else (None, None))
    hist = train(model, loss_fn, lambda k: adding_data(batch_size, T, seed, k, dtype), steps, lr,
                 optimizer=optimizer, clip_norm=clip_norm, clip_value=clip_value,
                 eval_fn=(lambda m: {"valid": F.mse_loss(m(xv), yv)}) if valid_every else None,
                 eval_every=valid_every, desc=f"adding T={T}")
    model.eval()

    def held_out_mse(n, stream):
        x, y = adding_data(n, T, seed, stream, dtype)
        with torch.no_grad():
            mse = float(F.mse_loss(model(x), y))
        return mse if not hist.diverged and math.isfinite(mse) else math.inf

    valid = held_out_mse(n_valid, VALID_STREAM) if n_valid > 0 else None
    return Run(hist, held_out_mse(n_test, TEST_STREAM), model, valid)


def cue_data(n: int, distance: int, seed: int, step: int, n_classes: int = 4,
             vocab_size: int = 16, attractor_distance: int | None = None, agree: float = 0.75):
    """Cue-task batch ``step`` of stream ``seed``: token ids (N, T = distance + 1), labels (N,).

    With ``attractor_distance`` the batch comes from :func:`course_lib.tasks.attractor_cue_task`
    (a nearer cue token that repeats the label with probability ``agree``).
    """
    rng = np.random.default_rng([seed, step])
    if attractor_distance is None:
        x, y = cue_task(n, distance, rng, n_classes=n_classes, vocab_size=vocab_size)
    else:
        x, y, _ = attractor_cue_task(n, distance, rng, attractor_distance, agree,
                                     n_classes=n_classes, vocab_size=vocab_size)
    return torch.from_numpy(x), torch.from_numpy(y)


def run_cue(model, distance: int, steps: int, lr: float, optimizer: str = "adam",
            clip_norm: float | None = None, hidden_size: int = 32, batch_size: int = 32,
            seed: int = 0, n_test: int = 500, n_classes: int = 4, vocab_size: int = 16,
            embed_size: int = 8, attractor_distance: int | None = None, agree: float = 0.75,
            eval_every: int = 0, valid_every: int = 0) -> Run:
    """Train on the cue task (:func:`course_lib.tasks.cue_task`); score = test accuracy.

    ``model`` is a kind of :func:`make_model` (built with an embedding of ``embed_size`` over
    ``vocab_size`` tokens) or a ready module mapping ids (N, T) to logits (N, K). Chance is
    ``1 / n_classes``. Cross-entropy loss; seeding as in :func:`run_adding`.

    With ``attractor_distance`` it trains on :func:`course_lib.tasks.attractor_cue_task`
    (attractor agreeing with probability ``agree``) and scores on attractor cases only
    (``agree = 0``): 1 = reads the cue, 0 = trusts the nearer attractor, chance 1/K.
    With ``eval_every = k`` the test accuracy after every k steps is in
    ``history.eval["accuracy"]`` (at ``history.eval_steps``): with a constant learning rate,
    the accuracy after k steps of a longer run *is* that of a k-step budget.
    With ``valid_every = k`` the accuracy on ``n_test`` sequences of the validation stream
    (:data:`VALID_STREAM`) after every k steps is in ``history.eval["valid"]``: tune on it.
    When both are set they must be equal.
    """
    if eval_every and valid_every and eval_every != valid_every:
        raise ValueError(f"eval_every and valid_every must be equal when both are set, got "
                         f"{eval_every} and {valid_every}")
    if isinstance(model, str):
        model = make_model(model, embed_size, hidden_size, n_classes, vocab_size=vocab_size,
                           seed=seed)

    def loss_fn(m, batch):
        return F.cross_entropy(m(batch[0]), batch[1])

    x, y = cue_data(n_test, distance, seed, TEST_STREAM, n_classes, vocab_size,
                    attractor_distance, agree=0.0)

    xv, yv = (cue_data(n_test, distance, seed, VALID_STREAM, n_classes, vocab_size,
                       attractor_distance, agree=0.0) if valid_every else (None, None))

    def accuracy(m):
        return {"accuracy": float((m(x).argmax(dim=1) == y).double().mean())}

    def evaluate(m):
        out = accuracy(m) if eval_every else {}
        if valid_every:
            out["valid"] = float((m(xv).argmax(dim=1) == yv).double().mean())
        return out

    hist = train(model, loss_fn,
                 lambda k: cue_data(batch_size, distance, seed, k, n_classes, vocab_size,
                                    attractor_distance, agree),
                 steps, lr, optimizer=optimizer, clip_norm=clip_norm, desc=f"cue d={distance}",
                 eval_fn=evaluate if eval_every or valid_every else None,
                 eval_every=eval_every or valid_every)
    model.eval()
    with torch.no_grad():
        acc = accuracy(model)["accuracy"]
    return Run(hist, acc if not hist.diverged else 1.0 / n_classes, model)


def steps_to_reach(loss, level: float, window: int = 50) -> int | None:
    """First step at which the running mean of ``loss`` over ``window`` steps is below
    ``level`` (the step where that window ends), or None if it never is."""
    loss = np.asarray(loss, dtype=float)
    if loss.size < window:
        return None
    with np.errstate(invalid="ignore"):
        smooth = np.convolve(loss, np.ones(window) / window, mode="valid")
        hits = np.flatnonzero(smooth < level)
    return int(hits[0] + window) if hits.size else None


__all__ = ["ADDING_BASELINE_MSE", "TEST_STREAM", "VALID_STREAM", "Run", "adding_data", "cue_data",
           "run_adding", "run_cue", "steps_to_reach"]
