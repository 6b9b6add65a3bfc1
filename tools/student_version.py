"""Write the student version of the notebooks: exercise solutions replaced by stubs.

    python -m tools.student_version [--out build/student] [--src notebooks] [--lang all|en|zh]
                                    [NOTEBOOK ...]                                (make student)

In every code cell, each region from a ``### BEGIN SOLUTION`` line to its ``### END
SOLUTION`` line (the nbgrader convention, markers included) becomes, at the indentation of
the BEGIN line::

    # YOUR CODE HERE
    raise NotImplementedError()

Markdown cells are left alone (they may show the markers when explaining the convention).
Outputs: a cell with a solution
and every code cell after it up to the next Markdown cell (the exercise's checker cells) lose
their outputs and execution counts, so neither the answer nor the checker's verdict on it is
shown; all other outputs stay, so learners still see the figures and self-checks they read
about. The instructor notebooks are only read. ``glossary.md`` and the images are copied, and
so is the claims ledger the notebooks link to, ``CLAIMS.md`` at the repository's top
(``../CLAIMS.md``, ``../../CLAIMS.md`` from a translation), which the output folder does not
have: it is copied beside the student notebooks, their links point at the copy, and its links
to ``notebooks/NN_x.ipynb`` at the student notebooks beside it.
The Chinese edition (``<src>/zh/``, when built: ``make zh``) gets its student version in
``<out>/zh/`` the same way (``--lang`` chooses the editions; default both).

A BEGIN without an END, an END without a BEGIN, or a BEGIN inside a region is an error that
names the notebook and the cell (numbered from 1, as in JupyterLab's cell order).
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat

from tools.notebooks import (
    ROOT,
    course_notebooks,
    languages,
    notebook_parser,
    parse_notebook_args,
    translated,
)
from tools.offline_assets import copy_course_files
from tools.pages import drop_twin_line, drop_twin_text

BEGIN = re.compile(r"^(\s*)#{3}\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*#{3}\s*END SOLUTION\s*$")
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
LEDGER = ROOT / "CLAIMS.md"
# A link's target in Markdown (``](target``) or HTML (``href="target``), up to a # fragment.
LINK_TARGET = re.compile(r"""(\]\(\s*<?|\b(?:href|src)=["'])([^)"'\s#>]+)""")


class SolutionMarkerError(ValueError):
    """Unbalanced or nested solution markers, with the notebook and cell they are in."""


def strip_solutions(source: str, stub: tuple[str, ...] = CODE_STUB,
                    where: str = "cell") -> tuple[str, int]:
    """Replace every marked solution region in ``source`` with ``stub`` lines.

    Returns the new source and the number of regions replaced. Raises SolutionMarkerError
    (mentioning ``where``) for a BEGIN without END, an END without BEGIN, or nested BEGINs.
    """
    lines = source.split("\n")
    out: list[str] = []
    begin_line: int | None = None
    count = 0
    for number, line in enumerate(lines, start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if begin_line is not None:
                raise SolutionMarkerError(
                    f"{where}: line {number}: BEGIN SOLUTION inside the solution that starts "
                    f"on line {begin_line} (nested markers are not allowed)")
            begin_line = number
            out.extend(begin[1] + s for s in stub)
            count += 1
        elif end:
            if begin_line is None:
                raise SolutionMarkerError(
                    f"{where}: line {number}: END SOLUTION without a BEGIN SOLUTION before it")
            begin_line = None
        elif begin_line is None:
            out.append(line)
    if begin_line is not None:
        raise SolutionMarkerError(
            f"{where}: line {begin_line}: BEGIN SOLUTION without an END SOLUTION")
    return "\n".join(out), count


def student_notebook(nb: nbformat.NotebookNode, name: str = "notebook"
                     ) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` with solutions stubbed and exercise outputs cleared; returns it and
    the number of solution regions replaced. ``nb`` itself is not modified."""
    student = copy.deepcopy(nb)
    total = 0
    clearing = False  # inside an exercise: from a solution cell to the next Markdown cell
    for index, cell in enumerate(student.cells, start=1):
        where = f"{name}, cell {index}"
        if cell.cell_type == "markdown":
            clearing = False
        elif cell.cell_type == "code":
            cell.source, n = strip_solutions(cell.source, CODE_STUB, where)
            clearing = clearing or n > 0
            if clearing:
                cell.outputs, cell.execution_count = [], None
            total += n
    return student, total


def link_to_copy(source: str, src: Path, target: Path, copy: str) -> tuple[str, int]:
    """``source`` (a notebook in ``src``) with every relative link that leads to the file
    ``target`` pointing at ``copy`` instead (a fragment is kept); and how many there were."""
    count = 0

    def point(m: re.Match) -> str:
        nonlocal count
        link = m[2]
        if re.match(r"[a-z][a-z0-9+.-]*:", link) or (src / link).resolve() != target.resolve():
            return m[0]
        count += 1
        return m[1] + copy

    return LINK_TARGET.sub(point, source), count


def write_student_version(src: Path, out: Path, notebooks: list[Path] | None = None,
                          ledger: Path = LEDGER, twins: bool = True) -> dict[str, int]:
    """Write the student version of ``notebooks`` (default: every ``NN_*.ipynb`` in ``src``)
    and the glossary/images into ``out``; return solution regions replaced per notebook.
    When the notebooks link to the claims ledger ``ledger``, it is copied to
    ``out/CLAIMS.md`` and the links point there. ``twins=False`` (the other edition is not
    built) drops the first-line link to the twin of each notebook and of the glossary, which
    would lead nowhere.

    Every notebook is checked before anything is written, so a marker error leaves no
    half-built folder behind.
    """
    notebooks = notebooks if notebooks is not None else course_notebooks(src)
    built, ledger_links = [], 0
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        student, n = student_notebook(nb, path.name)
        if not twins:
            drop_twin_line(student)
        for cell in student.cells:
            if cell.cell_type == "markdown" and ledger.exists():
                cell.source, links = link_to_copy(cell.source, src, ledger, "CLAIMS.md")
                ledger_links += links
        built.append((path, student, n))
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for path, student, n in built:
        nbformat.validate(student)
        nbformat.write(student, out / path.name)
        counts[path.name] = n
    copy_course_files(src, out)
    glossary = out / "glossary.md"
    if not twins and glossary.exists():  # its first-line link to the other edition's glossary
        glossary.write_text(drop_twin_text(glossary.read_text(encoding="utf-8")),
                            encoding="utf-8")
    if ledger_links and ledger.exists():
        text = ledger.read_text(encoding="utf-8").replace("](notebooks/", "](")
        (out / "CLAIMS.md").write_text(text, encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    args, notebooks = parse_notebook_args(
        notebook_parser(__doc__.split("\n\n")[0], "student"), argv)
    chosen_of = {lang: notebooks if lang == "en" else translated(notebooks, lang)
                 for lang in languages(args.lang)}
    twins = sum(1 for chosen in chosen_of.values() if chosen) > 1  # both editions built
    for lang, chosen in chosen_of.items():
        src, out = (args.src, args.out) if lang == "en" else (args.src / lang, args.out / lang)
        if not chosen:
            if args.lang == lang:
                print(f"error: no {lang} edition in {src} (run `make {lang}` first)",
                      file=sys.stderr)
                return 1
            print(f"no {lang} edition in {src} (build it with `make {lang}`): skipped")
            continue
        try:
            counts = write_student_version(src, out, chosen, twins=twins)
        except SolutionMarkerError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        for name, n in counts.items():
            print(f"{out / name}: {n} solution{'s' if n != 1 else ''} replaced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
