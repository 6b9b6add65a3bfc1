"""Torch models for notebook 08: bidirectional and stacked RNNs.

Legend: N batch, T time, D input size, H hidden size, L layers.

* :func:`reverse_padded` and :class:`BiFromTwo` build a bidirectional RNN from two
  unidirectional ones: ``h→_t`` reads ``x_1 … x_t``, ``h←_t`` reads ``x_T … x_t``, and the
  output is ``[h→_t ; h←_t]`` (Schuster & Paliwal 1997; CS224n lecture 7).
* :class:`StackedRNN` stacks single-layer modules, ``h^(l) = RNN_l(h^(l-1))``, optionally with
  residual connections ``h^(l) = RNN_l(h^(l-1)) + h^(l-1)`` (He et al. 2016; Wu et al. 2016,
  GNMT §3).

The capstone tagger that builds on these pieces is the package :mod:`course_lib.tagger`.

References: M. Schuster & K. Paliwal, "Bidirectional recurrent neural networks", IEEE TSP
1997; K. He et al., "Deep residual learning", CVPR 2016; Y. Wu et al., "Google's neural
machine translation system", arXiv:1609.08144, 2016.
"""

from __future__ import annotations

import torch
from torch import nn

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _lengths_tensor(lengths, n: int, t: int) -> torch.Tensor:
    lengths = torch.as_tensor(lengths, dtype=torch.int64).cpu()
    if lengths.shape != (n,):
        raise ValueError(f"lengths must have shape ({n},), got {tuple(lengths.shape)}")
    if n and (int(lengths.min()) < 1 or int(lengths.max()) > t):
        raise ValueError(f"lengths must lie in [1, {t}], got min {int(lengths.min())}, "
                         f"max {int(lengths.max())}")
    return lengths


def reverse_padded(x: torch.Tensor, lengths) -> torch.Tensor:
    """Reverse each sequence of a right-padded batch over its real tokens only.

    ``y[i, t] = x[i, L_i - 1 - t]`` for ``t < L_i`` and ``y[i, t] = x[i, t]`` (padding stays
    at the end). ``torch.flip(x, [1])`` would instead put the padding *first*, so a backward
    RNN would read pads before the last real word.

    Args:
        x: (N, T, ...) batch-first tensor.
        lengths: (N,) real lengths, ``1 ≤ L_i ≤ T``.

    Returns:
        (N, T, ...) tensor; applying it twice gives ``x`` back.
    """
    if x.dim() < 2:
        raise ValueError(f"x must be at least (N, T), got shape {tuple(x.shape)}")
    n, t = x.shape[:2]
    lengths = _lengths_tensor(lengths, n, t).to(x.device)
    pos = torch.arange(t, device=x.device).unsqueeze(0).expand(n, t)  # (N, T)
    ln = lengths.unsqueeze(1)
    idx = torch.where(pos < ln, ln - 1 - pos, pos)  # (N, T)
    idx = idx.view(n, t, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, idx)


def time_mask(lengths, t: int) -> torch.Tensor:
    """(N, T) boolean mask, True at real tokens ``t < L_i``."""
    lengths = torch.as_tensor(lengths, dtype=torch.int64)
    return torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1)


class BiFromTwo(nn.Module):
    """A bidirectional RNN made of two unidirectional single-layer ones.

    ``h→ = RNN_f(x)``; ``h← = rev(RNN_b(rev(x)))`` with ``rev`` = :func:`reverse_padded`;
    output ``[h→_t ; h←_t]`` (N, T, 2H), zero at padding positions — exactly what
    ``nn.RNN(..., bidirectional=True)`` returns on a packed batch.
    """

    def __init__(self, forward_rnn: nn.Module, backward_rnn: nn.Module):
        super().__init__()
        for name, m in (("forward_rnn", forward_rnn), ("backward_rnn", backward_rnn)):
            if m.bidirectional or m.num_layers != 1 or not m.batch_first:
                raise ValueError(f"{name} must be a single-layer unidirectional batch_first "
                                 "torch RNN/LSTM/GRU")
        self.forward_rnn = forward_rnn
        self.backward_rnn = backward_rnn

    @classmethod
    def from_bidirectional(cls, rnn: nn.Module) -> "BiFromTwo":
        """Two unidirectional copies of a single-layer ``bidirectional=True`` module."""
        if not rnn.bidirectional or rnn.num_layers != 1:
            raise ValueError("rnn must be a single-layer bidirectional module")
        kind = type(rnn)
        kw = dict(input_size=rnn.input_size, hidden_size=rnn.hidden_size, batch_first=True,
                  bias=rnn.bias)
        if kind is nn.RNN:
            kw["nonlinearity"] = rnn.nonlinearity
        fwd, bwd = kind(**kw), kind(**kw)
        p = dict(rnn.named_parameters())
        with torch.no_grad():
            for name, q in fwd.named_parameters():
                q.copy_(p[name])
            for name, q in bwd.named_parameters():
                q.copy_(p[name + "_reverse"])
        return cls(fwd, bwd).to(next(rnn.parameters()).dtype)

    def forward(self, x: torch.Tensor, lengths) -> torch.Tensor:
        """x (N, T, D), lengths (N,) → (N, T, 2H)."""
        fwd, _ = self.forward_rnn(x)  # causal: real positions never see padding
        bwd, _ = self.backward_rnn(reverse_padded(x, lengths))
        out = torch.cat([fwd, reverse_padded(bwd, lengths)], dim=-1)
        return out * time_mask(lengths, x.shape[1]).unsqueeze(-1).to(out)  # dtype and device


class StackedRNN(nn.Module):
    """Single-layer RNNs applied one after the other, optionally with residual connections.

    ``h^(0) = x``; ``h^(l) = RNN_l(h^(l-1))`` or, with ``residual=True``, for every layer
    after the first, ``h^(l) = RNN_l(h^(l-1)) + h^(l-1)`` (residual connections *between*
    stacked layers, as in Wu et al. 2016): the identity path carries the gradient down to the
    bottom layer unattenuated (∂h^(l)/∂h^(l-1) = I + ∂RNN_l/∂h^(l-1)), and a one-layer stack is
    the same model with or without them.
    Input (N, T, D), output (N, T, H) of the top layer.
    """

    def __init__(self, layers: list[nn.Module], residual: bool = False):
        super().__init__()
        if not layers:
            raise ValueError("layers must contain at least one module")
        self.layers = nn.ModuleList(layers)
        self.residual = residual

    @classmethod
    def from_multilayer(cls, rnn: nn.Module) -> "StackedRNN":
        """Copy a unidirectional ``num_layers=L`` module into L single-layer modules."""
        if rnn.bidirectional:
            raise ValueError("from_multilayer expects a unidirectional module")
        kind = type(rnn)
        layers = []
        p = dict(rnn.named_parameters())
        for layer in range(rnn.num_layers):
            d = rnn.input_size if layer == 0 else rnn.hidden_size
            kw = dict(input_size=d, hidden_size=rnn.hidden_size, batch_first=True,
                      bias=rnn.bias)
            if kind is nn.RNN:
                kw["nonlinearity"] = rnn.nonlinearity
            m = kind(**kw).to(next(rnn.parameters()).dtype)
            with torch.no_grad():
                for name, q in m.named_parameters():
                    q.copy_(p[name[:-1] + str(layer)])  # weight_ih_l0 → weight_ih_l{layer}
            layers.append(m)
        return cls(layers, residual=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, T, D) → top-layer states (N, T, H)."""
        h = x
        for i, m in enumerate(self.layers):
            out, _ = m(h)
            h = out + h if self.residual and i > 0 else out
        return h


def make_stack(cell: str, input_size: int, hidden_size: int, num_layers: int,
               residual: bool = False) -> StackedRNN:
    """A :class:`StackedRNN` of ``num_layers`` fresh single-layer ``cell`` modules."""
    kind = _cell(cell)
    layers = [kind(input_size if i == 0 else hidden_size, hidden_size, batch_first=True)
              for i in range(num_layers)]
    return StackedRNN(layers, residual=residual)


def _cell(cell: str):
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
    return CELLS[cell]
