"""Error analysis of a trained tagger, for notebooks 08 and 09.

* :func:`case_accuracy` — the fraction of chosen cases (e.g. cities decided by a cue word,
  :func:`course_lib.corpus.is_left_cue_case`) whose chosen tokens are all tagged right;
* :func:`token_confusion` — token-level confusion counts over slot types;
* :func:`city_recall` — recall of gold city spans, split into cities whose words were all
  seen in training and cities with a word never seen (the held-out cities of the corpus).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_lib.batching import TaggerVocabs
from course_lib.data import Example
from course_lib.metrics import get_spans
from course_lib.tagger.decode import predict
from course_lib.tagger.model import SlotTagger


def case_accuracy(model: SlotTagger, cases: Sequence[tuple[Example, list[int]]],
                  vocabs: TaggerVocabs, decoder: str = "viterbi") -> float:
    """Fraction of ``(example, token indices)`` cases whose indexed tokens are ALL tagged right."""
    if not cases:
        raise ValueError("cases is empty")
    pred = predict(model, [ex for ex, _ in cases], vocabs, decoder)
    return float(np.mean([all(p.tags[j] == ex.tags[j] for j in idx)
                          for (ex, idx), p in zip(cases, pred, strict=True)]))


def slot_type(tag: str) -> str:
    """``'B-toloc.city_name'`` → ``'toloc.city_name'``; ``'O'`` → ``'O'``."""
    return tag if tag == "O" else tag[2:]


def token_confusion(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]],
                    labels: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Token-level confusion counts over slot types (B-/I- merged): ``m[g, p]``.

    Returns ``(m, labels)``; by default ``labels`` are the types that occur in a confused
    token (gold ≠ predicted type), sorted, plus ``"O"`` first.
    """
    pairs = [(slot_type(g), slot_type(p)) for gs, ps in zip(gold, pred, strict=True)
             for g, p in zip(gs, ps, strict=True)]
    if labels is None:
        labels = ["O"] + sorted({t for g, p in pairs if g != p for t in (g, p)} - {"O"})
    index = {t: i for i, t in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in pairs:
        if g in index and p in index:
            m[index[g], index[p]] += 1
    return m, labels


def city_recall(examples: Sequence[Example], pred_tags: Sequence[Sequence[str]],
                vocabs: TaggerVocabs) -> dict[str, dict[str, float]]:
    """Recall of gold ``*city_name`` spans, for cities seen / unseen in training.

    A city is *unseen* when one of its words is not in the word vocabulary (it reaches the
    model as ``<unk>``). Returns ``{"seen": {"recall", "spans"}, "unseen": {...}}``; a
    recall is NaN when there are no such spans.
    """
    hits = {"seen": [0, 0], "unseen": [0, 0]}
    for ex, p in zip(examples, pred_tags, strict=True):
        predicted = set(get_spans(p))
        for span in get_spans(ex.tags):
            if span[0].endswith("city_name"):
                known = all(w in vocabs.words.stoi for w in ex.tokens[span[1]:span[2]])
                h = hits["seen" if known else "unseen"]
                h[0] += span in predicted
                h[1] += 1
    return {k: {"recall": h[0] / h[1] if h[1] else float("nan"), "spans": h[1]}
            for k, h in hits.items()}
