"""Finding the utterances whose slot is decided by a cue word to the left or to the right.

Notebooks 01 and 06 measure the left-cue cases ("arrive taipei" / "leave taipei"), notebook 08
the right-cue cases ("taipei is where i want to arrive" / "… depart from").
"""

from __future__ import annotations

from collections import Counter

from course_lib.corpus import vocabulary as V
from course_lib.data import Example
from course_lib.metrics import get_spans

CITY_TYPES = ("fromloc.city_name", "toloc.city_name")


def _single_city_span(example: Example):
    spans = [s for s in get_spans(example.tags) if s[0].endswith("city_name")]
    return spans[0] if len(spans) == 1 and spans[0][0] in CITY_TYPES else None


def is_left_cue_case(example: Example) -> list[int]:
    """Token indices of the city decided by an arrive/leave verb to its LEFT, else ``[]``.

    The utterance must name exactly one city (``fromloc`` or ``toloc``); walking left from it
    over prepositions ("in", "at", "from") and fillers, the first other word must be an
    arrive-type verb (then the city is ``toloc``) or a leave-type verb (``fromloc``).
    """
    span = _single_city_span(example)
    if span is None:
        return []
    i = span[1] - 1
    while i >= 0 and (example.tokens[i] in V.CUE_SKIP or example.tokens[i] in V.FILLERS):
        i -= 1
    if i < 0 or example.tokens[i] not in V.ARRIVE_VERBS + V.LEAVE_VERBS:
        return []
    return list(range(span[1], span[2]))


def is_right_cue_case(example: Example) -> list[int]:
    """Token indices of the city decided by a cue to its RIGHT, else ``[]``.

    The utterance names exactly one city, no word to its left is a route cue ("to", "from",
    "in", "at", an arrive/leave verb), and a word after it is one of ``RIGHT_CUE_ROLE``
    ("destination", "origin", "arrive", "depart", ...); the first such word decides.
    """
    span = _single_city_span(example)
    if span is None:
        return []
    left_cues = V.ARRIVE_VERBS + V.LEAVE_VERBS + V.CUE_SKIP + ("to", "via")
    if any(tok in left_cues for tok in example.tokens[: span[1]]):
        return []
    if not any(tok in V.RIGHT_CUE_ROLE for tok in example.tokens[span[2]:]):
        return []
    return list(range(span[1], span[2]))


def memoryless_ceiling(examples, positions=is_left_cue_case) -> float:
    """The best accuracy *any* per-word (memoryless) tagger can reach on chosen words.

    A tagger that sees only the word must give every occurrence of a word the same tag, so
    its best is each word's most frequent gold tag among the chosen positions:
    ``Σ_w max_tag count(w, tag) / Σ_w count(w)``. On the arrive/leave cities
    (``positions=is_left_cue_case``), which the corpus generates in balanced pairs, it is 0.5.

    Raises:
        ValueError: no chosen positions in ``examples``.
    """
    counts: dict[str, Counter] = {}
    for ex in examples:
        for i in positions(ex):
            counts.setdefault(ex.tokens[i], Counter())[ex.tags[i]] += 1
    total = sum(sum(c.values()) for c in counts.values())
    if total == 0:
        raise ValueError("no chosen positions (e.g. arrive/leave city words) in these examples")
    return sum(c.most_common(1)[0][1] for c in counts.values()) / total
