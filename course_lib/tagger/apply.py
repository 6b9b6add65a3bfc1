"""The commands that apply a saved model: ``predict`` (tag new sentences) and ``evaluate``
(score a split). Exit status as in :mod:`course_lib.tagger.commands`: 0 done, 2 bad input (a
message naming the file and line), 3 non-finite scores from the model.
"""

from __future__ import annotations

import json
import sys

from course_lib.data import CorpusFormatError, Example, load_split
from course_lib.tagger.cli import PROG
from course_lib.tagger.commands import _fail, _percent, _torch

MAX_BLANK_WARNINGS = 20  # predict --skip-blank names this many blank lines, then counts


def _load(args):
    from course_lib.tagger.io import open_tagger

    torch, device = _torch(args)
    return open_tagger(args.model, device)


class _InputError(ValueError):
    """A problem with predict's input (not with the model or the code)."""


def _next_block(blocks):
    """The next block of utterances, None at the end; input problems as :class:`_InputError`."""
    try:
        return next(blocks)
    except StopIteration:
        return None
    except ValueError as err:
        raise _InputError(str(err)) from None


def predict(args) -> int:
    from course_lib.tagger.inputs import open_input, utterance_blocks
    from course_lib.tagger.io import TaggerFileError

    try:
        model, vocabs, lowercase, _ = _load(args)
        where, stream = open_input(args.file)
    except (TaggerFileError, ValueError, OSError) as err:
        return _fail(str(err))
    from course_lib.tagger.decode import predict as run
    from course_lib.tagger.decode import slot_spans
    from course_lib.tagger.inputs import model_input

    blank = []

    def warn(i: int) -> None:
        blank.append(i)
        if len(blank) <= MAX_BLANK_WARNINGS:
            print(f"{PROG}: warning: {where}, line {i}: blank line skipped", file=sys.stderr)

    # each block is tagged and printed as it arrives: a line typed at a terminal is answered
    # at once, and the memory used does not grow with the input
    blocks = utterance_blocks(stream, where, args.skip_blank, warn)
    try:
        while (numbered := _next_block(blocks)) is not None:
            examples = [Example(model_input(t, lowercase), ["O"] * len(t), "")
                        for _, t in numbered]
            predictions = run(model, examples, vocabs, args.decoder, args.batch_size,
                              args.max_batch_tokens)
            for (i, tokens), p in zip(numbered, predictions, strict=True):
                prob = None if p.intent_probability is None else round(p.intent_probability, 4)
                print(json.dumps({"line": i, "tokens": tokens, "tags": p.tags,  # as typed
                                  "slots": slot_spans(tokens, p.tags), "intent": p.intent,
                                  "intent_probability": prob}))
            sys.stdout.flush()
    except _InputError as err:
        return _fail(str(err))
    except FloatingPointError as err:
        return _fail(f"{args.model}: {err}", 3)
    finally:
        if args.file != "-":  # our own file (stdin may even be closed, <&-)
            stream.close()
        if len(blank) > MAX_BLANK_WARNINGS:
            print(f"{PROG}: warning: {where}: {len(blank) - MAX_BLANK_WARNINGS} more blank "
                  f"lines skipped (the last is line {blank[-1]})", file=sys.stderr)
    return 0


def evaluate(args) -> int:
    from course_lib.tagger.io import TaggerFileError

    try:
        model, vocabs, lowercase, _ = _load(args)
        examples = load_split(args.split_dir, strict_iob=args.strict_iob)
    except (TaggerFileError, CorpusFormatError, ValueError, OSError) as err:
        return _fail(str(err))
    from course_lib.tagger.decode import predict as run
    from course_lib.tagger.evaluate import format_report, score, slot_report
    from course_lib.tagger.inputs import model_input

    inputs = [ex._replace(tokens=model_input(ex.tokens, lowercase)) for ex in examples]
    try:
        pred = run(model, inputs, vocabs, args.decoder, args.batch_size, args.max_batch_tokens)
    except FloatingPointError as err:
        return _fail(f"{args.model}: {err}", 3)
    metrics = score(examples, pred)
    result = {**_percent(metrics), "size": len(examples),
              "unseen_intents": sum(ex.intent not in vocabs.intents for ex in examples),
              "lowercase": lowercase}
    if args.report:
        report = slot_report([ex.tags for ex in examples], [p.tags for p in pred])
        print(format_report(report, metrics), file=sys.stderr)
        result["per_slot"] = {k: {m: round(100 * v, 2) if isinstance(v, float) else v
                                  for m, v in r.items()} for k, r in report.items()}
    print(json.dumps(result), flush=True)
    return 0
