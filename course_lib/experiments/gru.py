"""Notebook 07's long experiments: the GRU beside the tanh RNN and the LSTM.

* ``gru_cells`` — the GRU on the adding problem (T = 30) and the tanh RNN and GRU on the
  cue task (cue 15 steps back), with exactly the learning-rate grid, seeds, budgets and
  selection rule of notebook 06's ``lstm_gating`` (:mod:`course_lib.experiments.lstm`),
  whose stored runs supply the other arms: together, four models on two tasks, each with
  its own learning rate selected on validation data. Beside them, the budget control for
  the default LSTM's failure on the cue task: three seeds at the learning rate notebook 06
  selected for it, with three times the steps.
* ``gru_small_data`` — "try a GRU when the LSTM overfits", tested: unidirectional slot
  taggers (:class:`~course_lib.experiments.models.SequenceTagger`, LSTM or GRU) trained on
  100 sentences of the course corpus (a different random sample per seed, the same one for
  both cells), vocabulary from the **full** training split (so dev and test words are
  known), 30 epochs with **early stopping** on dev span F1 (the best epoch's weights are
  kept), each cell's learning rate selected on dev, and test span F1 reported at the
  selected epoch.

References: Cho et al. 2014 (GRU); Chung et al. 2014 and Jozefowicz et al. 2015 (no
consistent winner between GRU and LSTM).
"""

from __future__ import annotations

import copy
import statistics

import numpy as np
import torch
import torch.nn.functional as F

from course_lib.data import Vocab, default_data_dir, load_corpus
from course_lib.experiments.catalog import Experiment
from course_lib.experiments.lstm import ADDING, CUE, FINAL_SEEDS, LRS, TUNING_SEEDS, tuned_sweep
from course_lib.experiments.models import SequenceTagger
from course_lib.experiments.runs import VALID_STREAM, cue_data
from course_lib.experiments.sweep import run_one, select_lr, solved
from course_lib.experiments.tagging import epoch_batches, known_tags, tagger_f1, tagging_loss
from course_lib.train import train

LONG_BUDGET = {"arm": "lstm", "lr": 3e-3, "steps": 1800, "seeds": (0, 1, 2)}
"""The default LSTM on the cue task with 3 × the budget, at the rate lstm_gating selected."""


def run_cells() -> tuple[dict, dict]:
    config = {"lrs": LRS, "tuning_seeds": TUNING_SEEDS, "final_seeds": FINAL_SEEDS,
              "adding": ADDING, "cue": CUE, "optimizer": "adam", "hidden_size": 32,
              "batch_size": 32, "other_arms": "notebook 06's lstm_gating",
              "long_budget": LONG_BUDGET}
    long = {**CUE, "steps": LONG_BUDGET["steps"]}
    return config, {"adding": tuned_sweep("adding", ("gru",), ADDING),
                    "cue": tuned_sweep("cue", ("tanh", "gru"), CUE),
                    "cue_long": [run_one("cue", LONG_BUDGET["arm"], LONG_BUDGET["lr"], seed,
                                         **long) for seed in LONG_BUDGET["seeds"]]}


def cue_gradient_ratio(model, distance: int = CUE["length"], n: int = 256,
                       seed: int = 0) -> float:
    """How strongly the loss reaches the cue: ‖∂L/∂e_cue‖ / ‖∂L/∂e_T‖, the gradient of the
    cross-entropy L with respect to the embedded cue token (the first step) over that at the
    last step, mean over ``n`` validation sequences of the cue task."""
    x, y = cue_data(n, distance, seed, VALID_STREAM)
    e = model.embedding(x).detach().requires_grad_(True)  # (N, T, D)
    loss = F.cross_entropy(model.head(model.rnn(e)[0][:, -1]), y)
    (grad,) = torch.autograd.grad(loss, e)
    norms = grad.norm(dim=2).mean(dim=0)  # (T,)
    return float(norms[0] / norms[-1])


def reproduce_cells(stored: dict) -> list[str]:
    """Re-run seed 0 of the GRU on the cue task at its stored selected rate (about 4 s of
    CPU). Tolerances: the same solved verdict; the first validation score within 1e-3
    relative (see :func:`course_lib.experiments.lstm.reproduce_gating`)."""
    problems = []
    for task, setting in (("cue", CUE),):
        lr = select_lr(stored[task], "gru", TUNING_SEEDS)
        old = next(r for r in stored[task] if r["arm"] == "gru" and r["lr"] == lr
                   and r["seed"] == 0)
        new = run_one(task, "gru", lr, 0, **setting)
        if solved(task, old["test"]) != solved(task, new["test"]):
            problems.append(f"{task}/gru/seed 0: test {old['test']:.4g} stored, "
                            f"{new['test']:.4g} re-run (solved verdict differs)")
        a, b = old["valid"][0], new["valid"][0]
        if not abs(a - b) <= 1e-3 * max(abs(a), 1e-12):
            problems.append(f"{task}/gru/seed 0: first validation {a:.6g} stored, {b:.6g} re-run")
    return problems


# ---- small data: does the GRU overfit less? ------------------------------------------------

SMALL = {"sentences": 100, "epochs": 30, "batch_size": 16, "embedding_dim": 32,
         "hidden_size": 64, "optimizer": "adam"}
TAGGER_LRS = (3e-3, 1e-2, 3e-2)
CELLS = ("lstm", "gru")


def small_data_split(seed: int, corpus=None):
    """``(train_subset, words, tags, dev, test)`` for ``seed``: ``SMALL["sentences"]``
    training sentences drawn without replacement by ``default_rng([seed, 100])``; the word
    and tag vocabularies from the full training split; dev and test sentences whose tags
    the tag vocabulary knows."""
    corpus = corpus or load_corpus(default_data_dir())
    full = corpus["train"]
    idx = np.random.default_rng([seed, 100]).choice(len(full), SMALL["sentences"],
                                                     replace=False)
    words = Vocab.build([ex.tokens for ex in full])
    tags = Vocab.build([ex.tags for ex in full], specials=("<pad>",))
    return ([full[int(i)] for i in idx], words, tags, known_tags(corpus["dev"], tags),
            known_tags(corpus["test"], tags))


def tagger_run(cell: str, lr: float, seed: int, corpus=None) -> dict:
    """Train one small-data tagger with early stopping on dev; return its record: dev F1
    after every epoch, the best epoch, train / dev / test F1 there, and the train − dev gap
    after the last epoch (how far it overfits without early stopping)."""
    small, words, tags, dev, test = small_data_split(seed, corpus)
    model = SequenceTagger(len(words), len(tags), cell=cell, seed=seed,
                           embedding_dim=SMALL["embedding_dim"],
                           hidden_size=SMALL["hidden_size"])
    data = epoch_batches(small, words, tags, SMALL["batch_size"], SMALL["epochs"], seed)
    best = {"f1": -1.0, "state": None}

    def on_epoch(m):
        f1 = tagger_f1(m, dev, words, tags)
        if f1 > best["f1"]:
            best.update(f1=f1, state=copy.deepcopy(m.state_dict()))
        return {"dev": f1}

    per_epoch = len(data) // SMALL["epochs"]
    hist = train(model, tagging_loss, data.__getitem__, len(data), lr, eval_fn=on_epoch,
                 eval_every=per_epoch, desc=f"{cell} tagger")
    last_train = tagger_f1(model, small, words, tags)
    model.load_state_dict(best["state"])
    dev_f1 = hist.eval["dev"]
    return {"cell": cell, "lr": lr, "seed": seed, "dev_per_epoch": dev_f1,
            "best_epoch": int(np.argmax(dev_f1)) + 1, "dev": best["f1"],
            "train": tagger_f1(model, small, words, tags), "test": tagger_f1(model, test, words,
                                                                            tags),
            "final_gap": last_train - dev_f1[-1],
            "recurrent_params": sum(p.numel() for p in model.rnn.parameters()),
            "seconds": hist.seconds}


def select_tagger_lr(records: list[dict], cell: str) -> float:
    """The rate with the best mean dev F1 (at each run's best epoch) over the tuning seeds."""
    rates = sorted({r["lr"] for r in records if r["cell"] == cell})
    return max(rates, key=lambda lr: statistics.mean(
        r["dev"] for r in records if r["cell"] == cell and r["lr"] == lr
        and r["seed"] in TUNING_SEEDS))


def run_small_data() -> tuple[dict, dict]:
    corpus = load_corpus(default_data_dir())
    records = [tagger_run(cell, lr, seed, corpus)
               for cell in CELLS for lr in TAGGER_LRS for seed in TUNING_SEEDS]
    for cell in CELLS:
        lr = select_tagger_lr(records, cell)
        records += [tagger_run(cell, lr, seed, corpus) for seed in FINAL_SEEDS
                    if seed not in TUNING_SEEDS]
    config = {**SMALL, "lrs": TAGGER_LRS, "tuning_seeds": TUNING_SEEDS,
              "final_seeds": FINAL_SEEDS, "vocabulary": "full training split",
              "selection": "learning rate: best mean dev F1 over the tuning seeds; epoch: "
              "best dev F1 of each run (early stopping)"}
    return config, {"runs": records}


def reproduce_small_data(stored: dict) -> list[str]:
    """Re-run seed 0 of the LSTM tagger at its selected rate (about 5 s of CPU). Tolerances: dev F1
    after the first epoch within 0.005 (span counts, before training diverges from the
    stored run), best dev F1 within 0.05 (about twice the seed-to-seed spread)."""
    runs = stored["runs"]
    lr = select_tagger_lr(runs, "lstm")
    old = next(r for r in runs if r["cell"] == "lstm" and r["lr"] == lr and r["seed"] == 0)
    new = tagger_run("lstm", lr, 0)
    problems = []
    if abs(old["dev_per_epoch"][0] - new["dev_per_epoch"][0]) > 0.005:
        problems.append(f"lstm tagger seed 0: dev F1 after epoch 1 {old['dev_per_epoch'][0]:.4f}"
                        f" stored, {new['dev_per_epoch'][0]:.4f} re-run")
    if abs(old["dev"] - new["dev"]) > 0.05:
        problems.append(f"lstm tagger seed 0: best dev F1 {old['dev']:.3f} stored, "
                        f"{new['dev']:.3f} re-run")
    return problems


EXPERIMENTS = (
    Experiment("gru_cells", 1, "07", run_cells, reproduce_cells,
               "GRU on adding T=30, tanh RNN and GRU on cue d=15, tuned lr (with lstm_gating)"),
    Experiment("gru_small_data", 1, "07", run_small_data, reproduce_small_data,
               "LSTM vs GRU taggers on 100 sentences, early stopping on dev, tuned lr"),
)
