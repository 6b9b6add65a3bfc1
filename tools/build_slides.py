"""Build lecture slides (reveal.js) of every course notebook that work offline.

    python -m tools.build_slides [--out build/slides] [--src notebooks] [--lang all|en|zh]
                                 [NOTEBOOK ...]                                   (make slides)

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

The Chinese edition (``<src>/zh/``, built by ``make zh``) gets its decks, index and glossary
in ``<out>/zh/`` (sharing ``<out>/assets/``), built the same way from its student version.
Each deck links to its twin in the other language (bottom left, beside the index link), and
each index to the other index and, per card, to the other language's deck.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import nbformat

from tools.explorers import page_assets, static_explorers
from tools.notebooks import languages, notebook_parser, parse_notebook_args, translated
from tools.offline_assets import (
    copy_course_files,
    external_references,
    link_to_html,
    make_exporter,
    vendor_assets,
)
from tools.pages import (
    CJK_FONTS,
    TEXT,
    drop_twin_line,
    index_page,
    link_claims,
    link_parent,
    render_claims,
    render_glossary,
    title_and_goals,
    twin_language,
    twin_links,
)
from tools.slide_plan import SLIDE_CSS, plan_slides
from tools.student_version import student_notebook

_HOME = ('<div class="course-home" style="position:fixed;left:10px;bottom:8px;z-index:30;'
         'font:14px sans-serif;color:#57606a"><a href="index.html" title="all decks" '
         'style="color:#57606a;text-decoration:none">{decks}</a>{twin}</div>')
_TWIN = (' · <a class="course-twin" href="{href}" hreflang="{hreflang}" '
         'style="color:#57606a;text-decoration:none">{name}</a>')
# The twin link opens the other edition at the slide showing the same cell: both decks are
# built from the same cells, and tools.slide_plan ids each slide's piece of a cell
# "<source cell id>-k" (shown as "cell-id=…"), so on a click the link gets "#cell=<the current
# slide's first piece>", and a deck opened with it goes to the slide with that piece, or else
# to the first slide showing its cell.
_TWIN_SLIDE_JS = """<script>
(function () {
  var PIECE = /^cell-id=(.+)-[0-9]+$/;
  function source(el) { var m = el && PIECE.exec(el.id); return m ? m[1] : null; }
  document.addEventListener('click', function (event) {
    var a = event.target.closest && event.target.closest('a.course-twin');
    if (!a || !window.Reveal) return;
    var cells = window.Reveal.getCurrentSlide().querySelectorAll('[id^="cell-id="]'), id = null;
    for (var i = 0; i < cells.length && !id; i++) {  // the slide's first piece
      if (source(cells[i])) id = cells[i].id.slice(8);
    }
    if (id) a.href = a.getAttribute('href').split('#')[0] + '#cell=' + encodeURIComponent(id);
  }, true);
  var wanted = /^#cell=(.+)$/.exec(location.hash);
  if (!wanted) return;
  wanted = decodeURIComponent(wanted[1]);  // a piece "<source id>-k"
  var tries = 0, timer = setInterval(function () {
    var R = window.Reveal;
    if (!(R && R.isReady && R.isReady()) && ++tries < 400) return;
    clearInterval(timer);
    var same = document.getElementById('cell-id=' + wanted);  // the same piece, else its cell
    var slide = same && same.closest('section'), want = source({id: 'cell-id=' + wanted});
    var cells = document.querySelectorAll('.reveal .slides [id^="cell-id="]');
    for (var i = 0; i < cells.length && !slide; i++) {
      if (source(cells[i]) === want) slide = cells[i].closest('section');
    }
    if (R && slide) { var at = R.getIndices(slide); R.slide(at.h, at.v); }
  }, 50);
})();
</script>"""
# The Chinese decks: CJK glyphs from a CJK font (after reveal's Latin one), as the pages.
_CJK_CSS = (f'.reveal, .reveal .jp-RenderedHTMLCommon, .reveal h1, .reveal h2, .reveal h3, '
            f'.reveal h4 {{ font-family: "Source Sans Pro", Helvetica, {CJK_FONTS}, '
            "sans-serif; }")


def build_deck(notebook: Path, out: Path, lang: str = "en", twin: str | None = None
               ) -> tuple[Path, int]:
    """Convert one notebook to ``out/<stem>.slides.html``; return its path and its number of
    slides (sub-slides included). ``lang`` is the notebook's edition ("en", or "zh" for a
    notebook of ``notebooks/zh/`` built into ``<slides>/zh/``, whose assets are one folder
    up); ``twin`` the relative link to the same deck in the other language.

    Raises RuntimeError if solution code would reach the deck or the deck would load
    anything from another host.
    """
    nb = nbformat.read(notebook, as_version=4)
    student, _ = student_notebook(nb, notebook.name)
    # the deck links its twin itself (when there is one): no slide that holds only the
    # notebook's own twin link, and no dead link when one edition is built alone
    drop_twin_line(student)
    student, counts = static_explorers(student, notebook.stem, out)
    planned = plan_slides(student)
    exporter = make_exporter("slides", prefix="assets" if lang == "en" else "../assets")
    exporter.language_code = lang
    title = title_and_goals(student, notebook.stem)[0]  # the browser tab shows the heading
    body, _ = exporter.from_notebook_node(
        planned, resources={"metadata": {"name": title, "path": str(notebook.parent)}})
    # the template appends an English " slides"; name the deck in its own language
    tab = html.escape(TEXT[lang]["slides_title"].format(course=title))
    body = re.sub(r"<title>.*?</title>", lambda _: f"<title>{tab}</title>", body, count=1,
                  flags=re.S)
    body = link_parent(link_to_html(body, notebook_suffix=".slides.html"), ".slides.html")
    css = SLIDE_CSS + ("" if lang == "en" else _CJK_CSS)
    body = body.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    # The speaker view copies the notes' HTML into a window without MathJax: keep their TeX
    # as typed (readable) instead of half-typeset.
    body = body.replace('<aside class="notes">', '<aside class="notes tex2jax_ignore">')
    # reveal.js arrives through require.js; make it reachable (the browser test measures
    # every slide through Reveal's API)
    body = body.replace("function(Reveal, RevealNotes){",
                        "function(Reveal, RevealNotes){ window.Reveal = Reveal;", 1)
    extra = page_assets() if counts["steppers"] or counts["snapshots"] else ""
    other = TEXT[twin_language(lang)]
    home = _HOME.format(decks=TEXT[lang]["decks"], twin=_TWIN.format(
        href=twin, hreflang=other["html_lang"], name=other["name"]) if twin else "")
    body = re.sub(r"(<body[^>]*>)", lambda m: m[1] + home, body, count=1)
    body = body.replace("</body>", extra + (_TWIN_SLIDE_JS if twin else "") + "</body>", 1)
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


def write_index(entries: list[dict], out: Path, glossary: bool, lang: str = "en",
                twin: str | None = None) -> Path:
    """The index of the decks: a card per notebook with its title, goals and slide count;
    ``twin`` links the other language's index."""
    words = TEXT[lang]
    heading = words["slides_title"].format(course=words["course"])
    index = out / "index.html"
    index.write_text(index_page(heading, words["slides_intro"], entries, glossary, lang=lang,
                                twin=twin, assets="assets" if lang == "en" else "../assets"),
                     encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    args, notebooks = parse_notebook_args(
        notebook_parser(__doc__.split("\n\n")[0], "slides"), argv)
    editions = [lang for lang in languages(args.lang)
                if lang == "en" or translated(notebooks, lang)]
    if not editions:
        print(f"error: no {args.lang} edition in {args.src / args.lang} (run `make "
              f"{args.lang}` first)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    vendor_assets(args.out)
    for lang in editions:
        src, out = (args.src, args.out) if lang == "en" else (args.src / lang, args.out / lang)
        chosen = notebooks if lang == "en" else translated(notebooks, lang)
        out.mkdir(parents=True, exist_ok=True)
        copy_course_files(src, out, glossary=False)  # rendered as glossary.html
        both = len(editions) > 1
        glossary = render_glossary(src, out, notebook_suffix=".slides.html", lang=lang,
                                   twin=twin_links(lang, editions, chosen[0], "glossary.html")
                                   if both else None)
        entries = []
        for notebook in chosen:
            twin = twin_links(lang, editions, notebook, f"{notebook.stem}.slides.html")
            try:
                deck, slides = build_deck(notebook, out, lang, twin)
            except (RuntimeError, ValueError) as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
            title, goals = title_and_goals(nbformat.read(notebook, as_version=4), notebook.stem)
            entries.append({"page": deck.name, "title": title, "goals": goals, "twin": twin,
                            "meta": TEXT[lang]["slides"].format(n=slides)})
            print(f"slides {deck} ({slides} slides)")
        index_twin = twin_links(lang, editions, chosen[0], "index.html") if both else None
        print(f"index  {write_index(entries, out, glossary is not None, lang, index_twin)}")
    pages = "" if "en" in editions else f"{editions[0]}/"  # where the claims link to
    if render_claims(args.out, ".slides.html", pages=pages):
        print(f"claims {args.out / 'claims.html'} (links from {link_claims(args.out, editions)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
