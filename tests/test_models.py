"""Tests for course_lib.models (notebook 08): torch's own modules are the oracle (float64,
weights copied). The tagger's modules are tested in test_tagger_model.py."""

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_lib.models import BiFromTwo, StackedRNN, make_stack, reverse_padded, time_mask

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

