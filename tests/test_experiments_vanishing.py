"""Notebook 05's experiments on tiny budgets: runner extensions, stored structure, re-runs."""

import math

import numpy as np
import pytest
import torch

from course_lib.experiments import vanishing as ex
from course_lib.experiments.catalog import experiments
from course_lib.experiments.runs import run_adding, run_cue
from course_lib.tasks import attractor_cue_task

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.fixture
def tiny(monkeypatch):
    recency = {**ex.RECENCY, "distances": [1, 4], "seeds": [0, 1], "steps": 60,
               "eval_every": 20, "n_test": 64,
               "attractor": {**ex.RECENCY["attractor"], "distances": [4],
                             "attractor_distance": 1, "steps": 40}}
    adding = {**ex.ADDING, "T": 6, "steps": 30, "kinds": ["tanh", "lstm"], "lrs": [1e-3, 1e-2],
              "seeds": [0, 1], "n_valid": 64, "n_test": 64}
    monkeypatch.setattr(ex, "RECENCY", recency)
    monkeypatch.setattr(ex, "ADDING", adding)
    return recency, adding


def test_both_experiments_are_in_the_catalog():
    found = experiments()
    for e in (ex.RECENCY_EXPERIMENT, ex.REMEDIES_EXPERIMENT):
        assert found[e.name] is e and e.notebook == "05"


def test_eval_every_records_the_accuracy_of_shorter_budgets():
    long = run_cue("tanh", 2, 40, lr=1e-2, eval_every=20, n_test=64)
    short = run_cue("tanh", 2, 20, lr=1e-2, n_test=64)
    assert long.history.eval_steps == [20, 40]
    assert long.history.eval["accuracy"][0] == short.score  # constant lr: a prefix is a run
    assert long.history.eval["accuracy"][1] == long.score


def test_attractor_run_is_scored_on_attractor_cases_only():
    run = run_cue("tanh", 4, 30, lr=1e-2, attractor_distance=1, n_test=200)
    x, y, a = attractor_cue_task(200, 4, np.random.default_rng([0, 2**31]), 1, agree=0.0)
    with torch.no_grad():
        acc = float((run.model(torch.from_numpy(x)).argmax(1) == torch.from_numpy(y)).double()
                    .mean())
    assert run.score == acc and np.all(a != y)
    plain = run_cue("tanh", 4, 30, lr=1e-2, n_test=200)
    assert plain.score != run.score or plain.history.loss != run.history.loss


def test_validation_stream_is_not_the_test_stream():
    run = run_adding("tanh", 6, 20, lr=1e-2, n_valid=100, n_test=100)
    assert run.valid is not None and math.isfinite(run.valid) and run.valid != run.score
    assert run_adding("tanh", 6, 20, lr=1e-2).valid is None


def test_best_rates_picks_the_lowest_validation_mse():
    sweep = {"a": {"0.001": 0.2, "0.01": 0.05, "0.1": math.inf},
             "b": {"0.001": math.inf, "0.01": 0.3, "0.1": 0.3}}
    assert ex.best_rates(sweep) == {"a": "0.01", "b": "0.01"}


def test_recency_runs_reproduce_and_a_changed_result_is_caught(tiny):
    recency, _ = tiny
    config, results = ex.run_recency()
    assert config is recency and results["budgets"] == [20, 40, 60]
    for d in ("1", "4"):
        assert np.shape(results["accuracy"][d]) == (2, 3)
    acc = results["attractor"]["accuracy"]["4"]
    fol = results["attractor"]["follows"]["4"]
    assert len(acc) == len(fol) == 2 and all(a + f <= 1 + 1e-12 for a, f in zip(acc, fol, strict=True))
    assert ex.reproduce_recency(results) == []  # same machine: bit-identical re-runs
    results["accuracy"]["4"][0][0] += 0.5
    results["attractor"]["follows"]["4"][0] += 0.5
    problems = ex.reproduce_recency(results)
    assert any("cue d=4 seed 0 after 20 steps" in p for p in problems)
    assert any("attractor d=4 seed 0 follows" in p for p in problems)


def test_remedies_tune_on_validation_then_run_every_seed(tiny):
    _, adding = tiny
    config, results = ex.run_remedies()
    assert set(results["sweep"]) == {"tanh", "lstm"}
    for kind, by_lr in results["sweep"].items():
        assert results["chosen_lr"][kind] == min(by_lr, key=by_lr.get)
        assert len(results["test_mse"][kind]) == len(adding["seeds"])
        assert all(0 <= c <= 1 for c in results["clipped"][kind])
    lr = float(results["chosen_lr"]["lstm"])
    rerun = run_adding("lstm", 6, 30, lr, clip_norm=1.0, seed=1, n_test=64, n_valid=64)
    assert results["test_mse"]["lstm"][1] == rerun.score
    assert results["valid_mse"]["lstm"][0] == results["sweep"]["lstm"][repr(lr)]
    assert ex.reproduce_remedies(results) == []
    solved = 0.001 * ex.ADDING_BASELINE_MSE
    results["test_mse"]["lstm"][0] = solved  # stored as solved: the re-run is not
    assert any("adding lstm seed 0" in p and "(solved)" in p
               for p in ex.reproduce_remedies(results))


def test_reproduce_remedies_compares_verdicts(monkeypatch):
    """Solved runs must stay solved (within a factor 3); unsolved ones unsolved and finite."""
    scores = {}

    class FakeRun:
        def __init__(self, score):
            self.score = score

    monkeypatch.setattr(ex, "_adding_run", lambda kind, lr, seed: FakeRun(scores[kind]))
    base = ex.ADDING_BASELINE_MSE
    stored = {"chosen_lr": {"irnn": "0.001", "lstm": "0.03"},
              "test_mse": {"irnn": [0.3 * base], "lstm": [0.003 * base]}}
    for irnn, lstm, bad in [(0.9 * base, 0.004 * base, []),  # chaotic drift, same verdicts
                            (0.005 * base, 0.004 * base, ["irnn"]),  # irnn now solves
                            (2.0 * base, 0.004 * base, ["irnn"]),  # irnn diverges upward
                            (0.9 * base, 0.02 * base, ["lstm"]),  # lstm no longer solves
                            (0.9 * base, 0.0005 * base, ["lstm"])]:  # solved, 6x off
        scores.update(irnn=irnn, lstm=lstm)
        found = [k for k in ("irnn", "lstm")
                 if any(p.startswith(f"adding {k}") for p in ex.reproduce_remedies(stored))]
        assert found == bad, (irnn, lstm)
