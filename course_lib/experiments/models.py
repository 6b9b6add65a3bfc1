"""The small torch models the notebooks train: last-state regressors/classifiers and taggers.

Legend: N batch, T time, D input size, H hidden size, K outputs (classes or tags), V vocabulary.

* :func:`make_model` — a recurrent layer read out at its last step, ``ŷ = V s_T + c``, for the
  synthetic long-range tasks (adding problem, cue task). The kinds are the remedies compared
  in notebooks 05–07: torch's default tanh RNN, a ReLU RNN with the same default init,
  orthogonal W (Saxe et al. 2014), the IRNN (Le et al. 2015), LSTM and GRU.
* :class:`SequenceTagger` — embeddings → (no recurrence | RNN | LSTM | GRU, uni- or
  bidirectional) → a linear layer per word: the slot taggers of notebooks 01, 06, 07 and 08.
  (The capstone tagger of notebook 09 is :mod:`course_lib.tagger`.)

Initial weights come from ``torch.manual_seed(seed)`` inside a forked RNG, so building a
model never moves the caller's torch RNG and the same seed always gives the same model.
"""

from __future__ import annotations

import torch
from torch import nn

MODEL_KINDS = ("tanh", "relu", "orthogonal", "irnn", "lstm", "gru")
TAGGER_CELLS = ("none", "rnn", "lstm", "gru")


def make_model(kind: str, input_size: int, hidden_size: int, output_size: int,
               vocab_size: int | None = None, seed: int = 0,
               forget_bias: float | None = None) -> "LastStateNet":
    """A recurrent layer read out at its last step: ``ŷ = V s_T + c``.

    ``kind``:
        ``"tanh"``: ``torch.nn.RNN`` with torch's default init (uniform ±1/√H);
        ``"relu"``: the same with ReLU — the control that separates the IRNN's activation
        from its initialisation;
        ``"orthogonal"``: tanh RNN with W_hh orthogonal (Saxe et al. 2014), biases 0;
        ``"irnn"``: ReLU RNN with W_hh = I, biases 0, W_ih ~ N(0, 0.001²) (Le et al. 2015);
        ``"lstm"`` / ``"gru"``: ``torch.nn.LSTM`` / ``GRU`` with torch's default init.

    Args:
        input_size: D, or the embedding size when ``vocab_size`` is given (token ids in).
        hidden_size: H. output_size: K.
        vocab_size: V; the input is then (N, T) token ids fed through an embedding.
        seed: the initial weights' seed.
        forget_bias: LSTM only — set the *effective* forget-gate bias, ``b_ih[f] + b_hh[f]``,
            to this value in every unit (``b_ih[f] = forget_bias``, ``b_hh[f] = 0``;
            Gers et al. 2000, Jozefowicz et al. 2015).

    Returns:
        a :class:`LastStateNet`: input (N, T, D) float or (N, T) ids → output (N, K).

    Raises:
        ValueError: unknown kind, or ``forget_bias`` for a non-LSTM.
    """
    if kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS}, got {kind!r}")
    if forget_bias is not None and kind != "lstm":
        raise ValueError(f"forget_bias applies to kind='lstm' only, got kind={kind!r}")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        embedding = None if vocab_size is None else nn.Embedding(vocab_size, input_size)
        if kind in ("lstm", "gru"):
            rnn = getattr(nn, kind.upper())(input_size, hidden_size, batch_first=True)
        else:
            rnn = nn.RNN(input_size, hidden_size, batch_first=True,
                         nonlinearity="relu" if kind in ("relu", "irnn") else "tanh")
        with torch.no_grad():
            if kind == "irnn":
                rnn.weight_hh_l0.copy_(torch.eye(hidden_size))
                rnn.weight_ih_l0.normal_(0.0, 0.001)
            if kind == "orthogonal":
                nn.init.orthogonal_(rnn.weight_hh_l0)
            if kind in ("orthogonal", "irnn"):
                rnn.bias_ih_l0.zero_()
                rnn.bias_hh_l0.zero_()
        head = nn.Linear(hidden_size, output_size)
    if forget_bias is not None:
        set_forget_bias(rnn, forget_bias)
    return LastStateNet(rnn, head, embedding)


def set_forget_bias(lstm: nn.LSTM, value: float, ih: float | None = None,
                    hh: float | None = None) -> None:
    """Set the forget-gate rows ``[H:2H]`` of a one-layer ``nn.LSTM``'s two biases in place.

    By default the effective bias ``b_ih[f] + b_hh[f]`` becomes ``value`` in every unit
    (``b_ih[f] = value``, ``b_hh[f] = 0``). Pass ``ih`` / ``hh`` to set one of the two vectors
    alone and leave the other as it is (``value`` is then ignored for the one not given).
    """
    H = lstm.hidden_size
    rows = slice(H, 2 * H)  # torch packs the LSTM gates i, f, g, o
    with torch.no_grad():
        if ih is None and hh is None:
            lstm.bias_ih_l0[rows] = value
            lstm.bias_hh_l0[rows] = 0.0
            return
        if ih is not None:
            lstm.bias_ih_l0[rows] = ih
        if hh is not None:
            lstm.bias_hh_l0[rows] = hh


class LastStateNet(nn.Module):
    """embedding (optional) → recurrent layer → linear head on the last hidden state."""

    def __init__(self, rnn: nn.Module, head: nn.Linear, embedding: nn.Embedding | None = None):
        super().__init__()
        self.embedding, self.rnn, self.head = embedding, rnn, head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.embedding is not None:
            x = self.embedding(x)  # (N, T) ids -> (N, T, D)
        out, _ = self.rnn(x)  # (N, T, H)
        return self.head(out[:, -1])  # (N, K)


class SequenceTagger(nn.Module):
    """Word embeddings → recurrence → one linear layer per word: logits (N, T, K).

    ``cell="none"`` has no recurrence, ``s_t = tanh(U e_t + b)``, so ``ŷ_t`` depends on the
    word ``x_t`` alone (the memoryless control of notebook 01); ``"rnn"``, ``"lstm"`` and
    ``"gru"`` are ``torch.nn.RNN`` (tanh) / ``LSTM`` / ``GRU``, unidirectional (``ŷ_t`` depends
    on ``x_1 … x_t``) or bidirectional (on the whole sentence; states concatenated, 2H).

    Args:
        vocab_size: V, with index 0 the padding word (its embedding stays 0).
        num_tags: K. embedding_dim: E. hidden_size: H (per direction).
        cell: one of :data:`TAGGER_CELLS`. bidirectional: read both ways (not for "none").
        seed: the initial weights' seed.

    Inputs: token ids (N, T) int64, padded on the right. Padding needs no packing for a
    unidirectional tagger (padding comes after every real word); a bidirectional one must be
    given ``lengths`` so its backward direction starts at each sentence's last real word.
    """

    def __init__(self, vocab_size: int, num_tags: int, cell: str = "rnn",
                 embedding_dim: int = 32, hidden_size: int = 64, bidirectional: bool = False,
                 seed: int = 0):
        super().__init__()
        if cell not in TAGGER_CELLS:
            raise ValueError(f"cell must be one of {TAGGER_CELLS}, got {cell!r}")
        if cell == "none" and bidirectional:
            raise ValueError("a memoryless tagger (cell='none') has no direction")
        self.cell, self.bidirectional = cell, bidirectional
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            self.emb = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
            if cell == "none":
                self.rnn = nn.Linear(embedding_dim, hidden_size)
            else:
                cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
                self.rnn = cls(embedding_dim, hidden_size, batch_first=True,
                               bidirectional=bidirectional)
            self.out = nn.Linear(hidden_size * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens: torch.Tensor, lengths=None) -> torch.Tensor:
        e = self.emb(tokens)  # (N, T, E)
        if self.cell == "none":
            return self.out(torch.tanh(self.rnn(e)))  # (N, T, K)
        if self.bidirectional:
            if lengths is None:
                raise ValueError("a bidirectional tagger needs the sentence lengths")
            from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

            packed = pack_padded_sequence(e, torch.as_tensor(lengths).cpu(), batch_first=True,
                                          enforce_sorted=False)
            h, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True,
                                       total_length=tokens.shape[1])
        else:
            h, _ = self.rnn(e)  # (N, T, H)
        return self.out(h)


class StackTagger(nn.Module):
    """Word embeddings (H) → L stacked single-layer RNNs (H each) → a linear layer per word.

    The stack is :class:`course_lib.models.StackedRNN`; with ``residual=True`` every layer
    after the first adds its input to its output, ``h^(l) = RNN_l(h^(l-1)) + h^(l-1)``, so a
    one-layer residual stack *is* the one-layer plain stack (same seed, same weights) and
    depth is the only difference between arms (notebook 08). Input (N, T) ids → (N, T, K).
    """

    def __init__(self, vocab_size: int, num_tags: int, layers: int, residual: bool = False,
                 cell: str = "rnn", hidden_size: int = 32, seed: int = 0):
        super().__init__()
        from course_lib.models import make_stack

        with torch.random.fork_rng():
            torch.manual_seed(seed)
            self.emb = nn.Embedding(vocab_size, hidden_size, padding_idx=0)
            self.stack = make_stack(cell, hidden_size, hidden_size, layers, residual=residual)
            self.out = nn.Linear(hidden_size, num_tags)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.out(self.stack(self.emb(tokens)))


class NextTokenLM(nn.Module):
    """Embedding → LSTM (uni- or bidirectional) → linear: logits (N, T, V) for the next token.

    Notebook 08's demonstration that a bidirectional network is no language model: trained the
    usual way (predict ``x_{t+1}`` from the output at ``t``), its backward half has already
    read ``x_{t+1}``. Input (N, T) token ids in ``[0, vocab_size)``.
    """

    def __init__(self, vocab_size: int, bidirectional: bool, embedding_dim: int = 16,
                 hidden_size: int = 32, seed: int = 0):
        super().__init__()
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            self.emb = nn.Embedding(vocab_size, embedding_dim)
            self.rnn = nn.LSTM(embedding_dim, hidden_size, batch_first=True,
                               bidirectional=bidirectional)
            self.out = nn.Linear(hidden_size * (2 if bidirectional else 1), vocab_size)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.out(self.rnn(self.emb(tokens))[0])
