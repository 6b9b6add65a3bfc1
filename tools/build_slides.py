"""Build lecture slides (reveal.js) of every course notebook that work offline.

    python -m tools.build_slides [--out build/slides] [--src notebooks] [NOTEBOOK ...]  (make slides)

Each deck is built from the **student version** (:mod:`tools.student_version`: solutions
replaced by stubs, their outputs cleared), so no solution ever reaches a slide; the build
fails if ``BEGIN SOLUTION`` would. The slide structure comes from the notebook's shape, with
per-cell metadata as overrides (:mod:`tools.slide_plan`): headings start slides, prose goes to
the speaker notes (press ``s``), long code and long outputs go to the notes, outputs appear
as fragments, and whatever does not fit the 1280×720 stage moves to a continuation slide.
Explorers step through figures pre-rendered at build time, or say they are snapshots
(:mod:`tools.explorers`).

Writes ``<out>/NN_name.slides.html``, a styled ``<out>/index.html``, the glossary, images and
local copies of reveal.js, require.js, jQuery, MathJax and the ipywidgets HTML manager in
``<out>/assets/`` (from ``node_modules``: run ``npm ci`` first). Open ``<out>/index.html``
straight from disk, no server and no network needed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from tools.explorers import page_assets, static_explorers
from tools.notebooks import notebook_parser, parse_notebook_args
from tools.offline_assets import (
    copy_course_files,
    external_references,
    link_to_html,
    make_exporter,
    vendor_assets,
)
from tools.pages import COURSE_TITLE, index_page, render_glossary, title_and_goals
from tools.slide_plan import SLIDE_CSS, plan_slides
from tools.student_version import student_notebook

_HOME = ('<a class="course-home" href="index.html" title="all decks" style="position:fixed;'
         'left:10px;bottom:8px;z-index:30;font:14px sans-serif;color:#57606a;'
         'text-decoration:none">☰ decks</a>')


def build_deck(notebook: Path, out: Path) -> tuple[Path, int]:
    """Convert one notebook to ``out/<stem>.slides.html``; return its path and its number of
    slides (sub-slides included).

    Raises RuntimeError if solution code would reach the deck or the deck would load
    anything from another host.
    """
    nb = nbformat.read(notebook, as_version=4)
    student, _ = student_notebook(nb, notebook.name)
    student, counts = static_explorers(student, notebook.stem, out)
    planned = plan_slides(student)
    body, _ = make_exporter("slides").from_notebook_node(
        planned, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    body = link_to_html(body, notebook_suffix=".slides.html")
    body = body.replace("</head>", f"<style>{SLIDE_CSS}</style>\n</head>", 1)
    # The speaker view copies the notes' HTML into a window without MathJax: keep their TeX
    # as typed (readable) instead of half-typeset.
    body = body.replace('<aside class="notes">', '<aside class="notes tex2jax_ignore">')
    # reveal.js arrives through require.js; make it reachable (the browser test measures
    # every slide through Reveal's API)
    body = body.replace("function(Reveal, RevealNotes){",
                        "function(Reveal, RevealNotes){ window.Reveal = Reveal;", 1)
    extra = page_assets() if counts["steppers"] or counts["snapshots"] else ""
    body = re.sub(r"(<body[^>]*>)", lambda m: m[1] + _HOME, body, count=1)
    body = body.replace("</body>", extra + "</body>", 1)
    if "BEGIN SOLUTION" in body:
        raise RuntimeError(f"{notebook.name}: solution code would reach the slides")
    external = external_references(body)
    if external:
        raise RuntimeError(f"{notebook.name}: slides still load from the network: {external}")
    target = out / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    slides = sum(1 for c in planned.cells
                 if c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide"))
    return target, slides


def write_index(entries: list[dict], out: Path, glossary: bool) -> Path:
    """The index of the decks: a card per notebook with its title, goals and slide count."""
    intro = ("Lecture slides of the course, one deck per notebook, built from the student "
             "version (no solutions). <kbd>→</kbd>/<kbd>Space</kbd> next, <kbd>↓</kbd> "
             "continuation slides, <kbd>s</kbd> speaker view with the notes, <kbd>Esc</kbd> "
             "overview, <kbd>f</kbd> full screen. Works offline, straight from disk.")
    index = out / "index.html"
    index.write_text(index_page(f"{COURSE_TITLE}: slides", intro, entries, glossary),
                     encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    args, notebooks = parse_notebook_args(
        notebook_parser(__doc__.split("\n\n")[0], "slides"), argv)
    args.out.mkdir(parents=True, exist_ok=True)
    vendor_assets(args.out)
    copy_course_files(args.src, args.out)
    glossary = render_glossary(args.src, args.out, notebook_suffix=".slides.html")
    entries = []
    for notebook in notebooks:
        try:
            deck, slides = build_deck(notebook, args.out)
        except (RuntimeError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        title, goals = title_and_goals(nbformat.read(notebook, as_version=4), notebook.stem)
        entries.append({"page": deck.name, "title": title, "goals": goals,
                        "meta": f"{slides} slides"})
        print(f"slides {deck} ({slides} slides)")
    print(f"index  {write_index(entries, args.out, glossary is not None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
