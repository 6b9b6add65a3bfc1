"""Tests for ``python -m course_lib.tagger train|predict|evaluate`` on a tiny corpus.

Subprocesses where what the user sees matters (exit status, no traceback); the in-process
``main`` elsewhere (faster)."""

import argparse
import functools
import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from course_lib.tagger.cli import build_parser, main

CITIES = ["boston", "denver", "taipei", "new york", "san francisco", "dallas", "seattle"]
TINY = ["--epochs", "2", "--hidden", "16", "--embedding", "8", "--char-channels", "8",
        "--threads", "1", "--lr", "0.02", "--quiet"]


def write_tiny_corpus(root: Path, sizes=(40, 10, 10), dev_name="dev") -> Path:
    """A tiny "flights/fares from A to B" corpus in the seq.in/seq.out/label layout."""
    import random

    rng = random.Random(0)
    for split, k in zip(("train", dev_name, "test"), sizes, strict=True):
        d = root / split
        d.mkdir(parents=True)
        ins, outs, labels = [], [], []
        for _ in range(k):
            a, b = (c.split() for c in rng.sample(CITIES, 2))
            noun, label = rng.choice([("flights", "flight"), ("fares", "airfare")])
            ins.append(" ".join([noun, "from", *a, "to", *b]))
            outs.append(" ".join(["O", "O", "B-fromloc.city_name"]
                                 + ["I-fromloc.city_name"] * (len(a) - 1)
                                 + ["O", "B-toloc.city_name"]
                                 + ["I-toloc.city_name"] * (len(b) - 1)))
            labels.append(label)
        for name, lines in (("seq.in", ins), ("seq.out", outs), ("label", labels)):
            (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def run(*args, stdin=None):
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")
    return subprocess.run([sys.executable, "-m", "course_lib.tagger", *map(str, args)],
                          capture_output=True, text=stdin is None or isinstance(stdin, str),
                          input=stdin, env=env, timeout=180)


@functools.cache
def run_help(*command: str) -> subprocess.CompletedProcess:
    """``python -m course_lib.tagger [COMMAND] --help``, run once per command for the module:
    several tests read the same help text, and each run is a new process importing torch."""
    return run(*command, "--help")


def assert_clean_error(proc, status, *words):
    stderr = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode()
    assert proc.returncode == status, stderr
    assert "Traceback" not in stderr and proc.stdout in ("", b"")
    for w in words:
        assert w in stderr, (w, stderr)


def usage_error(argv, capsys) -> str:
    """What ``main(argv)`` writes to stderr when it stops with argparse's usage status 2."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_tiny_corpus(tmp_path_factory.mktemp("tiny"), dev_name="valid")


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    save = tmp_path_factory.mktemp("model") / "tagger.pt"
    proc = run(corpus, *TINY, "--save", save, "--report")  # no sub-command: train
    return proc, save


def test_train_prints_one_json_line_with_the_three_metrics(trained):
    proc, save = trained
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("slot_f1", "intent_accuracy", "sentence_accuracy", "dev_slot_f1",
                "peak_memory_mb", "parameters", "per_slot"):
        assert key in metrics
    assert all(0 <= metrics[k] <= 100 for k in ("slot_f1", "intent_accuracy",
                                                "sentence_accuracy", "invalid_iob2"))
    assert metrics["invalid_iob2"] == 0.0 and metrics["epochs"] == 2
    assert metrics["saved"] == str(save) and metrics["stopped"] == "epochs"
    assert metrics["training"] == {  # the training options echoed: the defaults but TINY's
        "epochs": 2, "max_steps": 5000, "patience": 6, "batch_size": 64, "lr": 0.02,
        "schedule": "constant", "rare_word_dropout": 1.0, "lr_decay": 1.0, "clip": 5.0,
        "intent_weight": 1.0, "max_minutes": 30.0}
    assert "toloc.city_name: precision" in proc.stderr  # the conlleval-style report
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr


def test_saved_model_is_one_file_read_with_weights_only(trained):
    proc, save = trained
    raw = torch.load(save, weights_only=True)
    assert raw["format"] == "course_lib.tagger" and raw["config"]["hidden_size"] == 16
    assert raw["info"]["slot_f1"] == json.loads(proc.stdout)["slot_f1"]
    assert sorted(raw["vocabs"]) == ["chars", "intents", "tags", "words"]


def test_predict_from_file_and_stdin(trained, tmp_path):
    _, save = trained
    text = "flights from boston to new york\nfares from taipei to dallas\n"
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    proc = run("predict", save, tmp_path / "in.txt")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["line"] for x in lines] == [1, 2] and lines[0]["tokens"][-2:] == ["new", "york"]
    for x in lines:
        assert len(x["tags"]) == len(x["tokens"]) and x["intent"] in ("flight", "airfare")
        assert 0 < x["intent_probability"] <= 1
        for s in x["slots"]:
            assert s["text"] == " ".join(x["tokens"][s["start"]:s["end"]]) and s["type"]
    assert run("predict", save, stdin=text).stdout == proc.stdout


def test_evaluate_scores_a_split_like_train_did(trained, corpus):
    proc, save = trained
    ev = run("evaluate", save, corpus / "test", "--report")
    assert ev.returncode == 0, ev.stderr
    got, want = json.loads(ev.stdout), json.loads(proc.stdout)
    for key in ("slot_f1", "intent_accuracy", "sentence_accuracy"):
        assert got[key] == want[key]
    assert got["size"] == 10 and "per_slot" in got and "FB1" in ev.stderr


@pytest.mark.parametrize("stdin,words", [
    ("flights to boston\n\nfares\n", ["<stdin>, line 2: empty line"]),
    (b"flights to b\xf6ston\n", ["<stdin>, line 1: invalid UTF-8"]),
    ("", ["<stdin>: no input"]),
])
def test_predict_bad_input_names_the_line(trained, stdin, words):
    _, save = trained
    assert_clean_error(run("predict", save, stdin=stdin), 2, *words)


def test_predict_with_an_empty_file_name_says_so(trained):
    _, save = trained
    assert_clean_error(run("predict", save, ""), 2, "FILE is an empty name")


def test_predict_and_evaluate_refuse_files_that_are_not_taggers(tmp_path, corpus):
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    assert_clean_error(run("predict", tmp_path / "notes.txt", stdin="x\n"), 2,
                       "notes.txt: not a saved tagger")
    assert_clean_error(run("evaluate", tmp_path / "none.pt", corpus / "test"), 2,
                       "none.pt: model file not found")


def _edited_model(save: Path, target: Path, edit) -> Path:
    raw = torch.load(save, weights_only=True)
    edit(raw)
    torch.save(raw, target)
    return target


def _bad_model(kind: str, save: Path, tmp: Path) -> Path:
    """A model file that is wrong in one way (``save`` is a good one to start from)."""
    if kind == "text renamed .pt":
        (tmp / "notes.pt").write_text("flights from boston to denver\n", encoding="utf-8")
        return tmp / "notes.pt"
    if kind == "folder":
        (tmp / "models").mkdir()
        return tmp / "models"
    if kind == "empty":
        (tmp / "empty.pt").write_bytes(b"")
        return tmp / "empty.pt"
    if kind == "binary noise":
        (tmp / "noise.pt").write_bytes(bytes(range(256)) * 4)
        return tmp / "noise.pt"
    if kind == "truncated":
        (tmp / "half.pt").write_bytes(save.read_bytes()[: save.stat().st_size // 2])
        return tmp / "half.pt"
    if kind == "shapes differ from config":
        return _edited_model(save, tmp / "shape.pt",
                             lambda raw: raw["config"].update(hidden_size=24))
    if kind == "version is a string":
        return _edited_model(save, tmp / "vstr.pt", lambda raw: raw.update(version="2"))
    if kind == "lowercase is not a bool":
        return _edited_model(save, tmp / "low.pt", lambda raw: raw.update(lowercase="yes"))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind,words", [
    ("text renamed .pt", ["notes.pt: not a saved tagger", "a text file"]),
    ("folder", ["models: a folder, not a model file"]),
    ("empty", ["empty.pt: not a saved tagger", "empty file"]),
    ("binary noise", ["noise.pt: not a saved tagger", "not a file written by torch.save"]),
    ("truncated", ["half.pt: not a saved tagger", "damaged or truncated"]),
    ("shapes differ from config",
     ["shape.pt: damaged tagger file", "has shape", "its config", "hidden_size"]),
    ("version is a string", ["vstr.pt: damaged tagger file", "the string '2'",
                             "not an integer"]),
    ("lowercase is not a bool", ["low.pt: damaged tagger file", "'lowercase'", "true or false"]),
])
def test_model_file_errors_are_one_precise_line(trained, tmp_path, kind, words):
    """Exit status 2, one line naming the file and what is wrong, no traceback, no warning."""
    _, save = trained
    path = _bad_model(kind, save, tmp_path)
    for proc in (run("predict", path, stdin="flights to boston\n"),
                 run("evaluate", path, tmp_path)):
        assert_clean_error(proc, 2, *words)
        assert len([x for x in proc.stderr.splitlines() if x.strip()]) == 1, proc.stderr
    if kind == "binary noise":  # random bytes are not "Python objects weights_only refuses"
        assert "weights_only" not in proc.stderr


def test_nan_guard_exits_3_and_saves_nothing(corpus, tmp_path):
    proc = run("train", corpus, *TINY, "--lr", "1e30", "--save", tmp_path / "nan.pt")
    assert_clean_error(proc, 3, "training stopped", "became", "--lr", "Nothing was saved")
    # with Adam the step is about --lr whatever the gradient's size: --clip is no remedy
    assert "or a smaller --clip" not in proc.stderr and "a smaller --clip does not" in proc.stderr
    assert not (tmp_path / "nan.pt").exists()


def test_seeds_report_mean_and_sd(corpus, capsys):
    assert main(["train", str(corpus), *TINY, "--epochs", "1", "--seeds", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seeds"] == [0, 1] and len(out["runs"]) == 2 and "slot_f1_sd" in out
    runs = [r["slot_f1"] for r in out["runs"]]
    assert out["slot_f1"] == pytest.approx(sum(runs) / 2, abs=0.01)


def test_save_never_overwrites_without_permission(corpus, tmp_path, capsys):
    target = tmp_path / "mine.pt"
    target.write_text("a learner's file", encoding="utf-8")
    assert main(["train", str(corpus), *TINY, "--save", str(target)]) == 2
    assert "exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "a learner's file"


def test_bad_data_exits_2_naming_file_and_line(tmp_path):
    root = write_tiny_corpus(tmp_path / "bad")
    seq_out = root / "train" / "seq.out"
    lines = seq_out.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + " O"  # one tag too many on line 3
    seq_out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_clean_error(run(root, "--epochs", "1"), 2, "seq.out", "line 3")


@pytest.mark.parametrize("argv,message", [
    (["train", "D", "--hidden", "-4"], "must be ≥ 1"),
    (["D/", "--epochs", "0"], "must be ≥ 1"),
    (["D/", "--dropout", "1.5"], "[0, 1)"),
    (["D/", "--lr", "abc"], "expected float"),
    (["D/", "--lr", "inf"], "must be a finite number > 0"),
    (["D/", "--lr", "-1"], "must be > 0.0, got -1"),
    # words argparse alone takes for options ("expected one argument")
    (["D/", "--lr", "-inf"], "argument --lr: must be a finite number > 0.0, got -inf"),
    (["train", "D/", "--lr", "-1e5"], "argument --lr: must be > 0.0, got -1e5"),
    (["D/", "--max-minutes", "-Infinity"], "argument --max-minutes: must be > 0"),
    (["D/", "--max-min", "-inf"], "argument --max-minutes: must be > 0"),  # abbreviated
    (["predict", "m.pt", "--", "--threads", "-1"], "unrecognized arguments: -1"),  # after --
    (["--lr", "-inf", "train", "D/"], "train ... --lr -inf"),  # echoed as typed
    (["--save", "train", "train", "D/"], "train ... --save train"),  # the value, not the command
    (["D/", "--cell", "transformer"], "invalid choice"),
    (["D/", "--lr-decay", "1.5"], "must lie in (0, 1]"),
    (["predict", "m.pt", "--decoder", "beam"], "invalid choice"),
    (["evaluate", "m.pt"], "required: SPLIT_DIR"),
])
def test_bad_options_rejected_by_argparse(capsys, argv, message):
    assert message in usage_error(argv, capsys)


def _help_of(parser: argparse.ArgumentParser) -> dict[str, str]:
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: p.format_help() for name, p in subs.choices.items()}


def test_help_documents_every_option_of_every_command():
    parser = build_parser()
    top = parser.format_help()
    assert all(c in top for c in ("train", "predict", "evaluate", "seq.in", "0-100"))
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subs.choices.items():
        text = sub.format_help()
        for action in sub._actions:
            for opt in action.option_strings:
                assert opt in text, (name, opt)
            assert action.help, (name, action.dest)  # every option says what it does
    proc = run_help()
    assert proc.returncode == 0 and "predict" in proc.stdout
    train_help = run_help("train").stdout
    assert "--max-minutes" in train_help and "exit status" in train_help


def test_device_choice(corpus, capsys):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: --device cuda would train on it")
    assert main(["train", str(corpus), *TINY, "--device", "cuda"]) == 2
    assert "no CUDA device" in capsys.readouterr().err
    assert main(["train", str(corpus), *TINY, "--epochs", "1", "--device", "auto"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["device"] == "cpu" and out["peak_memory_mb"] < 2048


def test_predict_into_a_pipe_closed_early_is_not_an_error(trained, tmp_path):
    """`predict … | head -1`: the reader closes the pipe; no traceback, exit status 0."""
    _, save = trained
    lines = tmp_path / "many.txt"
    lines.write_text("fly from boston to denver\n" * 20000, encoding="utf-8")
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")
    proc = subprocess.Popen([sys.executable, "-m", "course_lib.tagger", "predict", str(save),
                             str(lines)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()                    # what `head -1` does after its line
    _, err = proc.communicate(timeout=180)
    assert json.loads(first)["tokens"][0] == "fly"
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()[-500:]


def _predict_lines(save, text):
    proc = run("predict", save, stdin=text)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(x) for x in proc.stdout.splitlines()]


def test_lowercase_corpus_model_lowercases_its_input_and_reports_it_as_typed(trained):
    """The tiny corpus is all lowercase (like ATIS and SNIPS): 'Boston' must be read as
    'boston', not as <unk>; the answer shows the tokens as the user typed them."""
    proc, save = trained
    assert torch.load(save, weights_only=True)["lowercase"] is True
    assert json.loads(proc.stdout)["lowercase"] is True
    typed = "Flights From BOSTON to New York\n"
    [cased], [lower] = _predict_lines(save, typed), _predict_lines(save, typed.lower())
    assert cased["tokens"] == typed.split()
    assert cased["tags"] == lower["tags"] and cased["intent"] == lower["intent"]
    assert cased["intent_probability"] == lower["intent_probability"]
    for c, low in zip(cased["slots"], lower["slots"], strict=True):
        assert c["text"] == " ".join(typed.split()[c["start"]:c["end"]])
        assert c["text"].lower() == low["text"]
    assert "lowercase" in run_help("predict").stdout


def test_cased_corpus_and_old_model_files_keep_the_input_as_typed(tmp_path, trained):
    from course_lib.tagger.io import open_tagger

    root = write_tiny_corpus(tmp_path / "cased", sizes=(20, 5, 5))
    seq_in = root / "train" / "seq.in"
    seq_in.write_text(seq_in.read_text(encoding="utf-8").replace("boston", "Boston"),
                      encoding="utf-8")
    save = tmp_path / "cased.pt"
    proc = run("train", root, *TINY, "--epochs", "1", "--save", save)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["lowercase"] is False
    assert open_tagger(save).lowercase is False and "Boston" in open_tagger(save).vocabs.words
    # a file saved before the field existed loads, and its input is used as typed
    _, good = trained
    old = _edited_model(good, tmp_path / "old.pt", lambda raw: raw.pop("lowercase", None))
    assert open_tagger(old).lowercase is False
    model, vocabs = open_tagger(old).model, open_tagger(old).vocabs
    from course_lib.tagger.decode import tag_sentence

    tokens = "Flights from BOSTON to denver".split()
    [line] = _predict_lines(old, " ".join(tokens) + "\n")
    want = tag_sentence(model, vocabs, tokens)
    assert line["tokens"] == tokens and line["tags"] == want.tags
    assert line["intent"] == want.intent


def test_save_tagger_infers_lowercase_from_the_vocabularies(tmp_path):
    from course_lib.batching import build_vocabs
    from course_lib.data import Example
    from course_lib.tagger.io import open_tagger, save_tagger
    from course_lib.tagger.model import SlotTagger, make_config

    for word, want in (("boston", True), ("Boston", False)):
        vocabs = build_vocabs([Example(["to", word], ["O", "B-city"], "flight")])
        path = save_tagger(tmp_path / f"{word}.pt", SlotTagger(make_config(vocabs, hidden_size=4)),
                           vocabs)
        assert open_tagger(path).lowercase is want
        path = save_tagger(tmp_path / f"{word}2.pt",
                           SlotTagger(make_config(vocabs, hidden_size=4)), vocabs,
                           lowercase=not want)
        assert open_tagger(path).lowercase is (not want)


@pytest.mark.parametrize("text", ["flights to boston\n\n", "flights to boston\n \n\n",
                                  "flights to boston\r\n\r\n"])
def test_predict_trailing_blank_lines_are_not_an_error(trained, tmp_path, text):
    _, save = trained
    (tmp_path / "in.txt").write_text(text, encoding="utf-8", newline="")
    for proc in (run("predict", save, stdin=text), run("predict", save, tmp_path / "in.txt")):
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        [line] = [json.loads(x) for x in proc.stdout.splitlines()]
        assert line["line"] == 1 and line["tokens"] == ["flights", "to", "boston"]


def test_predict_skip_blank_warns_per_line_and_keeps_line_numbers(trained):
    _, save = trained
    text = "\nflights to boston\n\n  \nfares to denver\n\n"
    assert_clean_error(run("predict", save, stdin=text), 2, "<stdin>, line 1: empty line")
    proc = run("predict", save, "--skip-blank", stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["line"] for x in proc.stdout.splitlines()] == [2, 5]
    warnings = proc.stderr.splitlines()
    assert warnings == [f"python -m course_lib.tagger: warning: <stdin>, line {i}: blank line "
                        "skipped" for i in (1, 3, 4)]
    assert_clean_error(run("predict", save, "--skip-blank", stdin="\n \n"), 2,
                       "<stdin>: no input")
    many = run("predict", save, "--skip-blank", stdin="a\n" + "\n" * 25 + "b\n")
    assert many.returncode == 0 and len(many.stdout.splitlines()) == 2
    assert many.stderr.splitlines()[19].endswith("line 21: blank line skipped")
    assert many.stderr.splitlines()[20].endswith(
        "<stdin>: 5 more blank lines skipped (the last is line 26)")
    assert len(many.stderr.splitlines()) == 21
    text = run_help("predict").stdout
    assert "--skip-blank" in text and "one-token-a-line" in text


@pytest.mark.parametrize("argv,guess", [
    (["trian", "data/"], "train"), (["predcit", "m.pt"], "predict"),
    (["evalute", "m.pt", "data/test"], "evaluate"), (["Train", "data/"], "train"),
    (["eval", "m.pt", "data/test"], "evaluate"),
])
def test_typo_in_the_command_is_not_taken_for_a_corpus(argv, guess, tmp_path, monkeypatch,
                                                       capsys):
    monkeypatch.chdir(tmp_path)  # no folder of that name here
    err = usage_error(argv, capsys)
    assert f"error: unknown command {argv[0]!r} (did you mean {guess!r}?)" in err, err


def test_a_corpus_folder_named_like_a_typo_still_trains(tmp_path, monkeypatch, capsys):
    write_tiny_corpus(tmp_path / "trian", sizes=(12, 4, 4))
    monkeypatch.chdir(tmp_path)
    assert main(["trian", *TINY, "--epochs", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["train_size"] == 12
    assert run("./nowhere_at_all").stderr.strip().endswith(
        "nowhere_at_all: corpus folder not found")  # a path, not a word: a missing corpus


def test_time_guard_mid_epoch_is_reported_honestly(corpus, capsys):
    """A tiny --max-minutes fires after the first step: the JSON says the guard fired, in
    which epoch, after how many of its steps, and that the kept epoch is that partial one."""
    argv = ["train", str(corpus), *TINY, "--epochs", "3", "--batch-size", "8",
            "--max-minutes", "1e-6"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["stopped"] == "time" and out["time_guard_fired"] is True
    assert out["epochs"] == 1 and out["best_epoch"] == 1
    assert out["steps_per_epoch"] == 5 and out["last_epoch_steps"] == 1  # 40 utterances / 8
    assert out["partial_last_epoch"] is True and out["best_epoch_partial"] is True
    assert "time guard" in captured.err and "after 1 of 5 steps" in captured.err
    assert "partial" in captured.err
    # a run the guard does not stop says so too
    assert main(["train", str(corpus), *TINY, "--epochs", "1", "--batch-size", "8"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stopped"] == "epochs" and out["time_guard_fired"] is False
    assert out["last_epoch_steps"] == out["steps_per_epoch"] == 5
    assert out["partial_last_epoch"] is False and out["best_epoch_partial"] is False


def test_training_options_reach_the_model_and_fit(corpus, tmp_path, monkeypatch, capsys):
    """--attention builds the layer (and the file reloads with it); --schedule and
    --rare-word-dropout are what fit receives, not only what the JSON echoes."""
    import course_lib.tagger.train as train_module
    from course_lib.tagger.io import load_tagger

    seen = []
    real_fit = train_module.fit

    def spy(*args, **kwargs):
        seen.append(kwargs)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(train_module, "fit", spy)
    save = tmp_path / "att.pt"
    assert main(["train", str(corpus), *TINY, "--epochs", "1", "--attention", "4",
                 "--schedule", "linear", "--rare-word-dropout", "0.5", "--save", str(save)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert seen[-1]["schedule"] == "linear" and seen[-1]["rare_word_dropout"] == 0.5
    assert out["config"]["attention"] == 4
    model, _ = load_tagger(save)[:2]
    assert model.config.attention == 4 and model.attention is not None
    assert main(["train", str(corpus), *TINY, "--epochs", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert seen[-1]["schedule"] == "constant" and seen[-1]["rare_word_dropout"] == 1.0
    assert "attention" not in out["config"]  # left out when unused: older versions load it
    assert run("predict", save, stdin="flights from boston to denver\n").returncode == 0


def test_a_file_from_a_newer_version_says_so(trained, tmp_path):
    _, save = trained
    payload = torch.load(save, weights_only=True)
    payload["config"]["pointer_network"] = 1  # a setting this version does not know
    newer = tmp_path / "newer.pt"
    torch.save(payload, newer)
    assert_clean_error(run("predict", newer, stdin="flights to boston\n"), 2,
                       "newer.pt: this tagger file was saved by a newer course_lib",
                       "pointer_network")


def test_step_limit_ends_training_inside_an_epoch_and_says_so(corpus, capsys):
    tiny = [a for a in TINY if a != "--quiet"]
    argv = ["train", str(corpus), *tiny, "--epochs", "3", "--batch-size", "8", "--max-steps", "7"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["stopped"] == "steps" and out["time_guard_fired"] is False
    assert out["epochs"] == 2 and out["steps_per_epoch"] == 5 and out["last_epoch_steps"] == 2
    assert "epoch 2 [partial: 2 of 5 steps, step limit]" in captured.err
    assert "time guard" not in captured.err


def test_seeds_report_each_runs_stop_and_do_not_average_flags(corpus, capsys):
    assert main(["train", str(corpus), *TINY, "--epochs", "1", "--seeds", "2",
                 "--batch-size", "8", "--max-minutes", "1e-6"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["time_guard_fired"] is True and out["stopped"] == "time"
    assert [r["stopped"] for r in out["runs"]] == ["time", "time"]
    assert "partial_last_epoch_sd" not in out and out["partial_last_epoch"] is True
    assert "--max-minutes" in run_help("train").stdout


def test_predict_and_evaluate_batch_by_a_token_budget(trained, corpus, tmp_path, monkeypatch,
                                                      capsys):
    """--max-batch-tokens caps utterances × longest length of every forward pass (what memory
    grows with), whatever --batch-size says, and the output keeps the input order."""
    import course_lib.tagger.decode as decode

    _, save = trained
    lines = [" ".join(["fly", "to", "boston"] * k) for k in (40, 1, 7, 2, 40, 3, 1)]
    (tmp_path / "in.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shapes, real = [], decode.decode_slots

    def spy(model, slots, *rest, **kw):
        shapes.append(tuple(slots.shape[:2]))
        return real(model, slots, *rest, **kw)

    monkeypatch.setattr(decode, "decode_slots", spy)
    base = ["predict", str(save), str(tmp_path / "in.txt"), "--threads", "1"]
    assert main(base) == 0
    whole = capsys.readouterr().out
    assert shapes == [(7, 120)]  # the default budget (32768) holds this input in one pass
    shapes.clear()
    assert main([*base, "--max-batch-tokens", "30"]) == 0
    assert capsys.readouterr().out == whole  # same answers, same order
    assert all(n * t <= 30 or n == 1 for n, t in shapes) and (1, 120) in shapes, shapes
    assert sum(n for n, _ in shapes) == 7 and len(shapes) == 5, shapes  # 3+3 | 6+9 | 21 | 120 | 120
    shapes.clear()
    assert main(["evaluate", str(save), str(corpus / "test"), "--threads", "1"]) == 0
    want = json.loads(capsys.readouterr().out)
    assert shapes and max(n for n, _ in shapes) == 10
    shapes.clear()
    assert main(["evaluate", str(save), str(corpus / "test"), "--threads", "1",
                 "--max-batch-tokens", "16"]) == 0
    assert json.loads(capsys.readouterr().out) == want
    assert all(n * t <= 16 for n, t in shapes) and sum(n for n, _ in shapes) == 10, shapes
    text = " ".join(run_help("predict").stdout.split())
    assert "--max-batch-tokens" in text and "keeps the input order" in text


@pytest.mark.parametrize("target,words", [
    ("folder", ["is a folder; --save needs a file path", "tagger.pt"]),
    ("empty", ["--save needs a file path, got an empty string"]),
    ("no folder", ["folder for --save not found"]),
    ("corpus file", ["label: a file of the corpus being trained on; --save never replaces"]),
])
def test_save_path_is_checked_before_training(corpus, tmp_path, target, words):
    """A --save that cannot or must not be written fails at once (exit 2, nothing trained,
    nothing left behind), even with --overwrite; an empty path is an error, not 'saved
    nothing'; the corpus's own files are never replaced."""
    (tmp_path / "models").mkdir()
    label = corpus / "valid" / "label"
    before = label.read_bytes()
    path = {"folder": tmp_path / "models", "empty": "", "corpus file": label,
            "no folder": tmp_path / "nowhere" / "m.pt"}[target]
    argv = [a for a in TINY if a != "--quiet"]
    proc = run("train", corpus, *argv, "--save", path, "--overwrite")
    assert_clean_error(proc, 2, *words)
    assert "epoch" not in proc.stderr  # refused before the first epoch
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]
    assert list((tmp_path / "models").iterdir()) == [] and label.read_bytes() == before


@pytest.mark.parametrize("fails", ["torch.save", "os.replace"])
def test_save_tagger_leaves_no_temporary_file_when_it_fails(tmp_path, monkeypatch, fails):
    from course_lib.batching import build_vocabs
    from course_lib.data import Example
    from course_lib.tagger import io
    from course_lib.tagger.model import SlotTagger, make_config

    vocabs = build_vocabs([Example(["to", "boston"], ["O", "B-city"], "flight")])
    model = SlotTagger(make_config(vocabs, hidden_size=4))
    (tmp_path / "m.pt.tmp").write_text("a learner's file", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io.torch if fails == "torch.save" else io.os,
                        fails.split(".")[1], broken)
    with pytest.raises(OSError, match="No space left"):
        io.save_tagger(tmp_path / "m.pt", model, vocabs)
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt.tmp"]  # only the learner's file
    assert (tmp_path / "m.pt.tmp").read_text(encoding="utf-8") == "a learner's file"
    monkeypatch.undo()
    path = io.save_tagger(tmp_path / "m.pt", model, vocabs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt", "m.pt.tmp"]
    assert path.stat().st_mode & 0o777 == 0o666 & ~io._umask()  # as open() would make it


def test_summarise_runs_treats_each_field_by_its_meaning():
    from course_lib.tagger.runs import summarise

    def one(seed, f1, epochs, last, stopped, partial, intent=50.0):
        return {"seed": seed, "slot_f1": f1, "intent_accuracy": intent, "epochs": epochs,
                "best_epoch": 1, "stopped": stopped, "time_guard_fired": partial,
                "steps_per_epoch": 8, "last_epoch_steps": last, "partial_last_epoch": partial,
                "train_seconds": 0.5}

    runs = [one(0, 80.0, 4, 8, "epochs", False), one(1, 90.0, 5, 3, "time", True, None)]
    out = summarise(runs)
    assert out["slot_f1"] == 85.0 and out["slot_f1_sd"] == pytest.approx(7.07)
    assert out["epochs"] == 4.5 and out["epochs_sd"] == pytest.approx(0.71)
    assert out["best_epoch"] == 1 and type(out["best_epoch"]) is int  # the runs agree
    assert out["steps_per_epoch"] == 8 and type(out["steps_per_epoch"]) is int
    assert "steps_per_epoch_sd" not in out and "last_epoch_steps_sd" not in out
    assert out["last_epoch_steps"] == 3  # the fewest: a partial last epoch in some run
    assert out["partial_last_epoch"] is True and out["time_guard_fired"] is True
    assert "partial_last_epoch_sd" not in out and out["stopped"] == "mixed"
    assert out["intent_accuracy"] is None and "intent_accuracy_sd" not in out
    assert out["seeds"] == [0, 1] and out["runs"] == runs and "seed" not in out
    with pytest.raises(ValueError, match="two runs"):
        summarise(runs[:1])


def test_seeds_say_which_run_was_saved_and_the_file_describes_that_run(corpus, tmp_path,
                                                                       capsys):
    save = tmp_path / "m.pt"
    argv = ["train", str(corpus), *[a for a in TINY if a != "--quiet"], "--epochs", "1",
            "--seeds", "2", "--save", str(save), "--report"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    by_seed = {r["seed"]: r for r in out["runs"]}
    kept = out["saved_seed"]
    assert kept in (0, 1) and out["per_slot_seed"] == kept

    def dev_score(r):
        return sum(r[k] for k in ("dev_slot_f1", "dev_intent_accuracy",
                                  "dev_sentence_accuracy"))

    assert dev_score(by_seed[kept]) >= dev_score(by_seed[1 - kept]) - 0.03  # rounded values
    info = torch.load(save, weights_only=True)["info"]
    assert info["seed"] == kept and info["seeds"] == [0, 1]
    for key in ("slot_f1", "intent_accuracy", "sentence_accuracy", "dev_slot_f1", "epochs"):
        assert info[key] == by_seed[kept][key]  # that run's own scores, not the mean
    assert not any(k.endswith("_sd") for k in info) and "runs" not in info
    assert info["train_seconds"] == by_seed[kept]["train_seconds"] and "seconds" not in info
    assert info["seconds_all_seeds"] == out["seconds"]  # the command's time, named as such
    assert out["epochs"] == 1 and type(out["epochs"]) is int and out["epochs_sd"] == 0
    assert type(out["steps_per_epoch"]) is int and "steps_per_epoch_sd" not in out
    assert f"per-slot report, test split, seed {kept}, the run with the best dev" in captured.err
    line = [x for x in captured.err.splitlines() if x.startswith("seeds 0, 1 (mean ± sd")]
    assert len(line) == 1 and f"slot F1 {out['slot_f1']:.2f} ± {out['slot_f1_sd']:.2f}" in line[0]
    assert f"best dev score: seed {kept} (saved to {save})" in line[0]
    assert main([*argv, "--overwrite", "--quiet"]) == 0
    assert "mean ± sd" not in capsys.readouterr().err
    text = " ".join(run_help("train").stdout.split())
    assert "saved_seed" in text and "per_slot_seed" in text and "mean ± sd" in text


def test_predict_reads_pipes_and_refuses_folders(trained, tmp_path):
    """/dev/stdin, bash's <(command) and named pipes are files to read, not 'file not found'."""
    import threading

    _, save = trained
    text = "flights from boston to denver\nfares to dallas\n"
    want = run("predict", save, stdin=text)
    assert want.returncode == 0 and len(want.stdout.splitlines()) == 2, want.stderr
    assert run("predict", save, "/dev/stdin", stdin=text).stdout == want.stdout
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w", encoding="utf-8") as f:
            f.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    proc = run("predict", save, fifo)
    writer.join(timeout=60)
    assert proc.returncode == 0 and proc.stdout == want.stdout, proc.stderr
    proc = subprocess.run(["bash", "-c", f'{sys.executable} -m course_lib.tagger predict '
                           f'"{save}" <(printf "{text}")'], capture_output=True, text=True,
                          timeout=180, env=dict(os.environ, COURSE_LIB_PROGRESS="0"))
    assert proc.returncode == 0 and proc.stdout == want.stdout, proc.stderr
    assert_clean_error(run("predict", save, tmp_path), 2,
                       f"{tmp_path}: is a folder, not a text file")
    assert_clean_error(run("predict", save, tmp_path / "none.txt"), 2, "none.txt: file not found")


@pytest.mark.parametrize("word", ["tag", "run", "fit", "snips2"])
def test_an_unknown_word_is_an_unknown_command_not_a_missing_corpus(word, tmp_path,
                                                                   monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    err = usage_error([word, "data/"], capsys)
    assert (f"error: unknown command {word!r}; commands: train, predict, evaluate (or give a "
            f"corpus folder: there is no file or folder named {word!r} here)") in err, err


@pytest.mark.parametrize("argv,command", [
    (["--threads", "1", "predict", "m.pt"], "predict"),
    (["--lr=0.1", "--quiet", "evaluate", "m.pt", "d/test"], "evaluate"),
    (["--hidden", "8", "train", "d"], "train"),
])
def test_options_before_the_command_say_where_options_go(argv, command, capsys):
    err = usage_error(argv, capsys)
    assert f"error: options come after the command: python -m course_lib.tagger {command} " \
           in err, err


@pytest.mark.parametrize("argv,want", [
    (["--hid", "8", "train", "d"], "train ... --hid 8"),  # an abbreviation argparse accepts
    (["--max-min", "5", "train", "d"], "train ... --max-min 5"),
    (["--thr", "1", "predict", "m.pt"], "predict ... --thr 1"),
    (["--dec", "argmax", "--q", "evaluate", "m.pt", "d/test"], "evaluate ... --dec argmax --q"),
    (["--sav", "train", "train", "d"], "train ... --sav train"),  # the value, not the command
    (["--hid=8", "train", "d"], "train ... --hid=8"),
])
def test_abbreviated_options_before_the_command_say_where_options_go(argv, want, capsys):
    """An abbreviation gets the message a full option name gets, echoing what was typed."""
    err = usage_error(argv, capsys)
    assert f"error: options come after the command: python -m course_lib.tagger {want}\n" \
        == err[err.index("error: "):], err


@pytest.mark.parametrize("argv,want", [
    (["train", "D/", "--max", "-5"], "ambiguous option: --max could match --max-steps, "
                                     "--max-minutes"),
    (["D/", "--max", "-inf"], "ambiguous option: --max could match"),
    (["train", "D/", "--max=-5"], "ambiguous option: --max=-5 could match"),  # as typed
    # --max names one option of predict (--max-batch-tokens), so there it is not ambiguous
    (["predict", "m.pt", "--max", "-5"], "argument --max-batch-tokens: must be ≥ 1, got -5"),
])
def test_an_ambiguous_abbreviation_is_echoed_as_typed(argv, want, capsys):
    err = usage_error(argv, capsys)
    assert want in err, err
    assert "--max=-" not in err or "--max=-5" in argv, err


@pytest.mark.parametrize("argv,want", [
    # an unknown option before the command may hold a value: the command is still found
    (["--bogus", "3", "train", "d"], "options come after the command: python -m "
                                     "course_lib.tagger train ... --bogus 3\n"),
    (["--", "train", "d"], "options come after the command: python -m course_lib.tagger "
                           "train ... --\n"),
    (["--hid", "8", "--", "train", "d"], "train ... --hid 8 --\n"),
    # --h is --help at the top, but --help or --hidden for train: not the top help
    (["--h", "8", "train", "d"], "train ... --h 8\n"),
    (["--h", "8", "d"], "ambiguous option: --h could match --help, --hidden\n"),
    # Python 3.11's argparse drops a '--' value and hands the option an empty list
    (["train", "d", "--lr=--"], "argument --lr: '--' cannot be a value (a file named '--' "
                                "is ./--)\n"),
    (["predict", "m.pt", "--thr=--"], "argument --threads: '--' cannot be a value"),
    (["predict", "m.pt", "--decoder=--"], "argument --decoder: '--' cannot be a value"),
    (["train", "d", "--save=--"], "argument --save: '--' cannot be a value"),
    # a shell variable that expands to nothing is not the current folder
    (["train", ""], "DATA_DIR is an empty name: give a path\n"),
    (["predict", "", "in.txt"], "MODEL is an empty name: give a path\n"),
    (["evaluate", "m.pt", "--", ""], "SPLIT_DIR is an empty name: give a path\n"),
    (["predict", "m.pt", "--", "in.txt", "--threads", "1"],
     "unrecognized arguments: --threads 1 (after '--' every word is a path)\n"),
])
def test_odd_spellings_get_a_message_that_fits(argv, want, capsys):
    err = usage_error(argv, capsys)
    assert want in err, err


def test_a_path_that_begins_with_a_dash_is_named_in_the_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-x.pt").write_bytes(b"")
    with pytest.raises(SystemExit):
        main(["predict", "-x.pt", "in.txt"])
    assert ("unrecognized arguments: -x.pt (a path that begins with '-': write ./-x.pt, or "
            "put it after '--')\n") in capsys.readouterr().err


def test_options_first_with_a_corpus_folder_still_mean_train(tmp_path, capsys):
    """A command word as an option's value (--save predict) is not the command."""
    assert main(["--hidden", "8", str(tmp_path / "nowhere"), "--save", "predict"]) == 2
    assert "nowhere: corpus folder not found" in capsys.readouterr().err


def test_invalid_utf8_is_located_within_its_line(trained):
    _, save = trained
    proc = run("predict", save, stdin=b"ok\nshow caf\xe9 x\n")
    assert_clean_error(proc, 2, "<stdin>, line 2: invalid UTF-8 (invalid continuation byte at "
                                "byte 9 of the line)")


def test_max_minutes_inf_means_no_guard(corpus, capsys):
    assert build_parser().parse_args(["train", "D", "--max-minutes", "inf"]).max_minutes == \
        float("inf")
    assert main(["train", str(corpus), *TINY, "--epochs", "1", "--max-minutes", "inf"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stopped"] == "epochs" and out["time_guard_fired"] is False
    assert out["training"]["max_minutes"] is None  # JSON has no infinity
    for bad, message in (("nan", "must be > 0 (or inf: no time guard), got nan"),
                         ("0", "must be > 0 (or inf: no time guard), got 0"),
                         ("-1", "must be > 0 (or inf: no time guard), got -1"),
                         ("abc", "expected a number of minutes or inf, got 'abc'")):
        with pytest.raises(SystemExit):
            main(["train", str(corpus), "--max-minutes", bad])
        assert message in capsys.readouterr().err
    assert build_parser().parse_args(["train", "D", "--max-minutes", "1e400"]).max_minutes == \
        float("inf")  # a number too large for a float is infinite too
    assert "inf: no guard" in " ".join(run_help("train").stdout.split())


def test_a_file_a_split_or_a_corpus_in_the_wrong_place_get_a_hint(trained, corpus, capsys):
    _, save = trained
    for argv, want in [
        (["train", str(corpus / "train" / "seq.in")],
         f"{corpus / 'train' / 'seq.in'}: is a file, not a corpus folder"),
        (["train", str(corpus / "train")],
         f"{corpus / 'train'}: one split (it holds seq.in, seq.out, label), not a corpus "
         f"folder; give the folder holding train/, dev/ or valid/, and test/: probably "
         f"{corpus}"),
        (["evaluate", str(save), str(corpus)],
         f"{corpus}: a corpus folder (with train, valid, test), not one split; give a split "
         f"folder, e.g. {corpus / 'test'}"),
        (["evaluate", str(save), str(corpus / "test" / "label")],
         f"{corpus / 'test' / 'label'}: is a file, not a split folder (a folder holding seq.in, "
         f"seq.out and label); give the folder holding it: {corpus / 'test'}"),
    ]:
        assert main([*argv, "--threads", "1"]) == 2
        err = capsys.readouterr().err
        assert want in err, err


def test_help_groups_run_options_apart_from_training():
    """--decoder, --device, --threads and --strict-iob say how to run, not what to train."""
    subs = next(a for a in build_parser()._actions
                if isinstance(a, argparse._SubParsersAction)).choices
    for name, sub in subs.items():
        groups = {g.title: {o for a in g._group_actions for o in a.option_strings}
                  for g in sub._action_groups}
        want = {"--decoder", "--device", "--threads"} | ({"--strict-iob"} if name != "predict"
                                                         else set())
        assert want <= groups["run"], (name, groups["run"])
        assert not want & groups.get("training", set())


def test_help_says_how_predict_reads_and_what_it_reports():
    text = " ".join(run_help("predict").stdout.split())
    assert "split at white space only: punctuation stays attached" in text
    assert "normalised geometric mean of the token distributions" in text
    assert "3 the model's scores are not finite" in text
    assert "3 the model's scores are not finite" in " ".join(run_help("evaluate")
                                                             .stdout.split())
    assert "3 training diverged" in " ".join(run_help("train").stdout.split())


def test_intent_probability_is_the_normalised_geometric_mean_of_the_tokens(trained):
    """What predict --help says of a token-level model (the default), checked on the model."""
    from course_lib.batching import encode, to_tensors
    from course_lib.data import Example
    from course_lib.tagger.io import open_tagger

    _, save = trained
    loaded = open_tagger(save)
    assert loaded.model.config.token_intent
    tokens = "fares from boston to new york".split()
    [line] = _predict_lines(save, " ".join(tokens) + "\n")
    tb = to_tensors(encode([Example(tokens, ["O"] * len(tokens), "")], loaded.vocabs,
                           with_tags=False))
    with torch.no_grad():
        out = loaded.model(tb.tokens, tb.lengths, tb.chars)
    p_t = out.intent_tokens[0].double().softmax(-1)  # (T, I): each token's distribution
    geo = p_t.log().mean(0).exp()
    geo = geo / geo.sum()
    best = int(geo.argmax())
    assert loaded.vocabs.intents.itos[best] == line["intent"]
    assert line["intent_probability"] == pytest.approx(float(geo[best]), abs=1e-4)


def test_predict_and_evaluate_exit_3_when_the_scores_overflow(trained, corpus, tmp_path):
    """Finite weights so large that the slot scores are infinite: exit status 3, as --help
    says, and nothing on stdout."""
    _, save = trained
    huge = _edited_model(save, tmp_path / "huge.pt",
                         lambda raw: raw["state_dict"]["out.weight"].fill_(3e38))
    for proc in (run("predict", huge, stdin="flights to boston\n"),
                 run("evaluate", huge, corpus / "test")):
        assert_clean_error(proc, 3, "huge.pt: the model's slot scores are not finite")


def _read_line(stream, seconds):
    """One line from a subprocess pipe, or None if none comes within ``seconds``."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else None


def test_predict_answers_each_line_as_it_arrives(trained):
    """A line written to predict's stdin is answered while stdin is still open (a terminal
    session or a pipe from a running program), and an error later keeps what was printed."""
    _, save = trained
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")
    proc = subprocess.Popen([sys.executable, "-m", "course_lib.tagger", "predict", str(save)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        proc.stdin.write("flights to boston\n")
        proc.stdin.flush()
        first = _read_line(proc.stdout, 120)  # model loading included
        assert first is not None and json.loads(first)["line"] == 1
        proc.stdin.write("fares to denver\n")
        proc.stdin.flush()
        second = _read_line(proc.stdout, 60)
        assert second is not None and json.loads(second)["tokens"] == ["fares", "to", "denver"]
        proc.stdin.write("\nflights\n")  # a blank line mid-input: stops at it
        proc.stdin.close()
        assert proc.wait(60) == 2
        assert proc.stdout.read() == ""
        err = proc.stderr.read()
        assert "<stdin>, line 3: empty line" in err and "Traceback" not in err
    finally:
        proc.kill()


class _Trickle:
    """A binary stream whose reads return the given pieces, one a call (as a pipe may)."""

    def __init__(self, pieces):
        self.pieces = iter(pieces)

    def read1(self, n):
        return next(self.pieces, b"")


def test_utterance_blocks_join_pieces_into_lines():
    from course_lib.tagger.inputs import utterance_blocks

    text = "\ufeffflights to zürich\n\nfares\n  \nshow me\n\n".encode()
    pieces = [text[:2], text[2:19], text[19:21], text[21:30], text[30:]]  # ü split in two
    skipped = []
    blocks = list(utterance_blocks(_Trickle(pieces), "x", skip_blank=True,
                                   on_blank=skipped.append))
    assert [u for b in blocks for u in b] == [(1, ["flights", "to", "zürich"]), (3, ["fares"]),
                                              (5, ["show", "me"])]
    assert len(blocks) > 1 and skipped == [2, 4]  # the trailing blank line 6 is not reported
    with pytest.raises(ValueError, match=r"^x, line 3: invalid UTF-8 .* at byte 2 of"):
        list(utterance_blocks(_Trickle([b"a\nb\n", b"c\xff\n"]), "x"))
    # a byte-order mark is not counted in the byte of the line (an editor does not show it),
    # also when the first line comes in several reads
    with pytest.raises(ValueError, match=r"^x, line 1: invalid UTF-8 .* at byte 6 of"):
        list(utterance_blocks(_Trickle([b"\xef\xbb\xbfshow", b" \xff\n"]), "x"))
    with pytest.raises(ValueError, match=r"^x, line 2: invalid UTF-8 .* at byte 1 of"):
        list(utterance_blocks(_Trickle([b"\xef\xbb\xbfa\n\xff\n"]), "x"))
    with pytest.raises(ValueError, match=r"^x, line 2: empty line"):
        list(utterance_blocks(_Trickle([b"a\n\n", b"b"]), "x"))
    assert list(utterance_blocks(_Trickle([b"a", b" b"]), "x")) == [[(1, ["a", "b"])]]
    with pytest.raises(ValueError, match=r"^x: no input"):
        list(utterance_blocks(_Trickle([b"\n", b" \n"]), "x", skip_blank=True))


def test_utterance_blocks_read_a_long_line_in_linear_time():
    """A 16 MB line arriving 4 KB a read (a slow pipe, or a file with CR-only line ends):
    gathering it must not re-copy and re-search what came before on every read (that took
    ~10 s here; linear takes well under a second)."""
    import time

    from course_lib.tagger.inputs import utterance_blocks

    line, piece = b"x" * (16 << 20), 4096
    start = time.perf_counter()
    [[(number, tokens)]] = list(utterance_blocks(_Trickle(
        line[i:i + piece] for i in range(0, len(line), piece)), "x"))
    assert number == 1 and len(tokens[0]) == len(line)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("redirect,status,words", [
    ("<&-", 2, "<stdin>: standard input is closed"),
    (">&-", 2, "standard output is closed"),
    ("> /dev/full", 1, "cannot write the output: No space left on device"),
])
def test_predict_with_closed_or_full_streams_answers_in_one_line(trained, redirect, status,
                                                                 words):
    _, save = trained
    if redirect == "> /dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")
    cmd = (f"echo 'flights to boston' | {sys.executable} -m course_lib.tagger predict "
           f"'{save}' {redirect}")
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == status, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_options_may_sit_between_model_and_file(trained, tmp_path):
    """predict MODEL --skip-blank FILE (options after the command, anywhere) works as
    predict MODEL FILE --skip-blank does."""
    _, save = trained
    path = tmp_path / "in.txt"
    path.write_text("flights to boston\n\nfares to denver\n", encoding="utf-8")
    want = run("predict", save, path, "--skip-blank", "--decoder", "argmax")
    assert want.returncode == 0, want.stderr
    for argv in (["predict", save, "--skip-blank", path, "--decoder", "argmax"],
                 ["predict", "--decoder", "argmax", save, "--skip-blank", path]):
        got = run(*argv)
        assert (got.returncode, got.stdout) == (0, want.stdout), got.stderr


def test_after_double_dash_every_word_is_a_path(trained, tmp_path):
    """predict -- -x.pt reads the model file named '-x.pt' (Python 3.11's intermixed parsing
    alone drops the '--' and then says MODEL is missing); after '--' even '--' is a file
    name (predict m.pt -- -- reads the file '--', as cat -- -- does), and '-' is stdin."""
    import shutil

    _, save = trained
    shutil.copy(save, tmp_path / "-x.pt")
    (tmp_path / "--").write_text("flights to boston\n", encoding="utf-8")
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")

    def here(*args):
        return subprocess.run([sys.executable, "-m", "course_lib.tagger", *args], cwd=tmp_path,
                              capture_output=True, text=True, env=env, timeout=120,
                              input="flights to denver\n")

    want = run("predict", save, tmp_path / "--")
    assert want.returncode == 0, want.stderr
    for argv in (["predict", "--", "-x.pt", "--"],
                 ["predict", "--threads", "1", "--", "-x.pt", "--"],
                 ["predict", "--", "-x.pt", "./--"]):
        got = here(*argv)
        assert (got.returncode, got.stdout) == (0, want.stdout), (argv, got.stderr)
    stdin = here("predict", "--", "-x.pt", "-")
    assert stdin.returncode == 0 and json.loads(stdin.stdout)["tokens"][-1] == "denver"
    assert_clean_error(here("predict", "--", "-y.pt"), 2, "-y.pt: model file not found")
    (tmp_path / "--").unlink()
    assert_clean_error(here("predict", "./-x.pt", "--", "--"), 2,
                       "--: file not found")
    assert_clean_error(here("predict", "./-x.pt", "--", "a", "-b"), 2,
                       "unrecognized arguments: -b")


def test_predict_reads_a_file_with_stdin_closed(trained, tmp_path):
    """A cron job or daemon may start predict with stdin closed; FILE is read all the same."""
    _, save = trained
    (tmp_path / "in.txt").write_text("flights to boston\n", encoding="utf-8")
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")
    cmd = (f"{sys.executable} -m course_lib.tagger predict '{save}' '{tmp_path / 'in.txt'}' "
           "<&-")
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert json.loads(proc.stdout)["tokens"] == ["flights", "to", "boston"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert re.fullmatch(r"course_lib \d+\.\d+\.\d+ \(model file format \d+\)\n",
                        capsys.readouterr().out)
