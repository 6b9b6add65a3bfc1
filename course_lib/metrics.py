"""Slot-filling metrics: span-level precision/recall/F1 (conlleval rules) and token accuracy.

A *span* (chunk) is a maximal run of tags of one slot type that starts a new entity. With
IOB2 tags a span starts at ``B-X``; the CoNLL evaluation script ``conlleval`` also starts a
span at an ``I-X`` that follows ``O``, a different type, or the sentence start (an "orphan"
``I-``), so predictions and non-strict public corpora are scored without throwing anything
away. A predicted span counts as correct only if its type, start and end all equal a gold span.

    precision = #correct / #predicted spans,   recall = #correct / #gold spans,
    F1 = 2 P R / (P + R)                        (0 when a denominator is 0)

Micro-averaged over all spans of all sentences, like ``conlleval`` and ``seqeval``'s default
mode (tests check exact agreement with ``seqeval.metrics``).

References:
    Tjong Kim Sang & Buchholz, "Introduction to the CoNLL-2000 shared task: chunking", 2000
    (the ``conlleval`` script).
    Mesnil et al., "Using recurrent neural networks for slot filling in spoken language
    understanding", IEEE/ACM TASLP 2015 (slot F1 on ATIS with conlleval).
"""

from __future__ import annotations

from collections.abc import Sequence


def _split_tag(tag: str) -> tuple[str, str]:
    """``'B-toloc.city_name'`` -> ``('B', 'toloc.city_name')``; ``'O'`` -> ``('O', '')``."""
    if tag == "O":
        return "O", ""
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BI":
        return tag[0], tag[2:]
    raise ValueError(f"tag must be 'O', 'B-<type>' or 'I-<type>', got {tag!r}")


def get_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Spans of one tag sequence as ``(type, start, end_exclusive)``, conlleval rules.

    A span ends before ``O``, before any ``B-``, and before an ``I-`` of another type; it
    starts at ``B-X`` and at an ``I-X`` that does not continue a span of type X.

    >>> get_spans(["B-fromloc.city_name", "I-fromloc.city_name", "O", "I-toloc.city_name"])
    [('fromloc.city_name', 0, 2), ('toloc.city_name', 3, 4)]
    """
    spans = []
    start, cur_type = None, ""
    for i, tag in enumerate(tags):
        prefix, typ = _split_tag(tag)
        continues = prefix == "I" and start is not None and typ == cur_type
        if start is not None and not continues:
            spans.append((cur_type, start, i))
            start, cur_type = None, ""
        if prefix != "O" and not continues:
            start, cur_type = i, typ
    if start is not None:
        spans.append((cur_type, start, len(tags)))
    return spans


def _check_pair(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> None:
    for name, seqs in (("gold", gold), ("pred", pred)):
        if isinstance(seqs, str) or any(isinstance(s, str) for s in seqs):
            raise ValueError(f"{name} must be a list of tag sequences (one list of tags per "
                             f"sentence), got a str where a sentence should be: wrap a single "
                             f"sentence as [tags]")
    if len(gold) != len(pred):
        raise ValueError(
            f"gold and pred must hold the same number of sentences, got {len(gold)} and {len(pred)}"
        )
    for k, (g, p) in enumerate(zip(gold, pred, strict=True)):
        if len(g) != len(p):
            raise ValueError(
                f"sentence {k}: gold has {len(g)} tags but pred has {len(p)}"
            )


def span_counts(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]
) -> tuple[int, int, int]:
    """``(n_correct, n_pred, n_gold)`` span counts over a list of tag sequences."""
    _check_pair(gold, pred)
    n_correct = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(get_spans(g)), set(get_spans(p))
        n_correct += len(gs & ps)
        n_pred += len(ps)
        n_gold += len(gs)
    return n_correct, n_pred, n_gold


def span_f1(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]
) -> tuple[float, float, float]:
    """Micro span precision, recall and F1 over sentences (conlleval rules).

    Args:
        gold: list of N gold tag sequences (IOB2 strings).
        pred: list of N predicted tag sequences, each as long as its gold sequence.

    Returns:
        ``(precision, recall, f1)``, floats in [0, 1]; a ratio whose denominator is 0 is 0
        (``seqeval``'s ``zero_division=0``).
    """
    n_correct, n_pred, n_gold = span_counts(gold, pred)
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_correct / n_gold if n_gold else 0.0
    denom = precision + recall
    f1 = 2 * precision * recall / denom if denom else 0.0
    return precision, recall, f1


def token_accuracy(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> float:
    """Fraction of tokens whose predicted tag equals the gold tag (``O`` tokens included).

    Token accuracy is dominated by the many ``O`` tokens, which is why slot filling is
    reported with span F1; the two together show how much of the accuracy is just ``O``.
    """
    _check_pair(gold, pred)
    n = sum(len(g) for g in gold)
    if n == 0:
        raise ValueError("token_accuracy needs at least one token, got none")
    return sum(a == b for g, p in zip(gold, pred, strict=True)
               for a, b in zip(g, p, strict=True)) / n
