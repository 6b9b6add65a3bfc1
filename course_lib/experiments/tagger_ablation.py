"""What each part of notebook 09's tagger contributes: characters, word dropout, the CRF and
IOB2-constrained decoding.

The tagger is notebook 09's joint model (48-d word embeddings, a 32-channel character CNN,
one bidirectional LSTM layer of 48 units, intent head, CRF), trained with Adam (lr 0.01,
batch 64, clipping 5, the rate halved after every epoch without a better dev score) and early
stopping on the dev score (patience 3, at most 15 epochs), three seeds per variant.

* **components** (course corpus): with and without character features, with and without
  word dropout (0.05), all four combinations. Measured: recall of city spans in test whose
  words never occur in training (the corpus's held-out cities), and of the others.
* **decoding** (course corpus, and a harder corpus generated with the course's generator but
  only 300 training utterances): the same model with a softmax head decoded by argmax or by
  IOB2-constrained Viterbi, and with the CRF decoded by its own Viterbi with and without the
  constraints. Measured: slot F1, sentence accuracy, and how many predicted tag sequences are
  invalid IOB2.
"""

from __future__ import annotations

from course_lib.batching import build_vocabs
from course_lib.corpus import generate_corpus
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
HARDER = {"seed": 7, "sizes": {"train": 300, "dev": 300, "test": 600}}
HEADS = {"softmax": ({"crf": False}, ("argmax", "viterbi")),
         "crf": ({}, ("viterbi", "viterbi-free"))}
TOLERANCE = {"slot_f1": 0.015, "sentence_accuracy": 0.03}


def harder_corpus() -> dict:
    """The course generator with another seed and only 300 training utterances."""
    return generate_corpus(seed=HARDER["seed"], sizes=HARDER["sizes"])


def _components(corpus, vocabs) -> dict:
    out = {}
    for name, change in COMPONENTS.items():
        runs = []
        for seed in SEEDS:
            record, model = train_run(corpus, vocabs, seed, LR, {**MODEL, **change}, TRAINING)
            tags = [p.tags for p in predict(model, corpus["test"], vocabs)]
            record["test_city_recall"] = city_recall(corpus["test"], tags, vocabs)
            runs.append(record)
        out[name] = {"change": change, "runs": runs}
    return out


def _decoding(corpora: dict) -> dict:
    out = {}
    for cname, corpus in corpora.items():
        vocabs = build_vocabs(corpus["train"])
        out[cname] = {"sizes": {k: len(v) for k, v in corpus.items()}, "heads": {}}
        for head, (change, decoders) in HEADS.items():
            runs = [train_run(corpus, vocabs, seed, LR, {**MODEL, **change}, TRAINING,
                              decoders=decoders)[0] for seed in SEEDS]
            out[cname]["heads"][head] = {"decoders": decoders, "runs": runs}
    return out


def run() -> tuple[dict, dict]:
    course = load_corpus(default_data_dir())
    results = {"components": _components(course, build_vocabs(course["train"])),
               "decoding": _decoding({"course": course, "harder": harder_corpus()})}
    config = {"seeds": SEEDS, "lr": LR, "model": MODEL, "training": TRAINING,
              "components": COMPONENTS, "harder": HARDER,
              "heads": {k: list(v[1]) for k, v in HEADS.items()}}
    return config, results


def reproduce(stored: dict) -> list[str]:
    """Re-train the softmax head on the harder corpus with seed 0 and compare test metrics."""
    corpus = harder_corpus()
    entry = stored["decoding"]["harder"]["heads"]["softmax"]
    record, _ = train_run(corpus, build_vocabs(corpus["train"]), SEEDS[0], LR,
                          {**MODEL, **HEADS["softmax"][0]}, TRAINING,
                          decoders=HEADS["softmax"][1])
    problems = []
    for decoder in HEADS["softmax"][1]:
        problems += compare(entry["runs"][0]["test"][decoder], record["test"][decoder],
                            TOLERANCE, f"harder corpus, softmax, {decoder}, seed 0, test")
    return problems


EXPERIMENT = Experiment(
    name="tagger_ablation", version=1, notebook="09", run=run, reproduce=reproduce,
    summary="characters, word dropout, CRF and constrained decoding, 3 seeds (course corpora)")
