"""Command-line slot tagger: ``python -m course_lib.tagger DATA_DIR [options]``.

Trains :class:`course_lib.models.SlotTagger` on ``DATA_DIR/train``, early-stops on
``DATA_DIR/dev`` (or ``DATA_DIR/valid``), evaluates on ``DATA_DIR/test`` and prints one JSON
line of metrics on stdout (progress goes to stderr). Each split folder holds ``seq.in``
(tokens), ``seq.out`` (IOB2 tags) and ``label`` (intent), one utterance a line — the layout of
the course corpus and of the public SNIPS/ATIS copies.

The defaults (a 1-layer BiLSTM, 128 units per direction, word embeddings 100 + character CNN
64, dropout 0.3, word dropout 0.05, Adam 2e-3, batch 32, clipping 5, patience 5) follow the
comparisons of notebook 09 (bidirectional gated cells win) and the BiLSTM taggers of
Lample et al. (2016) and Ma & Hovy (2016), sized so that ~13,000 utterances train within the
default time budget on 2 CPU cores; ``--layers 2`` and ``--cell gru`` are one flag away.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

EPILOG = """\
output: one JSON line on stdout, e.g.
  {"slot_f1": 95.1, "precision": 95.3, "recall": 94.9, "token_accuracy": 98.2, ...}
slot_f1, precision, recall and token_accuracy are percentages (0-100, as conlleval prints),
computed on the test split with conlleval's span rules. "seconds" is the total wall time,
"parameters" the number of trainable weights.

examples:
  python -m course_lib.tagger data
  python -m course_lib.tagger path/to/snips --cell gru --max-minutes 5 --save snips.pt
"""


def _typed(kind, low, inclusive=True, what=""):
    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.__name__}, got {text!r}") from None
        ok = v >= low if inclusive else v > low
        if not ok or (kind is float and math.isnan(v)):
            raise argparse.ArgumentTypeError(
                f"must be {'≥' if inclusive else '>'} {low}{what}, got {text}")
        return v
    parse.__name__ = kind.__name__
    return parse


def _probability(text: str) -> float:
    v = _typed(float, 0.0)(text)
    if v >= 1:
        raise argparse.ArgumentTypeError(f"must lie in [0, 1), got {text}")
    return v


def build_parser() -> argparse.ArgumentParser:
    pos_int = _typed(int, 1)
    p = argparse.ArgumentParser(
        prog="python -m course_lib.tagger",
        description="Train a recurrent slot tagger on DATA_DIR/train, early-stop on\n"
                    "DATA_DIR/dev (or DATA_DIR/valid), evaluate on DATA_DIR/test. Each split\n"
                    "holds seq.in (tokens), seq.out (IOB2 tags) and label (intent), one\n"
                    "utterance a line. Progress goes to stderr, one JSON line of metrics to\n"
                    "stdout.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir", metavar="DATA_DIR", help="folder holding train/, dev/ (or "
                   "valid/) and test/, each with seq.in, seq.out and label")
    m = p.add_argument_group("model")
    m.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="lstm",
                   help="recurrent cell (default: %(default)s)")
    m.add_argument("--direction", choices=["uni", "bi"], default="bi",
                   help="unidirectional or bidirectional (default: %(default)s)")
    m.add_argument("--layers", type=pos_int, default=1, help="stacked layers (default: 1)")
    m.add_argument("--hidden", type=pos_int, default=128,
                   help="hidden units per direction (default: %(default)s)")
    m.add_argument("--embedding", type=pos_int, default=100,
                   help="word embedding size (default: %(default)s)")
    m.add_argument("--char-channels", type=pos_int, default=64,
                   help="character-CNN feature size (default: %(default)s)")
    m.add_argument("--no-chars", action="store_true", help="turn character features off")
    m.add_argument("--dropout", type=_probability, default=0.3,
                   help="dropout probability (default: %(default)s)")
    m.add_argument("--word-dropout", type=_probability, default=0.05,
                   help="probability of replacing a training word by <unk> "
                        "(default: %(default)s)")
    t = p.add_argument_group("training")
    t.add_argument("--epochs", type=pos_int, default=30, help="maximum epochs (default: 30)")
    t.add_argument("--patience", type=pos_int, default=5,
                   help="stop after this many epochs without a better dev F1 (default: 5)")
    t.add_argument("--batch-size", type=pos_int, default=32, help="(default: %(default)s)")
    t.add_argument("--lr", type=_typed(float, 0.0, inclusive=False), default=2e-3,
                   help="Adam learning rate (default: %(default)s)")
    t.add_argument("--clip", type=_typed(float, 0.0, inclusive=False), default=5.0,
                   help="gradient-norm clipping threshold (default: %(default)s)")
    t.add_argument("--max-minutes", type=_typed(float, 0.0, inclusive=False), default=4.5,
                   help="training time budget in minutes; the best epoch so far is kept "
                        "(default: %(default)s)")
    t.add_argument("--seed", type=_typed(int, 0), default=0, help="(default: %(default)s)")
    t.add_argument("--threads", type=pos_int, default=None,
                   help="torch CPU threads (default: all cores)")
    p.add_argument("--strict-iob", action="store_true",
                   help="reject orphan I-X tags (by default they are kept and scored with "
                        "conlleval's rule, as some public ATIS copies contain them)")
    o = p.add_argument_group("output")
    o.add_argument("--save", metavar="PATH", default=None,
                   help="save the weights (torch state_dict) to PATH and the config and "
                        "vocabularies to PATH.json")
    o.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    start, cpu_start = time.perf_counter(), time.process_time()

    from course_lib.data import load_corpus

    try:
        corpus = load_corpus(args.data_dir, strict_iob=args.strict_iob)
    except (OSError, ValueError) as err:
        print(f"{parser.prog}: error: {err}", file=sys.stderr)
        return 2
    for split in ("train", "test"):
        if not corpus.get(split):
            print(f"{parser.prog}: error: the {split} split of {args.data_dir} is empty",
                  file=sys.stderr)
            return 2
    # Idle OpenMP threads must sleep, not spin: with spinning, two threads on a busy 2-core
    # machine were measured 10× slower than one. Must be set before torch is imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch  # after the data checks: bad data fails fast, without loading torch

    from course_lib import seed_everything
    from course_lib.models import SlotTagger, count_parameters
    from course_lib.tagging import build_vocabs, evaluate, fit, make_config, save_tagger

    seed_everything(args.seed, threads=args.threads or os.cpu_count() or 1)
    if args.quiet:
        os.environ["COURSE_LIB_PROGRESS"] = "0"
    vocabs = build_vocabs(corpus["train"])
    config = make_config(vocabs, char_features=not args.no_chars, cell=args.cell,
                         bidirectional=args.direction == "bi", num_layers=args.layers,
                         hidden_size=args.hidden, embedding_dim=args.embedding,
                         char_channels=args.char_channels, dropout=args.dropout,
                         word_dropout=args.word_dropout)
    model = SlotTagger(config)
    budget = args.max_minutes * 60 - (time.perf_counter() - start)
    hist = fit(model, vocabs, corpus["train"], corpus.get("dev", []), epochs=args.epochs,
               lr=args.lr, batch_size=args.batch_size, clip_norm=args.clip,
               patience=args.patience, max_seconds=max(budget, 1.0), seed=args.seed)
    test = evaluate(model, corpus["test"], vocabs)
    dev = evaluate(model, corpus["dev"], vocabs) if corpus.get("dev") else None
    if args.save:
        save_tagger(args.save, model, vocabs)
    result = {k: round(100 * v, 2) for k, v in test.items()}
    result.update({
        "dev_slot_f1": None if dev is None else round(100 * dev["slot_f1"], 2),
        "epochs": len(hist.epoch_loss), "best_epoch": hist.best_epoch,
        "stopped": hist.stopped, "train_seconds": round(hist.seconds, 1),
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
        "parameters": count_parameters(model), "threads": torch.get_num_threads(),
        "train_size": len(corpus["train"]), "test_size": len(corpus["test"]),
        "config": config.to_dict(),
    })
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
