"""Valid tag sequences: a softmax head decoded by argmax or by IOB2-constrained Viterbi, and a
CRF decoded by its own Viterbi with and without the constraints.

Notebook 09's joint model (section 3's sizes: 48-d word embeddings, a 32-channel character
CNN, one bidirectional LSTM layer of 48 units, intent head) with a softmax head or a CRF, three
seeds each, on two corpora:

* the course corpus (4,500 / 600 / 600 utterances), Adam lr 0.01, batch 64, early stopping on
  the dev score (patience 3, at most 15 epochs), the rate halved after every epoch without a
  better dev score;
* a **harder corpus**: the course generator with another seed and only 300 training
  utterances (300 dev, 600 test), so more words are unseen and the model is less sure; batch
  16 (so that an epoch has enough steps), patience 5, at most 30 epochs.

Measured on test: slot F1, sentence accuracy and the number of predicted tag sequences that
are invalid IOB2. Every decoder of one model scores the same trained weights.
"""

from __future__ import annotations

from course_lib.batching import build_vocabs
from course_lib.corpus import generate_corpus
from course_lib.data import default_data_dir, load_corpus
from course_lib.experiments.catalog import Experiment
from course_lib.experiments.tagger_ablation import LR, MODEL, SEEDS, TOLERANCE
from course_lib.experiments.tagger_runs import compare, train_run

TRAINING = {"course": dict(epochs=15, patience=3, batch_size=64, clip_norm=5.0, lr_decay=0.5),
            "harder": dict(epochs=30, patience=5, batch_size=16, clip_norm=5.0, lr_decay=0.5)}
HARDER = {"seed": 7, "sizes": {"train": 300, "dev": 300, "test": 600}}
HEADS = {"softmax": ({"crf": False}, ("argmax", "viterbi")),
         "crf": ({}, ("viterbi", "viterbi-free"))}


def harder_corpus() -> dict:
    """The course generator with another seed and only 300 training utterances."""
    return generate_corpus(seed=HARDER["seed"], sizes=HARDER["sizes"])


def run() -> tuple[dict, dict]:
    corpora = {"course": load_corpus(default_data_dir()), "harder": harder_corpus()}
    out = {}
    for cname, corpus in corpora.items():
        vocabs = build_vocabs(corpus["train"])
        out[cname] = {"sizes": {k: len(v) for k, v in corpus.items()}, "heads": {}}
        for head, (change, decoders) in HEADS.items():
            runs = [train_run(corpus, vocabs, seed, LR, {**MODEL, **change}, TRAINING[cname],
                              decoders=decoders)[0] for seed in SEEDS]
            out[cname]["heads"][head] = {"decoders": decoders, "runs": runs}
    config = {"seeds": SEEDS, "lr": LR, "model": MODEL, "training": TRAINING,
              "harder": HARDER, "heads": {k: list(v[1]) for k, v in HEADS.items()}}
    return config, {"decoding": out}


def reproduce(stored: dict) -> list[str]:
    """Re-train the softmax head on the harder corpus with seed 0 and compare test metrics."""
    corpus = harder_corpus()
    entry = stored["decoding"]["harder"]["heads"]["softmax"]
    record, _ = train_run(corpus, build_vocabs(corpus["train"]), SEEDS[0], LR,
                          {**MODEL, **HEADS["softmax"][0]}, TRAINING["harder"],
                          decoders=HEADS["softmax"][1])
    problems = []
    for decoder in HEADS["softmax"][1]:
        problems += compare(entry["runs"][0]["test"][decoder], record["test"][decoder],
                            TOLERANCE, f"harder corpus, softmax, {decoder}, seed 0, test")
    return problems


EXPERIMENT = Experiment(
    name="tagger_decoding", version=1, notebook="09", run=run, reproduce=reproduce,
    summary="argmax vs constrained Viterbi vs CRF, course and harder corpus, 3 seeds")
