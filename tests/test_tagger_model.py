"""Tests for the tagger's model: encoders, the CRF (against brute force), the joint model and
its loss, and decoding (IOB2 constraints, Viterbi against brute force)."""

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_lib.models import time_mask
from course_lib.tagger.crf import CRF
from course_lib.tagger.decode import decode_slots, iob2_allowed, is_valid_iob2, viterbi
from course_lib.tagger.encoder import CharCNN, RecurrentEncoder, SelfAttention
from course_lib.tagger.model import (
    SlotTagger,
    TaggerConfig,
    count_parameters,
    joint_loss,
    tagger_loss,
)

LENGTHS = torch.tensor([5, 2, 4, 1])
TAGS = ["<pad>", "O", "B-a", "I-a", "B-b", "I-b"]


def padded_batch(d=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(4, 5, d, generator=g, dtype=torch.float64)
    return x * time_mask(LENGTHS, 5).unsqueeze(-1)


@pytest.mark.parametrize("kind,bi,layers", [(nn.LSTM, True, 2), (nn.GRU, False, 2),
                                            (nn.RNN, True, 1)])
def test_encoder_equals_torch_multilayer_on_packed_batch(kind, bi, layers):
    torch.manual_seed(3)
    rnn = kind(3, 4, num_layers=layers, bidirectional=bi, batch_first=True).double()
    enc = RecurrentEncoder.from_torch(rnn)
    x = padded_batch()
    packed = pack_padded_sequence(x, LENGTHS, batch_first=True, enforce_sorted=False)
    ref, _ = pad_packed_sequence(rnn(packed)[0], batch_first=True, total_length=5)
    assert torch.allclose(enc(x, LENGTHS), ref, atol=1e-12, rtol=0)
    assert sum(p.numel() for p in enc.parameters()) == sum(p.numel() for p in rnn.parameters())


def test_tagger_forward_shapes_and_padding():
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=20, num_tags=7, num_intents=3, num_chars=15, hidden_size=8,
                       embedding_dim=6, char_channels=5, num_layers=2, cell="gru")
    model = SlotTagger(cfg).eval()
    tokens = torch.randint(2, 20, (4, 5)) * time_mask(LENGTHS, 5)
    chars = torch.randint(1, 15, (4, 5, 6)) * time_mask(LENGTHS, 5).unsqueeze(-1)
    out = model(tokens, LENGTHS, chars)
    assert out.slots.shape == (4, 5, 7) and out.intent.shape == (4, 3)
    assert (out.slots[~time_mask(LENGTHS, 5)] == 0).all()
    # padding extra columns must change neither the real positions' scores nor the intent
    longer = model(nn.functional.pad(tokens, (0, 3)), LENGTHS,
                   nn.functional.pad(chars, (0, 0, 0, 3)))
    assert torch.allclose(longer.slots[:, :5], out.slots, atol=1e-6)
    assert torch.allclose(longer.intent, out.intent, atol=1e-6)
    with pytest.raises(ValueError, match="chars"):
        model(tokens, LENGTHS)


@pytest.mark.parametrize("cell,bi,layers", [("rnn", False, 1), ("lstm", True, 2)])
def test_tagger_parameter_count_matches_formula(cell, bi, layers):
    cfg = TaggerConfig(vocab_size=10, num_tags=3, num_intents=2, cell=cell, bidirectional=bi,
                       num_layers=layers, embedding_dim=4, hidden_size=5, crf=True,
                       intent_to_slots=True)
    g = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    dirs = 2 if bi else 1
    rnn = sum(dirs * g * 5 * ((4 if i == 0 else 5 * dirs) + 5 + 2) for i in range(layers))
    heads = (5 * dirs + 1) * 3 + (5 * dirs + 1) * 2 + 2 * 3  # slots, intent, intent→tags
    crf = 3 * 3 + 3 + 3
    assert count_parameters(SlotTagger(cfg)) == 10 * 4 + rnn + heads + crf


def test_char_features_distinguish_unseen_words():
    torch.manual_seed(0)
    cnn = CharCNN(num_chars=30, dim=8, channels=16, kernel=3)
    chars = torch.tensor([[[3, 4, 5, 0], [6, 7, 8, 9], [0, 0, 0, 0]]])
    f = cnn(chars)
    assert f.shape == (1, 3, 16) and (f[0, 0] - f[0, 1]).abs().max() > 1e-3
    assert (f[0, 2] == 0).all()
    assert torch.allclose(cnn(nn.functional.pad(chars, (0, 3))), f, atol=1e-6)
    cfg = TaggerConfig(vocab_size=5, num_tags=3, num_chars=30, hidden_size=8)
    model = SlotTagger(cfg).eval()
    out = model(torch.tensor([[1], [1]]), [1, 1], torch.tensor([[[3, 4, 5, 0]], [[6, 7, 8, 9]]]))
    assert (out.slots[0] - out.slots[1]).abs().max() > 1e-4


def test_self_attention_equals_torch_and_ignores_padding():
    torch.manual_seed(0)
    att = SelfAttention(3, 4).double()
    x = padded_batch()
    out = att(x, LENGTHS)
    q, k, v = att.qkv(x).split(4, dim=-1)
    keys = time_mask(LENGTHS, 5).unsqueeze(1)  # (N, 1, T): a query may read real keys only
    ref = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=keys)
    real = time_mask(LENGTHS, 5)
    assert torch.allclose(out[real], ref[real], atol=1e-12, rtol=0)
    assert (out[~real] == 0).all()
    junk = x + 99.0 * (~real).unsqueeze(-1)  # what sits in the padding must not matter
    assert torch.allclose(att(junk, LENGTHS)[real], out[real], atol=1e-12, rtol=0)


def test_tagger_with_attention_widens_the_heads_and_keeps_padding_invariance():
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=20, num_tags=7, num_intents=3, hidden_size=8,
                       embedding_dim=6, attention=5, token_intent=True)
    model = SlotTagger(cfg).eval()
    assert model.out.in_features == 2 * 8 + 5 and model.intent_out.in_features == 2 * 8 + 5
    tokens = torch.randint(2, 20, (4, 5)) * time_mask(LENGTHS, 5)
    out = model(tokens, LENGTHS)
    longer = model(nn.functional.pad(tokens, (0, 3)), LENGTHS)
    assert torch.allclose(longer.slots[:, :5], out.slots, atol=1e-6)
    assert torch.allclose(longer.intent, out.intent, atol=1e-6)
    extra = (3 * 16 + 3) * 5  # W_Q, W_K, W_V and their biases
    base = count_parameters(SlotTagger(TaggerConfig(**{**cfg.to_dict(), "attention": 0})))
    assert count_parameters(model) == base + extra + 5 * 7 + 5 * 3  # + wider heads
    with pytest.raises(ValueError, match="attention"):
        TaggerConfig(vocab_size=5, num_tags=3, attention=-1)


def test_word_dropout_only_in_training():
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=50, num_tags=3, hidden_size=4, dropout=0.0, word_dropout=0.5)
    model = SlotTagger(cfg)
    tokens, lengths = torch.randint(2, 50, (8, 6)), torch.full((8,), 6)
    model.eval()
    assert torch.equal(model(tokens, lengths).slots, model(tokens, lengths).slots)
    model.train()
    assert not torch.allclose(model(tokens, lengths).slots, model(tokens, lengths).slots)


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="hidden_size"):
        TaggerConfig(vocab_size=5, num_tags=3, hidden_size=0)
    with pytest.raises(ValueError, match="cell"):
        TaggerConfig(vocab_size=5, num_tags=3, cell="transformer")
    with pytest.raises(ValueError, match="dropout"):
        TaggerConfig(vocab_size=5, num_tags=3, dropout=1.0)
    with pytest.raises(ValueError, match="intent head"):
        TaggerConfig(vocab_size=5, num_tags=3, intent_to_slots=True)


def random_crf(k=4, seed=0):
    torch.manual_seed(seed)
    crf = CRF(k).double()
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()
    return crf.requires_grad_(False)


def all_paths(length, k):
    return [list(p) for p in itertools.product(range(k), repeat=length)]


def test_crf_partition_and_score_equal_brute_force():
    crf = random_crf()
    e = torch.randn(4, 5, 4, dtype=torch.float64)
    mask = time_mask(LENGTHS, 5)
    logz = crf.log_partition(e, mask)
    for i, n in enumerate(LENGTHS.tolist()):
        scores = torch.stack([crf.score(e[i:i + 1], torch.tensor([y + [0] * (5 - n)]),
                                        mask[i:i + 1])[0] for y in all_paths(n, 4)])
        assert torch.allclose(logz[i], torch.logsumexp(scores, 0), atol=1e-10)
        by_hand = (crf.start[scores.new_tensor(0).long()] + e[i, 0, 0]
                   + sum(crf.transitions[0, 0] + e[i, t, 0] for t in range(1, n)) + crf.end[0])
        assert torch.allclose(scores[0], by_hand, atol=1e-12)  # the all-zeros path
    nll = crf.nll(e, torch.zeros(4, 5, dtype=torch.long), mask)
    assert (nll >= 0).all()


def test_viterbi_equals_brute_force_and_respects_forbidden_transitions():
    crf = random_crf(k=4, seed=1)
    e = torch.randn(4, 5, 4, dtype=torch.float64)
    trans = crf.transitions.detach().clone()
    trans[1, 2] = float("-inf")  # forbid 1 → 2
    best = viterbi(e, LENGTHS, trans, crf.start.detach(), crf.end.detach())
    for i, n in enumerate(LENGTHS.tolist()):
        def total(y, i=i, n=n):
            s = crf.start[y[0]] + e[i, 0, y[0]] + crf.end[y[-1]]
            return float(s + sum(trans[y[t - 1], y[t]] + e[i, t, y[t]] for t in range(1, n)))
        paths = all_paths(n, 4)
        assert best[i] == max(paths, key=total)
        assert all((a, b) != (1, 2) for a, b in zip(best[i][:-1], best[i][1:], strict=True))


def test_iob2_constraints():
    start, allowed = iob2_allowed(TAGS)
    assert start.tolist() == [False, True, True, False, True, False]
    i = {t: k for k, t in enumerate(TAGS)}
    assert allowed[i["B-a"], i["I-a"]] and allowed[i["I-a"], i["I-a"]]
    assert not allowed[i["O"], i["I-a"]] and not allowed[i["B-b"], i["I-a"]]
    assert allowed[i["I-b"], i["B-a"]] and allowed[i["I-a"], i["O"]]
    assert not allowed[:, i["<pad>"]].any() and not allowed[i["<pad>"]].any()
    assert is_valid_iob2(["B-a", "I-a", "O", "B-b"]) and not is_valid_iob2(["O", "I-a"])
    assert not is_valid_iob2(["I-a"]) and not is_valid_iob2(["B-a", "I-b"])


@pytest.mark.parametrize("crf", [False, True])
def test_viterbi_decoding_is_valid_iob2_where_argmax_is_not(crf):
    torch.manual_seed(0)
    model = SlotTagger(TaggerConfig(vocab_size=5, num_tags=len(TAGS), crf=crf)).eval()
    # scores that favour I-a after O, and <pad> everywhere
    slots = torch.full((1, 4, len(TAGS)), -5.0)
    slots[0, :, 0] = 10.0
    slots[0, 0, 1] = slots[0, 1, 3] = slots[0, 2, 3] = slots[0, 3, 1] = 5.0
    lengths = torch.tensor([4])
    argmax = [TAGS[k] for k in decode_slots(model, slots, lengths, TAGS, "argmax")[0]]
    best = [TAGS[k] for k in decode_slots(model, slots, lengths, TAGS, "viterbi")[0]]
    assert argmax == ["O", "I-a", "I-a", "O"] and not is_valid_iob2(argmax)  # never <pad>
    assert is_valid_iob2(best) and "<pad>" not in best
    with pytest.raises(ValueError, match="decoder"):
        decode_slots(model, slots, lengths, TAGS, "beam")


@pytest.mark.parametrize("crf", [False, True])
def test_joint_loss_trains_both_heads(crf):
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=12, num_tags=4, num_intents=3, hidden_size=8,
                       embedding_dim=8, dropout=0.0, word_dropout=0.0, crf=crf)
    model = SlotTagger(cfg)
    tokens = torch.randint(2, 12, (4, 5)) * time_mask(LENGTHS, 5)
    tags = torch.randint(1, 4, (4, 5)) * time_mask(LENGTHS, 5)
    intents = torch.tensor([0, 1, 2, -100])  # the last label was never seen: ignored
    mask = time_mask(LENGTHS, 5)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = joint_loss(model, model(tokens, LENGTHS), tags, mask, intents)
        loss.total.backward()
        opt.step()
        first = first or loss
    assert loss.intent < 0.1 * first.intent and loss.slots < 0.2 * first.slots
    assert torch.allclose(loss.total, loss.slots + loss.intent)
    if not crf:
        out = model(tokens, LENGTHS)
        assert torch.allclose(joint_loss(model, out, tags, mask, intents).slots,
                              tagger_loss(out.slots, tags, mask))


def test_token_intent_is_the_mean_token_log_probability_and_its_loss_the_token_mean():
    torch.manual_seed(1)
    cfg = TaggerConfig(vocab_size=20, num_tags=5, num_intents=3, hidden_size=8,
                       embedding_dim=6, token_intent=True, intent_to_slots=True,
                       dropout=0.0, word_dropout=0.0)
    model = SlotTagger(cfg).eval()
    mask = time_mask(LENGTHS, 5)
    tokens = torch.randint(2, 20, (4, 5)) * mask
    out = model(tokens, LENGTHS)
    assert out.intent_tokens.shape == (4, 5, 3) and out.intent.shape == (4, 3)
    for i, n in enumerate(LENGTHS.tolist()):  # utterance score = mean of its tokens' log p
        mean = out.intent_tokens[i, :n].log_softmax(-1).mean(0)
        assert torch.allclose(out.intent[i], mean, atol=1e-6)
    # padding columns change neither the token intents nor the utterance intent
    longer = model(nn.functional.pad(tokens, (0, 2)), LENGTHS)
    assert torch.allclose(longer.intent, out.intent, atol=1e-6)
    intents = torch.tensor([0, 2, 1, -100])  # unseen label: its tokens are ignored
    tags = torch.randint(1, 5, (4, 5)) * mask
    loss = joint_loss(model, out, tags, mask, intents)
    logp = out.intent_tokens.log_softmax(-1)
    want = [-logp[i, t, intents[i]] for i in range(3) for t in range(LENGTHS[i])]
    assert torch.allclose(loss.intent, torch.stack(want).mean(), atol=1e-6)
    # the slot scores see each token's own intent distribution (intent_to_slots)
    no_link = out.slots - model.intent_to_tags(out.intent_tokens.softmax(-1)) * mask[..., None]
    model.intent_to_tags = None
    assert torch.allclose(model(tokens, LENGTHS).slots, no_link, atol=1e-6)


def test_token_intent_needs_an_intent_head():
    with pytest.raises(ValueError, match="token_intent"):
        TaggerConfig(vocab_size=5, num_tags=3, token_intent=True)


def test_viterbi_says_when_finite_scores_overflow_over_a_sentence():
    """Per-token scores of 3e38 are finite, their sum over five tokens is not: the decoder
    must say so (it used to return <pad> tags, which then failed far from the cause)."""
    scores = torch.full((1, 5, 3), 3e38)
    zeros = torch.zeros(3)
    with pytest.raises(FloatingPointError, match="overflow"):
        viterbi(scores, torch.tensor([5]), torch.zeros(3, 3), zeros, zeros)
    assert viterbi(scores / 1e30, torch.tensor([5]), torch.zeros(3, 3), zeros, zeros)[0] \
        == [0] * 5


def test_predict_refuses_non_finite_intent_scores():
    """Intent logits of ±inf (weights 3e38, intent not fed to the slots) must stop predict,
    not print "intent_probability": NaN (invalid JSON) with exit 0."""
    from course_lib.batching import build_vocabs
    from course_lib.data import Example
    from course_lib.tagger.decode import predict
    from course_lib.tagger.model import make_config

    train = [Example(["fly", "to", "boston"], ["O", "O", "B-city"], "flight"),
             Example(["fares", "to", "denver"], ["O", "O", "B-city"], "airfare")]
    vocabs = build_vocabs(train)
    model = SlotTagger(make_config(vocabs, hidden_size=4, intent_to_slots=False)).eval()
    assert predict(model, train, vocabs)[0].intent in ("flight", "airfare")
    with torch.no_grad():
        model.intent_out.weight.fill_(3e38)
    with pytest.raises(FloatingPointError, match="intent scores are not finite"):
        predict(model, train, vocabs)
