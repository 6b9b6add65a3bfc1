"""Which notebooks a command works on: the one notebook selector of the build tools.

The course's notebooks are ``notebooks/NN_name.ipynb``, numbered from 00 without gaps.
Every command that takes notebooks (execute, benchmark, determinism, student, slides, site)
selects them with :func:`select_notebooks`: nothing means all of them, ``03`` (a number
prefix) the notebooks whose name starts with it, a path that one file.

Translated editions live beside the English notebooks in a folder per language
(``notebooks/zh/``, built by :mod:`tools.i18n`), with the same file names. The builds that
write both languages (student, slides, site) take ``--lang`` and find each chosen English
notebook's twin with :func:`translated`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PATTERN = "[0-9][0-9]_*.ipynb"
# Translated editions: folder name -> the language's own name (used in links between twins).
LANGUAGES = {"zh": "中文"}
LANG_CHOICES = ("all", "en", *LANGUAGES)


def course_notebooks(src: Path = NOTEBOOKS) -> list[Path]:
    """The numbered notebooks ``NN_*.ipynb`` in ``src``, in order."""
    return sorted(Path(src).glob(PATTERN))


def select_notebooks(names: list[str] | None, src: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks named by ``names`` (all of ``src``'s when empty), without repeats.

    Each name is a path to a notebook (absolute, or relative to the current folder) or a
    number prefix such as ``"03"`` matched against the notebooks of ``src``.

    Raises:
        ValueError: a path that does not exist or is not a notebook, or a prefix that
            matches nothing (the message names it and the folder searched).
    """
    every = course_notebooks(src)
    if not names:
        return every
    chosen: list[Path] = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb":
            if not path.is_file():
                raise ValueError(f"no such notebook: {name}")
            hits = [path.resolve()]
        else:
            hits = [p for p in every if p.name.startswith(str(name))]
            if not hits:
                there = (f"there are {len(every)}: {', '.join(p.name[:2] for p in every)}"
                         if every else f"it holds no notebooks {PATTERN}")
                raise ValueError(f"no notebook matches {name!r} in {_shown(src)} ({there})")
        chosen.extend(p for p in hits if p not in chosen)
    return chosen


def _shown(folder: Path) -> str:
    """``folder`` relative to the current folder when it lies inside it (shorter messages)."""
    try:
        return str(Path(folder).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def translated(notebooks: list[Path], lang: str) -> list[Path]:
    """The ``lang`` twins (``<folder>/<lang>/<name>``) of ``notebooks`` that exist, in order.
    Empty when the edition is not built (``make zh``)."""
    twins = [Path(p).parent / lang / Path(p).name for p in notebooks]
    return [p for p in twins if p.is_file()]


def languages(choice: str) -> list[str]:
    """The editions a ``--lang`` choice builds: ``"en"`` stands for the English notebooks."""
    return ["en", *LANGUAGES] if choice == "all" else [choice]


def notebook_parser(description: str, out_name: str | None = None) -> argparse.ArgumentParser:
    """The command line the build tools share: ``[NOTEBOOK ...] [--src DIR] [--out DIR]``
    (``--out`` only when ``out_name`` is given; its default is ``build/<out_name>``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebook paths or number prefixes such as 03 "
                             "(default: every NN_*.ipynb in --src)")
    parser.add_argument("--src", type=Path, default=NOTEBOOKS,
                        help="folder with the notebooks, glossary and images (default: notebooks)")
    if out_name is not None:
        parser.add_argument("--out", type=Path, default=ROOT / "build" / out_name,
                            help=f"output folder (default: build/{out_name})")
        parser.add_argument("--lang", choices=LANG_CHOICES, default="all",
                            help="which editions to build: all (default; a translation goes "
                                 "to <out>/<lang>/ when it is built), en, or one translation")
    return parser


def parse_notebook_args(parser: argparse.ArgumentParser, argv: list[str] | None
                        ) -> tuple[argparse.Namespace, list[Path]]:
    """Parse ``argv`` with ``parser`` (from :func:`notebook_parser`); return ``(args,
    notebooks)``. Exits with a usage error naming what is missing when no notebook is found."""
    args = parser.parse_args(argv)
    try:
        notebooks = select_notebooks(args.notebooks, args.src)
    except ValueError as err:
        parser.error(str(err))
    if not notebooks:
        parser.error(f"no notebooks NN_*.ipynb in {args.src}")
    return args, notebooks
