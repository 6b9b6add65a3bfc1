"""The tagger's two encoders: characters → word features, and word features → states.

* :class:`CharCNN` gives every word a feature vector from its spelling, so two words that are
  both ``<unk>`` for the word embedding still look different (Ma & Hovy 2016 §2.1).
* :class:`SelfAttention` lets every position read every other real position in one step;
  the tagger applies it to the BiLSTM states and concatenates, ``[h_t ; attention_t]`` (Qin et
  al. 2019 §2.2 attend over the word embeddings, in parallel with the BiLSTM, instead).
* :class:`RecurrentEncoder` runs L stacked RNN/LSTM/GRU layers, uni- or bidirectional, over a
  right-padded batch; each bidirectional layer is notebook 08's
  :class:`course_lib.models.BiFromTwo`.

Legend: N batch, T time, C characters per word, D input size, H hidden size, L layers,
d attention size.

References: X. Ma & E. Hovy, "End-to-end sequence labeling via bi-directional
LSTM-CNNs-CRF", ACL 2016; A. Vaswani et al., "Attention is all you need", NeurIPS 2017;
L. Qin et al., EMNLP 2019 (stack-propagation); M. Schuster & K. Paliwal, IEEE TSP 1997 (bidirectional RNNs).
"""

from __future__ import annotations

import torch
from torch import nn

from course_lib.models import CELLS, BiFromTwo, time_mask


def cell_class(cell: str) -> type[nn.Module]:
    """``"rnn"``/``"lstm"``/``"gru"`` → ``nn.RNN``/``nn.LSTM``/``nn.GRU``."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
    return CELLS[cell]


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


class SelfAttention(nn.Module):
    """Single-head scaled dot-product self-attention over the real tokens.

    ``A = softmax(Q Kᵀ / √d + M) V`` with ``Q, K, V = h W_Q, h W_K, h W_V`` and ``M`` = −∞ at
    padding keys (Vaswani et al. 2017 §3.2.1). h (N, T, D), lengths (N,) → (N, T, d), zero
    at padding positions.
    """

    def __init__(self, input_size: int, dim: int):
        super().__init__()
        self.qkv = nn.Linear(input_size, 3 * dim)
        self.dim = dim

    def forward(self, h: torch.Tensor, lengths) -> torch.Tensor:
        mask = time_mask(lengths, h.shape[1]).to(h.device)  # (N, T)
        q, k, v = self.qkv(h).split(self.dim, dim=-1)
        scores = q @ k.transpose(1, 2) / self.dim ** 0.5  # (N, T, T): query × key
        scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        return (scores.softmax(-1) @ v) * mask.unsqueeze(-1).to(h.dtype)


class RecurrentEncoder(nn.Module):
    """L stacked RNN/LSTM/GRU layers, uni- or bidirectional, on a right-padded batch.

    Layer l reads ``h^(l-1)`` (``h^(0) = x``); a bidirectional layer is a
    :class:`~course_lib.models.BiFromTwo` (``[h→_t ; h←_t]``), a unidirectional one a single
    forward module (it is causal, so padding never reaches a real position). Dropout is
    applied between layers, as ``nn.LSTM(dropout=p)`` does. Same function and parameter count
    as ``nn.LSTM(D, H, num_layers=L, bidirectional=…)`` on a packed batch (see
    :meth:`from_torch`), but faster on a CPU because nothing is packed.
    x (N, T, D), lengths (N,) → (N, T, H·dirs), zero at padding.
    """

    def __init__(self, cell: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = True, dropout: float = 0.0):
        super().__init__()
        kind = cell_class(cell)
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
    def from_torch(cls, rnn: nn.Module) -> RecurrentEncoder:
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
        return h * time_mask(lengths, x.shape[1]).to(h.device).unsqueeze(-1).to(h.dtype)
