"""What the tagger reads at prediction time: utterances, one a line, and their case.

:func:`open_input` opens ``predict``'s input (a UTF-8 file or stdin) and
:func:`utterance_blocks` splits it into token lists with their line numbers as it arrives, so
``predict`` answers each line typed at a terminal at once; every problem is a ``ValueError``
naming the file and line.
:func:`is_lowercase` decides at training time whether a corpus is all lowercase (public ATIS
and SNIPS copies are), which the model file records; :func:`model_input` then lowercases the
tokens of a new sentence the same way before they are looked up, so "Book" is not ``<unk>``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from course_lib.data import utf8_error_place


def is_lowercase(tokens: Iterable[str]) -> bool:
    """True if no token changes under ``str.lower`` (e.g. an ATIS or SNIPS training split)."""
    return all(t == t.lower() for t in tokens)


def model_input(tokens: Sequence[str], lowercase: bool) -> list[str]:
    """The tokens as a model saved with ``lowercase`` looks them up."""
    return [t.lower() for t in tokens] if lowercase else list(tokens)


def open_input(name: str) -> tuple[str, BinaryIO]:
    """``(name to show in messages, binary stream)`` of ``predict``'s input: ``"-"`` is stdin,
    anything else a readable file that is not a folder — a regular file, ``/dev/stdin``, a
    pipe such as bash's ``<(command)``, or a named pipe (FIFO).

    Raises:
        ValueError: not found, a folder, or unreadable; the message names the file.
    """
    if name == "-":
        if sys.stdin is None:  # started with stdin closed (<&-)
            raise ValueError("<stdin>: standard input is closed (give a FILE)")
        return "<stdin>", sys.stdin.buffer
    if not name:
        raise ValueError("FILE is an empty name: give a file, or '-' (or nothing) for stdin")
    path = Path(name)
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not a text file (one utterance a line)")
    if not path.exists():
        raise ValueError(f"{path}: file not found")
    try:
        return str(path), path.open("rb")
    except OSError as err:
        raise ValueError(f"{path}: cannot read it ({err.strerror or err})") from None


def utterance_blocks(stream: BinaryIO, where: str, skip_blank: bool = False,
                     on_blank: Callable[[int], None] | None = None,
                     block_bytes: int = 1 << 16) -> Iterator[list[tuple[int, list[str]]]]:
    """The utterances of ``stream``, one a line split at white space, as they arrive.

    Yields lists of ``(line number, tokens)``: the complete lines of each read, which returns
    what is available (at most ``block_bytes``), so a line typed at a terminal or written to a
    pipe is yielded at once and a file comes in blocks. A block is checked whole before it is
    yielded. Blank lines (nothing but white space) at the end of the input are ignored; any
    other blank line is an error naming it, or, with ``skip_blank``, is skipped and passed to
    ``on_blank`` when the next utterance shows it is not trailing.

    Raises:
        ValueError: invalid UTF-8, a blank line (without ``skip_blank``), no utterance at all,
            or the stream cannot be read; the message names ``where`` and the line.
    """
    rest, number, pending, seen, first = [], 0, [], False, True
    read = stream.read1  # what is there (one read of the OS), without waiting for more
    while True:
        try:
            data = read(block_bytes)
        except OSError as err:
            raise ValueError(f"{where}: cannot read it ({err.strerror or err})") from None
        cut = len(data) if not data else data.rfind(b"\n") + 1  # complete lines; all at EOF
        if data and not cut:  # still inside one line: keep the piece (joined once, at its end,
            rest.append(data)  # so a long line costs linear time)
            continue
        complete = b"".join(rest) + data[:cut]
        rest = [data[cut:]] if data[cut:] else []
        try:
            text = complete.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"{where}, {utf8_error_place(complete, err, number + 1)}; save "
                             "the file as UTF-8") from None
        if first and text:
            text, first = text.removeprefix("\ufeff"), False  # a byte-order mark: not a token
        # "\n" only, as the corpus reader: not \x1c, \u2028, ...; no line in an empty block
        lines = text.split("\n") if text else []
        if text.endswith("\n"):
            lines.pop()
        block = []
        for line in lines:
            number += 1
            tokens = line.split()
            if not tokens:
                pending.append(number)  # an error only if an utterance follows
                continue
            for i in pending:
                if not skip_blank:
                    raise ValueError(f"{where}, line {i}: empty line (one utterance a line, "
                                     "tokens separated by spaces)")
                if on_blank is not None:
                    on_blank(i)
            pending = []
            block.append((number, tokens))
        if block:
            seen = True
            yield block
        if not data:
            break
    if not seen:
        raise ValueError(f"{where}: no input (one utterance a line)")
