"""Tests for course_lib.experiments: the models, runners and stored results of the torch experiments."""

import math

import numpy as np
import pytest
import torch

from course_lib.data import Example, Vocab
from course_lib.experiments.models import SequenceTagger, make_model, set_forget_bias
from course_lib.experiments.runs import run_adding, run_cue, steps_to_reach
from course_lib.experiments.store import MissingResultError, load_result, save_result
from course_lib.experiments.tagging import epoch_batches, predict_tags, train_tagger

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def test_unknown_kinds_and_misplaced_options_are_refused():
    with pytest.raises(ValueError, match="kind"):
        make_model("transformer", 2, 4, 1)
    with pytest.raises(ValueError, match="forget_bias"):
        make_model("gru", 2, 4, 1, forget_bias=1.0)
    with pytest.raises(ValueError, match="cell"):
        SequenceTagger(10, 3, cell="transformer")
    with pytest.raises(ValueError, match="direction"):
        SequenceTagger(10, 3, cell="none", bidirectional=True)


def test_make_model_inits_and_shapes():
    irnn = make_model("irnn", 2, 4, 1)
    assert torch.equal(irnn.rnn.weight_hh_l0.detach(), torch.eye(4))
    assert irnn.rnn.nonlinearity == "relu"
    orth = make_model("orthogonal", 2, 4, 1).rnn.weight_hh_l0.detach()
    torch.testing.assert_close(orth.T @ orth, torch.eye(4), atol=1e-5, rtol=0)
    cls = make_model("lstm", 3, 4, 5, vocab_size=7)
    assert cls(torch.zeros(2, 6, dtype=torch.int64)).shape == (2, 5)
    gru = make_model("gru", 2, 4, 1)
    assert gru(torch.zeros(3, 5, 2)).shape == (3, 1)
    # The plain tanh RNN keeps torch's default init: not orthogonal, non-zero biases.
    plain = make_model("tanh", 2, 4, 1).rnn
    W = plain.weight_hh_l0.detach()
    assert not torch.allclose(W.T @ W, torch.eye(4), atol=1e-2)
    assert plain.bias_hh_l0.abs().sum() > 0
    # Same seed, same init: reproducible runs.
    a, b = make_model("tanh", 2, 4, 1, seed=3), make_model("tanh", 2, 4, 1, seed=3)
    assert torch.equal(a.rnn.weight_hh_l0, b.rnn.weight_hh_l0)
    # … without touching the global torch RNG.
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    make_model("lstm", 2, 4, 1, seed=5)
    assert torch.equal(torch.rand(3), expected)


def test_relu_kind_is_the_default_init_with_relu():
    relu, tanh = make_model("relu", 2, 4, 1, seed=2), make_model("tanh", 2, 4, 1, seed=2)
    assert relu.rnn.nonlinearity == "relu" and tanh.rnn.nonlinearity == "tanh"
    assert torch.equal(relu.rnn.weight_hh_l0, tanh.rnn.weight_hh_l0)  # only f differs


def test_forget_bias_sets_the_effective_bias_of_every_unit():
    lstm = make_model("lstm", 2, 4, 1, forget_bias=1.0).rnn
    rows = slice(4, 8)  # i, f, g, o
    eff = (lstm.bias_ih_l0 + lstm.bias_hh_l0)[rows].detach()
    torch.testing.assert_close(eff, torch.ones(4))
    other = make_model("lstm", 2, 4, 1).rnn
    before = other.bias_hh_l0.detach().clone()
    set_forget_bias(other, None, ih=1.0)  # one vector only: the other keeps its values
    assert torch.equal(other.bias_hh_l0.detach(), before)
    assert torch.all(other.bias_ih_l0[rows] == 1.0)


def test_runners_are_deterministic_and_learn():
    a = run_adding("irnn", 10, 5, lr=1e-3, clip_norm=1.0, batch_size=8, n_test=50)
    b = run_adding("irnn", 10, 5, lr=1e-3, clip_norm=1.0, batch_size=8, n_test=50)
    assert len(a.history.loss) == 5 and a.history.loss == b.history.loss and a.score == b.score
    assert np.isfinite(a.score)
    cue = run_cue("tanh", 1, 60, lr=3e-3, n_test=200)
    assert cue.score > 0.6  # chance is 0.25; a cue one step back is learned in a few dozen steps


def test_same_seed_same_start_different_settings():
    """Two runs that differ only in clipping start from the same loss (same weights, data)."""
    plain = run_adding("tanh", 5, 3, lr=0.5, optimizer="sgd", seed=4)
    clipped = run_adding("tanh", 5, 3, lr=0.5, optimizer="sgd", seed=4, clip_norm=0.1)
    assert plain.history.loss[0] == clipped.history.loss[0]
    assert plain.history.loss[1] != clipped.history.loss[1]


def test_a_diverged_run_scores_inf():
    run = run_adding("tanh", 5, 50, lr=1e6, optimizer="sgd")
    assert run.history.diverged and run.score == math.inf


def test_steps_to_reach():
    loss = [1.0] * 10 + [0.0] * 10
    assert steps_to_reach(loss, 0.5, window=4) == 13
    assert steps_to_reach(loss, -1.0, window=4) is None
    assert steps_to_reach([1.0], 0.5, window=4) is None


def _toy_corpus():
    cities, rng = ["paris", "rome", "oslo"], np.random.default_rng(0)
    out = []
    for _ in range(40):
        c = cities[int(rng.integers(3))]
        verb, tag = (("to", "B-to"), ("from", "B-from"))[int(rng.integers(2))]
        out.append(Example(["fly", verb, c], ["O", "O", tag], "flight"))
    return out


@pytest.mark.parametrize("cell,bidirectional", [("none", False), ("lstm", False), ("gru", True)])
def test_tagger_trains_and_predicts_valid_tags(cell, bidirectional):
    data = _toy_corpus()
    words = Vocab.build(ex.tokens for ex in data)
    tags = Vocab.build((ex.tags for ex in data), specials=("<pad>",))
    model = SequenceTagger(len(words), len(tags), cell=cell, hidden_size=16,
                           bidirectional=bidirectional)
    hist = train_tagger(model, data, words, tags, epochs=15, lr=2e-2, batch_size=8)
    pred = predict_tags(model, data, words, tags)
    assert all(len(p) == len(ex.tokens) and "<pad>" not in p for p, ex in zip(pred, data, strict=True))
    acc = np.mean([p[2] == ex.tags[2] for p, ex in zip(pred, data, strict=True)])
    # the city's tag is decided by the word before it: only a model with memory gets it
    if cell == "none":
        assert acc < 0.8
    else:
        assert acc == 1.0 and hist.loss[-1] < hist.loss[0]


def test_epoch_batches_cover_every_example_once_per_epoch():
    data = _toy_corpus()
    words = Vocab.build(ex.tokens for ex in data)
    tags = Vocab.build((ex.tags for ex in data), specials=("<pad>",))
    batches = epoch_batches(data, words, tags, batch_size=7, epochs=2, seed=3)
    seen = [id(ex) for b in batches for ex in b.examples]
    assert sorted(seen) == sorted([id(ex) for ex in data] * 2)
    again = epoch_batches(data, words, tags, batch_size=7, epochs=2, seed=3)
    assert [b.examples for b in batches] == [b.examples for b in again]


def test_store_round_trip_and_version_guard(tmp_path):
    path = save_result("demo", 2, {"seeds": [0, 1]}, {"mse": [0.5, float("inf")],
                       "x": np.float64(0.25)}, seconds=1.0, results_dir=tmp_path)
    assert path.read_text().endswith("\n")
    record = load_result("demo", 2, results_dir=tmp_path)
    assert record["results"] == {"mse": [0.5, math.inf], "x": 0.25}
    assert record["config"] == {"seeds": [0, 1]} and "torch" in record["produced_with"]
    with pytest.raises(MissingResultError, match="version 2 .* expects version 3"):
        load_result("demo", 3, results_dir=tmp_path)
    with pytest.raises(MissingResultError, match="no stored result"):
        load_result("other", 1, results_dir=tmp_path)
    with pytest.raises(ValueError, match="letters"):
        save_result("../evil", 1, {}, {}, 0.0, results_dir=tmp_path)



def test_store_names_the_file_and_what_is_wrong(tmp_path):
    from course_lib.experiments.store import BadResultError

    path = save_result("demo", 1, {}, {"runs": [{"seed": 0, "mse": 0.5}]}, seconds=1.0,
                       results_dir=tmp_path)
    text = path.read_text()
    path.write_text(text[:len(text) // 2])
    with pytest.raises(BadResultError, match=r"demo\.json, line \d+, column \d+: not valid "
                                             r"JSON .*run demo"):
        load_result("demo", 1, results_dir=tmp_path)
    path.write_text("[1, 2]\n")
    with pytest.raises(BadResultError, match=r"demo\.json: expected a JSON object"):
        load_result("demo", 1, results_dir=tmp_path)
    path.write_text('{"version": 1}\n')
    with pytest.raises(BadResultError, match=r"demo\.json: no 'results'"):
        load_result("demo", 1, results_dir=tmp_path)
    path.write_bytes(b'{"version": 1, "results": {"x": "caf\xe9"}}')
    with pytest.raises(BadResultError, match=r"demo\.json: not UTF-8"):
        load_result("demo", 1, results_dir=tmp_path)
    assert issubclass(BadResultError, MissingResultError)  # notebooks catch either


def test_structure_problems_find_values_unlike_their_siblings():
    from course_lib.experiments.store import structure_problems

    good = {"pairs": {"0": {"acc": 0.5, "curve": [1, 2.5, math.nan]},
                      "1": {"acc": 1, "curve": [], "first": None}},
            "runs": [{"arm": "lstm", "steps": None}, {"arm": "gru", "steps": 30}],
            "task": "cue", "chance": 0.125, "budgets": [[1, 2], [3]]}
    assert structure_problems(good) == []
    bad = {**good, "pairs": {**good["pairs"], "1": {"acc": "oops", "curve": []}}}
    assert structure_problems(bad) == [
        "results['pairs']['1']['acc'] is a string ('oops') where its siblings hold a number"]
    assert structure_problems({"curve": [0.1, 0.2, [0.3]]}) == [
        "results['curve'][2] is a list where its siblings hold a number"]
    assert structure_problems({"runs": [{"ok": True}, {"ok": 1}]}) == [
        "results['runs'][1]['ok'] is a number where its siblings hold a boolean"]


def test_every_stored_result_loads_and_keeps_its_own_pattern():
    from course_lib.experiments.catalog import experiments

    for e in experiments().values():
        assert load_result(e.name, e.version)["results"], e.name


def test_check_reports_a_stored_result_that_lacks_what_it_reads(tmp_path, monkeypatch):
    from course_lib.experiments import catalog, store

    monkeypatch.setattr(store, "RESULTS_DIR", tmp_path)
    e = catalog.experiments()["gru_cells"]
    save_result(e.name, e.version, {}, {"adding": []}, seconds=0.0, results_dir=tmp_path)
    ok, lines = catalog.run_or_check("check", e.name)
    assert not ok and len(lines) == 1
    assert f"{tmp_path / 'gru_cells.json'} has no key 'cue'" in lines[0]
    assert "re-run `python -m course_lib.experiments run gru_cells`" in lines[0]
    (tmp_path / "gru_cells.json").write_text("{")
    ok, lines = catalog.run_or_check("check", e.name)
    assert not ok and "gru_cells.json, line 1, column 2: not valid JSON" in lines[0]
    assert "Traceback" not in "\n".join(lines)
