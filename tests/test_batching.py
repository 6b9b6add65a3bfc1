"""Tests for course_lib.batching: vocabularies, padded batches of words and characters,
bucketing and tensors."""

import numpy as np
import pytest
import torch

from course_lib.batching import (
    IGNORE_INTENT,
    MAX_WORD_CHARS,
    Batch,
    Vocab,
    batches,
    bucket_order,
    bucketed_batches,
    build_vocabs,
    encode,
    encode_chars,
    make_batch,
    to_tensors,
)
from course_lib.data import Example

TRAIN = [Example(["fly", "to", "boston"], ["O", "O", "B-toloc.city_name"], "flight"),
         Example(["fare", "to", "new", "york"],
                 ["O", "O", "B-toloc.city_name", "I-toloc.city_name"], "airfare"),
         Example(["to", "boston"], ["O", "B-toloc.city_name"], "flight#airfare")]


def test_vocab_build_order_and_specials():
    v = Vocab.build([["b", "a", "b"], ["c", "a", "b"]], min_count=2)
    assert v.itos == ["<pad>", "<unk>", "b", "a"] and v.stoi["a"] == 3
    assert (v.pad_index, v.unk_index, len(v)) == (0, 1, 4)
    assert v.encode(["a", "zzz"]) == [3, 1] and v.decode([2, 3]) == ["b", "a"]
    tags = Vocab.build([["O", "B-x"]], specials=("<pad>",))
    assert tags.pad_index == 0 and tags.unk_index is None
    with pytest.raises(ValueError, match="B-y"):
        tags.encode(["B-y"])
    with pytest.raises(ValueError, match="min_count"):
        Vocab.build([["a"]], min_count=0)
    with pytest.raises(ValueError, match="duplicates"):
        Vocab(["a", "a"])


def test_build_vocabs_of_a_joint_tagger():
    v = build_vocabs(TRAIN)
    assert v.words.itos[:3] == ["<pad>", "<unk>", "to"]
    assert v.chars.itos[:2] == ["<pad>", "<unk>"] and "y" in v.chars
    assert v.tags.itos[0] == "<pad>" and "I-toloc.city_name" in v.tags
    # intents: no specials, a multi-intent label is one label
    assert v.intents.itos == ["airfare", "flight", "flight#airfare"]  # count, then A-Z
    with pytest.raises(ValueError, match="at least one"):
        build_vocabs([])


def test_batches_padding_mask_and_determinism():
    examples = [Example(["w"] * k, ["O"] * (k - 1) + ["B-x"], "flight") for k in range(1, 8)]
    wv = Vocab.build(ex.tokens for ex in examples)
    tv = Vocab.build((ex.tags for ex in examples), specials=("<pad>",))
    out = list(batches(examples, wv, tv, batch_size=3))
    assert [len(b.examples) for b in out] == [3, 3, 1]
    b = out[0]
    assert isinstance(b, Batch) and b.tokens.shape == (3, 3) and b.tokens.dtype == np.int64
    np.testing.assert_array_equal(b.lengths, [1, 2, 3])
    np.testing.assert_array_equal(b.mask, np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]], bool))
    assert (b.tokens[~b.mask] == wv.pad_index).all() and (b.tags[~b.mask] == 0).all()
    assert (b.tags[b.mask] != 0).all() and b.chars is None and b.intents is None

    def order(seed):
        return [len(ex.tokens) for bb in batches(examples, wv, tv, 3, shuffle=True, seed=seed)
                for ex in bb.examples]

    assert order(5) == order(5) and sorted(order(5)) == list(range(1, 8))
    assert order(5) != order(6) and order(5) != list(range(1, 8))
    with pytest.raises(ValueError, match="batch_size"):
        next(batches(examples, wv, tv, 0))
    with pytest.raises(ValueError, match="at least one"):
        make_batch([], wv, tv)


def test_characters_are_padded_per_word_and_cut_at_the_limit():
    v = build_vocabs(TRAIN)
    chars = encode_chars([Example(["aq", "xyz"], ["O", "O"], "i")], v.chars, t=4)
    assert chars.shape == (1, 4, 3) and (chars[0, 2:] == 0).all() and chars[0, 0, 2] == 0
    assert chars[0, 0, 0] == v.chars.stoi["a"] and chars[0, 0, 1] == v.chars.unk_index
    long = encode_chars([Example(["w" * 50], ["O"], "i")], v.chars, t=1)
    assert long.shape == (1, 1, MAX_WORD_CHARS)


def test_encode_carries_every_input_of_the_joint_model():
    v = build_vocabs(TRAIN)
    unseen = Example(["to", "paris"], ["O", "B-toloc.city_name"], "atis_never_seen")
    b = encode(TRAIN + [unseen], v)
    assert b.tokens.shape == (4, 4) and b.chars.shape[:2] == (4, 4)
    assert b.intents.tolist() == [1, 0, 2, IGNORE_INTENT]  # never-seen label: ignored
    assert b.tokens[3, 1] == v.words.unk_index and b.chars[3, 1, 0] == v.chars.unk_index and b.chars[3, 1, 1] == v.chars.stoi["a"]
    assert encode(TRAIN, v, with_tags=False).tags is None
    with pytest.raises(ValueError, match="B-never"):  # unknown tags cannot be trained on
        encode([Example(["x"], ["B-never"], "flight")], v)


def test_bucketing_covers_everything_once_and_groups_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 30, size=400).tolist()
    groups = bucket_order(lengths, batch_size=8, seed=3, pool=25)
    flat = [i for g in groups for i in g]
    assert sorted(flat) == list(range(400))
    spread = np.mean([max(lengths[i] for i in g) - min(lengths[i] for i in g) for g in groups])
    assert spread <= 1.5  # sorted within each pool of 200: little padding
    assert bucket_order(lengths, 8, seed=3, pool=25) == groups
    assert bucket_order(lengths, 8, seed=4, pool=25) != groups
    ordered = bucket_order(lengths, 8, seed=None)
    assert [lengths[i] for g in ordered for i in g] == sorted(lengths)


def test_bucketed_batches_return_indices_and_tensors():
    v = build_vocabs(TRAIN)
    seen = []
    for idx, b in bucketed_batches(TRAIN, v, batch_size=2, seed=0):
        assert [TRAIN[i] for i in idx] == b.examples
        seen += idx
        tb = to_tensors(b)
        assert tb.tokens.dtype == torch.int64 and tb.mask.dtype == torch.bool
        assert tb.lengths.tolist() == b.lengths.tolist() and tb.chars.shape == b.chars.shape
    assert sorted(seen) == [0, 1, 2]


def test_prediction_batches_keep_to_a_token_budget():
    """seed=None with max_tokens: sorted by length, no batch holds more than max_tokens padded
    tokens (utterances × longest) or batch_size utterances; a longer utterance is alone."""
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 60, size=300).tolist() + [500, 7]
    groups = bucket_order(lengths, batch_size=16, seed=None, max_tokens=200)
    assert sorted(i for g in groups for i in g) == list(range(302))
    assert [lengths[i] for g in groups for i in g] == sorted(lengths)
    for g in groups:
        assert len(g) <= 16
        assert len(g) * max(lengths[i] for i in g) <= 200 or len(g) == 1
    assert [300] in groups  # 500 tokens > 200: a batch of its own
    # greedy: each batch is as full as the budget allows (the next utterance did not fit)
    for g, nxt in zip(groups, groups[1:], strict=False):
        assert len(g) == 16 or (len(g) + 1) * lengths[nxt[0]] > 200
    assert bucket_order(lengths, 16, seed=None, max_tokens=10**9) == bucket_order(lengths, 16,
                                                                                  seed=None)
    with pytest.raises(ValueError, match="max_tokens"):
        bucket_order(lengths, 16, seed=0, max_tokens=200)
