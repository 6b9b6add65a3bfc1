"""Slot-filling corpora in the ``seq.in`` / ``seq.out`` / ``label`` layout, vocabularies, batches.

The layout (used by the course corpus in ``data/`` and by public copies of SNIPS and ATIS)::

    root/train/seq.in    one utterance a line, tokens separated by whitespace
    root/train/seq.out   the IOB2 slot tags of those tokens, one tag per token
    root/train/label     the intent of each utterance
    root/dev/ ...        (or root/valid/), root/test/ ...

Loading is strict: files are decoded as UTF-8 without replacement (a leading byte-order mark
is dropped; lines may end in spaces or CR), every line of ``seq.in``
must have as many tokens as its line in ``seq.out``, the three files must have the same number
of lines, and (by default) tags must be valid IOB2: ``I-X`` only after ``B-X`` or ``I-X``.
Every problem raises :class:`CorpusFormatError` naming the file, the line and what is wrong;
nothing is skipped or repaired silently.

Some public ATIS copies contain orphan ``I-X`` tags (after ``O`` or another type). With
``strict_iob=False`` they are kept *as they are* (the data is not changed) and
:func:`course_lib.metrics.span_f1` scores them with conlleval's rule: an orphan ``I-X``
starts a new span.

Shapes: N batch, T time (longest utterance of the batch).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

FILES = ("seq.in", "seq.out", "label")
DEV_NAMES = ("dev", "valid")


class CorpusFormatError(ValueError):
    """A corpus file is missing or malformed; the message names the file and the line."""


class Example(NamedTuple):
    """One utterance: its tokens, one IOB2 tag per token, and its intent label."""

    tokens: list[str]
    tags: list[str]
    intent: str


def default_data_dir() -> Path:
    """The repository's ``data/`` folder (holds the course corpus)."""
    return Path(__file__).resolve().parent.parent / "data"


def _read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file (strict decoding), without the final newline; errors name the line."""
    if not path.is_file():
        raise CorpusFormatError(f"{path}: file not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise CorpusFormatError(
            f"{path}, line {line}: invalid UTF-8 ({err.reason} at byte {err.start})"
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark is encoding metadata, not a token
    if not text.strip():
        raise CorpusFormatError(f"{path}: file is empty")
    # split on "\n" only: str.splitlines would also split on \x1c, \u2028, ... inside a line
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def check_iob2(tags: Sequence[str], strict: bool = True) -> str | None:
    """Why ``tags`` is not a valid IOB2 sequence, or ``None`` if it is.

    Valid tags are ``O``, ``B-X`` and ``I-X`` with a non-empty type X; with ``strict`` an
    ``I-X`` must also follow ``B-X`` or ``I-X``.
    """
    prev = "O"
    for k, tag in enumerate(tags):
        if tag != "O" and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
            return f"token {k + 1}: tag {tag!r} is not 'O', 'B-<type>' or 'I-<type>'"
        if strict and tag.startswith("I-") and prev[2:] != tag[2:]:
            return f"token {k + 1}: {tag!r} follows {prev!r} (I-X must follow B-X or I-X)"
        prev = tag
    return None


def load_split(directory: str | Path, strict_iob: bool = True) -> list[Example]:
    """Read one split (``seq.in``, ``seq.out``, ``label``) into a list of :class:`Example`.

    Args:
        directory: folder holding the three files.
        strict_iob: reject orphan ``I-X`` tags (default). With ``False`` they are kept
            unchanged; malformed tags (not ``O``/``B-X``/``I-X``) are rejected either way.

    Returns:
        One Example per line, in file order.

    Raises:
        CorpusFormatError: missing folder or file, empty file, invalid UTF-8, different line
            counts, empty utterance, token/tag count mismatch, invalid IOB2 tag.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusFormatError(f"{directory}: split folder not found")
    paths = [directory / name for name in FILES]
    seq_in, seq_out, labels = (_read_lines(p) for p in paths)
    counts = {p.name: n for p, n in zip(paths, map(len, (seq_in, seq_out, labels)), strict=True)}
    if len(set(counts.values())) != 1:
        raise CorpusFormatError(f"{directory}: files have different line counts {counts}")
    examples = []
    for i, (line_in, line_out, label) in enumerate(zip(seq_in, seq_out, labels, strict=True),
                                                   start=1):
        tokens, tags, intent = line_in.split(), line_out.split(), label.strip()
        if not tokens:
            raise CorpusFormatError(f"{paths[0]}, line {i}: empty utterance")
        if len(tokens) != len(tags):
            raise CorpusFormatError(
                f"{paths[1]}, line {i}: {len(tags)} tags for {len(tokens)} tokens in seq.in"
            )
        if not intent:
            raise CorpusFormatError(f"{paths[2]}, line {i}: empty intent label")
        problem = check_iob2(tags, strict=strict_iob)
        if problem is not None:
            raise CorpusFormatError(f"{paths[1]}, line {i}, {problem}")
        examples.append(Example(tokens, tags, intent))
    return examples


def load_corpus(root: str | Path, strict_iob: bool = True) -> dict[str, list[Example]]:
    """Read ``train``, ``dev`` (folder ``dev/`` or ``valid/``) and ``test`` under ``root``.

    Returns:
        ``{"train": [...], "dev": [...], "test": [...]}``.

    Raises:
        CorpusFormatError: ``root`` or a split is missing, both ``dev/`` and ``valid/`` exist,
            or any file is malformed (see :func:`load_split`).
    """
    root = Path(root)
    if not root.is_dir():
        raise CorpusFormatError(f"{root}: corpus folder not found")
    dev_dirs = [root / name for name in DEV_NAMES if (root / name).is_dir()]
    if len(dev_dirs) > 1:
        raise CorpusFormatError(f"{root}: both dev/ and valid/ exist; keep one of them")
    folders = {"train": root / "train", "dev": dev_dirs[0] if dev_dirs else None,
               "test": root / "test"}
    for split, folder in folders.items():
        if folder is None or not folder.is_dir():
            wanted = "dev/ or valid/" if split == "dev" else f"{split}/"
            raise CorpusFormatError(f"{root}: missing split {split!r} (expected {wanted})")
    return {split: load_split(folder, strict_iob) for split, folder in folders.items()}


class Vocab:
    """A token <-> index mapping: the specials first, then tokens by frequency, then A-Z.

    Word vocabularies use ``specials=("<pad>", "<unk>")`` (pad index 0, unknown index 1);
    tag vocabularies use ``specials=("<pad>",)`` and reject unknown tags.
    """

    def __init__(self, itos: Sequence[str]):
        if len(set(itos)) != len(itos):
            raise ValueError("itos must not contain duplicates")
        self.itos = list(itos)
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        self.pad_index = self.stoi.get("<pad>")
        self.unk_index = self.stoi.get("<unk>")

    @classmethod
    def build(
        cls,
        sequences: Iterable[Sequence[str]],
        min_count: int = 1,
        specials: Sequence[str] = ("<pad>", "<unk>"),
    ) -> Vocab:
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


class Batch(NamedTuple):
    """A padded batch. Padding uses each vocabulary's ``pad_index``; ``mask`` is True on tokens."""

    tokens: np.ndarray  # (N, T) int64
    tags: np.ndarray  # (N, T) int64
    mask: np.ndarray  # (N, T) bool
    lengths: np.ndarray  # (N,) int64
    examples: list[Example]


def make_batch(examples: Sequence[Example], word_vocab: Vocab, tag_vocab: Vocab) -> Batch:
    """Pad ``examples`` to the longest one: tokens and tags (N, T) int64, mask (N, T) bool."""
    if not examples:
        raise ValueError("make_batch needs at least one example")
    if word_vocab.pad_index is None or tag_vocab.pad_index is None:
        raise ValueError("both vocabularies need a '<pad>' special to pad batches")
    lengths = np.array([len(ex.tokens) for ex in examples], dtype=np.int64)
    n, t = len(examples), int(lengths.max())
    tokens = np.full((n, t), word_vocab.pad_index, dtype=np.int64)
    tags = np.full((n, t), tag_vocab.pad_index, dtype=np.int64)
    for i, ex in enumerate(examples):
        tokens[i, : lengths[i]] = word_vocab.encode(ex.tokens)
        tags[i, : lengths[i]] = tag_vocab.encode(ex.tags)
    mask = np.arange(t)[None, :] < lengths[:, None]
    return Batch(tokens, tags, mask, lengths, list(examples))


def batches(
    examples: Sequence[Example],
    word_vocab: Vocab,
    tag_vocab: Vocab,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
) -> Iterator[Batch]:
    """Yield padded :class:`Batch` es of ``batch_size`` examples (the last may be smaller).

    With ``shuffle=True`` the order is a permutation drawn from
    ``np.random.default_rng(seed)``: the same seed gives the same batches. Pass a different
    seed each epoch (e.g. ``seed=epoch``) to reshuffle.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = np.random.default_rng(seed).permutation(len(examples)) if shuffle else range(
        len(examples))
    order = list(order)
    for start in range(0, len(order), batch_size):
        chunk = [examples[int(i)] for i in order[start : start + batch_size]]
        yield make_batch(chunk, word_vocab, tag_vocab)
