"""From examples to model inputs: vocabularies, padded batches (words *and* characters), tensors.

The one road from a corpus to a model, in the order a sentence travels it::

    load_corpus (course_lib.data) → build_vocabs → make_batch / batches / bucketed_batches
                                  → to_tensors → model (course_lib.tagger.model)

* :class:`Vocab` maps tokens to ids; :func:`build_vocabs` builds the four vocabularies of a
  joint tagger from the **training split only** (words, characters, IOB2 tags, intents), so
  a word seen only in dev or test becomes ``<unk>``.
* :func:`make_batch` pads a list of examples to the longest one: word ids (N, T), character
  ids (N, T, C), tag ids (N, T), intent ids (N,), mask (N, T), lengths (N,).
* :func:`batches` cuts a corpus into batches in file order or a seeded shuffled order;
  :func:`bucketed_batches` groups utterances of similar length (little padding, so fast
  epochs on a CPU) in a seeded random order; :func:`to_tensors` turns a batch into torch
  tensors on a device.

Shapes: N batch, T time (longest utterance of the batch), C characters of the longest word
(at most :data:`MAX_WORD_CHARS`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:  # only for annotations: batching needs no corpus reader
    import torch

    from course_lib.data import Example

MAX_WORD_CHARS = 20  # longer words are cut for the character features
IGNORE_INTENT = -100  # intent id of a label never seen in training (torch's ignore_index)


class Vocab:
    """A token <-> index mapping: the specials first, then tokens by frequency, then A-Z.

    Word vocabularies use ``specials=("<pad>", "<unk>")`` (pad index 0, unknown index 1);
    tag vocabularies use ``specials=("<pad>",)`` and reject unknown tags; intent
    vocabularies have no specials.
    """

    def __init__(self, itos: Sequence[str]):
        if len(set(itos)) != len(itos):
            raise ValueError("itos must not contain duplicates")
        self.itos = list(itos)
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        self.pad_index = self.stoi.get("<pad>")
        self.unk_index = self.stoi.get("<unk>")

    @classmethod
    def build(cls, sequences: Iterable[Sequence[str]], min_count: int = 1,
              specials: Sequence[str] = ("<pad>", "<unk>")) -> Vocab:
        """Vocabulary of the tokens seen at least ``min_count`` times in ``sequences``.

        Order is deterministic: specials, then decreasing count, ties broken alphabetically.
        """
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        counts = Counter(tok for seq in sequences for tok in seq)
        words = sorted((w for w, c in counts.items() if c >= min_count and w not in specials),
                       key=lambda w: (-counts[w], w))
        return cls(list(specials) + words)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, first={self.itos[:5]})"

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Indices of ``tokens``; unknown tokens map to ``unk_index`` (error if there is none)."""
        if self.unk_index is not None:
            return [self.stoi.get(t, self.unk_index) for t in tokens]
        missing = [t for t in tokens if t not in self.stoi]
        if missing:
            raise ValueError(f"tokens not in the vocabulary (which has no <unk>): {missing[:5]}")
        return [self.stoi[t] for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of the indices ``ids``."""
        return [self.itos[int(i)] for i in ids]


class TaggerVocabs(NamedTuple):
    """The vocabularies of a joint intent + slot tagger, all built from the training split."""

    words: Vocab  # <pad>=0, <unk>=1, then words
    chars: Vocab  # <pad>=0, <unk>=1, then characters
    tags: Vocab  # <pad>=0, then IOB2 tags
    intents: Vocab  # intent labels (a multi-intent label such as "a#b" is one label)


def build_vocabs(train: Sequence[Example], min_count: int = 1) -> TaggerVocabs:
    """Word, character, tag and intent vocabularies of the training examples."""
    if not train:
        raise ValueError("train must contain at least one example")
    return TaggerVocabs(
        words=Vocab.build([ex.tokens for ex in train], min_count=min_count),
        chars=Vocab.build([list(w) for ex in train for w in ex.tokens]),
        tags=Vocab.build([ex.tags for ex in train], specials=("<pad>",)),
        intents=Vocab.build([[ex.intent] for ex in train], specials=()))


class Batch(NamedTuple):
    """A padded batch. Padding uses each vocabulary's ``pad_index``; ``mask`` is True on tokens.

    ``chars`` and ``intents`` are None unless :func:`make_batch` got their vocabularies;
    ``tags`` is None when it got no tag vocabulary (prediction on raw text).
    """

    tokens: np.ndarray  # (N, T) int64 word ids
    tags: np.ndarray | None  # (N, T) int64
    mask: np.ndarray  # (N, T) bool
    lengths: np.ndarray  # (N,) int64
    examples: list[Example]
    chars: np.ndarray | None = None  # (N, T, C) int64, 0 = padding
    intents: np.ndarray | None = None  # (N,) int64, IGNORE_INTENT for unseen labels


def encode_chars(examples: Sequence[Example], chars: Vocab, t: int,
                 cache: dict | None = None) -> np.ndarray:
    """Character ids (N, T, C) int64, 0 = padding, C = longest word (≤ MAX_WORD_CHARS).

    ``cache`` (a dict word → ids) saves re-encoding the same words every epoch.
    """
    cache = {} if cache is None else cache
    c = max([min(len(w), MAX_WORD_CHARS) for ex in examples for w in ex.tokens] or [1])
    out = np.zeros((len(examples), t, c), dtype=np.int64)
    for i, ex in enumerate(examples):
        for j, w in enumerate(ex.tokens[:t]):
            ids = cache.get(w)
            if ids is None:
                ids = cache[w] = chars.encode(list(w[:MAX_WORD_CHARS]))
            out[i, j, :len(ids)] = ids
    return out


def make_batch(examples: Sequence[Example], word_vocab: Vocab, tag_vocab: Vocab | None,
               char_vocab: Vocab | None = None, intent_vocab: Vocab | None = None,
               cache: dict | None = None) -> Batch:
    """Pad ``examples`` to the longest one (see :class:`Batch` for the arrays and shapes).

    Raises:
        ValueError: no examples, a vocabulary without ``<pad>``, or a tag not in ``tag_vocab``.
    """
    if not examples:
        raise ValueError("make_batch needs at least one example")
    if word_vocab.pad_index is None or (tag_vocab is not None and tag_vocab.pad_index is None):
        raise ValueError("both vocabularies need a '<pad>' special to pad batches")
    lengths = np.array([len(ex.tokens) for ex in examples], dtype=np.int64)
    n, t = len(examples), int(lengths.max())
    tokens = np.full((n, t), word_vocab.pad_index, dtype=np.int64)
    tags = None if tag_vocab is None else np.full((n, t), tag_vocab.pad_index, dtype=np.int64)
    for i, ex in enumerate(examples):
        tokens[i, : lengths[i]] = word_vocab.encode(ex.tokens)
        if tags is not None:
            tags[i, : lengths[i]] = tag_vocab.encode(ex.tags)
    mask = np.arange(t)[None, :] < lengths[:, None]
    chars = None if char_vocab is None else encode_chars(examples, char_vocab, t, cache)
    intents = None if intent_vocab is None else np.array(
        [intent_vocab.stoi.get(ex.intent, IGNORE_INTENT) for ex in examples], dtype=np.int64)
    return Batch(tokens, tags, mask, lengths, list(examples), chars, intents)


def encode(examples: Sequence[Example], vocabs: TaggerVocabs, with_tags: bool = True,
           cache: dict | None = None) -> Batch:
    """:func:`make_batch` with all four vocabularies of a tagger (tags only if ``with_tags``)."""
    return make_batch(examples, vocabs.words, vocabs.tags if with_tags else None,
                      vocabs.chars, vocabs.intents, cache)


def batches(examples: Sequence[Example], word_vocab: Vocab, tag_vocab: Vocab | None,
            batch_size: int, shuffle: bool = False, seed: int = 0) -> Iterator[Batch]:
    """Yield padded :class:`Batch` es of ``batch_size`` examples (the last may be smaller).

    With ``shuffle=True`` the order is a permutation drawn from
    ``np.random.default_rng(seed)``: the same seed gives the same batches. Pass a different
    seed each epoch (e.g. ``seed=epoch``) to reshuffle.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = (np.random.default_rng(seed).permutation(len(examples)) if shuffle
             else np.arange(len(examples)))
    for start in range(0, len(order), batch_size):
        chunk = [examples[int(i)] for i in order[start : start + batch_size]]
        yield make_batch(chunk, word_vocab, tag_vocab)


def bucket_order(lengths: Sequence[int], batch_size: int, seed: int | Sequence[int] | None,
                 pool: int = 50, max_tokens: int | None = None) -> list[list[int]]:
    """Index lists of batches of similar-length utterances.

    With a ``seed`` (an int or a sequence of ints such as ``(run_seed, epoch)``): shuffle with
    ``default_rng(seed)``, sort each pool of
    ``pool · batch_size`` indices by length, cut it into batches and shuffle the batch order.
    With ``seed=None``: sort everything by length (for prediction; no randomness) and cut it
    into batches of at most ``batch_size`` utterances and, with ``max_tokens``, at most
    ``max_tokens`` padded tokens (utterances × longest length: what a padded batch holds, so
    memory is bounded whatever the lengths); an utterance longer than ``max_tokens`` is a
    batch of its own.

    Raises:
        ValueError: ``batch_size`` or ``max_tokens`` < 1, or ``max_tokens`` with a seed.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if max_tokens is not None and (max_tokens < 1 or seed is not None):
        raise ValueError(f"max_tokens must be >= 1 and is for seed=None, got {max_tokens} "
                         f"with seed {seed}")
    if seed is None:
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        if max_tokens is None:
            return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]
        out: list[list[int]] = []
        for i in order:  # ascending: the newest utterance is the batch's longest
            if out and len(out[-1]) < batch_size and (len(out[-1]) + 1) * lengths[i] <= max_tokens:
                out[-1].append(i)
            else:
                out.append([i])
        return out
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(len(lengths))
    chunks = []
    for start in range(0, len(shuffled), pool * batch_size):
        block = sorted((int(i) for i in shuffled[start:start + pool * batch_size]),
                       key=lambda i: lengths[i])
        chunks += [block[k:k + batch_size] for k in range(0, len(block), batch_size)]
    return [chunks[int(k)] for k in rng.permutation(len(chunks))]


def bucketed_batches(examples: Sequence[Example], vocabs: TaggerVocabs, batch_size: int,
                     seed: int | Sequence[int] | None, pool: int = 50, with_tags: bool = True,
                     cache: dict | None = None, max_tokens: int | None = None
                     ) -> Iterator[tuple[list[int], Batch]]:
    """``(indices, batch)`` pairs in :func:`bucket_order`, encoded with :func:`encode`."""
    lengths = [len(ex.tokens) for ex in examples]
    for idx in bucket_order(lengths, batch_size, seed, pool, max_tokens):
        yield idx, encode([examples[i] for i in idx], vocabs, with_tags, cache)


class TensorBatch(NamedTuple):
    """A :class:`Batch` as torch tensors on one device (``tags``/``chars``/``intents`` may be
    None)."""

    tokens: torch.Tensor  # (N, T) int64
    chars: torch.Tensor | None  # (N, T, C) int64
    tags: torch.Tensor | None  # (N, T) int64
    intents: torch.Tensor | None  # (N,) int64
    mask: torch.Tensor  # (N, T) bool
    lengths: torch.Tensor  # (N,) int64, always on the CPU (what RNN packing expects)


def to_tensors(batch: Batch, device: str | torch.device = "cpu") -> TensorBatch:
    """Torch tensors of ``batch`` on ``device`` (lengths stay on the CPU)."""
    import torch

    def move(a):
        return None if a is None else torch.from_numpy(a).to(device)

    return TensorBatch(move(batch.tokens), move(batch.chars), move(batch.tags),
                       move(batch.intents), move(batch.mask), torch.from_numpy(batch.lengths))
