"""How the tagger's command line words are read before argparse sees them.

Three things argparse alone gets wrong for this command line: a first word that is neither a
command nor a folder (a typo of a command), options written before the command, and a
negative value such as ``-inf`` or ``-1e5`` after an option, which argparse takes for an
option of its own ("expected one argument") because it only knows ``-1`` and ``-0.5`` as
numbers.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re

COMMANDS = ("train", "predict", "evaluate")


def first_word_problem(word: str) -> str | None:
    """Why the first word ``word`` (not a command) is neither a command nor a corpus folder.

    A word that names an existing file or folder, or looks like a path (``data/atis``,
    ``./x``), is a corpus folder (``python -m course_lib.tagger DATA_DIR`` trains); any other
    plain word is an unknown command, named with the command it probably meant
    (``trian`` → ``train``) or with the list of commands (``tag``, ``run``, ``fit``).
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", word) or os.path.exists(word):
        return None
    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.6)
    if close:
        return f"unknown command {word!r} (did you mean {close[0]!r}?)"
    return (f"unknown command {word!r}; commands: {', '.join(COMMANDS)} (or give a corpus "
            f"folder: there is no file or folder named {word!r} here)")


def value_options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """``(options that take a value, every option)`` over all commands (``--lr``, not only
    ``--report``), for reading words before argparse."""
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    actions = [a for sub in subs.choices.values() for a in sub._actions]
    return ({o for a in actions if a.nargs != 0 for o in a.option_strings},
            {o for a in actions for o in a.option_strings})


def command_after_options(argv: list[str], with_value: set[str]) -> int | None:
    """Where the command word is in ``argv`` when options come before it (``--threads 1
    predict``: 2), else None."""
    skip = False
    for k, word in enumerate(argv):
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in with_value  # "--lr 0.1" (not "--lr=0.1"): its value comes next
        else:  # the first positional word
            return k if word in COMMANDS else None
    return None


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _takes_value(word: str, with_value: set[str], options: set[str]) -> bool:
    """``word`` names an option that takes a value, in full or abbreviated as argparse allows
    (``--max-min`` for ``--max-minutes``, when no other option starts so)."""
    if word in options:
        return word in with_value
    named = {o for o in options if word.startswith("--") and o.startswith(word)}
    return bool(named) and named <= with_value


def glue_negative_values(argv: list[str], with_value: set[str],
                         options: set[str] | None = None) -> list[str]:
    """``--lr -inf`` → ``--lr=-inf``, so the option's own check answers ("must be > 0.0").

    Words after ``--`` (positional arguments only) are left as they are.
    """
    options = with_value if options is None else options
    out: list[str] = []
    for k, word in enumerate(argv):
        if word == "--":
            return out + argv[k:]
        if (out and _takes_value(out[-1], with_value, options) and word.startswith("-")
                and _is_number(word)):
            out[-1] += "=" + word
        else:
            out.append(word)
    return out
