"""Checkers for notebook 09 (the slot tagger)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from course_lib.exercises import ExerciseError, call_learner, passed, require, require_answer


def check_word_dropout(word_dropout) -> None:
    """``word_dropout(tokens, p, unk_index, pad_index, generator)``: non-pad ids → unk w.p. p."""
    import torch

    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(2, 50, (200, 30), generator=g)
    tokens[:, 20:] = 0  # padding
    original = tokens.clone()
    out = call_learner(word_dropout, tokens, 0.25, 1, 0, torch.Generator().manual_seed(1))
    require(isinstance(out, torch.Tensor), f"return a tensor, got {type(out).__name__}")
    require(torch.equal(tokens, original), "you modified `tokens` in place; return a copy "
                                           "(masked_fill, not masked_fill_)")
    require(tuple(out.shape) == tuple(tokens.shape),
            f"the result has shape {tuple(out.shape)} but tokens has {tuple(tokens.shape)}")
    changed = out != tokens
    require(bool((out[changed] == 1).all()), "changed tokens must become unk_index (1), found "
            f"{sorted(set(out[changed].tolist()) - {1})[:5]}")
    pad = tokens == 0
    require(not bool(changed[pad].any()), f"{int(changed[pad].sum())} padding positions were "
            "replaced: padding must stay padding (drop only where tokens != pad_index)")
    rate = float(changed[~pad].float().mean())
    require(abs(rate - 0.25) < 0.03, f"with p = 0.25 you replaced {rate:.1%} of the real "
            "tokens; expected about 25% (drop where rand < p)")
    same = call_learner(word_dropout, tokens, 0.0, 1, 0, torch.Generator().manual_seed(1))
    require(torch.equal(same, tokens), "with p = 0 nothing may change")
    passed(f"word_dropout replaces {rate:.1%} of real tokens by <unk> at p = 0.25 and never "
           "touches padding")


def check_write_split(write_split) -> None:
    """``write_split(examples, folder)`` writes files that ``load_split`` reads back equal."""
    from course_lib.data import CorpusFormatError, Example, load_split

    examples = [Example(["fly", "to", "new", "york"], ["O", "O", "B-toloc.city_name",
                                                        "I-toloc.city_name"], "flight"),
                Example(["which", "airlines", "serve", "taipei"],
                        ["O", "O", "O", "B-city_name"], "airline"),
                Example(["fares", "to", "zürich"], ["O", "O", "B-toloc.city_name"],
                        "airfare")]
    require_answer(write_split, "write_split")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "new" / "train"
        try:
            call_learner(write_split, examples, folder)
        except OSError as err:
            raise ExerciseError(f"writing failed ({err}); create the folder first with "
                                "folder.mkdir(parents=True, exist_ok=True)") from None
        for name in ("seq.in", "seq.out", "label"):
            require((folder / name).is_file(), f"{folder.name}/{name} was not written (create "
                                                "the folder with mkdir(parents=True))")
        try:
            back = load_split(folder)
        except CorpusFormatError as err:
            raise ExerciseError(f"load_split rejects your files: {err}") from None
        require(len(back) == len(examples), f"load_split read {len(back)} utterances, you "
                                            f"wrote {len(examples)}")
        for i, (a, b) in enumerate(zip(back, examples, strict=True)):
            differ = [name for name in ("tokens", "tags", "intent")
                      if getattr(a, name) != getattr(b, name)]
            require(not differ, f"utterance {i + 1} does not read back as it was written: its "
                                f"{' and '.join(differ)} differ (one utterance a line, tokens "
                                "and tags separated by single spaces, in the same order)")
    passed("write_split writes seq.in/seq.out/label that load_split reads back unchanged")


def check_span_f1(my_span_f1) -> None:
    """``my_span_f1(gold, pred)`` = :func:`course_lib.metrics.span_f1` (micro average)."""
    from course_lib.metrics import span_f1

    gold = [["B-fromloc.city_name", "O", "B-toloc.city_name", "I-toloc.city_name"],
            ["O", "B-depart_date.day_name", "O"],
            ["B-airline_name", "I-airline_name", "O", "O", "O", "B-toloc.city_name"]]
    pred = [["B-fromloc.city_name", "O", "B-toloc.city_name", "O"],
            ["O", "B-depart_date.day_name", "B-depart_time.period_of_day"],
            ["B-airline_name", "I-airline_name", "O", "O", "O", "O"]]
    cases = [(gold, pred), (gold, gold), ([["O", "O"]], [["O", "O"]])]
    for g, p in cases:
        try:
            got = call_learner(my_span_f1, g, p)
        except ZeroDivisionError:
            raise ExerciseError("ZeroDivisionError on an input without predicted or gold "
                                "spans: return 0 when a denominator is 0") from None
        require(isinstance(got, tuple) and len(got) == 3,
                f"return a tuple (precision, recall, f1), got {got!r}")
        expected = span_f1(g, p)
        if all(abs(float(a) - b) < 1e-9 for a, b in zip(got, expected, strict=True)):
            continue
        tp = sum(a == b for gs, ps in zip(g, p, strict=True)
                 for a, b in zip(gs, ps, strict=True) if a != "O")
        tok = tp / max(sum(t != "O" for gs in g for t in gs), 1)
        if abs(float(got[1]) - tok) < 1e-9:
            raise ExerciseError(f"your recall {float(got[1]):.3f} counts tokens; span F1 counts "
                                "whole spans (type, start, end) from get_spans")
        per_sentence = [span_f1([gs], [ps]) for gs, ps in zip(g, p, strict=True)]
        macro = sum(f for _, _, f in per_sentence) / len(per_sentence)
        if abs(float(got[2]) - macro) < 1e-9:
            raise ExerciseError(f"your F1 {float(got[2]):.3f} averages per-sentence scores; "
                                "sum the counts over all sentences first (micro average)")
        wrong = [name for name, a, b in zip(("precision", "recall", "f1"), got, expected,
                                               strict=True) if abs(float(a) - b) >= 1e-9]
        raise ExerciseError(f"your {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} "
                            "wrong on this case (precision = correct / predicted spans, recall "
                            "= correct / gold spans, F1 their harmonic mean, 0 when a "
                            "denominator is 0; a span is right only if its type, start and end "
                            "all match)")
    passed("my_span_f1 matches course_lib.metrics.span_f1, including the empty case")
