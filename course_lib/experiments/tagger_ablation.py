"""What finds cities never seen in training? Notebook 09's tagger without characters, without
word dropout, or without both.

The tagger is notebook 09's joint model (48-d word embeddings, a 32-channel character CNN,
one bidirectional LSTM layer of 48 units, intent head, CRF), trained on the course corpus with
Adam (lr 0.01, batch 64, clipping 5, the rate halved after every epoch without a better dev
score) and early stopping on the dev score (patience 3, at most 15 epochs), three seeds per
variant. Measured on test: recall of the city spans with a word never seen in training (the
corpus's held-out cities) and of the other city spans, and the usual metrics.
"""

from __future__ import annotations

from course_lib.batching import build_vocabs
from course_lib.data import default_data_dir, load_corpus
from course_lib.experiments.catalog import Experiment
from course_lib.experiments.tagger_runs import compare, train_run
from course_lib.tagger.analysis import city_recall
from course_lib.tagger.decode import predict

SEEDS = (0, 1, 2)
LR = 0.01
MODEL = dict(embedding_dim=48, hidden_size=48, char_embedding_dim=16, char_channels=32,
             dropout=0.3, word_dropout=0.05, crf=True)
TRAINING = dict(epochs=15, patience=3, batch_size=64, clip_norm=5.0, lr_decay=0.5)
COMPONENTS = {
    "characters + word dropout": {},
    "no characters": {"char_features": False},
    "no word dropout": {"word_dropout": 0.0},
    "neither": {"char_features": False, "word_dropout": 0.0},
}
TOLERANCE = {"slot_f1": 0.015, "sentence_accuracy": 0.03}


def run() -> tuple[dict, dict]:
    corpus = load_corpus(default_data_dir())
    vocabs = build_vocabs(corpus["train"])
    out = {}
    for name, change in COMPONENTS.items():
        runs = []
        for seed in SEEDS:
            record, model = train_run(corpus, vocabs, seed, LR, {**MODEL, **change}, TRAINING)
            tags = [p.tags for p in predict(model, corpus["test"], vocabs)]
            record["test_city_recall"] = city_recall(corpus["test"], tags, vocabs)
            runs.append(record)
        out[name] = {"change": change, "runs": runs}
    config = {"seeds": SEEDS, "lr": LR, "model": MODEL, "training": TRAINING,
              "components": COMPONENTS}
    return config, {"components": out}


def reproduce(stored: dict) -> list[str]:
    """Re-train the variant without characters with seed 0 and compare its test metrics."""
    corpus = load_corpus(default_data_dir())
    name = "no characters"
    record, _ = train_run(corpus, build_vocabs(corpus["train"]), SEEDS[0], LR,
                          {**MODEL, **COMPONENTS[name]}, TRAINING)
    return compare(stored["components"][name]["runs"][0]["test"]["viterbi"],
                   record["test"]["viterbi"], TOLERANCE, f"{name}, seed 0, test")


EXPERIMENT = Experiment(
    name="tagger_ablation", version=2, notebook="09", run=run, reproduce=reproduce,
    summary="characters and word dropout switched off, unseen-city recall, 3 seeds")
