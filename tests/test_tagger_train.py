"""Tests for training, predicting, scoring, saving and loading the joint tagger."""

import math

import numpy as np
import pytest
import torch

from course_lib.batching import build_vocabs
from course_lib.data import Example
from course_lib.tagger.analysis import case_accuracy, city_recall, token_confusion
from course_lib.tagger.decode import Prediction, predict, slot_spans, tag_sentence
from course_lib.tagger.evaluate import evaluate, format_report, score, slot_report
from course_lib.tagger.io import (
    FORMAT_VERSION,
    TaggerFileError,
    load_tagger,
    model_info,
    save_tagger,
)
from course_lib.tagger.model import SlotTagger, hide_words, make_config
from course_lib.tagger.train import (
    NonFiniteError,
    _rare_word_probability,
    fit,
)

CITIES = ["boston", "denver", "taipei", "dallas", "seattle", "new york"]


def examples(n, seed=0):
    """'fly from A to B' (intent flight) and 'fare from A to B' (intent airfare)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        a, b = (CITIES[i].split() for i in rng.choice(len(CITIES), 2, replace=False))
        extra = ["please"] * int(rng.integers(0, 3))
        verb, intent = ("fly", "flight") if rng.random() < 0.5 else ("fare", "airfare")
        tokens = [verb, "from", *a, "to", *b, *extra]
        tags = (["O", "O", "B-fromloc.city_name"] + ["I-fromloc.city_name"] * (len(a) - 1)
                + ["O", "B-toloc.city_name"] + ["I-toloc.city_name"] * (len(b) - 1)
                + ["O"] * len(extra))
        out.append(Example(tokens, tags, intent))
    return out


@pytest.fixture(scope="module")
def data():
    train, dev = examples(64, seed=0), examples(16, seed=1)
    return train, dev, build_vocabs(train)


def small_model(vocabs, **kw):
    torch.manual_seed(0)
    return SlotTagger(make_config(vocabs, embedding_dim=16, hidden_size=16, char_channels=8,
                                  char_embedding_dim=8, **kw))


@pytest.fixture(scope="module")
def trained(data):
    train, dev, vocabs = data
    model = small_model(vocabs)
    hist = fit(model, vocabs, train, dev, epochs=12, lr=2e-2, batch_size=16, patience=4)
    return model, hist


def test_fit_learns_both_tasks_and_keeps_best_epoch(data, trained):
    train, dev, vocabs = data
    model, hist = trained
    before = evaluate(small_model(vocabs), dev, vocabs)
    after = evaluate(model, dev, vocabs)
    assert after["slot_f1"] > 0.8 > before["slot_f1"] and after["intent_accuracy"] > 0.8
    assert after["sentence_accuracy"] <= min(after["intent_accuracy"], 1.0)
    assert math.isclose(max(hist.dev_score), hist.dev_score[hist.best_epoch - 1])
    assert hist.dev[hist.best_epoch - 1]["slot_f1"] == pytest.approx(after["slot_f1"])
    assert len(hist.epoch_loss) == len(hist.dev) and hist.epoch_loss[-1] < hist.epoch_loss[0]
    assert hist.stopped in ("epochs", "patience") and not model.training


def test_fit_stops_on_patience_and_time(data):
    train, dev, vocabs = data
    model = small_model(vocabs)
    hist = fit(model, vocabs, train, dev, epochs=50, lr=1e-9, batch_size=32, patience=3,
               lr_decay=0.5)
    assert hist.stopped == "patience" and len(hist.epoch_loss) < 50
    assert hist.lr[:3] == [1e-9, 1e-9, 0.5e-9]  # epoch 1 sets the best; epoch 2 does not
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=50, max_seconds=0.0)
    assert hist.stopped == "time" and len(hist.epoch_loss) == 1 and len(hist.step_loss) == 1
    with pytest.raises(ValueError, match="epochs"):
        fit(model, vocabs, train, dev, epochs=0)
    with pytest.raises(ValueError, match="lr_decay"):
        fit(model, vocabs, train, dev, lr_decay=0.0)


def test_linear_schedule_reaches_zero_and_composes_with_plateau_decay(data):
    train, dev, vocabs = data  # 64 examples, batch 32: 2 steps per epoch, 8 planned
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=4, lr=1e-3, batch_size=32,
               patience=10, schedule="linear")
    assert hist.lr == pytest.approx([1e-3, 0.75e-3, 0.5e-3, 0.25e-3])
    assert len(hist.step_loss) == 8
    # lr 1e-9: epoch 1 is best, later epochs are not, so reduce-on-plateau halves on top
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=4, lr=1e-9, batch_size=32,
               patience=10, lr_decay=0.5, schedule="linear")
    assert hist.lr == pytest.approx([1e-9, 0.75e-9, 0.5 * 0.5e-9, 0.25 * 0.25e-9])
    # a step limit ends training inside epoch 2; the schedule plans for the 3 steps taken
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=4, lr=1e-3, batch_size=32,
               patience=10, schedule="linear", max_steps=3)
    assert hist.stopped == "steps" and hist.epoch_steps == [2, 1] and len(hist.dev) == 2
    assert hist.lr == pytest.approx([1e-3, 1e-3 / 3])
    # a limit that falls on the end of the last epoch cut nothing short: "epochs"
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=2, batch_size=32, max_steps=4)
    assert hist.stopped == "epochs" and hist.epoch_steps == [2, 2]
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=3, batch_size=32, max_steps=4,
               patience=10)
    assert hist.stopped == "steps" and hist.epoch_steps == [2, 2]
    with pytest.raises(ValueError, match="max_steps"):
        fit(small_model(vocabs), vocabs, train, dev, max_steps=0)
    with pytest.raises(ValueError, match="schedule"):
        fit(small_model(vocabs), vocabs, train, dev, schedule="cosine")


def test_rare_word_dropout_hides_rare_words_most(data):
    train, dev, vocabs = data
    p = _rare_word_probability(train, vocabs, 0.5, "cpu")
    counts = {w: sum(ex.tokens.count(w) for ex in train) for w in vocabs.words.itos}
    assert p[vocabs.words.pad_index] == 0 and p[vocabs.words.unk_index] == 0
    for w in ("from", "please", "boston"):
        assert float(p[vocabs.words.stoi[w]]) == pytest.approx(0.5 / (0.5 + counts[w]))
    assert _rare_word_probability(train, vocabs, 0.0, "cpu") is None
    plain = fit(small_model(vocabs), vocabs, train, dev, epochs=2, batch_size=32)
    hidden = fit(small_model(vocabs), vocabs, train, dev, epochs=2, batch_size=32,
                 rare_word_dropout=1000.0)  # nearly every word hidden: a different run
    assert hidden.step_loss[0] != plain.step_loss[0]  # the very first batch already differs
    # hidden positions become <unk>, each word as often as its probability says
    torch.manual_seed(0)
    tokens = torch.tensor([[2, 3, 0]]).expand(20000, 3)
    out = hide_words(tokens, torch.tensor([0.0, 0.0, 0.9, 0.01]), unk_index=1)
    assert set(out.unique().tolist()) <= {0, 1, 2, 3} and (out[:, 2] == 0).all()
    rate = (out == 1).double().mean(0)  # sd of a rate over 20,000 draws: ≤ 0.0035
    assert abs(rate[0] - 0.9) < 0.02 and abs(rate[1] - 0.01) < 0.005
    # a corpus that contains the literal tokens "<pad>" / "<unk>" never hides the specials
    odd = [Example(["fly", "<pad>", "<unk>"], ["O", "O", "O"], "flight")]
    q = _rare_word_probability(odd, build_vocabs(odd), 1.0, "cpu")
    assert q[0] == 0 and q[1] == 0 and q[2] == 0.5
    with pytest.raises(ValueError, match="rare_word_dropout"):
        fit(small_model(vocabs), vocabs, train, dev, rare_word_dropout=-1.0)


def test_nan_guard_stops_and_leaves_finite_weights(data):
    train, dev, vocabs = data
    model = small_model(vocabs)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(NonFiniteError, match=r"epoch 1, step \d+.*learning rate 1e\+30"):
        fit(model, vocabs, train, dev, epochs=3, lr=1e30, batch_size=16)
    state = model.state_dict()
    assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point())
    assert all(torch.equal(before[k], state[k]) for k in state)  # back to the initial weights


@pytest.mark.parametrize("which", ["slot", "sequence", "intent"])
def test_nan_guard_names_the_scores_that_overflowed(data, monkeypatch, which):
    """Finite but huge weights can make dev scores overflow; the message says which ones."""
    import course_lib.tagger.train as train_module
    from course_lib.tagger.decode import NonFiniteScores

    def overflow(*args, **kwargs):
        raise NonFiniteScores(which, "overflow")

    monkeypatch.setattr(train_module, "evaluate", overflow)
    train, dev, vocabs = data
    with pytest.raises(NonFiniteError, match=rf"the dev {which} scores became NaN or inf"):
        fit(small_model(vocabs), vocabs, train, dev, epochs=1, batch_size=16)


def test_predict_keeps_order_gives_valid_tags_and_intents(data, trained):
    train, _, vocabs = data
    model, _ = trained
    mixed = train[:5] + [Example(["fly", "to", "paris"], ["O", "O", "B-x"], "?")] + train[5:7]
    pred = predict(model, mixed, vocabs)
    assert [len(p.tags) for p in pred] == [len(ex.tokens) for ex in mixed]
    assert pred == predict(model, mixed[::-1], vocabs)[::-1]
    assert all(t in vocabs.tags.stoi and t != "<pad>" for p in pred for t in p.tags)
    assert all(p.intent in ("flight", "airfare") and 0.5 <= p.intent_probability <= 1
               for p in pred)
    one = tag_sentence(model, vocabs, "fly from boston to new york".split())
    assert one.tags[-2:] == ["B-toloc.city_name", "I-toloc.city_name"] and one.intent == "flight"
    assert tag_sentence(model, vocabs, []) == Prediction([], None, None)
    assert slot_spans("to new york".split(), one.tags[-3:]) == [
        {"type": "toloc.city_name", "start": 1, "end": 3, "text": "new york"}]
    assert 0.0 <= case_accuracy(model, [(ex, [2]) for ex in train[:10]], vocabs) <= 1.0


def test_score_defines_the_three_metrics():
    gold = [Example(["a", "b"], ["B-x", "O"], "i1"), Example(["c"], ["B-y"], "i1#i2"),
            Example(["d"], ["O"], "i3")]
    pred = [Prediction(["B-x", "O"], "i1", 0.9),  # all right
            Prediction(["B-y"], "i1", 0.8),  # tags right, only part of a multi-intent label
            Prediction(["B-z"], "i3", 0.7)]  # intent right, a wrong slot
    m = score(gold, pred)
    assert m["intent_accuracy"] == pytest.approx(2 / 3)
    assert m["sentence_accuracy"] == pytest.approx(1 / 3)
    assert m["slot_f1"] == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))  # P 2/3, R 1
    assert m["invalid_iob2"] == 0.0
    assert score(gold[:1], [Prediction(["I-x", "O"], "i1", 1.0)])["invalid_iob2"] == 1.0
    no_intent = score(gold[:1], [Prediction(["B-x", "O"], None, None)])
    assert no_intent["intent_accuracy"] is None and no_intent["sentence_accuracy"] == 1.0
    with pytest.raises(ValueError, match="empty"):
        score([], [])


def test_slot_report_counts_per_type():
    gold = [["B-a", "I-a", "O", "B-b"], ["B-a"]]
    pred = [["B-a", "I-a", "O", "O"], ["B-b"]]
    r = slot_report(gold, pred)
    assert r["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "gold": 2,
                      "predicted": 1, "correct": 1}
    assert r["b"]["predicted"] == 1 and r["b"]["correct"] == 0 and r["b"]["gold"] == 1
    text = format_report(r)
    assert "precision 100.00%; recall  50.00%; FB1  66.67" in text


def test_save_and_load_roundtrip_and_refusals(data, trained, tmp_path):
    _, dev, vocabs = data
    model, _ = trained
    path = save_tagger(tmp_path / "m.pt", model, vocabs, info={"slot_f1": np.float64(0.9)})
    assert not (tmp_path / "m.pt.tmp").exists()
    raw = torch.load(path, weights_only=True)
    assert raw["version"] == FORMAT_VERSION and raw["vocabs"]["intents"] == vocabs.intents.itos
    loaded, loaded_vocabs = load_tagger(path)
    assert loaded.config == model.config and loaded_vocabs.tags.itos == vocabs.tags.itos
    assert predict(loaded, dev, loaded_vocabs) == predict(model, dev, vocabs)
    assert model_info(path) == {"slot_f1": 0.9}
    # another format version, a bare state_dict, a text file, a missing file
    torch.save({**raw, "version": FORMAT_VERSION + 1}, tmp_path / "v.pt")
    with pytest.raises(TaggerFileError, match=r"v\.pt: saved tagger of format version 3"):
        load_tagger(tmp_path / "v.pt")
    torch.save(model.state_dict(), tmp_path / "old.pt")
    with pytest.raises(TaggerFileError, match="bare state_dict"):
        load_tagger(tmp_path / "old.pt")
    (tmp_path / "t.pt").write_text("hello", encoding="utf-8")
    with pytest.raises(TaggerFileError, match=r"t\.pt: not a saved tagger"):
        load_tagger(tmp_path / "t.pt")
    with pytest.raises(TaggerFileError, match="not found"):
        load_tagger(tmp_path / "none.pt")


def test_non_finite_weights_are_never_saved(data, tmp_path):
    _, _, vocabs = data
    model = small_model(vocabs)
    with torch.no_grad():
        model.out.weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="non-finite weights in 1 tensors"):
        save_tagger(tmp_path / "nan.pt", model, vocabs)
    assert not (tmp_path / "nan.pt").exists()


def test_analysis_helpers(data, trained):
    train, dev, vocabs = data
    model, _ = trained
    m, labels = token_confusion([["B-a", "I-a", "O", "B-b"]], [["B-a", "B-b", "O", "O"]])
    assert labels == ["O", "a", "b"] and m.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 0]]
    unseen = Example(["fly", "from", "paris", "to", "boston"],
                     ["O", "O", "B-fromloc.city_name", "O", "B-toloc.city_name"], "flight")
    r = city_recall([unseen], [unseen.tags], vocabs)
    assert r == {"seen": {"recall": 1.0, "spans": 1}, "unseen": {"recall": 1.0, "spans": 1}}
    assert math.isnan(city_recall(train[:1], [train[0].tags], vocabs)["unseen"]["recall"])


def test_weight_averaging_keeps_the_moving_average(data):
    train, dev, vocabs = data
    init = {k: v.clone() for k, v in small_model(vocabs).state_dict().items()}
    raw, averaged = small_model(vocabs), small_model(vocabs)
    fit(raw, vocabs, train, [], epochs=1, lr=2e-2, batch_size=16)
    fit(averaged, vocabs, train, [], epochs=1, lr=2e-2, batch_size=16, average=0.99)
    # 4 steps: the average keeps 0.99^4 ≈ 96 % of the initial weights
    w = "out.weight"
    moved_raw = (raw.state_dict()[w] - init[w]).abs().max()
    moved_avg = (averaged.state_dict()[w] - init[w]).abs().max()
    assert 0 < moved_avg < 0.1 * moved_raw
    with pytest.raises(ValueError, match="average"):
        fit(raw, vocabs, train, dev, average=1.0)
