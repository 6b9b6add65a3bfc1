"""Notebook 09's grid: RNN / LSTM / GRU × uni / bi × 1 / 2 layers on the course corpus.

Every configuration is the same slot tagger — 64-d word embeddings, 64 hidden units per
direction, a softmax per token, no character features and no intent head, so that the
encoder is the only difference — trained on the first 1,500 training utterances with Adam
(batch 32, clipping 5, the rate halved after every epoch without a better dev F1) and early
stopping on dev slot F1 (patience 4, at most 30 epochs).
Each configuration gets its own learning rate from {0.01, 0.03}, chosen on dev with seed 0;
then seeds 1 and 2 are trained with it. Results: per configuration the chosen rate, the dev
score of both rates, and for each seed the epochs, dev and test metrics. Test is only
reported; nothing is chosen on it.
"""

from __future__ import annotations

from course_lib.batching import build_vocabs
from course_lib.data import default_data_dir, load_corpus
from course_lib.experiments.catalog import Experiment
from course_lib.experiments.tagger_runs import compare, train_run

CELLS = ("rnn", "lstm", "gru")
DIRECTIONS = ("uni", "bi")
LAYERS = (1, 2)
RATES = (0.01, 0.03)
SEEDS = (0, 1, 2)
TRAIN_SIZE = 1500
MODEL = dict(char_features=False, intents=False, crf=False, embedding_dim=64, hidden_size=64,
             dropout=0.1, word_dropout=0.0)
TRAINING = dict(epochs=30, patience=4, batch_size=32, clip_norm=5.0, lr_decay=0.5)
TOLERANCE = {"slot_f1": 0.015}  # one re-run on another CPU kernel: chaotic but close


def config_name(cell: str, direction: str, layers: int) -> str:
    return f"{cell.upper()} {direction} {layers} layer{'s' * (layers > 1)}"


def _model(cell: str, direction: str, layers: int) -> dict:
    return {**MODEL, "cell": cell, "bidirectional": direction == "bi", "num_layers": layers}


def run() -> tuple[dict, dict]:
    corpus = load_corpus(default_data_dir())
    vocabs = build_vocabs(corpus["train"][:TRAIN_SIZE])
    configs = {}
    for cell in CELLS:
        for direction in DIRECTIONS:
            for layers in LAYERS:
                model = _model(cell, direction, layers)
                sweep = {lr: train_run(corpus, vocabs, SEEDS[0], lr, model, TRAINING,
                                       TRAIN_SIZE)[0] for lr in RATES}
                lr = max(RATES, key=lambda r: sweep[r]["dev_score"])
                runs = [sweep[lr]] + [train_run(corpus, vocabs, s, lr, model, TRAINING,
                                                TRAIN_SIZE)[0] for s in SEEDS[1:]]
                configs[config_name(cell, direction, layers)] = {
                    "cell": cell, "direction": direction, "layers": layers, "lr": lr,
                    "sweep_dev_score": {str(r): sweep[r]["dev_score"] for r in RATES},
                    "runs": runs}
    config = {"train_size": TRAIN_SIZE, "rates": RATES, "seeds": SEEDS, "model": MODEL,
              "training": TRAINING, "selection": "dev slot F1 (early stopping and rate)"}
    return config, {"configs": configs}


def reproduce(stored: dict) -> list[str]:
    """Re-train one configuration (LSTM bi 1 layer) with seed 0 and compare its dev F1."""
    name = config_name("lstm", "bi", 1)
    entry = stored["configs"][name]
    corpus = load_corpus(default_data_dir())
    vocabs = build_vocabs(corpus["train"][:TRAIN_SIZE])
    record, _ = train_run(corpus, vocabs, SEEDS[0], entry["lr"], _model("lstm", "bi", 1),
                          TRAINING, TRAIN_SIZE)
    return compare(entry["runs"][0]["dev"]["viterbi"], record["dev"]["viterbi"], TOLERANCE,
                   f"{name}, seed 0, dev")


EXPERIMENT = Experiment(
    name="tagger_grid", version=2, notebook="09", run=run, reproduce=reproduce,
    summary="RNN/LSTM/GRU × uni/bi × 1/2 layers, rate chosen on dev, 3 seeds (course corpus)")
