"""The joint intent + slot tagger: one shared recurrent encoder, two heads, one loss.

For each utterance ``w_1 … w_T`` (Legend: N batch, T time, K tags, I intents, H hidden)::

    e_t = [E w_t ; f_t]                          word embedding ; character features (CharCNN)
    h_t = BiRNN(e_1 … e_T)_t                     shared encoder, (N, T, H·dirs)
    h_t ← [h_t ; SelfAttention(dropout(h))_t]    only if ``attention`` = d > 0, (N, T, H·dirs + d)
    u   = max_t h_t                              utterance vector (masked max over time)
    intent logits  z = W_I dropout(u) + b_I      (N, I)
    slot scores    o_t = V dropout(h_t) + c  [+ B softmax(z)]    (N, T, K)

The bracketed term (``intent_to_slots``) lets the predicted intent shift every tag score,
the simplest form of the intent → slot link of the joint models (Goo et al. 2018, Qin et al.
2019). With ``token_intent`` every token predicts the intent instead (Qin et al. 2019, §2.3)::

    z_t = W_I dropout(h_t) + b_I                 token intent logits, (N, T, I)
    s   = (1/T) Σ_t log softmax(z_t)             utterance intent scores, (N, I); argmax = intent
    o_t = V dropout(h_t) + c  [+ B softmax(z_t)] each tag score sees its own token's intent

and ``L_intent`` is the cross-entropy of every real token against the utterance's intent,
averaged over tokens: one misled token cannot decide the intent alone. Which variant the
command line uses by default was decided on dev splits (README, capstone section). The slot scores feed
either a per-token softmax or a linear-chain CRF (:mod:`course_lib.tagger.crf`).

Training minimises ``L = L_slots + λ L_intent``: ``L_slots`` is the mean token cross-entropy
(softmax) or the CRF negative log-likelihood summed over tokens and divided by the number of
tokens (so both are "per token"), ``L_intent`` the mean cross-entropy of the intent. A
multi-intent label such as ``atis_flight#atis_airfare`` is one class of its own, scored by
exact match (Goo et al. 2018; Hakkani-Tür et al. 2016 treat ATIS this way).

References: D. Hakkani-Tür et al., "Multi-domain joint semantic frame parsing using
bi-directional RNN-LSTM", Interspeech 2016; C.-W. Goo et al., "Slot-gated modeling for joint
slot filling and intent prediction", NAACL 2018; L. Qin et al., "A stack-propagation framework
with token-level intent detection", EMNLP 2019; G. Lample et al., NAACL 2016 (word dropout).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

import torch
from torch import nn

from course_lib.batching import IGNORE_INTENT, TaggerVocabs
from course_lib.models import time_mask
from course_lib.tagger.crf import CRF
from course_lib.tagger.encoder import CharCNN, RecurrentEncoder, SelfAttention, cell_class


@dataclass
class TaggerConfig:
    """Hyper-parameters of :class:`SlotTagger` (saved inside the model file).

    ``num_chars = 0`` turns the character CNN off, ``num_intents = 0`` the intent head.
    ``word_dropout`` is the probability that a training token is replaced by ``<unk>``, so the
    model learns what to do with words it has never seen (lean on context and spelling).
    """

    vocab_size: int
    num_tags: int
    num_intents: int = 0
    num_chars: int = 0
    cell: str = "lstm"
    bidirectional: bool = True
    num_layers: int = 1
    embedding_dim: int = 100
    hidden_size: int = 128
    char_embedding_dim: int = 32
    char_channels: int = 64
    char_kernel: int = 3
    attention: int = 0
    dropout: float = 0.3
    word_dropout: float = 0.05
    crf: bool = True
    intent_to_slots: bool = False
    token_intent: bool = False
    pad_index: int = 0
    unk_index: int = 1

    def __post_init__(self):
        cell_class(self.cell)
        for name in ("vocab_size", "num_tags", "num_layers", "embedding_dim", "hidden_size",
                     "char_embedding_dim", "char_channels", "char_kernel"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be ≥ 1, got {getattr(self, name)}")
        for name in ("num_chars", "num_intents", "attention"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be ≥ 0, got {getattr(self, name)}")
        for name in ("dropout", "word_dropout"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)}")
        if (self.intent_to_slots or self.token_intent) and not self.num_intents:
            raise ValueError("intent_to_slots and token_intent need an intent head "
                             "(num_intents ≥ 1)")

    def to_dict(self) -> dict:
        """The settings as a dict; ``attention`` only when used, so a file without it still
        loads in course_lib versions older than the option."""
        d = asdict(self)
        if not d["attention"]:
            del d["attention"]
        return d


def make_config(vocabs: TaggerVocabs, char_features: bool = True, intents: bool = True,
                **kwargs) -> TaggerConfig:
    """A :class:`TaggerConfig` sized for ``vocabs``; ``kwargs`` override the defaults."""
    return TaggerConfig(vocab_size=len(vocabs.words), num_tags=len(vocabs.tags),
                        num_intents=len(vocabs.intents) if intents else 0,
                        num_chars=len(vocabs.chars) if char_features else 0,
                        pad_index=vocabs.words.pad_index, unk_index=vocabs.words.unk_index,
                        **kwargs)


def hide_words(tokens: torch.Tensor, p: float | torch.Tensor, unk_index: int,
               pad_index: int | None = None) -> torch.Tensor:
    """Word dropout: replace each token id w by ``unk_index`` with probability ``p`` (a float)
    or ``p[w]`` (a (V,) tensor of per-word probabilities); ``pad_index`` is never replaced.

    tokens (N, T) int64 → (N, T) int64; draws from torch's global RNG (Lample et al. 2016;
    per-word rates: Kiperwasser & Goldberg 2016).
    """
    hide = torch.rand(tokens.shape, device=tokens.device) < (p[tokens] if torch.is_tensor(p)
                                                             else p)
    if pad_index is not None:
        hide &= tokens != pad_index
    return tokens.masked_fill(hide, unk_index)


class TaggerOutput(NamedTuple):
    """What :class:`SlotTagger` returns."""

    slots: torch.Tensor  # (N, T, K) tag scores (softmax logits or CRF emissions), 0 at padding
    intent: torch.Tensor | None  # (N, I) intent logits, None without an intent head
    intent_tokens: torch.Tensor | None = None  # (N, T, I) per-token logits (token_intent)


class SlotTagger(nn.Module):
    """Embeddings (+ char CNN) → RNN/LSTM/GRU (uni/bi, L layers) → slot scores and intent.

    See the module docstring for the equations. The backward direction starts at each
    sequence's last real token (:func:`course_lib.models.reverse_padded`).
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
        width = cfg.hidden_size * (2 if cfg.bidirectional else 1)
        self.attention = SelfAttention(width, cfg.attention) if cfg.attention else None
        width += cfg.attention
        self.out = nn.Linear(width, cfg.num_tags)
        self.intent_out = nn.Linear(width, cfg.num_intents) if cfg.num_intents else None
        self.intent_to_tags = (nn.Linear(cfg.num_intents, cfg.num_tags, bias=False)
                               if cfg.intent_to_slots else None)
        self.crf = CRF(cfg.num_tags) if cfg.crf else None

    def forward(self, tokens: torch.Tensor, lengths, chars: torch.Tensor | None = None
                ) -> TaggerOutput:
        """tokens (N, T) int64, lengths (N,), chars (N, T, C) int64 or None → TaggerOutput."""
        if tokens.dim() != 2:
            raise ValueError(f"tokens must be (N, T), got shape {tuple(tokens.shape)}")
        n, t = tokens.shape
        cfg = self.config
        if self.training and cfg.word_dropout > 0:
            tokens = hide_words(tokens, cfg.word_dropout, cfg.unk_index, cfg.pad_index)
        e = self.embedding(tokens)  # (N, T, E)
        if self.char_cnn is not None:
            if chars is None or chars.shape[:2] != (n, t):
                raise ValueError(f"chars must be (N, T, C) = ({n}, {t}, C) for a tagger with "
                                 f"character features, got "
                                 f"{None if chars is None else tuple(chars.shape)}")
            e = torch.cat([e, self.char_cnn(chars)], dim=-1)
        h = self.encoder(self.dropout(e), lengths)  # (N, T, H·dirs), 0 at padding
        if self.attention is not None:
            h = torch.cat([h, self.attention(self.dropout(h), lengths)], dim=-1)
        mask = time_mask(lengths, t).to(h.device).unsqueeze(-1)  # (N, T, 1)
        slots = self.out(self.dropout(h))  # (N, T, K)
        intent = tokens_z = None
        if self.intent_out is not None and cfg.token_intent:
            tokens_z = self.intent_out(self.dropout(h))  # (N, T, I)
            logp = tokens_z.log_softmax(-1) * mask
            intent = logp.sum(1) / mask.sum(1).to(logp.dtype)  # (N, I) mean token log-prob
            if self.intent_to_tags is not None:
                slots = slots + self.intent_to_tags(tokens_z.softmax(-1))
        elif self.intent_out is not None:
            u = h.masked_fill(~mask, float("-inf")).max(dim=1).values  # (N, H·dirs)
            intent = self.intent_out(self.dropout(u))  # (N, I)
            if self.intent_to_tags is not None:
                slots = slots + self.intent_to_tags(intent.softmax(-1)).unsqueeze(1)
        return TaggerOutput(slots * mask.to(slots.dtype), intent, tokens_z)


def tagger_loss(logits: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean token cross-entropy over real tokens: ``Σ_{mask} −log softmax(o_t)[y_t] / Σ mask``.

    logits (N, T, K), tags (N, T) int64, mask (N, T) bool.
    """
    mask = torch.as_tensor(mask, dtype=torch.bool)
    return nn.functional.cross_entropy(logits[mask], torch.as_tensor(tags)[mask])


class JointLoss(NamedTuple):
    total: torch.Tensor  # L_slots + λ L_intent, the scalar to backpropagate
    slots: torch.Tensor
    intent: torch.Tensor | None


def joint_loss(model: SlotTagger, out: TaggerOutput, tags: torch.Tensor, mask: torch.Tensor,
               intents: torch.Tensor | None = None, intent_weight: float = 1.0) -> JointLoss:
    """``L_slots + λ L_intent`` (see the module docstring); all per token / per utterance.

    tags (N, T) int64, mask (N, T) bool, intents (N,) int64 with ``IGNORE_INTENT`` for
    labels the model cannot know (never in training).
    """
    if model.crf is not None:
        slot_loss = model.crf.nll(out.slots, tags, mask).sum() / mask.sum()
    else:
        slot_loss = tagger_loss(out.slots, tags, mask)
    if out.intent is None or intents is None or not bool((intents != IGNORE_INTENT).any()):
        return JointLoss(slot_loss, slot_loss, None)
    if out.intent_tokens is not None:  # every token predicts the utterance's intent
        per_token = intents.unsqueeze(1).expand(mask.shape)[mask]
        intent_loss = nn.functional.cross_entropy(out.intent_tokens[mask], per_token,
                                                  ignore_index=IGNORE_INTENT)
    else:
        intent_loss = nn.functional.cross_entropy(out.intent, intents,
                                                  ignore_index=IGNORE_INTENT)
    return JointLoss(slot_loss + intent_weight * intent_loss, slot_loss, intent_loss)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
