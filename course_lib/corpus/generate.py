"""The seeded generator of the course corpus: flight requests built from slot segments.

Every utterance is built from segments ``(words, slot)``; a slot's words get IOB2 tags
(``B-slot`` then ``I-slot``), the other words ``O``. What the corpus is built to show is
described in :mod:`course_lib.corpus`. Randomness comes only from
``numpy.random.default_rng(seed)`` draws on tuples (never from ``hash()`` or set order), so
the output is identical on every machine.
"""

from __future__ import annotations

import numpy as np

from course_lib.corpus import vocabulary as V
from course_lib.data import Example

SEED = 2026
SIZES = {"train": 4500, "dev": 600, "test": 600}
P_LEFT_PAIR, P_RIGHT_PAIR, P_HELDOUT = 0.11, 0.1, 0.3


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _coin(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def _to_example(segments, intent: str) -> Example:
    tokens, tags = [], []
    for words, slot in segments:
        if tokens and tokens[-1] == "a" and words[0] in "aeiou" and not words.startswith("one"):
            tokens[-1] = "an"
        for k, word in enumerate(words.split()):
            tokens.append(word)
            tags.append("O" if slot is None else f"{'B' if k == 0 else 'I'}-{slot}")
    return Example(tokens, tags, intent)


def _date(rng, kind: str) -> list:
    """'on november 2nd' / 'on friday' / 'tomorrow' / 'next monday', tagged as ``kind``."""
    r = rng.random()
    if r < 0.55:
        m = int(rng.integers(12))
        day = _pick(rng, [d for d, v in V.DAY_NUMBERS if v <= V.MONTH_DAYS[m]])
        month = (V.MONTHS[m], f"{kind}.month_name")
        if r < 0.45:
            return [("on", None), month, (day, f"{kind}.day_number")]
        return [("on the", None), (day, f"{kind}.day_number"), ("of", None), month]
    if r < 0.75:
        return [("on", None), (_pick(rng, V.DAY_NAMES), f"{kind}.day_name")]
    if r < 0.88:
        return [(_pick(rng, V.TODAY_RELATIVE), f"{kind}.today_relative")]
    return [(_pick(rng, V.DATE_RELATIVE), f"{kind}.date_relative"),
            (_pick(rng, V.DAY_NAMES), f"{kind}.day_name")]


def _time(rng, kind: str) -> list:
    """'in the morning' / 'before 5 pm' / 'at 8 am', tagged as ``kind``."""
    r = rng.random()
    if r < 0.4:
        period = _pick(rng, V.PERIODS)
        return [("at" if period == "night" else "in the", None), (period, f"{kind}.period_of_day")]
    if r < 0.75:
        return [(_pick(rng, V.TIME_RELATIVE), f"{kind}.time_relative"),
                (_pick(rng, V.TIMES), f"{kind}.time")]
    return [("at", None), (_pick(rng, V.TIMES), f"{kind}.time")]


def _when(rng, role: str = "depart", p_date: float = 0.7, p_time: float = 0.35) -> list:
    """Optional date and time of departure (role 'depart') or arrival (role 'arrive')."""
    segs = _date(rng, f"{role}_date") if _coin(rng, p_date) else []
    return segs + (_time(rng, f"{role}_time") if _coin(rng, p_time) else [])


def _cities(rng, k: int, heldout: bool) -> list[str]:
    """``k`` distinct city names; with ``heldout`` each is held out with P_HELDOUT."""
    out: list[str] = []
    while len(out) < k:
        pool = V.HELDOUT_CITIES if heldout and _coin(rng, P_HELDOUT) else V.TRAIN_CITIES
        city = _pick(rng, pool)
        if city not in out:
            out.append(city)
    return out


def _general(rng, heldout: bool) -> Example:
    """One ordinary request (intents flight, airfare, flight_time, airline), maybe polite."""
    ex = _request(rng, heldout)
    if _coin(rng, 0.08):
        ending = _pick(rng, V.POLITE_ENDINGS).split()
        ex = Example(ex.tokens + ending, ex.tags + ["O"] * len(ending), ex.intent)
    return ex


def _opt(rng, p: float, segs: list) -> list:
    """``segs`` with probability ``p``, else nothing (the words are drawn either way)."""
    return segs if _coin(rng, p) else []


def _slot(rng, items, slot: str | None) -> tuple[str, str | None]:
    return _pick(rng, items), slot


def _request(rng, heldout: bool) -> Example:
    a, b, c = _cities(rng, 3, heldout)
    if rng.random() < 0.1:  # one-city request
        city = [("from", None), (a, "fromloc.city_name")] if _coin(rng, 0.5) else [
            ("to", None), (b, "toloc.city_name")]
        return _to_example([_slot(rng, V.ONE_CITY_LEADS, None)] + city + _when(rng), "flight")
    route = [("from", None), (a, "fromloc.city_name"), ("to", None), (b, "toloc.city_name")]
    if _coin(rng, 0.2):
        route = route[2:] + route[:2]
    stop = _opt(rng, 0.12, [_slot(rng, V.STOP_PHRASES, None), (c, "stoploc.city_name")])
    route += stop
    r = rng.random()
    if r < 0.5:
        lead, noun = _pick(rng, V.FLIGHT_LEADS)
        rt = _coin(rng, 0.15)
        segs = ([(lead, None)]  # no "nonstop flights ... with a stop in"
                + _opt(rng, 0 if stop else 0.2, [_slot(rng, V.FLIGHT_STOP, "flight_stop")])
                + [("round trip", "round_trip")] * rt + [(noun, None)] + route + _when(rng)
                + _opt(rng, 0.2, [("on", None), _slot(rng, V.AIRLINES, "airline_name")])
                + _opt(rng, 0.12, [("in", None), _slot(rng, V.CLASSES, "class_type")])
                + _opt(rng, 0.6 * rt, [("returning", None)] + _date(rng, "return_date"))
                + _opt(rng, 0.1, [("for", None), _slot(rng, V.PASSENGERS, "passenger_count"),
                                  _slot(rng, V.PASSENGER_NOUNS, None)]))
        return _to_example(segs, "flight")
    if r < 0.75:
        k = rng.random()
        if k < 0.4:  # how much is a first class round trip ticket from a to b
            lead = _pick(rng, V.PRICE_LEADS)
            segs = ([(lead, None)] + _opt(rng, 0.5, [_slot(rng, V.CLASSES, "class_type")])
                    + _opt(rng, 0.5, [_slot(rng, V.ROUND_TRIP, "round_trip")])
                    + [("ticket", None)] + route + _when(rng, p_time=0.1)
                    + [("cost", None)] * (lead == "how much does a"))
        elif k < 0.7:  # what is the cheapest fare from a to b
            segs = [_slot(rng, V.COST_LEADS, None), _slot(rng, V.COST_RELATIVE, "cost_relative"),
                    _slot(rng, V.FARE_NOUNS, None)] + route + _when(rng)
        else:  # show me fares from a to b under 500 dollars
            segs = [_slot(rng, V.FARE_LEADS, None)] + route + [
                _slot(rng, V.FARE_RELATIVE, "cost_relative"),
                _slot(rng, V.FARE_AMOUNTS, "fare_amount")]
        return _to_example(segs, "airfare")
    if r < 0.9:
        if _coin(rng, 0.5):  # what time does the delta flight from a to b leave
            segs = ([("what time does the", None)]
                    + _opt(rng, 0.5, [_slot(rng, V.AIRLINES, "airline_name")])
                    + [("flight", None)] + route + _when(rng, p_time=0.0)
                    + [_slot(rng, ("leave", "depart", "arrive", "get in"), None)])
        else:  # when does the first flight from a to b leave
            segs = ([("when does the", None), _slot(rng, V.FLIGHT_MOD, "flight_mod"),
                     ("flight", None)] + route + _when(rng, p_time=0.0)
                    + [_slot(rng, ("leave", "depart", "arrive", "land"), None)])
        return _to_example(segs, "flight_time")
    segs = [_slot(rng, V.AIRLINE_LEADS, None)] + route + _when(rng, p_time=0.2)
    return _to_example(segs, "airline")


def _left_pair(rng, heldout: bool) -> tuple[Example, Example]:
    """The lecture's pair: '... arrive in CITY on DATE' and '... leave CITY on DATE'."""
    (city,) = _cities(rng, 1, heldout)
    ing = _coin(rng, 0.4)
    prefix = _pick(rng, V.ING_PREFIXES if ing else V.BASE_PREFIXES)
    # the tail's words are shared; its date/time tags follow the verb (arrival vs departure)
    date = _date(rng, "x_date") if _coin(rng, 0.85) else []
    time = _time(rng, "x_time") if _coin(rng, 0.3) else []
    extra = [("on", None), (_pick(rng, V.AIRLINES), "airline_name")] if _coin(rng, 0.15) else []
    out = []
    for phrases, role, when in ((V.ARRIVE_PHRASES, "toloc", "arrive"),
                                (V.LEAVE_PHRASES, "fromloc", "depart")):
        verb = _pick(rng, phrases)[1 if ing else 0]
        tail = [(w, s if s is None else s.replace("x", when, 1)) for w, s in date + time]
        segs = [(prefix, None), (verb, None), (city, f"{role}.city_name")] + tail + extra
        out.append(_to_example([s for s in segs if s[0]], "flight"))
    return out[0], out[1]


def _right_pair(rng, heldout: bool) -> tuple[Example, Example]:
    """'CITY is where i want to arrive' / 'CITY is where i depart from': same left context."""
    (city,) = _cities(rng, 1, heldout)
    frame = _pick(rng, ("is", "as"))
    prefix = _pick(rng, V.RIGHT_PREFIXES[frame])
    out = []
    for suffixes, role, when in ((V.RIGHT_TO, "toloc", "arrive"),
                                 (V.RIGHT_FROM, "fromloc", "depart")):
        segs = [(prefix, None), (city, f"{role}.city_name"), (_pick(rng, suffixes[frame]), None)]
        if frame == "is" and "where" in segs[-1][0] and _coin(rng, 0.5):
            segs += _date(rng, f"{when}_date")
        out.append(_to_example([s for s in segs if s[0]], "flight"))
    return out[0], out[1]


def generate_corpus(seed: int = SEED, sizes: dict[str, int] | None = None
                    ) -> dict[str, list[Example]]:
    """Generate ``{"train", "dev", "test"}`` example lists (no duplicate utterances anywhere).

    Each split mixes ordinary requests with left-cue pairs (P_LEFT_PAIR of draws) and
    right-cue pairs (P_RIGHT_PAIR); both members of a pair go to the same split, and the
    split is shuffled afterwards.
    """
    rng = np.random.default_rng(seed)
    sizes = SIZES if sizes is None else sizes
    seen: set[str] = set()  # membership only, never iterated: order stays deterministic
    corpus = {}
    for split in ("train", "dev", "test"):
        heldout, out = split != "train", []
        while len(out) < sizes[split]:
            r = rng.random()
            if r < P_LEFT_PAIR:
                group = _left_pair(rng, heldout)
            elif r < P_LEFT_PAIR + P_RIGHT_PAIR:
                group = _right_pair(rng, heldout)
            else:
                group = (_general(rng, heldout),)
            keys = [" ".join(ex.tokens) for ex in group]
            if len(out) + len(group) > sizes[split] or any(k in seen for k in keys):
                continue
            seen.update(keys)
            out.extend(group)
        corpus[split] = [out[int(i)] for i in rng.permutation(len(out))]
    return corpus
