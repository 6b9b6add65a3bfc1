"""Span F1 and token accuracy against seqeval (default mode = conlleval rules)."""

import numpy as np
import pytest
from seqeval.metrics import accuracy_score, f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities

from course_lib.metrics import get_spans, span_counts, span_f1, token_accuracy

TAGS = ["O", "B-A", "I-A", "B-B", "I-B", "B-from.city", "I-from.city"]


def _seqeval(gold, pred):
    kw = {"zero_division": 0}
    return (precision_score(gold, pred, **kw), recall_score(gold, pred, **kw),
            f1_score(gold, pred, **kw))


def _random_case(rng):
    n = int(rng.integers(1, 6))
    lengths = rng.integers(0, 9, size=n)
    gold = [[TAGS[int(i)] for i in rng.integers(0, len(TAGS), size=k)] for k in lengths]
    # predictions: mostly copy gold, sometimes corrupt, so that all counts are exercised
    pred = [[t if rng.random() < 0.6 else TAGS[int(rng.integers(len(TAGS)))] for t in g]
            for g in gold]
    return gold, pred


EDGE_CASES = [
    ([["O", "O"]], [["O", "O"]]),  # no spans at all: everything 0
    ([["B-A"]], [["O"]]),  # no predicted spans: precision 0
    ([["O"]], [["B-A"]]),  # no gold spans: recall 0
    ([["I-A", "I-A"]], [["B-A", "I-A"]]),  # orphan I- at sentence start starts a span
    ([["O", "I-A"]], [["O", "B-A"]]),  # orphan I- after O
    ([["B-A", "I-B"]], [["B-A", "B-B"]]),  # I- after another type starts a new span
    ([["B-A", "B-A", "I-A"]], [["B-A", "I-A", "I-A"]]),  # B- after B- splits spans
    ([["B-A", "I-A"], ["I-A"]], [["B-A", "B-A"], ["B-A"]]),  # spans never cross sentences
    ([["B-A", "I-A", "O", "B-B"]], [["B-A", "I-A", "O", "B-B"]]),  # perfect
    ([[]], [[]]),
]


@pytest.mark.parametrize("gold,pred", EDGE_CASES)
def test_edge_cases_match_seqeval(gold, pred):
    assert span_f1(gold, pred) == pytest.approx(_seqeval(gold, pred), abs=1e-12)


def test_random_sequences_match_seqeval_exactly():
    rng = np.random.default_rng(0)
    n_nonzero = 0
    for _ in range(400):
        gold, pred = _random_case(rng)
        ours = span_f1(gold, pred)
        theirs = _seqeval(gold, pred)
        assert np.max(np.abs(np.subtract(ours, theirs))) <= 1e-12, (gold, pred, ours, theirs)
        if sum(map(len, gold)):
            assert abs(token_accuracy(gold, pred) - accuracy_score(gold, pred)) <= 1e-12
        n_nonzero += 0 < ours[2] < 1
    assert n_nonzero > 100  # the random cases really exercise partial matches


def test_get_spans_matches_seqeval_entities():
    rng = np.random.default_rng(1)
    for _ in range(300):
        tags = [TAGS[int(i)] for i in rng.integers(0, len(TAGS), size=int(rng.integers(0, 12)))]
        expected = [(t, s, e + 1) for t, s, e in get_entities(tags)]
        assert sorted(get_spans(tags)) == sorted(expected), tags


def test_get_spans_example_and_counts():
    tags = ["B-fromloc.city_name", "I-fromloc.city_name", "O", "I-toloc.city_name"]
    assert get_spans(tags) == [("fromloc.city_name", 0, 2), ("toloc.city_name", 3, 4)]
    assert span_counts([tags], [["B-fromloc.city_name", "I-fromloc.city_name", "O", "O"]]) == (
        1, 1, 2)


def test_token_accuracy_value():
    assert token_accuracy([["O", "B-A"], ["I-A"]], [["O", "B-B"], ["I-A"]]) == pytest.approx(2 / 3)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="same number of sentences"):
        span_f1([["O"]], [])
    with pytest.raises(ValueError, match="sentence 0"):
        span_f1([["O", "O"]], [["O"]])
    with pytest.raises(ValueError, match="tag must be"):
        get_spans(["B-A", "X"])
    with pytest.raises(ValueError, match="at least one token"):
        token_accuracy([[]], [[]])
