"""Notebook 08's long experiments: right context (uni- vs bidirectional) and depth (residual).

* ``right_context`` — LSTM taggers, unidirectional vs bidirectional, otherwise identical,
  over seeds: accuracy on the dev cities whose slot is decided by a cue to their left / right
  (``course_lib.corpus.is_left_cue_case`` / ``is_right_cue_case``; every token of the city
  right counts as correct).
* ``depth`` — tanh-RNN taggers of 1, 2, 4 and 8 stacked layers, with and without residual
  connections between layers (:class:`~course_lib.experiments.models.StackTagger`; one layer
  is the same model either way), over seeds: the gradient norm reaching the bottom layer at
  initialisation, the training loss after a fixed budget, and dev span F1.

Both use the course corpus, vocabularies from its training split, and
:mod:`course_lib.experiments.tagging` (seeding: weights from ``seed``, epoch order from
``default_rng([seed, epoch])``).
"""

from __future__ import annotations

import numpy as np

from course_lib.corpus import is_left_cue_case, is_right_cue_case
from course_lib.data import Vocab, default_data_dir, load_corpus
from course_lib.experiments.catalog import Experiment
from course_lib.experiments.models import SequenceTagger, StackTagger
from course_lib.experiments.tagging import (
    epoch_batches,
    known_tags,
    predict_tags,
    tagger_f1,
    tagging_loss,
    train_tagger,
)
from course_lib.train import train

CONTEXT = dict(cell="lstm", embedding_dim=32, hidden_size=32, epochs=3, lr=2e-2, batch_size=64)
DEPTH = dict(depths=(1, 2, 4, 8), hidden_size=32, steps=300, lr=3e-3, clip_norm=5.0,
             batch_size=64)


def corpus_and_vocabs():
    """The course corpus and word/tag vocabularies built from its training split."""
    corpus = load_corpus(default_data_dir())
    words = Vocab.build(ex.tokens for ex in corpus["train"])
    tags = Vocab.build((ex.tags for ex in corpus["train"]), specials=("<pad>",))
    return corpus, words, tags


def case_accuracy(model, cases, words, tags) -> float:
    """Fraction of ``(example, token indices)`` cases whose every indexed token is tagged right."""
    pred = predict_tags(model, [ex for ex, _ in cases], words, tags)
    return float(np.mean([all(p[j] == ex.tags[j] for j in idx)
                          for p, (ex, idx) in zip(pred, cases, strict=True)]))


def right_context_runs(seeds) -> dict:
    corpus, words, tags = corpus_and_vocabs()
    dev = known_tags(corpus["dev"], tags)
    cases = {"left": [(ex, i) for ex in dev if (i := is_left_cue_case(ex))],
             "right": [(ex, i) for ex in dev if (i := is_right_cue_case(ex))]}
    out = {}
    for direction, bi in (("uni", False), ("bi", True)):
        for seed in seeds:
            model = SequenceTagger(len(words), len(tags), cell=CONTEXT["cell"],
                                   embedding_dim=CONTEXT["embedding_dim"],
                                   hidden_size=CONTEXT["hidden_size"], bidirectional=bi,
                                   seed=seed)
            train_tagger(model, corpus["train"], words, tags, CONTEXT["epochs"], CONTEXT["lr"],
                         CONTEXT["batch_size"], seed=seed, desc=f"{direction} seed {seed}")
            out[f"{direction}/{seed}"] = {f"{side}-cue cities": case_accuracy(model, c, words, tags)
                                          for side, c in cases.items()}
    out["cases"] = {side: len(c) for side, c in cases.items()}
    return out


def run_right_context():
    seeds = list(range(5))
    return {**CONTEXT, "seeds": seeds, "split": "dev"}, right_context_runs(seeds)


def reproduce_right_context(stored: dict) -> list[str]:
    """Seed 0 again: each accuracy within 0.05 of the stored one (a float32 training run
    ends a little differently on other CPU kernels; 0.05 is ~4 of the ~90 right-cue cities)."""
    again = right_context_runs([0])
    return [f"{key} {side}: {again[key][side]:.3f} vs stored {stored[key][side]:.3f}"
            for key in ("uni/0", "bi/0") for side in again[key]
            if abs(again[key][side] - stored[key][side]) > 0.05]


def bottom_gradient(model, batch) -> float:
    """‖∂L/∂W_ih‖ of the bottom layer for one batch (at initialisation)."""
    model.zero_grad()
    tagging_loss(model, batch).backward()
    return float(model.stack.layers[0].weight_ih_l0.grad.norm())


def depth_runs(seeds, depths) -> dict:
    corpus, words, tags = corpus_and_vocabs()
    dev = known_tags(corpus["dev"], tags)
    data = epoch_batches(corpus["train"], words, tags, DEPTH["batch_size"], epochs=10, seed=0)
    out = {}
    for layers in depths:
        for kind in ("plain", "residual"):
            for seed in seeds:
                model = StackTagger(len(words), len(tags), layers, residual=kind == "residual",
                                    hidden_size=DEPTH["hidden_size"], seed=seed)
                grad0 = bottom_gradient(model, data[seed])
                hist = train(model, tagging_loss, lambda k: data[k % len(data)], DEPTH["steps"],
                             DEPTH["lr"], clip_norm=DEPTH["clip_norm"],
                             desc=f"{layers} {kind} {seed}")
                out[f"{layers}/{kind}/{seed}"] = {
                    "bottom_grad_at_init": grad0, "final_train_loss": hist.final_loss(20),
                    "dev_f1": tagger_f1(model, dev, words, tags)}
    return out


def run_depth():
    seeds = list(range(3))
    return {**DEPTH, "seeds": seeds, "split": "dev"}, depth_runs(seeds, DEPTH["depths"])


def reproduce_depth(stored: dict) -> list[str]:
    """Depth 4, seed 0, both arms: the gradient at initialisation to 1e-4 relative (no training
    yet, only float32 round-off), dev F1 within 0.05 (a float32 training run)."""
    again = depth_runs([0], [4])
    problems = []
    for key, run in again.items():
        old = stored[key]
        if abs(run["bottom_grad_at_init"] / old["bottom_grad_at_init"] - 1) > 1e-4:
            problems.append(f"{key} gradient at init {run['bottom_grad_at_init']:.6g} vs "
                            f"{old['bottom_grad_at_init']:.6g}")
        if abs(run["dev_f1"] - old["dev_f1"]) > 0.05:
            problems.append(f"{key} dev F1 {run['dev_f1']:.3f} vs stored {old['dev_f1']:.3f}")
    return problems


RIGHT_CONTEXT = Experiment("right_context", 1, "08", run_right_context, reproduce_right_context,
                           "uni- vs bidirectional LSTM taggers on left/right-cue cities, 5 seeds")
DEPTH_EXPERIMENT = Experiment("depth", 1, "08", run_depth, reproduce_depth,
                              "1-8 stacked tanh-RNN layers, plain vs residual, 3 seeds")
