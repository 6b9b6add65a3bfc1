"""From scores to answers: tag sequences (argmax or IOB2-constrained Viterbi) and intents.

Three ways to turn the slot scores ``o_t(k)`` (N, T, K) into tags:

* ``"argmax"`` — each token on its own, ``ŷ_t = argmax_k o_t(k)``. Nothing stops
  ``O I-toloc.city_name`` or ``B-depart_date.day_name I-toloc.city_name``: invalid IOB2.
* ``"viterbi"`` — the best *sequence* under hard IOB2 constraints: ``I-X`` only after ``B-X``
  or ``I-X``, never first. With a softmax model the sequence score is
  ``Σ_t log softmax(o_t)(y_t)``; with a CRF it is the CRF score with its learned transitions.
  Forbidden transitions score ``−∞``, so the output is always valid IOB2.
* ``"viterbi-free"`` — Viterbi without the constraints (for a CRF: only what it learned;
  for a softmax model this equals argmax). Used to measure what the constraints add.

Viterbi (dynamic programming, O(T K²)): ``δ_1(k) = a_start(k) + s_1(k)``,
``δ_t(k) = s_t(k) + max_j [δ_{t-1}(j) + A(j, k)]`` with back-pointers, then backtrack from
``argmax_k δ_L(k) + a_end(k)``.

References: A. Viterbi, IEEE Trans. Inf. Theory 1967; L. Ramshaw & M. Marcus, 1995 and
E. Tjong Kim Sang & J. Veenstra, EACL 1999 (the IOB2 scheme).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from course_lib.batching import TaggerVocabs, bucketed_batches, to_tensors
from course_lib.data import Example
from course_lib.metrics import get_spans
from course_lib.tagger.model import SlotTagger

DECODERS = ("viterbi", "argmax", "viterbi-free")
NEG_INF = float("-inf")


class NonFiniteScores(FloatingPointError):
    """The model's ``which`` scores ("slot", "sequence" or "intent") are NaN or infinite."""

    def __init__(self, which: str, message: str):
        super().__init__(message)
        self.which = which


class Prediction(NamedTuple):
    """The tagger's answer for one utterance."""

    tags: list[str]  # one IOB2 tag per token
    intent: str | None  # most probable intent (None without an intent head)
    intent_probability: float | None  # its softmax probability


def iob2_allowed(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which tags may start a sequence (K,) and which may follow which ``[from, to]`` (K, K).

    ``I-X`` may follow only ``B-X`` or ``I-X`` and may not start; ``<pad>`` (or any tag that
    is not ``O``/``B-X``/``I-X``) is never allowed.
    """
    k = len(tags)
    ok = np.array([t == "O" or (len(t) > 2 and t[:2] in ("B-", "I-")) for t in tags])
    start = ok & np.array([not t.startswith("I-") for t in tags])
    allowed = np.zeros((k, k), dtype=bool)
    for j, to in enumerate(tags):
        if not ok[j]:
            continue
        if to.startswith("I-"):
            allowed[:, j] = [t in ("B-" + to[2:], to) for t in tags]
        else:
            allowed[ok, j] = True
    return start, allowed


def is_valid_iob2(tags: Sequence[str]) -> bool:
    """True if no ``I-X`` starts the sequence or follows anything but ``B-X``/``I-X``."""
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            return False
        prev = t
    return True


def viterbi(scores: torch.Tensor, lengths: torch.Tensor, transitions: torch.Tensor,
            start: torch.Tensor, end: torch.Tensor) -> list[list[int]]:
    """Best tag sequence of each utterance under a linear-chain score (see module docstring).

    Args:
        scores: (N, T, K) per-token scores ``s_t(k)``; lengths: (N,) real lengths ≥ 1.
        transitions: (K, K) ``A[from, to]``; start, end: (K,). ``−∞`` forbids.

    Returns:
        N lists of tag ids, list i of length ``lengths[i]``.

    Raises:
        NonFiniteScores (a FloatingPointError): the best path's score is not finite (huge
        scores overflowed).
    """
    n, t, k = scores.shape
    mask = torch.arange(t).unsqueeze(0) < lengths.cpu().unsqueeze(1)  # (N, T)
    mask = mask.to(scores.device)
    delta = start + scores[:, 0]  # (N, K)
    keep = torch.arange(k, device=scores.device).expand(n, k)  # padding: point to itself
    pointers = []
    for step in range(1, t):
        best, arg = (delta.unsqueeze(2) + transitions).max(dim=1)  # over the previous tag
        m = mask[:, step].unsqueeze(1)
        delta = torch.where(m, best + scores[:, step], delta)
        pointers.append(torch.where(m, arg, keep))
    final = delta + end  # (N, K) the best score of a path ending in each tag
    if not bool(torch.isfinite(final.max(dim=1).values).all()):  # a valid path always exists
        raise NonFiniteScores("sequence", "the model's sequence scores overflow (they are "
                              "finite per token but not summed over the sentence): its "
                              "weights are unusable")
    path = [final.argmax(dim=1)]  # (N,) the last real tag (padding carried it)
    for arg in reversed(pointers):
        path.append(arg.gather(1, path[-1].unsqueeze(1)).squeeze(1))
    ids = torch.stack(path[::-1], dim=1).cpu().numpy()  # (N, T)
    return [ids[i, : int(lengths[i])].tolist() for i in range(n)]


def decode_slots(model: SlotTagger, slots: torch.Tensor, lengths: torch.Tensor,
                 tag_names: Sequence[str], decoder: str = "viterbi") -> list[list[int]]:
    """Tag ids of each utterance from the slot scores (N, T, K), with ``decoder`` in DECODERS.

    Raises:
        ValueError: an unknown decoder. NonFiniteScores (a FloatingPointError): NaN or
        infinite scores.
    """
    if decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {DECODERS}, got {decoder!r}")
    if not bool(torch.isfinite(slots).all()):
        raise NonFiniteScores("slot", "the model's slot scores are not finite (NaN or inf): "
                              "its weights are unusable")
    k = slots.shape[-1]
    start_ok, allowed = (torch.from_numpy(a).to(slots.device) for a in iob2_allowed(tag_names))
    tag_ok = start_ok | allowed.any(0)  # a real tag (not <pad>)
    if decoder == "argmax" or (decoder == "viterbi-free" and model.crf is None):
        ids = slots.masked_fill(~tag_ok, NEG_INF).argmax(-1).cpu().numpy()
        return [ids[i, : int(n)].tolist() for i, n in enumerate(lengths)]
    if model.crf is not None:
        scores, trans = slots, model.crf.transitions
        start, end = model.crf.start, model.crf.end
    else:
        scores, trans = slots.log_softmax(-1), torch.zeros(k, k, device=slots.device)
        start = end = torch.zeros(k, device=slots.device)
    if decoder == "viterbi":
        trans = trans.masked_fill(~allowed, NEG_INF)
        start = start.masked_fill(~start_ok, NEG_INF)
    else:  # unconstrained, but never <pad>
        trans = trans.masked_fill(~tag_ok.unsqueeze(0), NEG_INF)
        start = start.masked_fill(~tag_ok, NEG_INF)
    return viterbi(scores, lengths, trans, start, end)


def predict(model: SlotTagger, examples: Sequence[Example], vocabs: TaggerVocabs,
            decoder: str = "viterbi", batch_size: int = 256,
            max_tokens: int | None = None) -> list[Prediction]:
    """Tags and intent of every example, in input order (utterances are batched by length).

    Only the tokens of the examples are used; their tags and intents may be anything. A batch
    holds at most ``batch_size`` utterances and, with ``max_tokens``, at most ``max_tokens``
    padded tokens (utterances × longest length), which bounds the memory of a forward pass
    and of Viterbi's back-pointers (both grow with N·T) whatever the lengths.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out: list[Prediction | None] = [None] * len(examples)
    with torch.no_grad():
        for idx, batch in bucketed_batches(examples, vocabs, batch_size, seed=None,
                                           with_tags=False, max_tokens=max_tokens):
            tb = to_tensors(batch, device)
            res = model(tb.tokens, tb.lengths, tb.chars)
            tag_ids = decode_slots(model, res.slots, tb.lengths, vocabs.tags.itos, decoder)
            if res.intent is not None:
                if not bool(torch.isfinite(res.intent).all()):
                    raise NonFiniteScores("intent", "the model's intent scores are not "
                                          "finite (NaN or inf): its weights are unusable")
                prob, best = res.intent.softmax(-1).max(-1)
                intents = [(vocabs.intents.itos[int(b)], float(p))
                           for b, p in zip(best, prob, strict=True)]
            else:
                intents = [(None, None)] * len(idx)
            for i, ids, (name, p) in zip(idx, tag_ids, intents, strict=True):
                out[i] = Prediction(vocabs.tags.decode(ids), name, p)
    model.train(was_training)
    return out


def tag_sentence(model: SlotTagger, vocabs: TaggerVocabs, tokens: Sequence[str],
                 decoder: str = "viterbi") -> Prediction:
    """The :class:`Prediction` of one tokenised sentence (no tokens: no tags, no intent)."""
    if not tokens:
        return Prediction([], None, None)
    return predict(model, [Example(list(tokens), ["O"] * len(tokens), "")], vocabs, decoder)[0]


def slot_spans(tokens: Sequence[str], tags: Sequence[str]) -> list[dict]:
    """The slots of a tagged sentence: ``{"type", "start", "end", "text"}`` (end exclusive)."""
    return [{"type": typ, "start": s, "end": e, "text": " ".join(tokens[s:e])}
            for typ, s, e in get_spans(tags)]
