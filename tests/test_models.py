"""Tests for course_lib.models: torch's own modules are the oracle (float64, weights copied)."""

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_lib.models import (
    BiFromTwo,
    CharCNN,
    RecurrentEncoder,
    SlotTagger,
    StackedRNN,
    TaggerConfig,
    count_parameters,
    make_stack,
    reverse_padded,
    tagger_loss,
    time_mask,
)

LENGTHS = torch.tensor([5, 2, 4, 1])


def padded_batch(d=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(4, 5, d, generator=g, dtype=torch.float64)
    return x * time_mask(LENGTHS, 5).unsqueeze(-1)


def test_reverse_padded_reverses_real_tokens_only():
    x = torch.arange(1, 6).repeat(4, 1) * time_mask(LENGTHS, 5)
    y = reverse_padded(x, LENGTHS)
    assert y.tolist() == [[5, 4, 3, 2, 1], [2, 1, 0, 0, 0], [4, 3, 2, 1, 0], [1, 0, 0, 0, 0]]
    assert torch.equal(reverse_padded(y, LENGTHS), x)
    # 3-d input: features move with their token
    x3 = padded_batch()
    assert torch.equal(reverse_padded(x3, LENGTHS)[1, 0], x3[1, 1])


def test_reverse_padded_rejects_bad_lengths():
    with pytest.raises(ValueError, match="lengths"):
        reverse_padded(torch.zeros(2, 3), [3, 4])
    with pytest.raises(ValueError, match="shape"):
        reverse_padded(torch.zeros(2, 3), [3])


@pytest.mark.parametrize("kind", [nn.RNN, nn.LSTM, nn.GRU])
def test_bi_from_two_equals_torch_bidirectional_with_padding(kind):
    torch.manual_seed(0)
    bi = kind(3, 4, batch_first=True, bidirectional=True).double()
    two = BiFromTwo.from_bidirectional(bi)
    x = padded_batch()
    packed = pack_padded_sequence(x, LENGTHS, batch_first=True, enforce_sorted=False)
    ref, _ = pad_packed_sequence(bi(packed)[0], batch_first=True, total_length=5)
    out = two(x, LENGTHS)
    assert out.shape == (4, 5, 8)
    assert torch.allclose(out, ref, atol=1e-12, rtol=0)


def test_naive_flip_differs_on_padded_batch():
    torch.manual_seed(0)
    bi = nn.GRU(3, 4, batch_first=True, bidirectional=True).double()
    two = BiFromTwo.from_bidirectional(bi)
    x = padded_batch()
    back_naive = torch.flip(two.backward_rnn(torch.flip(x, [1]))[0], [1])
    good = two(x, LENGTHS)[..., 4:]
    mask = time_mask(LENGTHS, 5)
    # full-length sequence agrees, the padded ones do not
    assert torch.allclose(back_naive[0], good[0], atol=1e-12)
    assert (back_naive[1:] - good[1:])[mask[1:]].abs().max() > 1e-3


@pytest.mark.parametrize("kind", [nn.RNN, nn.LSTM, nn.GRU])
def test_stacked_equals_num_layers(kind):
    torch.manual_seed(1)
    deep = kind(3, 4, num_layers=3, batch_first=True).double()
    stack = StackedRNN.from_multilayer(deep)
    x = padded_batch()
    assert len(stack.layers) == 3
    assert torch.allclose(stack(x), deep(x)[0], atol=1e-12, rtol=0)


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


def test_residual_stack_adds_identity_path():
    torch.manual_seed(2)
    stack = make_stack("rnn", 4, 4, num_layers=2, residual=True).double()
    x = padded_batch(d=4)
    h1 = stack.layers[0](x)[0]               # no shortcut around the first layer
    h2 = stack.layers[1](h1)[0] + h1
    assert torch.allclose(stack(x), h2, atol=1e-14)
    plain = StackedRNN(list(stack.layers), residual=False)
    assert not torch.allclose(plain(x), h2)
    one = StackedRNN([stack.layers[0]], residual=True)  # one layer: the same model either way
    assert torch.equal(one(x), StackedRNN([stack.layers[0]], residual=False)(x))


def test_tagger_forward_shapes_and_padding():
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=20, num_tags=7, num_chars=15, hidden_size=8,
                       embedding_dim=6, char_channels=5, num_layers=2, cell="gru")
    model = SlotTagger(cfg).eval()
    tokens = torch.randint(2, 20, (4, 5)) * time_mask(LENGTHS, 5)
    chars = torch.randint(1, 15, (4, 5, 6)) * time_mask(LENGTHS, 5).unsqueeze(-1)
    logits = model(tokens, LENGTHS, chars)
    assert logits.shape == (4, 5, 7)
    assert (logits[~time_mask(LENGTHS, 5)] == 0).all()
    tags = torch.randint(1, 7, (4, 5))
    loss = tagger_loss(logits, tags, time_mask(LENGTHS, 5))
    assert loss.ndim == 0 and torch.isfinite(loss)
    # padding extra columns must not change the real positions' logits
    longer = model(torch.nn.functional.pad(tokens, (0, 3)), LENGTHS,
                   torch.nn.functional.pad(chars, (0, 0, 0, 3)))
    assert torch.allclose(longer[:, :5], logits, atol=1e-6)
    with pytest.raises(ValueError, match="chars"):
        model(tokens, LENGTHS)


@pytest.mark.parametrize("cell,bi,layers", [("rnn", False, 1), ("lstm", True, 2)])
def test_tagger_parameter_count_matches_formula(cell, bi, layers):
    cfg = TaggerConfig(vocab_size=10, num_tags=3, cell=cell, bidirectional=bi,
                       num_layers=layers, embedding_dim=4, hidden_size=5)
    g = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    dirs = 2 if bi else 1
    rnn = sum(dirs * g * 5 * ((4 if i == 0 else 5 * dirs) + 5 + 2) for i in range(layers))
    expected = 10 * 4 + rnn + (5 * dirs + 1) * 3
    assert count_parameters(SlotTagger(cfg)) == expected


def test_char_features_distinguish_unseen_words():
    torch.manual_seed(0)
    cnn = CharCNN(num_chars=30, dim=8, channels=16, kernel=3)
    # two different "unseen" words (both would be <unk> in the word vocabulary) + padding
    chars = torch.tensor([[[3, 4, 5, 0], [6, 7, 8, 9], [0, 0, 0, 0]]])
    f = cnn(chars)
    assert f.shape == (1, 3, 16)
    assert (f[0, 0] - f[0, 1]).abs().max() > 1e-3
    assert (f[0, 2] == 0).all()
    # padding characters after the word do not change its features
    longer = torch.nn.functional.pad(chars, (0, 3))
    assert torch.allclose(cnn(longer), f, atol=1e-6)
    # in the tagger: same <unk> id, different spellings → different logits
    cfg = TaggerConfig(vocab_size=5, num_tags=3, num_chars=30, hidden_size=8)
    model = SlotTagger(cfg).eval()
    tokens = torch.tensor([[1], [1]])
    logits = model(tokens, [1, 1], torch.tensor([[[3, 4, 5, 0]], [[6, 7, 8, 9]]]))
    assert (logits[0] - logits[1]).abs().max() > 1e-4


def test_word_dropout_only_in_training():
    torch.manual_seed(0)
    cfg = TaggerConfig(vocab_size=50, num_tags=3, hidden_size=4, dropout=0.0,
                       word_dropout=0.5)
    model = SlotTagger(cfg)
    tokens = torch.randint(2, 50, (8, 6))
    lengths = torch.full((8,), 6)
    model.eval()
    assert torch.equal(model(tokens, lengths), model(tokens, lengths))
    model.train()
    assert not torch.allclose(model(tokens, lengths), model(tokens, lengths))


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="hidden_size"):
        TaggerConfig(vocab_size=5, num_tags=3, hidden_size=0)
    with pytest.raises(ValueError, match="cell"):
        TaggerConfig(vocab_size=5, num_tags=3, cell="transformer")
    with pytest.raises(ValueError, match="dropout"):
        TaggerConfig(vocab_size=5, num_tags=3, dropout=1.0)
