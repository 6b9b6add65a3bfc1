"""Training and scoring the small slot taggers of notebooks 01, 06, 07 and 08.

The path is the course's one data path: corpus (:mod:`course_lib.data`) → vocabularies →
padded batches of word ids → :class:`~course_lib.experiments.models.SequenceTagger` → masked
cross-entropy (padding ignored) → argmax tags → span F1 (:mod:`course_lib.metrics`).
(The capstone of notebook 09, with characters and its own command line, is
:mod:`course_lib.tagger`.)

Seeding: the tagger's weights from ``seed``; epoch ``e`` visits the training sentences in the
order ``numpy.random.default_rng([seed, e]).permutation``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from course_lib.data import Batch, Example, Vocab, make_batch
from course_lib.metrics import span_f1
from course_lib.train import History, train


def epoch_batches(examples: Sequence[Example], words: Vocab, tags: Vocab, batch_size: int,
                  epochs: int, seed: int = 0) -> list[Batch]:
    """All training batches of ``epochs`` epochs, each epoch in its own seeded order."""
    if batch_size < 1 or epochs < 1:
        raise ValueError(f"batch_size and epochs must be ≥ 1, got {batch_size}, {epochs}")
    out = []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(len(examples))
        for start in range(0, len(order), batch_size):
            out.append(make_batch([examples[int(i)] for i in order[start:start + batch_size]],
                                  words, tags))
    return out


def logits_of(model, batch: Batch) -> torch.Tensor:
    """The tagger's scores for a batch, (N, T, K)."""
    tokens = torch.from_numpy(batch.tokens)
    if getattr(model, "bidirectional", False):
        return model(tokens, torch.from_numpy(batch.lengths))
    return model(tokens)


def tagging_loss(model, batch: Batch) -> torch.Tensor:
    """Mean cross-entropy over the real words of the batch: padding (tag index 0) is ignored,
    as ``F.cross_entropy(..., ignore_index=pad)`` does (notebook 01 §3)."""
    logits = logits_of(model, batch)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                           torch.from_numpy(batch.tags).reshape(-1), ignore_index=0)


def train_tagger(model, examples: Sequence[Example], words: Vocab, tags: Vocab, epochs: int,
                 lr: float, batch_size: int = 32, seed: int = 0,
                 clip_norm: float | None = None, desc: str = "tagger") -> History:
    """Adam on :func:`tagging_loss` over :func:`epoch_batches`; returns the loop's history."""
    if tags.pad_index != 0:
        raise ValueError("the tag vocabulary must have <pad> at index 0 (Vocab.build(..., "
                         "specials=('<pad>',)))")
    data = epoch_batches(examples, words, tags, batch_size, epochs, seed)
    return train(model, tagging_loss, data.__getitem__, len(data), lr, clip_norm=clip_norm,
                 desc=desc)


def predict_tags(model, examples: Sequence[Example], words: Vocab, tags: Vocab,
                 batch_size: int = 256) -> list[list[str]]:
    """The argmax tag of every word (never ``<pad>``), one list per example."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(examples), batch_size):
            batch = make_batch(examples[start:start + batch_size], words, tags)
            logits = logits_of(model, batch)
            logits[..., tags.pad_index] = -torch.inf
            pred = logits.argmax(-1).numpy()
            out += [tags.decode(p[:n]) for p, n in zip(pred, batch.lengths, strict=True)]
    return out


def tagger_f1(model, examples: Sequence[Example], words: Vocab, tags: Vocab) -> float:
    """Span F1 (conlleval rules, a fraction in [0, 1]) of the tagger's predictions."""
    return span_f1([ex.tags for ex in examples], predict_tags(model, examples, words, tags))[2]


def known_tags(examples: Sequence[Example], tags: Vocab) -> list[Example]:
    """The examples whose every gold tag is in ``tags`` (a tag vocabulary has no ``<unk>``)."""
    return [ex for ex in examples if all(t in tags for t in ex.tags)]
