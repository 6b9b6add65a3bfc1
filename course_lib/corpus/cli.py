"""Write the course corpus to disk, byte for byte, or print its statistics.

    python -m course_lib.corpus data/            # regenerate data/ (make data)
    python -m course_lib.corpus --stats data/    # the tables of data/README.md

Writing never changes a file silently: files that exist and would change are refused
unless ``--force``, except the course's own ``data/`` regenerated with the default seed
(``make data``: the committed corpus is this program's output). The output folder is
created when missing; its parent folder must exist.
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
    _write(Path(root), _planned(corpus))
    return corpus


def _write(root: Path, planned: dict[str, bytes]) -> None:
    for name, data in planned.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


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


def _planned(corpus: dict[str, list[Example]]) -> dict[str, bytes]:
    """``split/name`` -> the bytes :func:`write_corpus` writes for it."""
    return {f"{split}/{name}": ("\n".join(lines) + "\n").encode("utf-8")
            for split, examples in corpus.items()
            for name, lines in (("seq.in", [" ".join(ex.tokens) for ex in examples]),
                                ("seq.out", [" ".join(ex.tags) for ex in examples]),
                                ("label", [ex.intent for ex in examples]))}


def main(argv: list[str] | None = None) -> int:
    """``python -m course_lib.corpus ROOT [--seed S] [--force] | --stats ROOT``; returns the
    exit status (2, with a message naming the folder or files, for bad input)."""
    from course_lib.data import default_data_dir

    parser = argparse.ArgumentParser(
        prog="python -m course_lib.corpus",
        description="Write the course corpus (train/, dev/, test/, each with seq.in, seq.out "
                    "and label) to ROOT, byte for byte, and print what was written; or, with "
                    "--stats, print the statistics tables of the corpus in ROOT.")
    parser.add_argument("root", type=Path, metavar="ROOT",
                        help="corpus folder, e.g. data/; created when missing (its parent "
                             "folder must exist)")
    parser.add_argument("--stats", action="store_true",
                        help="print the statistics tables (data/README.md) of the corpus "
                             "in ROOT instead of writing")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"seed of the generator (default {SEED}: the course's corpus; "
                             "another seed gives another corpus of the same kind)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite corpus files in ROOT that would change (refused "
                             "otherwise, except data/ regenerated with the default seed)")
    args = parser.parse_args(argv)
    root = args.root
    if root.exists() and not root.is_dir():
        parser.error(f"{root}: is a file, not a folder")
    if args.stats:
        try:
            print(corpus_stats(load_corpus(root)))
        except ValueError as err:  # CorpusFormatError: names the file and line
            parser.error(str(err))
        return 0
    if not root.parent.is_dir():
        parser.error(f"{root}: its parent folder {root.parent} does not exist (the corpus "
                     "folder is created, its parents are not)")
    corpus = generate_corpus(args.seed)
    planned = _planned(corpus)
    changed = [name for name, data in planned.items()
               if (root / name).exists() and (root / name).read_bytes() != data]
    course_data = root.resolve() == default_data_dir().resolve() and args.seed == SEED
    if changed and not (args.force or course_data):
        parser.error(f"{root}: would overwrite {len(changed)} existing file(s) with different "
                     f"contents ({', '.join(changed)}); pass --force to replace them, or "
                     "choose an empty folder")
    bad = [name for name in ("train", "dev", "test")
           if (root / name).exists() and not (root / name).is_dir()]
    if bad:
        parser.error(f"{root}: {', '.join(bad)} exist(s) as file(s) where the split folders "
                     "go")
    created = not root.exists()
    same = len(planned) - len([n for n in planned if not (root / n).exists()]) - len(changed)
    _write(root, planned)
    sizes = ", ".join(f"{split} {len(ex)}" for split, ex in corpus.items())
    print(f"{'created ' if created else ''}{root}: seed {args.seed}, utterances {sizes}; "
          f"{len(planned)} files: {len(changed)} replaced, {same} unchanged, "
          f"{len(planned) - len(changed) - same} new")
    return 0
