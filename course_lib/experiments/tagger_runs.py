"""One training run of the capstone tagger, as the tagger experiments use it.

A run builds a :class:`~course_lib.tagger.model.SlotTagger` from ``torch.manual_seed(seed)``,
trains it with :func:`~course_lib.tagger.train.fit` (batches of epoch e from
``default_rng([seed, e])``, early stopping on dev) and scores the kept epoch on dev and test.
Dev decides everything (learning rate, epoch); test is scored once per run and only reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

import torch

from course_lib.batching import TaggerVocabs
from course_lib.data import Example
from course_lib.tagger.decode import predict
from course_lib.tagger.evaluate import score, selection_score
from course_lib.tagger.model import SlotTagger, make_config
from course_lib.tagger.train import fit


def _rounded(metrics: dict) -> dict:
    return {k: (None if v is None else round(float(v), 6)) for k, v in metrics.items()}


def train_run(corpus: dict[str, Sequence[Example]], vocabs: TaggerVocabs, seed: int, lr: float,
              model: dict, training: dict, train_size: int | None = None,
              decoders: Sequence[str] = ("viterbi",)) -> tuple[dict, SlotTagger]:
    """Train one tagger and score it; returns ``(record, model)``.

    ``model`` holds :func:`~course_lib.tagger.model.make_config` keywords, ``training``
    :func:`~course_lib.tagger.train.fit` keywords (not ``lr``/``seed``). The record has
    ``seed, lr, epochs, best_epoch, stopped, cpu_seconds, dev_score`` and, per decoder,
    ``dev[decoder]`` and ``test[decoder]`` metric dicts (fractions in [0, 1]).
    """
    train = corpus["train"][:train_size] if train_size else corpus["train"]
    torch.manual_seed(seed)
    tagger = SlotTagger(make_config(vocabs, **model))
    cpu = time.process_time()
    hist = fit(tagger, vocabs, train, corpus["dev"], lr=lr, seed=seed, **training)
    record = {"seed": seed, "lr": lr, "epochs": len(hist.epoch_loss),
              "best_epoch": hist.best_epoch, "stopped": hist.stopped,
              "cpu_seconds": round(time.process_time() - cpu, 1), "dev": {}, "test": {}}
    for decoder in decoders:
        for split in ("dev", "test"):
            record[split][decoder] = _rounded(score(corpus[split], predict(
                tagger, corpus[split], vocabs, decoder)))
    record["dev_score"] = round(selection_score(record["dev"][decoders[0]]), 6)
    return record, tagger


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    values = [float(v) for v in values]
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def compare(stored: dict, new: dict, tolerances: dict[str, float], where: str) -> list[str]:
    """Differences between two metric dicts beyond ``tolerances`` (absolute, in [0, 1])."""
    problems = []
    for key, tol in tolerances.items():
        a, b = stored.get(key), new.get(key)
        if a is None or b is None or abs(a - b) > tol:
            problems.append(f"{where} {key}: stored {a}, re-run {b} (tolerance {tol})")
    return problems
