"""Scoring a tagger the way SLU papers do: slot F1, intent accuracy, sentence accuracy.

* **slot F1** — span F1 under the CoNLL ``conlleval`` rules (:func:`course_lib.metrics.span_f1`);
* **intent accuracy** — the predicted intent label equals the gold one *exactly*; a
  multi-intent label such as ``atis_flight#atis_airfare`` is right only as a whole, and a
  gold label never seen in training can never be right (Goo et al. 2018);
* **sentence accuracy** (also "overall" or "semantic frame" accuracy) — the intent is right
  *and* every tag of the utterance is right;
* ``token_accuracy`` and ``invalid_iob2`` (the fraction of predicted tag sequences that are
  not valid IOB2) complete the picture.

:func:`slot_report` is the per-slot-type table that ``conlleval`` prints.

References: C.-W. Goo et al., NAACL 2018 (the three metrics on ATIS and SNIPS);
E. Tjong Kim Sang & S. Buchholz, CoNLL 2000 (``conlleval``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from course_lib.batching import TaggerVocabs
from course_lib.data import Example
from course_lib.metrics import get_spans, span_f1, token_accuracy
from course_lib.tagger.decode import Prediction, is_valid_iob2, predict
from course_lib.tagger.model import SlotTagger

METRICS = ("slot_f1", "intent_accuracy", "sentence_accuracy")


def score(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict:
    """The metrics of ``predictions`` against the gold ``examples``, all in [0, 1].

    Returns ``{"slot_f1", "precision", "recall", "token_accuracy", "intent_accuracy",
    "sentence_accuracy", "invalid_iob2"}``; ``intent_accuracy`` is None when the predictions
    carry no intent (then sentence accuracy counts the tags only).
    """
    if len(examples) != len(predictions):
        raise ValueError(f"{len(examples)} examples but {len(predictions)} predictions")
    if not examples:
        raise ValueError("cannot score an empty split")
    gold = [ex.tags for ex in examples]
    pred = [p.tags for p in predictions]
    precision, recall, f1 = span_f1(gold, pred)
    with_intent = all(p.intent is not None for p in predictions)
    intent_ok = [p.intent == ex.intent or not with_intent
                 for ex, p in zip(examples, predictions, strict=True)]
    sentence_ok = [ok and g == p for ok, g, p in zip(intent_ok, gold, pred, strict=True)]
    n = len(examples)
    return {"slot_f1": f1, "precision": precision, "recall": recall,
            "token_accuracy": token_accuracy(gold, pred),
            "intent_accuracy": sum(intent_ok) / n if with_intent else None,
            "sentence_accuracy": sum(sentence_ok) / n,
            "invalid_iob2": sum(not is_valid_iob2(p) for p in pred) / n}


def evaluate(model: SlotTagger, examples: Sequence[Example], vocabs: TaggerVocabs,
             decoder: str = "viterbi") -> dict:
    """:func:`score` of the model's predictions (:func:`~course_lib.tagger.decode.predict`)."""
    return score(examples, predict(model, examples, vocabs, decoder))


def selection_score(metrics: dict) -> float:
    """The dev number early stopping maximises: the mean of slot F1, intent and sentence
    accuracy (slot F1 alone for a model without an intent head)."""
    if metrics["intent_accuracy"] is None:
        return metrics["slot_f1"]
    return sum(metrics[k] for k in METRICS) / len(METRICS)


def slot_report(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Per slot type: ``{"precision", "recall", "f1", "gold", "predicted", "correct"}``
    (fractions in [0, 1], counts of spans), conlleval rules, types sorted by name."""
    counts: dict[str, Counter] = {}
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(get_spans(g)), set(get_spans(p))
        for key, spans in (("gold", gs), ("predicted", ps), ("correct", gs & ps)):
            for typ, _, _ in spans:
                counts.setdefault(typ, Counter())[key] += 1
    report = {}
    for typ in sorted(counts):
        c = counts[typ]
        p = c["correct"] / c["predicted"] if c["predicted"] else 0.0
        r = c["correct"] / c["gold"] if c["gold"] else 0.0
        report[typ] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                       "gold": c["gold"], "predicted": c["predicted"], "correct": c["correct"]}
    return report


def format_report(report: dict, metrics: dict | None = None) -> str:
    """``conlleval``-style text: an overall line, then one line per slot type (percent)."""
    lines = []
    if metrics is not None:
        lines.append(f"{'overall':>30}: precision {100 * metrics['precision']:6.2f}%; "
                     f"recall {100 * metrics['recall']:6.2f}%; "
                     f"FB1 {100 * metrics['slot_f1']:6.2f}")
    for typ, r in report.items():
        lines.append(f"{typ:>30}: precision {100 * r['precision']:6.2f}%; "
                     f"recall {100 * r['recall']:6.2f}%; FB1 {100 * r['f1']:6.2f}  "
                     f"{r['predicted']} predicted, {r['gold']} gold")
    return "\n".join(lines)
