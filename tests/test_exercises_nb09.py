"""The notebook-09 checkers accept the reference solutions and explain plausible mistakes."""

from pathlib import Path

import pytest
import torch
from hints import gives_hint

from course_lib.exercises import ExerciseError
from course_lib.exercises.nb09 import check_span_f1, check_word_dropout, check_write_split
from course_lib.metrics import get_spans, span_f1


def dropout_ok(tokens, p, unk_index, pad_index, generator):
    drop = torch.rand(tokens.shape, generator=generator) < p
    return tokens.masked_fill(drop & (tokens != pad_index), unk_index)


def test_word_dropout_accepts_reference(capsys):
    check_word_dropout(dropout_ok)
    assert "✓" in capsys.readouterr().out


def drops_padding(tokens, p, unk_index, pad_index, generator):
    return tokens.masked_fill(torch.rand(tokens.shape, generator=generator) < p, unk_index)


def in_place(tokens, p, unk_index, pad_index, generator):
    drop = torch.rand(tokens.shape, generator=generator) < p
    return tokens.masked_fill_(drop & (tokens != pad_index), unk_index)


@pytest.mark.parametrize("answer,message", [
    (None, "not set yet"),
    (drops_padding, "padding must stay padding"),
    (in_place, "in place"),
    (lambda t, p, u, pad, g: dropout_ok(t, 1 - p, u, pad, g), "expected about 25%"),
    (lambda t, p, u, pad, g: dropout_ok(t, p, 0, pad, g), "must become unk_index"),
])
def test_word_dropout_rejects_wrong_answers(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_word_dropout(answer)


def write_ok(examples, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in (("seq.in", [" ".join(ex.tokens) for ex in examples]),
                        ("seq.out", [" ".join(ex.tags) for ex in examples]),
                        ("label", [ex.intent for ex in examples])):
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_write_split_accepts_reference(capsys):
    check_write_split(write_ok)
    assert "✓" in capsys.readouterr().out


def write_no_mkdir(examples, folder):
    for name in ("seq.in", "seq.out", "label"):
        (Path(folder) / name).write_text("x\n", encoding="utf-8")


def write_swapped(examples, folder):
    write_ok([ex._replace(tokens=ex.tags, tags=ex.tokens) for ex in examples], folder)


def write_comma(examples, folder):
    write_ok(examples, folder)
    (Path(folder) / "seq.out").write_text(
        "\n".join(",".join(ex.tags) for ex in examples) + "\n", encoding="utf-8")


@pytest.mark.parametrize("answer,message", [
    (None, "not set yet"),
    (write_no_mkdir, "mkdir"),
    (write_swapped, "load_split rejects|reads back as"),
    (write_comma, "load_split rejects"),
])
def test_write_split_rejects_wrong_answers(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_write_split(answer)


def test_span_f1_accepts_reference(capsys):
    check_span_f1(span_f1)
    assert "✓" in capsys.readouterr().out


def macro(gold, pred):
    scores = [span_f1([g], [p]) for g, p in zip(gold, pred, strict=True)]
    return tuple(sum(s[k] for s in scores) / len(scores) for k in range(3))


def token_level(gold, pred):
    tp = sum(a == b for g, p in zip(gold, pred, strict=True) for a, b in zip(g, p, strict=True)
             if a != "O")
    n_gold = sum(t != "O" for g in gold for t in g)
    n_pred = sum(t != "O" for p in pred for t in p)
    prec, rec = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def no_zero_guard(gold, pred):
    c = sum(len(set(get_spans(g)) & set(get_spans(p))) for g, p in zip(gold, pred, strict=True))
    n_p = sum(len(get_spans(p)) for p in pred)
    n_g = sum(len(get_spans(g)) for g in gold)
    return c / n_p, c / n_g, 2 * c / (n_p + n_g)


@pytest.mark.parametrize("answer,message", [
    (None, "not set yet"),
    (macro, "averages per-sentence"),
    (token_level, "counts tokens"),
    (lambda g, p: 0.5, "return a tuple"),
    (no_zero_guard, "return 0 when a denominator is 0"),
])
def test_span_f1_rejects_wrong_answers(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_span_f1(answer)


def test_hints_never_give_the_answer():
    def recall_wrong(gold, pred):
        p, r, f = span_f1(gold, pred)
        return p, r / 2, f

    gold_pred = ([["B-fromloc.city_name", "O", "B-toloc.city_name", "I-toloc.city_name"],
                  ["O", "B-depart_date.day_name", "O"],
                  ["B-airline_name", "I-airline_name", "O", "O", "O", "B-toloc.city_name"]],
                 [["B-fromloc.city_name", "O", "B-toloc.city_name", "O"],
                  ["O", "B-depart_date.day_name", "B-depart_time.period_of_day"],
                  ["B-airline_name", "I-airline_name", "O", "O", "O", "O"]])
    with gives_hint("your recall is wrong", *span_f1(*gold_pred)):
        check_span_f1(recall_wrong)

    def intents_dropped(examples, folder):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "seq.in").write_text("".join(" ".join(e.tokens) + "\n" for e in examples))
        (folder / "seq.out").write_text("".join(" ".join(e.tags) + "\n" for e in examples))
        (folder / "label").write_text("".join("flight\n" for _ in examples))

    with gives_hint("its intent differ") as err:
        check_write_split(intents_dropped)
    assert "airline" not in str(err.value), "the expected intent is not given away"
