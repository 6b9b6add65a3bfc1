"""How the tagger's command line words are read before argparse sees them.

:func:`parse_command_line` reads them. Four things argparse alone gets wrong for this command
line: a first word that is neither a
command nor a folder (a typo of a command), options written before the command (in full or
abbreviated), a negative value such as ``-inf`` or ``-1e5`` after an option, which argparse
takes for an option of its own ("expected one argument") because it only knows ``-1`` and
``-0.5`` as numbers, and ``--`` before a path that begins with ``-`` (``predict -- -x.pt``),
which Python 3.11's ``parse_intermixed_args`` drops before it reads the path as an option.
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


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser of each command of ``parser``: ``{"train": …, "predict": …, …}``."""
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(subs.choices)


def value_options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """``(options that take a value, every option)`` of one parser (a command's: ``--lr``,
    ``--quiet``, …; the top one's: ``-h``, ``--help``, ``--version``)."""
    return ({o for a in parser._actions if a.nargs != 0 for o in a.option_strings},
            {o for a in parser._actions for o in a.option_strings})


def _named(word: str, options: set[str]) -> set[str]:
    """The options argparse may take ``word`` for, as it reads them: the option itself, the
    part before ``=``, or every option that begins with a ``--`` word (``--hid`` → ``{--hidden}``;
    two or more: argparse answers "ambiguous option")."""
    if word in options:
        return {word}
    name = word.split("=", 1)[0]
    if name in options:
        return {name}
    return {o for o in options if name.startswith("--") and o.startswith(name)}


def names_an_option(word: str, options: set[str]) -> bool:
    """``word`` is an option of ``options``, in full or abbreviated as argparse accepts it
    (a prefix of one option only)."""
    return len(_named(word, options)) == 1


def _takes_value(word: str, with_value: set[str], options: set[str]) -> bool:
    """``word`` names one option that takes a value and does not hold it (``--max-min`` for
    ``--max-minutes``, when no other option starts so; not ``--lr=0.1``)."""
    named = _named(word, options)
    return len(named) == 1 and named <= with_value and "=" not in word


def _first_positional(argv: list[str], with_value: set[str],
                      options: set[str]) -> tuple[int, bool] | None:
    """``(where the first word that is neither an option nor an option's value is, whether
    every option before it is one of options)``; None when there is none. The word after
    ``--`` is positional; a word after an unknown option is taken for its value unless it is
    a command or begins with ``-``."""
    known, skip = True, False
    for k, word in enumerate(argv):
        if skip:
            skip = False
        elif word == "--":  # the next word is positional ("-- train d": train, misplaced)
            return (k + 1, known) if k + 1 < len(argv) else None
        elif word.startswith("-"):
            if names_an_option(word, options):
                skip = _takes_value(word, with_value, options)  # "--lr 0.1": 0.1 is next
            else:  # unknown or ambiguous: it may hold a value ("--bogus 3 train"), not a command
                known = False
                nxt = argv[k + 1] if k + 1 < len(argv) else ""
                skip = "=" not in word and nxt not in COMMANDS and not nxt.startswith("-")
        else:
            return k, known
    return None


def command_after_options(argv: list[str],
                          options_of: dict[str, tuple[set[str], set[str]]]) -> int | None:
    """Where the command word is in ``argv`` when options come before it (``--threads 1
    predict``: 2; ``--thr 1 predict``: 2 as well), else None.

    ``options_of`` maps each command to its :func:`value_options`: the words before a command
    are read with that command's options, abbreviations included, so ``--save train train``
    finds the second ``train``. When two commands fit, the one that knows every option wins,
    then the earlier word.
    """
    found = []
    for command, (with_value, options) in options_of.items():
        hit = _first_positional(argv, with_value, options)
        if hit is not None and argv[hit[0]] == command:
            found.append((not hit[1], hit[0]))
    return min(found)[1] if found else None


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def glue_negative_values(argv: list[str], with_value: set[str], options: set[str]
                         ) -> list[str]:
    """``--lr -inf`` → ``--lr=-inf``, so the option's own check answers ("must be > 0.0").

    ``with_value`` and ``options`` are one command's (:func:`value_options`): an abbreviation
    is glued only when it names one of its options (``--max-min -inf``), never when argparse
    will answer "ambiguous option", which would then echo the glued word, not the typed one.
    Words after ``--`` (positional arguments only) are left as they are.
    """
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


# No word of a command line can hold a NUL byte (exec passes C strings), so a NUL marks a
# word typed after "--" without clashing with any word a user can type.
_LITERAL = "\0"


def mark_literals(argv: list[str], with_value: set[str], options: set[str]) -> list[str]:
    """The words after the first ``--`` marked as positional values, the ``--`` dropped:
    ``[m.pt, --, --]`` → ``[m.pt, "\\0--"]``.

    Python 3.11's ``parse_intermixed_args`` drops ``--`` and then reads ``-x.pt`` as an
    unknown option; a marked word does not begin with ``-``, so argparse takes it for a
    positional value. :func:`unmark` restores it after parsing. ``argv`` is returned as it is
    when the word before ``--`` is an option waiting for its value (``--save --``: argparse
    answers "expected one argument").
    """
    if "--" not in argv:
        return argv
    k = argv.index("--")
    if k and _takes_value(argv[k - 1], with_value, options):
        return argv
    return argv[:k] + [_LITERAL + word for word in argv[k + 1:]]


def unmark(value):
    """A value parsed from a word of :func:`mark_literals` as the user typed it; any other
    value (a number, a flag, None, an unmarked string) as it is."""
    if isinstance(value, str) and value.startswith(_LITERAL):
        return value[len(_LITERAL):]
    return value


def _problem_before_parsing(argv: list[str], with_value: set[str], options: set[str]) -> str | None:
    """What argparse would not say clearly about ``argv``, one command's words: an option
    given ``--`` as its value (``--lr=--``: Python 3.11's argparse drops the ``--`` and hands
    the option an empty list, which no type check sees)."""
    for word in argv:
        if word == "--":
            return None
        name, _, value = word.partition("=")
        if word.startswith("--") and value == "--" and _takes_value(name, with_value, options):
            full = _named(name, options).pop()
            return f"argument {full}: '--' cannot be a value (a file named '--' is ./--)"
    return None


def _unrecognized(extras: list[str]) -> str:
    """argparse's "unrecognized arguments" message for ``extras`` (words no argument took,
    maybe marked by :func:`mark_literals`) as typed, with a hint where one helps."""
    words = [unmark(w) for w in extras]
    message = f"unrecognized arguments: {' '.join(words)}"
    if words != extras:
        return message + " (after '--' every word is a path)"
    paths = [w for w in words if w.startswith("-") and os.path.exists(w)]
    if paths:
        message += (f" (a path that begins with '-': write ./{paths[0]}, or put it after "
                    f"'--')")
    return message


def _asks_the_program(word: str, parser: argparse.ArgumentParser) -> bool:
    """``word`` is ``-h``, ``--help`` or ``--version`` (or an abbreviation of one) and no
    command has another option it could mean (``--h``: ``--hidden`` too, for train)."""
    top = _named(word, value_options(parser)[1])
    return len(top) == 1 and all(
        _named(word, value_options(sub)[1]) <= top for sub in command_parsers(parser).values())


def parse_command_line(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """The tagger's command line ``argv`` (words as typed) read with ``parser`` (the one of
    :func:`course_lib.tagger.cli.build_parser`): a namespace with ``command`` and the chosen
    command's arguments.

    Options may come anywhere after the command, also between MODEL and FILE; a first word
    that is not a command means train (``DATA_DIR [OPTIONS]``). Errors exit through
    ``parser.error`` (status 2; ``-h`` and ``--version`` exit 0): an unknown command, options
    before the command, and argparse's own messages, every word echoed as typed.
    """
    subs = command_parsers(parser)
    if argv and argv[0] not in COMMANDS:
        if not argv[0].startswith("-"):
            problem = first_word_problem(argv[0])
            if problem:
                parser.error(problem)
        elif _asks_the_program(argv[0], parser):
            parser.parse_args(argv)  # prints the help or the version and exits
        else:
            at = command_after_options(argv, {c: value_options(q) for c, q in subs.items()})
            if at is not None:
                parser.error(f"options come after the command: {parser.prog} {argv[at]} ... "
                             f"{' '.join(argv[:at])}")
        argv = ["train", *argv]  # the original interface: python -m course_lib.tagger DATA_DIR
    if not argv:
        parser.parse_args(argv)  # error: the following arguments are required: COMMAND
    sub = subs[argv[0]]
    with_value, options = value_options(sub)
    problem = _problem_before_parsing(argv[1:], with_value, options)
    if problem:
        sub.error(problem)
    words = mark_literals(glue_negative_values(argv[1:], with_value, options), with_value,
                          options)
    # parse_intermixed_args places options anywhere, also between MODEL and an optional FILE,
    # which plain parse_args cannot
    args, extras = sub.parse_known_intermixed_args(words)
    if extras:
        sub.error(_unrecognized(extras))
    for key, value in vars(args).items():
        setattr(args, key, unmark(value))
    for action in sub._get_positional_actions():  # FILE ('' is not stdin) is checked on use
        if action.nargs is None and getattr(args, action.dest) == "":  # Path("") is "."
            sub.error(f"{action.metavar} is an empty name: give a path")
    args.command = argv[0]
    return args
