"""Tests for ``python -m course_lib.tagger`` run as a subprocess on a tiny corpus."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

CITIES = ["boston", "denver", "taipei", "new york", "san francisco", "dallas", "seattle"]


def write_tiny_corpus(root: Path, sizes=(40, 10, 10), dev_name="dev") -> Path:
    """A tiny "from A to B" corpus in the seq.in/seq.out/label layout."""
    import random

    rng = random.Random(0)
    for split, k in zip(("train", dev_name, "test"), sizes, strict=True):
        d = root / split
        d.mkdir(parents=True)
        ins, outs = [], []
        for _ in range(k):
            a, b = (c.split() for c in rng.sample(CITIES, 2))
            ins.append(" ".join(["flights", "from", *a, "to", *b]))
            outs.append(" ".join(["O", "O", "B-fromloc.city_name"]
                                 + ["I-fromloc.city_name"] * (len(a) - 1)
                                 + ["O", "B-toloc.city_name"]
                                 + ["I-toloc.city_name"] * (len(b) - 1)))
        (d / "seq.in").write_text("\n".join(ins) + "\n", encoding="utf-8")
        (d / "seq.out").write_text("\n".join(outs) + "\n", encoding="utf-8")
        (d / "label").write_text("flight\n" * k, encoding="utf-8")
    return root


def run(*args, cwd=None):
    env = dict(os.environ, COURSE_LIB_PROGRESS="0")
    return subprocess.run([sys.executable, "-m", "course_lib.tagger", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_tiny_corpus(tmp_path_factory.mktemp("tiny"), dev_name="valid")


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    save = tmp_path_factory.mktemp("model") / "tagger.pt"
    proc = run(corpus, "--epochs", "1", "--hidden", "16", "--embedding", "8",
               "--char-channels", "8", "--threads", "1", "--save", save)
    return proc, save


def test_cli_prints_one_json_line_of_metrics(trained):
    proc, _ = trained
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    metrics = json.loads(lines[-1])
    for key in ("slot_f1", "token_accuracy", "seconds", "parameters"):
        assert key in metrics
    assert 0 <= metrics["slot_f1"] <= 100 and 0 <= metrics["token_accuracy"] <= 100
    assert metrics["epochs"] == 1 and metrics["parameters"] > 0
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr


def test_saved_model_loads_with_weights_only(trained):
    from course_lib.models import SlotTagger, TaggerConfig
    from course_lib.tagging import load_tagger, tag

    proc, save = trained
    assert proc.returncode == 0, proc.stderr
    state = torch.load(save, weights_only=True)
    meta = json.loads(Path(str(save) + ".json").read_text(encoding="utf-8"))
    model = SlotTagger(TaggerConfig(**meta["config"]))
    model.load_state_dict(state)
    assert meta["config"]["hidden_size"] == 16
    loaded, vocabs = load_tagger(save)
    tags = tag(loaded, vocabs, "flights from boston to denver".split())
    assert len(tags) == 5 and all(t in vocabs.tags.stoi for t in tags)


def test_bad_data_exits_2_naming_file_and_line(tmp_path):
    root = write_tiny_corpus(tmp_path / "bad")
    seq_out = root / "train" / "seq.out"
    lines = seq_out.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + " O"  # one tag too many on line 3
    seq_out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run(root, "--epochs", "1")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "seq.out" in proc.stderr and "line 3" in proc.stderr


def test_missing_corpus_exits_2(tmp_path):
    proc = run(tmp_path / "nowhere")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "nowhere" in proc.stderr


@pytest.mark.parametrize("option,value,message", [
    ("--hidden", "-4", "must be ≥ 1"),
    ("--epochs", "0", "must be ≥ 1"),
    ("--dropout", "1.5", "[0, 1)"),
    ("--lr", "abc", "expected float"),
    ("--cell", "transformer", "invalid choice"),
])
def test_bad_options_rejected_by_argparse(tmp_path, capsys, option, value, message):
    from course_lib.tagger import main

    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path), option, value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert option in err and message in err


def test_bad_option_message_on_stderr(tmp_path):
    proc = run(tmp_path, "--hidden", "-4")
    assert proc.returncode == 2
    assert "--hidden" in proc.stderr and "must be ≥ 1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_mentions_scale_and_layout():
    proc = run("--help")
    assert proc.returncode == 0
    assert "0-100" in proc.stdout and "seq.in" in proc.stdout and "--max-minutes" in proc.stdout
