"""Tests for course_lib.tagging: batching, training with early stopping, prediction, saving."""

import math

import numpy as np
import pytest
import torch

from course_lib.data import Example
from course_lib.models import SlotTagger
from course_lib.tagging import (
    bucketed_batches,
    build_vocabs,
    case_accuracy,
    encode_chars,
    evaluate,
    fit,
    load_tagger,
    make_config,
    predict,
    save_tagger,
    tag,
    token_confusion,
)

CITIES = ["boston", "denver", "taipei", "dallas", "seattle", "new york"]


def examples(n, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        a, b = (CITIES[i].split() for i in rng.choice(len(CITIES), 2, replace=False))
        extra = ["please"] * int(rng.integers(0, 3))
        tokens = ["fly", "from", *a, "to", *b, *extra]
        tags = (["O", "O", "B-fromloc.city_name"] + ["I-fromloc.city_name"] * (len(a) - 1)
                + ["O", "B-toloc.city_name"] + ["I-toloc.city_name"] * (len(b) - 1)
                + ["O"] * len(extra))
        out.append(Example(tokens, tags, "flight"))
    return out


@pytest.fixture(scope="module")
def data():
    train, dev = examples(64, seed=0), examples(16, seed=1)
    return train, dev, build_vocabs(train)


def small_model(vocabs, **kw):
    torch.manual_seed(0)
    return SlotTagger(make_config(vocabs, embedding_dim=16, hidden_size=16, char_channels=8,
                                  char_embedding_dim=8, **kw))


def test_vocabs_and_chars(data):
    train, _, vocabs = data
    assert vocabs.words.itos[:2] == ["<pad>", "<unk>"] and vocabs.tags.itos[0] == "<pad>"
    chars = encode_chars([Example(["ab", "xyz"], ["O", "O"], "i")], vocabs.chars, t=4)
    assert chars.shape == (1, 4, 3) and (chars[0, 2:] == 0).all() and chars[0, 0, 2] == 0
    assert chars[0, 1, 0] == vocabs.chars.stoi["y"] or chars[0, 1, 0] == vocabs.chars.unk_index


def test_bucketed_batches_cover_everything_once_and_group_lengths(data):
    train, _, vocabs = data
    seen = []
    spans = []
    for b in bucketed_batches(train, vocabs, batch_size=8, seed=3, pool=8):
        seen += [" ".join(ex.tokens) for ex in b.examples]
        spans.append(int(b.lengths.max() - b.lengths.min()))
    assert sorted(seen) == sorted(" ".join(ex.tokens) for ex in train)
    assert np.mean(spans) <= 2  # sorted within the pool: little padding
    again = [" ".join(ex.tokens) for b in bucketed_batches(train, vocabs, 8, seed=3, pool=8)
             for ex in b.examples]
    assert again == seen


def test_fit_learns_and_keeps_best_epoch(data):
    train, dev, vocabs = data
    model = small_model(vocabs)
    before = evaluate(model, dev, vocabs)["slot_f1"]
    hist = fit(model, vocabs, train, dev, epochs=12, lr=2e-2, batch_size=16, patience=3)
    after = evaluate(model, dev, vocabs)["slot_f1"]
    assert after > 0.8 > before
    assert math.isclose(after, max(hist.dev_f1)) and hist.dev_f1[hist.best_epoch - 1] == after
    assert len(hist.epoch_loss) == len(hist.dev_f1) and hist.epoch_loss[-1] < hist.epoch_loss[0]
    assert hist.stopped in ("epochs", "patience") and not model.training


def test_fit_stops_on_patience_and_time(data):
    train, dev, vocabs = data
    model = small_model(vocabs)
    hist = fit(model, vocabs, train, dev, epochs=50, lr=1e-9, batch_size=32, patience=2)
    assert hist.stopped == "patience" and len(hist.epoch_loss) < 50
    hist = fit(small_model(vocabs), vocabs, train, dev, epochs=50, max_seconds=0.0)
    assert hist.stopped == "time" and len(hist.epoch_loss) == 1 and len(hist.step_loss) == 1
    with pytest.raises(ValueError, match="epochs"):
        fit(model, vocabs, train, dev, epochs=0)


def test_predict_keeps_order_and_handles_unknown_tags(data):
    train, _, vocabs = data
    model = small_model(vocabs)
    fit(model, vocabs, train, [], epochs=8, lr=2e-2, batch_size=16)
    odd = [Example(["fly", "from", "paris", "to", "boston"],
                   ["O", "O", "B-never.seen", "O", "B-toloc.city_name"], "flight")]
    mixed = train[:5] + odd + train[5:7]
    pred = predict(model, mixed, vocabs, batch_size=3)
    assert [len(p) for p in pred] == [len(ex.tokens) for ex in mixed]
    assert pred == predict(model, mixed[::-1], vocabs)[::-1]
    assert all(t in vocabs.tags.stoi and t != "<pad>" for p in pred for t in p)
    metrics = evaluate(model, odd, vocabs)  # the gold tag never seen in training counts as a miss
    assert metrics["recall"] <= 0.5
    cases = [(ex, [2]) for ex in train[:10]]
    assert 0.0 <= case_accuracy(model, cases, vocabs) <= 1.0


def test_save_and_load_roundtrip(data, tmp_path):
    train, dev, vocabs = data
    model = small_model(vocabs, cell="gru", num_layers=2)
    paths = save_tagger(tmp_path / "m.pt", model, vocabs)
    assert all(p.is_file() for p in paths)
    loaded, loaded_vocabs = load_tagger(tmp_path / "m.pt")
    assert loaded.config == model.config and loaded_vocabs.tags.itos == vocabs.tags.itos
    assert predict(loaded, dev, loaded_vocabs) == predict(model, dev, vocabs)
    assert tag(loaded, loaded_vocabs, []) == []


def test_token_confusion_counts_types():
    gold = [["B-a", "I-a", "O", "B-b"]]
    pred = [["B-a", "B-b", "O", "O"]]
    m, labels = token_confusion(gold, pred)
    assert labels == ["O", "a", "b"]
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 0]]
