"""Learning-rate sweeps over seeds: a fair comparison of recurrent models on the synthetic tasks.

Models compared against each other each get their own learning rate (CONTRIBUTING.md, "Changing a notebook"): every
arm is trained with every rate of a small grid on a few seeds, the rate is **selected on the
validation stream** (never on the test set), and the test scores of the selected rate are
what a notebook reports and checks. Tasks and runners are those of
:mod:`course_lib.experiments.runs` (same seeding: weights from ``seed``, batch ``k`` from
``default_rng([seed, k])``), so two arms with the same seed see the same batches.

A record (one run) is a plain dict, JSON-ready for :mod:`course_lib.experiments.store`::

    {"task": "adding", "arm": "lstm", "lr": 0.01, "seed": 0,
     "valid_steps": [50, 100, …], "valid": [0.17, 0.16, …],   # validation score during training
     "test": 0.003, "diverged": False, "grad_norm_max": 2.1, "grad_norm_median": 0.2,
     "clipped_fraction": 0.0, "seconds": 1.4, …extras}

Scores: test MSE for the adding problem (lower is better, baseline 1/6), test accuracy for the
cue task (higher is better, chance 1/4).
"""

from __future__ import annotations

import math
import statistics
from typing import Callable, Iterable

from course_lib.experiments.models import make_model
from course_lib.experiments.runs import run_adding, run_cue
from course_lib.tasks import ADDING_BASELINE_MSE

ARMS: dict[str, dict] = {
    "tanh": {"kind": "tanh"},
    "lstm": {"kind": "lstm"},  # torch's default init: effective forget bias ±2/√H around 0
    "lstm_fb1": {"kind": "lstm", "forget_bias": 1.0},  # Gers et al. 2000; Jozefowicz et al. 2015
    "gru": {"kind": "gru"},
}
ARM_LABELS = {"tanh": "tanh RNN", "lstm": "LSTM", "lstm_fb1": "LSTM, forget bias 1",
              "gru": "GRU"}
SOLVED = {"adding": 0.1 * ADDING_BASELINE_MSE, "cue": 0.95}
"""A run *solves* the adding problem with test MSE below a tenth of the baseline 1/6, and the
cue task with test accuracy of at least 95 % (chance: 25 %)."""


def lower_is_better(task: str) -> bool:
    if task not in SOLVED:
        raise ValueError(f"task must be one of {tuple(SOLVED)}, got {task!r}")
    return task == "adding"


def solved(task: str, score: float) -> bool:
    """Whether a (test or validation) score solves ``task`` (see :data:`SOLVED`)."""
    return score < SOLVED[task] if lower_is_better(task) else score >= SOLVED[task]


def build(arm: str, task: str, seed: int, hidden_size: int = 32):
    """The model of ``arm`` for ``task``, initial weights from ``seed``."""
    spec = dict(ARMS[arm])
    kind = spec.pop("kind")
    if task == "adding":
        return make_model(kind, 2, hidden_size, 1, seed=seed, **spec)
    return make_model(kind, 8, hidden_size, 4, vocab_size=16, seed=seed, **spec)


def run_one(task: str, arm: str, lr: float, seed: int, length: int, steps: int, every: int,
            after: Callable | None = None) -> dict:
    """Train one arm once (Adam, no clipping) and return its record.

    Args:
        task: ``"adding"`` (``length`` = T) or ``"cue"`` (``length`` = cue distance).
        arm: a key of :data:`ARMS`. lr: learning rate. seed: weights and data.
        steps: training steps of 32 sequences. every: validate every ``every`` steps.
        after: ``(model, record) -> dict`` of extra measurements of the trained model.
    """
    model = build(arm, task, seed)
    runner = run_adding if task == "adding" else run_cue
    run = runner(model, length, steps, lr, seed=seed, valid_every=every)
    h = run.history
    worst = math.inf if lower_is_better(task) else 0.25
    valid = [v if math.isfinite(v) else worst for v in h.eval.get("valid", [])]
    norms = [g for g in h.grad_norm if math.isfinite(g)]
    record = {"task": task, "arm": arm, "lr": lr, "seed": seed, "valid_steps": h.eval_steps,
              "valid": valid, "test": run.score, "diverged": h.diverged,
              "grad_norm_max": max(norms, default=math.nan),
              "grad_norm_median": statistics.median(norms) if norms else math.nan,
              "clipped_fraction": sum(h.clipped) / max(len(h.clipped), 1),
              "seconds": h.seconds}
    if after is not None:
        record.update(after(model, record))
    return record


def sweep(task: str, arms: Iterable[str], lrs: Iterable[float], seeds: Iterable[int],
          **setting) -> list[dict]:
    """Every arm × learning rate × seed (:func:`run_one` with ``setting``)."""
    return [run_one(task, arm, lr, seed, **setting)
            for arm in arms for lr in lrs for seed in seeds]


def final_valid(record: dict) -> float:
    """The validation score after the last step (the worst score if the run diverged)."""
    worst = math.inf if lower_is_better(record["task"]) else 0.25
    if record["diverged"] or not record["valid"]:
        return worst
    return record["valid"][-1]


def steps_to_solve(record: dict) -> int | None:
    """The first validation step at which the run solves its task, or None."""
    for step, score in zip(record["valid_steps"], record["valid"], strict=True):
        if solved(record["task"], score):
            return step
    return None


def select_lr(records: list[dict], arm: str, seeds: Iterable[int] | None = None) -> float:
    """The learning rate of ``arm`` with the best mean final **validation** score over the
    seeds (``seeds``: default all); ties go to the rate that solved the task sooner (mean
    steps to solve, an unsolved run counting as one step more than its budget)."""
    mine = [r for r in records if r["arm"] == arm and (seeds is None or r["seed"] in seeds)]
    if not mine:
        raise ValueError(f"no records of arm {arm!r}")
    sign = 1.0 if lower_is_better(mine[0]["task"]) else -1.0

    def key(lr):
        runs = [r for r in mine if r["lr"] == lr]
        budget = max(r["valid_steps"][-1] if r["valid_steps"] else 0 for r in runs) + 1
        speed = statistics.mean(steps_to_solve(r) or budget for r in runs)
        return (sign * statistics.mean(final_valid(r) for r in runs), speed)

    return min(sorted({r["lr"] for r in mine}), key=key)


def summarise(records: list[dict], arm: str, lr: float) -> dict:
    """Test scores of ``arm`` at learning rate ``lr`` over its seeds: every score, mean,
    min, max, how many seeds solved the task and the steps each took (validation)."""
    runs = sorted((r for r in records if r["arm"] == arm and r["lr"] == lr),
                  key=lambda r: r["seed"])
    if not runs:
        raise ValueError(f"no records of arm {arm!r} at lr {lr}")
    task = runs[0]["task"]
    tests = [r["test"] for r in runs]
    return {"arm": arm, "lr": lr, "seeds": [r["seed"] for r in runs], "test": tests,
            "mean": statistics.mean(tests), "min": min(tests), "max": max(tests),
            "solved": sum(solved(task, s) for s in tests), "n": len(runs),
            "steps_to_solve": [steps_to_solve(r) for r in runs]}


def compare(records: list[dict], arms: Iterable[str], tuning_seeds: Iterable[int]) -> dict:
    """For each arm: the rate selected on validation over ``tuning_seeds`` and the summary of
    its test scores over every seed run at that rate."""
    out = {}
    for arm in arms:
        lr = select_lr(records, arm, tuning_seeds)
        out[arm] = summarise(records, arm, lr)
    return out
