"""Write the course corpus to disk, byte for byte, and print its statistics.

    python -m course_lib.corpus data/            # regenerate data/ (make data)
    python -m course_lib.corpus --stats data/    # the tables of data/README.md
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from course_lib.corpus.cases import is_left_cue_case, is_right_cue_case
from course_lib.corpus.generate import SEED, generate_corpus
from course_lib.data import Example, load_corpus
from course_lib.metrics import get_spans


def write_corpus(root: str | Path, seed: int = SEED) -> dict[str, list[Example]]:
    """Generate the corpus and write ``root/{train,dev,test}/{seq.in,seq.out,label}``."""
    corpus = generate_corpus(seed)
    for split, examples in corpus.items():
        folder = Path(root) / split
        folder.mkdir(parents=True, exist_ok=True)
        for name, lines in (("seq.in", [" ".join(ex.tokens) for ex in examples]),
                            ("seq.out", [" ".join(ex.tags) for ex in examples]),
                            ("label", [ex.intent for ex in examples])):
            (folder / name).write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return corpus


def _table(title: str, rows: list[tuple[str, list]]) -> list[str]:
    return ([f"| {title} | train | dev | test |", "|---|---:|---:|---:|"]
            + [f"| {name} | " + " | ".join(map(str, vals)) + " |" for name, vals in rows])


def corpus_stats(corpus: dict[str, list[Example]]) -> str:
    """The markdown tables of ``data/README.md``: sizes and phenomena, slots, intents."""
    splits = [corpus[s] for s in ("train", "dev", "test")]
    words = [{t for e in ex for t in e.tokens} for ex in splits]
    spans = [[(t, " ".join(e.tokens[i:j])) for e in ex for t, i, j in get_spans(e.tags)]
             for ex in splits]
    cities = [{v for t, v in sp if t.endswith("city_name")} for sp in spans]
    slots, intents = [Counter(t for t, _ in sp) for sp in spans], [
        Counter(e.intent for e in ex) for ex in splits]
    rows = [("utterances", [len(ex) for ex in splits]),
            ("tokens", [sum(len(e.tokens) for e in ex) for ex in splits]),
            ("distinct words", [len(w) for w in words]),
            ("words unseen in train", [len(w - words[0]) for w in words]),
            ("slot types", [len(c) for c in slots]),
            ("intents", [len(c) for c in intents]),
            ("left-cue (arrive/leave) utterances",
             [sum(bool(is_left_cue_case(e)) for e in ex) for ex in splits]),
            ("right-cue utterances", [sum(bool(is_right_cue_case(e)) for e in ex)
                                      for ex in splits]),
            ("distinct cities", [len(c) for c in cities]),
            ("cities unseen in train", [len(c - cities[0]) for c in cities])]
    all_slots = sorted(set().union(*slots))
    return "\n".join(
        _table("count", rows) + [""]
        + _table("slot type (spans)", [(f"`{t}`", [c[t] for c in slots]) for t in all_slots])
        + [""]
        + _table("intent", [(f"`{i}`", [c[i] for c in intents]) for i in sorted(intents[0])]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_lib.corpus",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="output folder, e.g. data/")
    parser.add_argument("--stats", action="store_true",
                        help="print the statistics table of the corpus in ROOT instead")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.stats:
        print(corpus_stats(load_corpus(args.root)))
    else:
        write_corpus(args.root, args.seed)
