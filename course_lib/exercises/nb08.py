"""Checkers for notebook 08 (bidirectional and stacked RNNs)."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import ExerciseError, call_learner, passed, require


def check_reverse(my_reverse_padded) -> None:
    """``my_reverse_padded(x, lengths)`` must equal :func:`course_lib.models.reverse_padded`."""
    import torch

    from course_lib.models import reverse_padded

    lengths = torch.tensor([5, 2, 4, 1])
    for x in (torch.arange(1, 6).repeat(4, 1),
              torch.randn(4, 5, 3, generator=torch.Generator().manual_seed(0))):
        x = x * (torch.arange(5) < lengths.unsqueeze(1)).reshape(4, 5, *([1] * (x.dim() - 2)))
        got = call_learner(my_reverse_padded, x.clone(), lengths.clone())
        require(isinstance(got, torch.Tensor), f"return a torch tensor, got "
                                               f"{type(got).__name__}")
        require(tuple(got.shape) == tuple(x.shape),
                f"the result has shape {tuple(got.shape)} but x has shape {tuple(x.shape)}")
        expected = reverse_padded(x, lengths)
        if torch.allclose(got.to(expected.dtype), expected):
            continue
        if torch.allclose(got.to(x.dtype), torch.flip(x, [1])):
            raise ExerciseError("you reversed whole rows (torch.flip): the padding now comes "
                                "first. Reverse only the first lengths[i] positions of row i")
        if torch.allclose(got.to(x.dtype), x):
            raise ExerciseError("your result equals the input: nothing was reversed")
        row = int(next(i for i in range(4) if not torch.allclose(got[i].to(x.dtype),
                                                                  expected[i])))
        n = int(lengths[row])
        real_ok = torch.allclose(got[row, :n].to(x.dtype), expected[row, :n])
        detail = ("its real tokens are right but the padding after them changed: keep "
                  f"positions {n}… as they are" if real_ok else
                  f"its first {n} positions (the real tokens) should hold them in reverse "
                  "order, the padding stay at the end")
        raise ExerciseError(f"row {row} (length {n}) is wrong: {detail}")
    passed("my_reverse_padded reverses the real tokens and keeps the padding at the end")


def check_count_params(count_params) -> None:
    """``count_params(D, H, L)`` = parameters of ``nn.LSTM(D, H, num_layers=L, bidirectional=True)``."""
    import torch

    for D, H, L in [(3, 4, 1), (5, 7, 2), (2, 3, 3)]:
        got = call_learner(count_params, D, H, L)
        require(isinstance(got, (int, np.integer)),
                f"count_params should return an int, got {type(got).__name__}")
        rnn = torch.nn.LSTM(D, H, num_layers=L, bidirectional=True)
        expected = sum(p.numel() for p in rnn.parameters())
        if got == expected:
            continue
        msg = (f"for D={D}, H={H}, L={L} your count is too "
               f"{'low' if got < expected else 'high'}")
        same_input = sum(2 * (4 * H * (D if i == 0 else H) + 4 * H * H + 8 * H)
                         for i in range(L))
        if L > 1 and got == same_input:
            raise ExerciseError(f"{msg}: layers 2, 3, … read [h→ ; h←], so their input size is "
                                "2H, not H")
        if got * 2 == expected:
            raise ExerciseError(f"{msg}: you counted one direction; a bidirectional layer has "
                                "two sets of weights")
        if got * 4 == expected or got == expected // 4:
            raise ExerciseError(f"{msg}: an LSTM has 4 gates (i, f, g, o), each with its own "
                                "weights, so every matrix and bias is 4H tall")
        if got == expected - 2 * L * 4 * H:
            raise ExerciseError(f"{msg}: torch keeps two bias vectors per direction "
                                "(b_ih and b_hh)")
        if got == expected - 2 * L * 8 * H:
            raise ExerciseError(f"{msg}: you forgot the biases (b_ih and b_hh, 4H each, per "
                                "direction and layer)")
        raise ExerciseError(f"{msg}; per layer and direction count W_ih (4H × input), W_hh "
                            "(4H × H) and two biases (4H each)")
    passed("count_params matches torch for three sizes")


def check_residual_forward(residual_forward) -> None:
    """``residual_forward(layers, x)`` = ``StackedRNN(layers, residual=True)(x)``: residual
    connections between stacked layers, around every layer after the first."""
    import torch

    from course_lib.models import StackedRNN

    torch.manual_seed(0)
    layers = [torch.nn.RNN(4, 4, batch_first=True).double() for _ in range(3)]
    x = torch.randn(2, 5, 4, dtype=torch.float64)
    with torch.no_grad():
        got = call_learner(residual_forward, layers, x)
        if isinstance(got, tuple):
            raise ExerciseError("return only the top layer's output tensor (N, T, H), not the "
                                "(output, h_n) tuple of torch's RNN")
        require(isinstance(got, torch.Tensor),
                f"return a torch tensor, got {type(got).__name__}")
        require(tuple(got.shape) == (2, 5, 4),
                f"the output has shape {tuple(got.shape)} but should be (N, T, H) = (2, 5, 4)")
        expected = StackedRNN(layers, residual=True)(x)
        if torch.allclose(got, expected, atol=1e-10):
            return passed("residual_forward matches StackedRNN(layers, residual=True)")
        plain = StackedRNN(layers, residual=False)(x)
        if torch.allclose(got, plain, atol=1e-10):
            raise ExerciseError("your stack has no residual connections: add each layer's "
                                "input to its output, h = RNN(h) + h")
        if torch.allclose(got, plain + x, atol=1e-10):
            raise ExerciseError("you added x once at the top; the residual connection goes "
                                "around every layer after the first: h = RNN_l(h) + h inside "
                                "the loop")
        around_all = x
        for layer in layers:
            around_all = layer(around_all)[0] + around_all
        if torch.allclose(got, around_all, atol=1e-10):
            raise ExerciseError("you also added a shortcut around the first layer; it reads the "
                                "input x (often a different size), so the residual "
                                "connections start at the second layer")
        err = float((got - expected).abs().max())
    raise ExerciseError(f"your output differs from the reference by up to {err:.3g}; apply the "
                        "layers in order, each to the previous h, and add h to each output")
