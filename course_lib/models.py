"""Torch models for notebooks 08–09: bidirectional and stacked RNNs, and the slot tagger.

Legend: N batch, T time, D input size, H hidden size, K tags, C characters per word,
L layers.

* :func:`reverse_padded` and :class:`BiFromTwo` build a bidirectional RNN from two
  unidirectional ones: ``h→_t`` reads ``x_1 … x_t``, ``h←_t`` reads ``x_T … x_t``, and the
  output is ``[h→_t ; h←_t]`` (Schuster & Paliwal 1997; CS224n lecture 7).
* :class:`StackedRNN` stacks single-layer modules, ``h^(l) = RNN_l(h^(l-1))``, optionally with
  residual connections ``h^(l) = RNN_l(h^(l-1)) + h^(l-1)`` (He et al. 2016; Wu et al. 2016,
  GNMT §3).
* :class:`SlotTagger` is the capstone tagger: word embeddings (+ a character CNN, Ma & Hovy
  2016, for words never seen in training), an RNN/LSTM/GRU encoder (uni- or bidirectional,
  1–L layers), dropout (including word dropout to ``<unk>``, Lample et al. 2016 §4), and a
  per-token softmax classifier.

References: M. Schuster & K. Paliwal, "Bidirectional recurrent neural networks", IEEE TSP
1997; X. Ma & E. Hovy, "End-to-end sequence labeling via bi-directional LSTM-CNNs-CRF",
ACL 2016; G. Lample et al., "Neural architectures for named entity recognition", NAACL 2016.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
        return out * time_mask(lengths, x.shape[1]).unsqueeze(-1).to(out.dtype)


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


@dataclass
class TaggerConfig:
    """Hyper-parameters of :class:`SlotTagger` (stored as JSON next to saved weights).

    ``num_chars = 0`` turns the character CNN off. ``word_dropout`` is the probability that a
    training token is replaced by ``<unk>`` so that the model learns what to do with words it
    has never seen (it then leans on the context and the character features).
    """

    vocab_size: int
    num_tags: int
    num_chars: int = 0
    cell: str = "lstm"
    bidirectional: bool = True
    num_layers: int = 1
    embedding_dim: int = 100
    hidden_size: int = 128
    char_embedding_dim: int = 32
    char_channels: int = 64
    char_kernel: int = 3
    dropout: float = 0.3
    word_dropout: float = 0.05
    pad_index: int = 0
    unk_index: int = 1

    def __post_init__(self):
        _cell(self.cell)
        for name in ("vocab_size", "num_tags", "num_layers", "embedding_dim", "hidden_size",
                     "char_embedding_dim", "char_channels", "char_kernel"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be ≥ 1, got {getattr(self, name)}")
        if self.num_chars < 0:
            raise ValueError(f"num_chars must be ≥ 0, got {self.num_chars}")
        for name in ("dropout", "word_dropout"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)}")

    def to_dict(self) -> dict:
        return asdict(self)


class CharCNN(nn.Module):
    """Character features of each word: embed characters, 1-d convolution, max over the word.

    ``f_w = max_j ReLU(Conv(E[c_{w,1}], …, E[c_{w,C}]))_j`` (Ma & Hovy 2016 §2.1).
    chars (N, T, C) int64 with 0 = padding → (N, T, F); all-padding words give zeros.
    """

    def __init__(self, num_chars: int, dim: int, channels: int, kernel: int):
        super().__init__()
        self.emb = nn.Embedding(num_chars, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, channels, kernel, padding=kernel // 2)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        n, t, c = chars.shape
        # a batch repeats words ("to", "flights", pads): convolve each distinct spelling once
        words, inverse = torch.unique(chars.reshape(n * t, c), dim=0, return_inverse=True)
        e = self.emb(words).transpose(1, 2)  # (U, E, C)
        f = torch.relu(self.conv(e))[..., :c]  # (U, F, C); even kernels add one column
        f = f.masked_fill((words == 0).unsqueeze(1), 0.0)  # ReLU ≥ 0: 0 is neutral for max
        return f.max(dim=2).values[inverse].reshape(n, t, -1)


class RecurrentEncoder(nn.Module):
    """L stacked RNN/LSTM/GRU layers, uni- or bidirectional, on a right-padded batch.

    Layer l reads ``h^(l-1)`` (``h^(0) = x``); a bidirectional layer is a :class:`BiFromTwo`
    (``[h→_t ; h←_t]``), a unidirectional one a single forward module (it is causal, so
    padding never reaches a real position). Dropout is applied between layers, as
    ``nn.LSTM(dropout=p)`` does. Same function and parameter count as
    ``nn.LSTM(D, H, num_layers=L, bidirectional=…)`` on a packed batch (see
    :meth:`from_torch`), but about twice as fast on a CPU because nothing is packed.
    x (N, T, D), lengths (N,) → (N, T, H·dirs), zero at padding.
    """

    def __init__(self, cell: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = True, dropout: float = 0.0):
        super().__init__()
        kind = _cell(cell)
        dirs = 2 if bidirectional else 1
        layers = []
        for i in range(num_layers):
            d = input_size if i == 0 else hidden_size * dirs
            if bidirectional:
                layers.append(BiFromTwo(kind(d, hidden_size, batch_first=True),
                                        kind(d, hidden_size, batch_first=True)))
            else:
                layers.append(kind(d, hidden_size, batch_first=True))
        self.layers = nn.ModuleList(layers)
        self.bidirectional = bidirectional
        self.dropout = nn.Dropout(dropout)

    @classmethod
    def from_torch(cls, rnn: nn.Module) -> "RecurrentEncoder":
        """Copy the weights of a batch-first ``nn.RNN``/``LSTM``/``GRU`` (any L, uni/bi)."""
        cell = {v: k for k, v in CELLS.items()}[type(rnn)]
        enc = cls(cell, rnn.input_size, rnn.hidden_size, rnn.num_layers, rnn.bidirectional,
                  rnn.dropout).to(next(rnn.parameters()).dtype)
        p = dict(rnn.named_parameters())
        with torch.no_grad():
            for i, layer in enumerate(enc.layers):
                pairs = ([(layer.forward_rnn, ""), (layer.backward_rnn, "_reverse")]
                         if rnn.bidirectional else [(layer, "")])
                for m, suffix in pairs:
                    for name, q in m.named_parameters():
                        q.copy_(p[name[:-1] + str(i) + suffix])
        return enc

    def forward(self, x: torch.Tensor, lengths) -> torch.Tensor:
        h = x
        for i, layer in enumerate(self.layers):
            if i > 0:
                h = self.dropout(h)
            h = layer(h, lengths) if self.bidirectional else layer(h)[0]
        return h * time_mask(lengths, x.shape[1]).unsqueeze(-1).to(h.dtype)


class SlotTagger(nn.Module):
    """Embeddings (+ char CNN) → RNN/LSTM/GRU (uni/bi, L layers) → dropout → linear → logits.

    ``e_t = [E w_t ; f_t]``, ``h_t = RNN(e_1 … e_T)_t`` (``[h→_t ; h←_t]`` when
    bidirectional), ``o_t = V dropout(h_t) + c``, one softmax over the K tags per token.
    The backward direction starts at each sequence's last real token (:func:`reverse_padded`).
    """

    def __init__(self, config: TaggerConfig):
        super().__init__()
        self.config = cfg = config
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim,
                                      padding_idx=cfg.pad_index)
        self.char_cnn = (CharCNN(cfg.num_chars, cfg.char_embedding_dim, cfg.char_channels,
                                 cfg.char_kernel) if cfg.num_chars else None)
        d = cfg.embedding_dim + (cfg.char_channels if cfg.num_chars else 0)
        self.encoder = RecurrentEncoder(cfg.cell, d, cfg.hidden_size, cfg.num_layers,
                                        cfg.bidirectional, cfg.dropout)
        if cfg.cell == "lstm":  # forget-gate bias 1 (Gers et al. 2000; Jozefowicz et al. 2015)
            with torch.no_grad():
                for name, p in self.encoder.named_parameters():
                    if "bias_ih" in name:
                        p[cfg.hidden_size:2 * cfg.hidden_size] = 1.0
                    elif "bias_hh" in name:
                        p[cfg.hidden_size:2 * cfg.hidden_size] = 0.0
        self.dropout = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(cfg.hidden_size * (2 if cfg.bidirectional else 1), cfg.num_tags)

    def forward(self, tokens: torch.Tensor, lengths, chars: torch.Tensor | None = None
                ) -> torch.Tensor:
        """tokens (N, T) int64, lengths (N,), chars (N, T, C) int64 or None → logits (N, T, K).

        Logits at padding positions are zero rows (mask them in the loss).
        """
        if tokens.dim() != 2:
            raise ValueError(f"tokens must be (N, T), got shape {tuple(tokens.shape)}")
        n, t = tokens.shape
        lengths = _lengths_tensor(lengths, n, t)
        cfg = self.config
        if self.training and cfg.word_dropout > 0:
            drop = (torch.rand(tokens.shape, device=tokens.device) < cfg.word_dropout)
            tokens = tokens.masked_fill(drop & (tokens != cfg.pad_index), cfg.unk_index)
        e = self.embedding(tokens)  # (N, T, E)
        if self.char_cnn is not None:
            if chars is None or chars.shape[:2] != (n, t):
                raise ValueError(f"chars must be (N, T, C) = ({n}, {t}, C) for a tagger with "
                                 f"character features, got "
                                 f"{None if chars is None else tuple(chars.shape)}")
            e = torch.cat([e, self.char_cnn(chars)], dim=-1)
        h = self.encoder(self.dropout(e), lengths)  # (N, T, H·dirs)
        logits = self.out(self.dropout(h))
        return logits * time_mask(lengths, t).unsqueeze(-1).to(logits.dtype)


def tagger_loss(logits: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean token cross-entropy over real tokens: ``Σ_{mask} −log softmax(o_t)[y_t] / Σ mask``.

    logits (N, T, K), tags (N, T) int64, mask (N, T) bool.
    """
    mask = torch.as_tensor(mask, dtype=torch.bool)
    return nn.functional.cross_entropy(logits[mask], torch.as_tensor(tags)[mask])


def count_parameters(model: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
