"""Several trained taggers used as one: an ensemble that averages their scores.

For M taggers trained on the same corpus (same vocabularies), e.g. with different seeds, the
ensemble scores a tag sequence ``y`` and an intent ``c`` of an utterance ``x`` by the mean of
the members' scores (a product of experts; Hinton 2002):

    s̄(x, y) = (1/M) Σ_m s_m(x, y),    log p̄(c | x) ∝ (1/M) Σ_m log p_m(c | x).

With CRF members ``s_m`` is the CRF score (:mod:`course_lib.tagger.crf`), so averaging it
averages the emissions ``e_t(k)``, the transitions ``A``, and the start and end scores; with
softmax members it averages the per-token log-probabilities ``log softmax(o_t)``. Decoding then
proceeds as for one tagger (:func:`course_lib.tagger.decode.predict`, constrained Viterbi), so
the cost of a prediction is M forward passes. The README measures what it gains on ATIS (dev
slot F1 and the spread between seeds).

References: G. Hinton, "Training products of experts by minimizing contrastive divergence",
Neural Computation 2002; T. Dietterich, "Ensemble methods in machine learning", MCS 2000.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn

from course_lib.batching import TaggerVocabs
from course_lib.models import time_mask
from course_lib.tagger.model import SlotTagger, TaggerOutput


class AveragedCRF(NamedTuple):
    """The mean of the members' CRF scores: transitions (K, K), start and end (K,)."""

    transitions: torch.Tensor
    start: torch.Tensor
    end: torch.Tensor


def _kinds(config) -> dict[str, str]:
    """What a tagger's scores are, in words: two taggers average only if these agree."""
    return {"output": f"a {'CRF' if config.crf else 'softmax'} output layer",
            "tags": f"{config.num_tags} tags",
            "intents": f"{config.num_intents} intents" if config.num_intents else
            "no intent head"}


class EnsembleTagger(nn.Module):
    """M :class:`SlotTagger` members as one model for :func:`~course_lib.tagger.decode.predict`
    and :func:`~course_lib.tagger.evaluate.evaluate` (inference only; see the module docstring).

    ``forward`` returns a :class:`TaggerOutput` whose ``slots`` (N, T, K) are the mean CRF
    emissions (CRF members) or the mean ``log softmax`` of the slot scores (softmax members),
    whose ``intent`` (N, I) is the mean intent log-probability, and whose ``crf`` attribute is
    the :class:`AveragedCRF` (None for softmax members).
    """

    def __init__(self, members: Sequence[SlotTagger]):
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one tagger")
        first = members[0].config
        for i, m in enumerate(members[1:], start=2):
            want, got = _kinds(first), _kinds(m.config)
            for key in want:
                if got[key] != want[key]:
                    raise ValueError(f"tagger {i} has {got[key]}, tagger 1 {want[key]}: an "
                                     "ensemble averages scores of the same kind")
        self.members = nn.ModuleList(members)
        self.config = first

    @property
    def crf(self) -> AveragedCRF | None:
        """The members' mean CRF scores (None for softmax members)."""
        if not self.config.crf:
            return None
        crfs = [m.crf for m in self.members]
        return AveragedCRF(*(torch.stack([getattr(c, name) for c in crfs]).mean(0)
                             for name in AveragedCRF._fields))

    def forward(self, tokens: torch.Tensor, lengths, chars: torch.Tensor | None = None
                ) -> TaggerOutput:
        """tokens (N, T), lengths (N,), chars (N, T, C) or None → the members' mean scores."""
        outs = [m(tokens, lengths, chars) for m in self.members]
        if self.config.crf:
            slots = torch.stack([o.slots for o in outs]).mean(0)
        else:  # log-probabilities, 0 at padding like a member's scores
            mask = time_mask(lengths, tokens.shape[1]).to(tokens.device).unsqueeze(-1)
            slots = torch.stack([o.slots.log_softmax(-1) for o in outs]).mean(0) * mask
        intent = None
        if outs[0].intent is not None:
            intent = torch.stack([o.intent.log_softmax(-1) for o in outs]).mean(0)
        return TaggerOutput(slots, intent)


def ensemble(loaded: Sequence[tuple[SlotTagger, TaggerVocabs]]
             ) -> tuple[EnsembleTagger, TaggerVocabs]:
    """One :class:`EnsembleTagger` (in eval mode) from ``(model, vocabs)`` pairs, as
    :func:`~course_lib.tagger.io.load_tagger` returns them, and their shared vocabularies.

    Raises:
        ValueError: no taggers; taggers whose vocabularies (words, characters, tags, intents)
        differ (they were not trained on the same corpus); or taggers whose scores cannot be
        averaged (a CRF and a softmax output layer, an intent head and none).
    """
    if not loaded:
        raise ValueError("an ensemble needs at least one tagger")
    vocabs = loaded[0][1]
    for i, (_, v) in enumerate(loaded[1:], start=2):
        for name in TaggerVocabs._fields:
            if getattr(v, name).itos != getattr(vocabs, name).itos:
                raise ValueError(f"tagger {i}'s {name} vocabulary differs from tagger 1's: "
                                 "an ensemble needs taggers trained on the same corpus")
    return EnsembleTagger([m for m, _ in loaded]).eval(), vocabs
