"""Build a static HTML version of the whole course that works offline.

    python -m tools.build_site [--out build/site] [--src notebooks] [NOTEBOOK ...]

Writes ``<out>/index.html`` (each notebook's title and learning goals, and a link to the
glossary), ``<out>/NN_name.html`` for every ``notebooks/NN_*.ipynb`` with its stored outputs
(figures, and widgets rendered from the stored widget state), ``<out>/glossary.html``, the
images, and local copies of require.js, MathJax and the ipywidgets HTML manager in
``<out>/assets/`` (from ``node_modules``: run ``npm ci`` first). Open ``<out>/index.html``
from disk: no server and no network needed. Nothing is executed; regenerate the stored
outputs with ``tools.execute_notebooks``.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import nbformat

from tools.notebooks import notebook_parser, parse_notebook_args
from tools.offline_assets import (
    ASSETS_DIR,
    copy_course_files,
    external_references,
    html_page,
    link_to_html,
    make_exporter,
    markdown_to_html,
    render_glossary,
    vendor_assets,
)

COURSE_TITLE = "Training Recurrent Neural Networks"
_GOALS_HEADING = re.compile(r"^\s*(?:#+\s*|\*\*)\s*learning goals\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_NAV = ('<nav style="padding:.5em 1em;font-family:sans-serif">'
        '<a href="index.html">← course index</a> · <a href="glossary.html">glossary</a>'
        "</nav>")


def title_and_goals(nb: nbformat.NotebookNode, fallback: str) -> tuple[str, list[str]]:
    """The notebook's title (its first ``# `` heading) and its "Learning goals" bullets."""
    title, goals = fallback, []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        if title == fallback:
            heading = next((ln for ln in lines if ln.startswith("# ")), None)
            if heading:
                title = heading[2:].strip()
        for i, line in enumerate(lines):
            if not goals and _GOALS_HEADING.match(line):
                goals = _bullets_after(lines[i + 1:])
        if title != fallback and goals:
            break
    return title, goals


def _bullets_after(lines: list[str]) -> list[str]:
    """The consecutive bullet items at the start of ``lines`` (continuation lines joined)."""
    items: list[str] = []
    for line in lines:
        if _BULLET.match(line):
            items.append(_BULLET.sub("", line).strip())
        elif items and line.strip() and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        elif not line.strip():
            continue  # blank lines around and between the bullets
        elif items or line.lstrip().startswith("#"):
            break  # the paragraph or heading after the list
        # otherwise an intro sentence ("By the end you can:") before the bullets
    return items


def build_page(notebook: Path, out: Path) -> Path:
    """Convert one notebook to ``out/<stem>.html`` with its stored outputs; return the path."""
    nb = nbformat.read(notebook, as_version=4)
    body, _ = make_exporter("html").from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    body = re.sub(r"(<body[^>]*>)", lambda m: m[1] + "\n" + _NAV, link_to_html(body), count=1)
    external = external_references(body)
    if external:
        raise RuntimeError(f"{notebook.name}: page still loads from the network: {external}")
    target = out / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def write_index(entries: list[tuple[str, str, list[str]]], out: Path, glossary: bool) -> Path:
    """The course index: for each (page, title, goals) a link and the goals as a list."""
    parts = [f"<h1>{COURSE_TITLE}</h1>",
             "<p>A static copy of the course notebooks with their outputs. To run the code, "
             "open the notebooks in JupyterLab (see the README).</p>"]
    if glossary:
        parts.append('<p>Key terms in English and Chinese: <a href="glossary.html">'
                     "glossary (术语表)</a></p>")
    for page, title, goals in entries:
        items = "".join(f"<li>{markdown_to_html(g).strip().removeprefix('<p>').removesuffix('</p>')}"
                        "</li>" for g in goals)
        goals_html = (f'<p class="goals">Learning goals:</p><ul>{items}</ul>' if goals else "")
        parts.append(f'<div class="nb"><h2><a href="{html.escape(page)}">{html.escape(title)}'
                     f"</a></h2>{goals_html}</div>")
    # The goals may contain $maths$: typeset them with the same local MathJax as the pages.
    parts.append(
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({tex2jax: {inlineMath: '
        "[['$','$'], ['\\\\(','\\\\)']], processEscapes: true}, messageStyle: 'none'});</script>"
        f'<script src="{ASSETS_DIR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"></script>')
    index = out / "index.html"
    index.write_text(html_page(COURSE_TITLE, "\n".join(parts)), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    args, notebooks = parse_notebook_args(
        notebook_parser(__doc__.split("\n\n")[0], "site"), argv)
    args.out.mkdir(parents=True, exist_ok=True)
    vendor_assets(args.out)
    copy_course_files(args.src, args.out)
    glossary = render_glossary(args.src, args.out)
    entries = []
    for notebook in notebooks:
        page = build_page(notebook, args.out)
        title, goals = title_and_goals(nbformat.read(notebook, as_version=4), notebook.stem)
        entries.append((page.name, title, goals))
        print(f"page  {page}")
    print(f"index {write_index(entries, args.out, glossary is not None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
