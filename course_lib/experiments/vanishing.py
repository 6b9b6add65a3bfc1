"""Notebook 05's long experiments: sequential recency on the cue task, remedies on adding.

``cue_recency`` — how far back can a tanh RNN carry a cue, and what does it learn instead?

* *learnability*: :func:`course_lib.experiments.runs.run_cue` at cue distances
  :data:`RECENCY` ``["distances"]`` for several seeds; the test accuracy is recorded every
  ``eval_every`` steps, and with a constant learning rate the accuracy after k steps of the
  run is exactly that of a k-step budget, so one run per (distance, seed) gives every budget.
* *attractor*: the same model on :func:`course_lib.tasks.attractor_cue_task` (a nearer cue
  token that agrees with the label 75 % of the time), scored on attractor cases only: the
  accuracy (reads the far cue) and how often the answer is the attractor's class
  (sequential recency, CS224n lecture 7; Linzen et al. 2016).

``adding_remedies`` — the lecture's remedies on the adding problem (Le et al. 2015 §4.1):
torch's default tanh RNN, orthogonal init, a ReLU RNN with torch's default init (the control
that separates the IRNN's activation from its identity init), the IRNN and the LSTM. Every
model gets its own learning rate, the one with the lowest *validation* MSE in a sweep on seed
``tune_seed``; then every model is trained with its rate on every seed and scored once on
the test stream. Norm clipping at ``clip_norm`` for all, and the fraction of clipped steps
is recorded.

Run with ``python -m course_lib.experiments run cue_recency adding_remedies``; the notebook
loads ``results/<name>.json``. Budgets (single-threaded CPU time) are in the stored files'
``produced_with``.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from course_lib.experiments.catalog import Experiment
from course_lib.experiments.runs import TEST_STREAM, run_adding, run_cue
from course_lib.tasks import ADDING_BASELINE_MSE, attractor_cue_task

RECENCY = {"kind": "tanh", "distances": [10, 30, 100], "seeds": [0, 1, 2], "steps": 1500,
           "eval_every": 250, "lr": 1e-2, "clip_norm": 1.0, "batch_size": 32, "n_test": 500,
           "n_classes": 4, "attractor": {"distances": [10, 30, 100], "attractor_distance": 3,
                                         "agree": 0.75, "steps": 1500}}
ADDING = {"T": 60, "steps": 1500, "kinds": ["tanh", "orthogonal", "relu", "irnn", "lstm"],
          "lrs": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2], "tune_seed": 0, "seeds": [0, 1, 2],
          "clip_norm": 1.0, "batch_size": 32, "hidden_size": 32, "n_valid": 500,
          "n_test": 500, "baseline_mse": ADDING_BASELINE_MSE}
ATTRACTOR_TEST_STREAM = TEST_STREAM + 7  # its own held-out set: attractor cases only

# Tolerances of the cheap re-runs, and why. On the machine that wrote the file a re-run is
# bit-identical (one torch thread, seeded data). Other CPU kernels change the last bits of a
# step, and a training run can then drift chaotically. Measured with the notebook's kernel
# settings (torch default/SSE4.2 and AVX2 vs the AVX-512 run that wrote the file): the cue
# runs of reproduce_recency came out bit-identical; the seed-0 adding runs did not — the LSTM
# ended at test MSE 0.00066 / 0.00081 (stored 0.00059), the IRNN at 0.150 / 0.155 (stored
# 0.056: on those kernels the run that "got part of the way" stays near the baseline).
# So the re-runs compare what the notebook's claims use: cue accuracies within ACC_TOL (a
# learned run stays above 0.9, a failed one near 0.25 or 0); for the adding problem whether
# a run solves the task (test MSE < SOLVED × baseline) — a solved one within a factor
# MSE_FACTOR of the stored MSE, an unsolved one still unsolved and not diverged.
ACC_TOL = 0.15
MSE_FACTOR = 3.0
SOLVED = 0.01


def _cue_run(d: int, seed: int, steps: int, attractor: dict | None = None):
    c = RECENCY
    extra = {} if attractor is None else {"attractor_distance": attractor["attractor_distance"],
                                          "agree": attractor["agree"]}
    return run_cue(c["kind"], d, steps, c["lr"], clip_norm=c["clip_norm"],
                   batch_size=c["batch_size"], seed=seed, n_test=c["n_test"],
                   n_classes=c["n_classes"], eval_every=c["eval_every"], **extra)


def _follows_attractor(model, d: int, seed: int) -> tuple[float, float]:
    """(accuracy, fraction answering the attractor's class) on attractor cases only."""
    a_cfg = RECENCY["attractor"]
    x, y, a = attractor_cue_task(RECENCY["n_test"], d, np.random.default_rng(
        [seed, ATTRACTOR_TEST_STREAM]), a_cfg["attractor_distance"], agree=0.0,
        n_classes=RECENCY["n_classes"])
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(x)).argmax(dim=1).numpy()
    return float((pred == y).mean()), float((pred == a).mean())


def run_recency() -> tuple[dict, dict]:
    c = RECENCY
    accuracy = {}  # {d: [[acc at each budget] for each seed]}
    for d in c["distances"]:
        accuracy[str(d)] = [_cue_run(d, s, c["steps"]).history.eval["accuracy"]
                            for s in c["seeds"]]
    a_cfg = c["attractor"]
    att = {"accuracy": {}, "follows": {}, "accuracy_curve": {}}
    for d in a_cfg["distances"]:
        runs = [_cue_run(d, s, a_cfg["steps"], attractor=a_cfg) for s in c["seeds"]]
        scored = [_follows_attractor(r.model, d, s) for r, s in zip(runs, c["seeds"],
                                                                     strict=True)]
        att["accuracy"][str(d)] = [acc for acc, _ in scored]
        att["follows"][str(d)] = [fol for _, fol in scored]
        att["accuracy_curve"][str(d)] = [r.history.eval["accuracy"] for r in runs]
    budgets = list(range(c["eval_every"], c["steps"] + 1, c["eval_every"]))
    return c, {"budgets": budgets, "accuracy": accuracy, "attractor": att,
               "chance": 1.0 / c["n_classes"]}


def reproduce_recency(stored: dict) -> list[str]:
    """The first seed at the shortest and the longest distance for the first 500 steps (the
    accuracy after k steps does not depend on the steps that follow), and the attractor run
    at the shortest distance: accuracies within :data:`ACC_TOL`."""
    c, problems = RECENCY, []
    seed, steps = c["seeds"][0], min(500, c["steps"])
    for d in (c["distances"][0], c["distances"][-1]):
        got = _cue_run(d, seed, steps).history.eval["accuracy"]
        want = stored["accuracy"][str(d)][0][:len(got)]
        problems += [f"cue d={d} seed {seed} after {(i + 1) * c['eval_every']} steps: "
                     f"accuracy {g:.3f}, stored {w:.3f}"
                     for i, (g, w) in enumerate(zip(got, want, strict=True))
                     if abs(g - w) > ACC_TOL]
    a_cfg = c["attractor"]
    d = a_cfg["distances"][0]
    run = _cue_run(d, seed, a_cfg["steps"], attractor=a_cfg)
    acc, fol = _follows_attractor(run.model, d, seed)
    for name, got, want in (("accuracy", acc, stored["attractor"]["accuracy"][str(d)][0]),
                            ("follows", fol, stored["attractor"]["follows"][str(d)][0])):
        if abs(got - want) > ACC_TOL:
            problems.append(f"attractor d={d} seed {seed} {name}: {got:.3f}, stored {want:.3f}")
    return problems


def _adding_run(kind: str, lr: float, seed: int, steps: int | None = None):
    c = ADDING
    return run_adding(kind, c["T"], steps or c["steps"], lr, clip_norm=c["clip_norm"],
                      hidden_size=c["hidden_size"], batch_size=c["batch_size"], seed=seed,
                      n_test=c["n_test"], n_valid=c["n_valid"])


def _summary(run) -> dict:
    h = run.history
    every = max(1, len(h.loss) // 60)  # ~60 points of the training curve for the figure
    curve = [float(np.mean(h.loss[i:i + every])) for i in range(0, len(h.loss), every)]
    return {"test_mse": run.score, "valid_mse": run.valid, "diverged": h.diverged,
            "clipped": float(np.mean(h.clipped)) if h.clipped else 0.0,
            "loss_curve": curve, "curve_every": every}


def best_rates(sweep: dict) -> dict:
    """``{model: lr}`` with the lowest validation MSE in ``{model: {lr: MSE}}`` (ties: the
    smaller rate; a diverged run's MSE is inf and never chosen unless all diverged)."""
    return {k: min(v, key=lambda lr: (v[lr], float(lr))) for k, v in sweep.items()}


def run_remedies() -> tuple[dict, dict]:
    c = ADDING
    sweep, runs = {}, {}
    for kind in c["kinds"]:
        sweep[kind] = {}
        for lr in c["lrs"]:
            runs[(kind, lr, c["tune_seed"])] = _summary(_adding_run(kind, lr, c["tune_seed"]))
            sweep[kind][repr(lr)] = runs[(kind, lr, c["tune_seed"])]["valid_mse"]
    chosen = best_rates(sweep)
    by_seed = {}
    for kind in c["kinds"]:
        lr = float(chosen[kind])
        by_seed[kind] = [runs.get((kind, lr, s)) or _summary(_adding_run(kind, lr, s))
                         for s in c["seeds"]]
    results = {"sweep": sweep, "chosen_lr": chosen,
               "sweep_clipped": {k: {repr(lr): runs[(k, lr, c["tune_seed"])]["clipped"]
                                     for lr in c["lrs"]} for k in c["kinds"]}}
    for key in ("test_mse", "valid_mse", "clipped", "diverged"):
        results[key] = {k: [r[key] for r in v] for k, v in by_seed.items()}
    results["loss_curve"] = {k: v[0]["loss_curve"] for k, v in by_seed.items()}
    results["curve_every"] = by_seed[c["kinds"][0]][0]["curve_every"]
    return c, results


def reproduce_remedies(stored: dict) -> list[str]:
    """The IRNN and the LSTM on seed 0 at their chosen rates: the same verdict (solved or
    not, see the tolerances above), and a solved MSE within a factor :data:`MSE_FACTOR`."""
    problems, level = [], SOLVED * ADDING_BASELINE_MSE
    for kind in [k for k in ("irnn", "lstm") if k in stored["chosen_lr"]]:
        lr = float(stored["chosen_lr"][kind])
        got = _adding_run(kind, lr, ADDING["seeds"][0]).score
        want = stored["test_mse"][kind][0]
        if want < level:
            ok = got < level and 1 / MSE_FACTOR <= got / want <= MSE_FACTOR
        else:
            ok = level <= got <= 1.2 * ADDING_BASELINE_MSE and math.isfinite(got)
        if not ok:
            problems.append(f"adding {kind} seed 0 lr {lr:g}: test MSE {got:.4g}, stored "
                            f"{want:.4g} ({'solved' if want < level else 'not solved'})")
    return problems


RECENCY_EXPERIMENT = Experiment(
    name="cue_recency", version=1, notebook="05", run=run_recency, reproduce=reproduce_recency,
    summary="tanh RNN on the cue task: accuracy vs distance, budget, seed; attractor variant")
REMEDIES_EXPERIMENT = Experiment(
    name="adding_remedies", version=1, notebook="05", run=run_remedies,
    reproduce=reproduce_remedies,
    summary="adding problem: tanh, orthogonal, ReLU, IRNN, LSTM, each with a tuned rate")
