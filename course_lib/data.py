"""Slot-filling corpora in the ``seq.in`` / ``seq.out`` / ``label`` layout: reading and checking.

The layout (used by the course corpus in ``data/`` and by public copies of SNIPS and ATIS)::

    root/train/seq.in    one utterance a line, tokens separated by whitespace
    root/train/seq.out   the IOB2 slot tags of those tokens, one tag per token
    root/train/label     the intent of each utterance
    root/dev/ ...        (or root/valid/), root/test/ ...

Loading is strict: files are decoded as UTF-8 without replacement (a leading byte-order mark
is dropped; lines may end in spaces or CR; blank lines after the last line are ignored, as
``python -m course_lib.tagger predict`` ignores them, but a blank line before it is an
error), every line of ``seq.in``
must have as many tokens as its line in ``seq.out``, the three files must have the same number
of lines, and (by default) tags must be valid IOB2: ``I-X`` only after ``B-X`` or ``I-X``.
Every problem raises :class:`CorpusFormatError` naming the file, the line and what is wrong;
nothing is skipped or repaired silently.

Some public ATIS copies contain orphan ``I-X`` tags (after ``O`` or another type). With
``strict_iob=False`` they are kept *as they are* (the data is not changed) and
:func:`course_lib.metrics.span_f1` scores them with conlleval's rule: an orphan ``I-X``
starts a new span.

Vocabularies and padded batches are the next step: :mod:`course_lib.batching`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

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


def utf8_error_place(raw: bytes, err: UnicodeDecodeError, first_line: int = 1) -> str:
    """Where ``raw`` is not UTF-8, counted as an editor shows it: ``line L: invalid UTF-8
    (<reason> at byte B of the line)``, B from 1, L from ``first_line`` (the number of
    ``raw``'s first line in its file). A byte-order mark opening the file is not counted: an
    editor does not show it."""
    line_start = raw.rfind(b"\n", 0, err.start) + 1
    if first_line == 1 and line_start == 0 and raw.startswith(b"\xef\xbb\xbf"):
        line_start = 3
    line = raw.count(b"\n", 0, err.start) + first_line
    return (f"line {line}: invalid UTF-8 ({err.reason} at byte {err.start - line_start + 1} "
            "of the line)")


def _read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file (strict decoding), without the final newline and any blank lines
    after the last line; errors name the line."""
    if not path.is_file():
        raise CorpusFormatError(f"{path}: file not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusFormatError(f"{path}, {utf8_error_place(raw, err)}") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark is encoding metadata, not a token
    if not text.strip():
        raise CorpusFormatError(f"{path}: file is empty")
    # split on "\n" only: str.splitlines would also split on \x1c, \u2028, ... inside a line
    lines = text.split("\n")
    while not lines[-1].strip():  # the final newline, and blank lines after the last line
        lines.pop()  # (as predict ignores them); a blank line before it is still an error
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
    if directory.exists() and not directory.is_dir():
        hint = (f"; give the folder holding it: {directory.parent}" if directory.name in FILES
                else "")
        raise CorpusFormatError(f"{directory}: is a file, not a split folder (a folder holding "
                                f"seq.in, seq.out and label){hint}")
    if not directory.is_dir():
        raise CorpusFormatError(f"{directory}: split folder not found")
    splits = [name for name in ("train", *DEV_NAMES, "test") if (directory / name).is_dir()]
    if splits and not any((directory / name).exists() for name in FILES):
        raise CorpusFormatError(f"{directory}: a corpus folder (with {', '.join(splits)}), not "
                                f"one split; give a split folder, e.g. {directory / splits[-1]}")
    paths = [directory / name for name in FILES]
    seq_in, seq_out, labels = (_read_lines(p) for p in paths)
    counts = {p.name: n for p, n in zip(paths, map(len, (seq_in, seq_out, labels)), strict=True)}
    if len(set(counts.values())) != 1:
        raise CorpusFormatError(f"{directory}: files have different line counts {counts} "
                                "(blank lines at the end of a file are not counted)")
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
    if root.exists() and not root.is_dir():
        raise CorpusFormatError(f"{root}: is a file, not a corpus folder (a folder holding "
                                "train/, dev/ or valid/, and test/)")
    if not root.is_dir():
        raise CorpusFormatError(f"{root}: corpus folder not found")
    if not (root / "train").is_dir() and any((root / name).exists() for name in FILES):
        above = root.parent if root.parent != Path(".") else root.absolute().parent
        hint = f": probably {above}" if (above / "train").is_dir() else ""
        raise CorpusFormatError(f"{root}: one split (it holds seq.in, seq.out, label), not a "
                                "corpus folder; give the folder holding train/, dev/ or "
                                f"valid/, and test/{hint}")
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


# Vocabularies and batches live in course_lib.batching (the one road from examples to model
# inputs). Notebooks 01, 06 and 07 still import these names from here.
from course_lib.batching import Batch, Vocab, batches, make_batch  # noqa: E402, F401
