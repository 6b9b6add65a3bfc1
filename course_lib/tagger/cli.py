"""Command line of the capstone tagger: ``python -m course_lib.tagger train|predict|evaluate``.

The argument parser and the dispatch; the commands themselves are in
:mod:`course_lib.tagger.commands` and :mod:`course_lib.tagger.apply`, the longer help texts
in :mod:`course_lib.tagger.helptext`, how words are read before argparse in
:mod:`course_lib.tagger.argv`. ``python -m course_lib.tagger DATA_DIR …`` (no sub-command)
means ``train``, as before the sub-commands existed, unless the first word is a likely typo
of a command and no such file or folder exists (then: unknown command).
"""

from __future__ import annotations

import argparse
import math
import sys

from course_lib.tagger.argv import parse_command_line
from course_lib.tagger.helptext import (
    DESCRIPTION,
    EVALUATE_EPILOG,
    PREDICT_EPILOG,
    TOP_EPILOG,
    TRAIN_EPILOG,
)

PROG = "python -m course_lib.tagger"


def _typed(kind, low, inclusive=True):
    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.__name__}, got {text!r}") from None
        ok = v >= low if inclusive else v > low
        if not ok or (kind is float and not math.isfinite(v)):
            finite = "a finite number " if kind is float and not math.isfinite(v) else ""
            raise argparse.ArgumentTypeError(
                f"must be {finite}{'≥' if inclusive else '>'} {low}, got {text}")
        return v
    parse.__name__ = kind.__name__
    return parse


def _probability(text: str) -> float:
    v = _typed(float, 0.0)(text)
    if v >= 1:
        raise argparse.ArgumentTypeError(f"must lie in [0, 1), got {text}")
    return v


def _factor(text: str) -> float:
    v = _typed(float, 0.0, inclusive=False)(text)
    if v > 1:
        raise argparse.ArgumentTypeError(f"must lie in (0, 1], got {text}")
    return v


POSITIVE = _typed(float, 0.0, inclusive=False)
COUNT = _typed(int, 1)


def _minutes(text: str) -> float:
    """--max-minutes: a positive number, or ``inf`` for no time guard."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes or inf, got "
                                         f"{text!r}") from None
    if v == math.inf:  # "inf", "infinity", 1e400: no time guard
        return v
    if not v > 0:  # also nan and -inf
        raise argparse.ArgumentTypeError(f"must be > 0 (or inf: no time guard), got {text}")
    return v


def _run_group(parser: argparse.ArgumentParser, strict_iob: str | None = None):
    """The "run" options of every command: how to compute and decode, not what to train."""
    p = parser.add_argument_group("run")
    if strict_iob:
        p.add_argument("--strict-iob", action="store_true", help=strict_iob)
    p.add_argument("--decoder", choices=["viterbi", "argmax"], default="viterbi",
                   help="viterbi: best valid IOB2 sequence; argmax: best tag per token, "
                        "possibly invalid (default: %(default)s)")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="where to compute: auto = cuda if available, else cpu "
                        "(default: %(default)s)")
    p.add_argument("--threads", type=COUNT, default=1,
                   help="torch CPU threads (default: 1 — for this model size one thread "
                        "trained faster than two on a 2-core machine, idle or shared, and "
                        "reruns bit for bit)")
    return p


# 256 utterances of up to 128 tokens fit, so ATIS and SNIPS batch as they did without a budget;
# 256 lines of 8000 tokens then peak at 0.9 GB with the default model (8.3 GB without it)
MAX_BATCH_TOKENS = 32768


def _batching(p) -> None:
    p.add_argument("--batch-size", type=COUNT, default=256,
                   help="at most this many utterances per forward pass (default: "
                        "%(default)s)")
    p.add_argument("--max-batch-tokens", type=COUNT, default=MAX_BATCH_TOKENS,
                   help="at most this many padded tokens per forward pass (utterances x "
                        "their longest length; utterances are sorted by length and the "
                        "output keeps the input order). The memory of a forward pass grows "
                        "with this budget, not with the line lengths; a line longer than "
                        "it is tagged alone (default: %(default)s)")


def _train_parser(sub) -> None:
    p = sub.add_parser("train", help="train, early-stop on dev, score test",
                       description="Train the joint tagger on DATA_DIR/train, early-stop on "
                                   "DATA_DIR/dev (or valid), score DATA_DIR/test.",
                       epilog=TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir", metavar="DATA_DIR", help="folder holding train/, dev/ (or "
                   "valid/) and test/, each with seq.in, seq.out and label")
    m = p.add_argument_group("model")
    m.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="lstm",
                   help="recurrent cell (default: %(default)s)")
    m.add_argument("--direction", choices=["uni", "bi"], default="bi",
                   help="unidirectional or bidirectional (default: %(default)s)")
    m.add_argument("--layers", type=COUNT, default=1, help="stacked layers (default: 1)")
    m.add_argument("--hidden", type=COUNT, default=128,
                   help="hidden units per direction (default: %(default)s)")
    m.add_argument("--embedding", type=COUNT, default=100,
                   help="word embedding size (default: %(default)s)")
    m.add_argument("--char-channels", type=COUNT, default=64,
                   help="character-CNN feature size (default: %(default)s)")
    m.add_argument("--no-chars", action="store_true", help="turn character features off")
    m.add_argument("--attention", type=_typed(int, 0), default=0, metavar="DIM",
                   help="size of a self-attention layer over the recurrent states, its "
                        "output concatenated to them (after Qin et al. 2019, who attend over "
                        "the embeddings); 0: none (default: %(default)s)")
    m.add_argument("--output-layer", choices=["crf", "softmax"], default="crf",
                   help="CRF over the tag sequence or a softmax per token "
                        "(default: %(default)s)")
    m.add_argument("--intent-to-slots", action=argparse.BooleanOptionalAction, default=True,
                   help="feed the predicted intent distribution to the slot scores "
                        "(default: %(default)s)")
    m.add_argument("--intent-level", choices=["utterance", "token"], default="token",
                   help="predict the intent once from the max-pooled utterance, or at every "
                        "token and take the mean log-probability (token-level intent, Qin et "
                        "al. 2019) (default: %(default)s)")
    m.add_argument("--dropout", type=_probability, default=0.3,
                   help="dropout probability (default: %(default)s)")
    m.add_argument("--word-dropout", type=_probability, default=0.05,
                   help="probability of replacing a training word by <unk> "
                        "(default: %(default)s)")
    t = p.add_argument_group("training")
    t.add_argument("--epochs", type=COUNT, default=40, help="maximum epochs (default: 40)")
    t.add_argument("--max-steps", type=COUNT, default=5000,
                   help="stop after this many training steps even before --epochs, so a "
                        "large corpus trains for fewer epochs; the epoch it ends is scored on "
                        "dev like a full one (default: %(default)s)")
    t.add_argument("--patience", type=COUNT, default=6,
                   help="stop after this many epochs without a better dev score, the mean of "
                        "slot F1, intent and sentence accuracy (default: %(default)s)")
    t.add_argument("--batch-size", type=COUNT, default=64,
                   help="utterances per training step (default: %(default)s)")
    t.add_argument("--lr", type=POSITIVE, default=3e-3,
                   help="Adam learning rate (default: %(default)s)")
    t.add_argument("--schedule", choices=["constant", "linear"], default="constant",
                   help="learning-rate schedule: constant, or linear decay to 0 at the last "
                        "planned step (--epochs × steps per epoch, or --max-steps if fewer) "
                        "(default: %(default)s)")
    t.add_argument("--rare-word-dropout", type=_typed(float, 0.0), default=1.0, metavar="ALPHA",
                   help="hide each training occurrence of a word seen c times as <unk> with "
                        "probability ALPHA/(ALPHA+c), so rare words are hidden most "
                        "(Kiperwasser & Goldberg 2016); 0: off (default: %(default)s)")
    t.add_argument("--lr-decay", type=_factor, default=1.0,
                   help="multiply the learning rate by this after every epoch without a "
                        "better dev score; 1 keeps it constant (default: %(default)s)")
    t.add_argument("--clip", type=POSITIVE, default=5.0,
                   help="gradient-norm clipping threshold (default: %(default)s)")
    t.add_argument("--intent-weight", type=POSITIVE, default=1.0,
                   help="weight λ of the intent loss in L_slots + λ L_intent "
                        "(default: %(default)s)")
    t.add_argument("--max-minutes", type=_minutes, default=30.0,
                   help="guard: stop each run (seed) after this many minutes (fractions "
                        "allowed), keeping its best epoch; an epoch it cuts short is scored "
                        "on dev like a full one and may be kept; reported when it fires, "
                        "see 'output' below; inf: no guard (default: %(default)s)")
    t.add_argument("--seed", type=_typed(int, 0), default=0,
                   help="first random seed (default: %(default)s)")
    t.add_argument("--seeds", type=COUNT, default=1,
                   help="train this many runs (seeds SEED, SEED+1, ...) and report mean ± sd; "
                        "--save and --report take the run with the best dev score (see "
                        "'several seeds' below) (default: 1)")
    _run_group(p, strict_iob="reject orphan I-X tags in the corpus (by default they are kept "
                             "and scored with conlleval's rule, as some public ATIS copies "
                             "contain them)")
    o = p.add_argument_group("output")
    o.add_argument("--save", metavar="PATH", default=None,
                   help="save the model (weights, config, vocabularies, and how it was trained "
                        "and scored; with --seeds, the run with the best dev score) to the "
                        "file PATH, checked before training")
    o.add_argument("--overwrite", action="store_true",
                   help="allow --save to replace an existing file")
    o.add_argument("--report", action="store_true",
                   help="add a conlleval-style per-slot report of the test split (table on "
                        "stderr, 'per_slot' in the JSON line)")
    o.add_argument("--quiet", action="store_true", help="no progress on stderr")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=TOP_EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    from course_lib import __version__
    from course_lib.tagger.io import FORMAT_VERSION

    p.add_argument("--version", action="version",
                   version=f"course_lib {__version__} (model file format {FORMAT_VERSION})")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _train_parser(sub)
    q = sub.add_parser("predict", help="tag sentences with a saved model",
                       description="Tag sentences from FILE (or stdin) with a saved model.",
                       epilog=PREDICT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("model", metavar="MODEL", help="a model saved by train --save")
    q.add_argument("file", metavar="FILE", nargs="?", default="-",
                   help="UTF-8 text, one utterance a line (default or '-': stdin)")
    q.add_argument("--skip-blank", action="store_true",
                   help="skip blank lines (a warning on stderr names each) instead of "
                        "stopping at the first; see 'blank lines' below")
    _batching(_run_group(q))
    e = sub.add_parser("evaluate", help="score a saved model on a split",
                       description="Score a saved model on SPLIT_DIR (seq.in, seq.out, label).",
                       epilog=EVALUATE_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("model", metavar="MODEL", help="a model saved by train --save")
    e.add_argument("split_dir", metavar="SPLIT_DIR",
                   help="folder holding seq.in, seq.out and label")
    e.add_argument("--report", action="store_true",
                   help="add the conlleval-style per-slot report (table on stderr, "
                        "'per_slot' in the JSON line)")
    _batching(_run_group(e, strict_iob="reject orphan I-X tags in the split (by default "
                                        "they are kept and scored with conlleval's rule)"))
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command of ``argv`` (default: ``sys.argv[1:]``); its exit status."""
    args = parse_command_line(build_parser(), list(sys.argv[1:] if argv is None else argv))
    from course_lib.tagger import apply, commands

    return {"train": commands.train, "predict": apply.predict,
            "evaluate": apply.evaluate}[args.command](args)
