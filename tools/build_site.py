"""Build a static HTML version of the whole course that works offline.

    python -m tools.build_site [--out build/site] [--src notebooks] [--lang all|en|zh]
                               [NOTEBOOK ...]                                       (make site)

Writes ``<out>/index.html`` (each notebook's title and learning goals, and a link to the
glossary), ``<out>/NN_name.html`` for every ``notebooks/NN_*.ipynb`` with its stored outputs,
``<out>/glossary.html``, the images, and local copies of require.js, MathJax and the
ipywidgets HTML manager in ``<out>/assets/`` (from ``node_modules``: run ``npm ci`` first).
Open ``<out>/index.html`` from disk: no server and no network needed.

The notebooks are not executed; regenerate their stored outputs with ``make execute``. The
explorers are the exception to "stored": a page has no kernel, so each explorer either steps
through figures computed now for a handful of values per control (into
``<out>/explorers/``) or is shown as its stored figure under a notice that says it is a
snapshot (:mod:`tools.explorers`).

The Chinese edition (``<src>/zh/``, built by ``make zh``) is written the same way into
``<out>/zh/`` (sharing ``<out>/assets/``). Every page's navigation bar links to its twin in
the other language, and each index to the other index and, per card, to the other
language's page.
"""

from __future__ import annotations

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
from tools.student_version import student_notebook

_NAV = ('<nav style="padding:.5em 1em;font-family:sans-serif">'
        '<a href="index.html">{index}</a> · <a href="glossary.html">{glossary}</a>{twin}'
        "</nav>")
_TWIN = ' · <a class="course-twin" href="{href}" hreflang="{hreflang}">{name}</a>'
_CJK_CSS = (f"<style>body, .jp-RenderedHTMLCommon {{ font-family: system-ui, -apple-system, "
            f'"Segoe UI", "Noto Sans", {CJK_FONTS}, sans-serif; }}</style>')


def build_page(notebook: Path, out: Path, lang: str = "en", twin: str | None = None
               ) -> tuple[Path, dict]:
    """Convert one notebook to ``out/<stem>.html`` with its stored outputs and kernel-free
    explorers; return the path and the explorer counts (see :func:`static_explorers`).
    ``lang`` is the notebook's edition ("zh": a notebook of ``notebooks/zh/`` built into
    ``<site>/zh/``, whose assets are one folder up); ``twin`` the relative link to the same
    page in the other language.

    Raises RuntimeError if the page would still load anything from another host.
    """
    # learners read the site: the student version (solutions stubbed), as for the slides
    nb, _ = student_notebook(nbformat.read(notebook, as_version=4), notebook.name)
    if not twin:  # the other edition is not built: no dead link
        drop_twin_line(nb)
    nb, counts = static_explorers(nb, notebook.stem, out)
    exporter = make_exporter("html", prefix="assets" if lang == "en" else "../assets")
    exporter.language_code = lang
    title = title_and_goals(nb, notebook.stem)[0]  # the browser tab shows the heading
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(notebook.parent)}})
    words, other = TEXT[lang], TEXT[twin_language(lang)]
    nav = _NAV.format(index=words["course_index"], glossary=words["glossary"], twin=_TWIN.format(
        href=twin, hreflang=other["html_lang"], name=other["name"]) if twin else "")
    body = re.sub(r"(<body[^>]*>)", lambda m: m[1] + "\n" + nav,
                  link_parent(link_to_html(body)), count=1)
    if lang != "en":
        body = body.replace("</head>", _CJK_CSS + "\n</head>", 1)
    if counts["steppers"] or counts["snapshots"]:
        body = body.replace("</body>", page_assets() + "</body>", 1)
    external = external_references(body)
    if external:
        raise RuntimeError(f"{notebook.name}: page still loads from the network: {external}")
    target = out / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target, counts


def write_index(entries: list[dict], out: Path, glossary: bool, lang: str = "en",
                twin: str | None = None) -> Path:
    """The course index: a card per notebook with its title and learning goals; ``twin``
    links the other language's index."""
    words = TEXT[lang]
    index = out / "index.html"
    index.write_text(index_page(words["course"], words["site_intro"], entries, glossary,
                                lang=lang, twin=twin,
                                assets="assets" if lang == "en" else "../assets"),
                     encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    args, notebooks = parse_notebook_args(
        notebook_parser(__doc__.split("\n\n")[0], "site"), argv)
    editions = [lang for lang in languages(args.lang)
                if lang == "en" or translated(notebooks, lang)]
    if not editions:
        print(f"error: no {args.lang} edition in {args.src / args.lang} (run `make "
              f"{args.lang}` first)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    vendor_assets(args.out)
    both = len(editions) > 1
    for lang in editions:
        src, out = (args.src, args.out) if lang == "en" else (args.src / lang, args.out / lang)
        chosen = notebooks if lang == "en" else translated(notebooks, lang)
        out.mkdir(parents=True, exist_ok=True)
        copy_course_files(src, out, glossary=False)  # rendered as glossary.html
        glossary = render_glossary(src, out, lang=lang, twin=twin_links(
            lang, editions, chosen[0], "glossary.html") if both else None)
        entries = []
        for notebook in chosen:
            twin = twin_links(lang, editions, notebook, f"{notebook.stem}.html")
            page, counts = build_page(notebook, out, lang, twin)
            title, goals = title_and_goals(nbformat.read(notebook, as_version=4), notebook.stem)
            entries.append({"page": page.name, "title": title, "goals": goals, "twin": twin})
            explorers = (f" ({counts['steppers']} pre-rendered explorer(s), {counts['states']} "
                         f"states; {counts['snapshots']} snapshot(s))"
                         if counts["steppers"] or counts["snapshots"] else "")
            print(f"page  {page}{explorers}")
        index_twin = twin_links(lang, editions, chosen[0], "index.html") if both else None
        print(f"index {write_index(entries, out, glossary is not None, lang, index_twin)}")
    pages = "" if "en" in editions else f"{editions[0]}/"  # where the claims link to
    if render_claims(args.out, ".html", pages=pages):
        print(f"claims {args.out / 'claims.html'} (links from {link_claims(args.out, editions)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
