"""What the tagger reads at prediction time: utterances, one a line, and their case.

:func:`read_utterances` reads ``predict``'s input (a UTF-8 file or stdin) into token lists
with their line numbers; every problem is a ``ValueError`` naming the file and line.
:func:`is_lowercase` decides at training time whether a corpus is all lowercase (public ATIS
and SNIPS copies are), which the model file records; :func:`model_input` then lowercases the
tokens of a new sentence the same way before they are looked up, so "Book" is not ``<unk>``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from course_lib.data import utf8_error_place


def is_lowercase(tokens: Iterable[str]) -> bool:
    """True if no token changes under ``str.lower`` (e.g. an ATIS or SNIPS training split)."""
    return all(t == t.lower() for t in tokens)


def model_input(tokens: Sequence[str], lowercase: bool) -> list[str]:
    """The tokens as a model saved with ``lowercase`` looks them up."""
    return [t.lower() for t in tokens] if lowercase else list(tokens)


def read_utterances(name: str, skip_blank: bool = False
                    ) -> tuple[str, list[tuple[int, list[str]]], list[int]]:
    """The utterances of file ``name`` ("-": stdin), one a line, split at white space.

    ``name`` may be any readable file that is not a folder: a regular file, ``/dev/stdin``,
    a pipe such as bash's ``<(command)``, or a named pipe (FIFO).

    Returns ``(where, [(line number, tokens)], [numbers of the blank lines skipped])``.
    Blank lines (nothing but white space) at the end of the input are ignored; any other blank
    line is an error naming it, or, with ``skip_blank``, is skipped and listed.

    Raises:
        ValueError: file not found, a folder, unreadable, invalid UTF-8, a blank line
            (without ``skip_blank``), no utterance at all; the message names the file and line.
    """
    if name == "-":
        raw, where = sys.stdin.buffer.read(), "<stdin>"
    else:
        path = Path(name)
        if path.is_dir():
            raise ValueError(f"{path}: is a folder, not a text file (one utterance a line)")
        if not path.exists():
            raise ValueError(f"{path}: file not found")
        try:  # any readable file: also /dev/stdin, <(command), a named pipe
            raw, where = path.read_bytes(), str(path)
        except OSError as err:
            raise ValueError(f"{path}: cannot read it ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{where}, {utf8_error_place(raw, err)}; save the file as "
                         "UTF-8") from None
    lines = text.removeprefix("\ufeff").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()  # the final newline, and blank lines after the last utterance
    if not lines:
        raise ValueError(f"{where}: no input (one utterance a line)")
    out, blank = [], []
    for i, line in enumerate(lines, start=1):
        tokens = line.split()
        if tokens:
            out.append((i, tokens))
        elif skip_blank:
            blank.append(i)
        else:
            raise ValueError(f"{where}, line {i}: empty line (one utterance a line, tokens "
                             "separated by spaces)")
    return where, out, blank
