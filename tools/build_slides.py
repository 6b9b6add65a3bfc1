"""Build reveal.js slides of every course notebook that work offline.

    python -m tools.build_slides [--out build/slides] [--src notebooks] [NOTEBOOK ...]

Writes ``<out>/NN_name.slides.html`` for every ``notebooks/NN_*.ipynb`` (or the notebooks
given), ``<out>/index.html`` linking them, and copies of reveal.js, require.js, jQuery, MathJax
and the ipywidgets HTML manager into ``<out>/assets/`` (from ``node_modules``: run ``npm ci``
first), plus the glossary and images. Open ``<out>/index.html`` straight from disk, no server
and no network needed. This is nbconvert's ``--to slides`` exporter (the Python API, because
the reveal template's mermaid import URL is not a configurable option, see
``tools.offline_assets``) with every CDN URL replaced by a local one.

Slide boundaries come from each cell's ``metadata.slideshow.slide_type`` ("slide",
"subslide", "fragment", "skip", "notes"). Widgets are rendered from the widget state that
``tools.execute_notebooks`` stores in the notebooks; nothing is executed here.
Press ``s`` on a slide for the speaker view.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import nbformat

from tools.notebooks import notebook_parser, parse_notebook_args
from tools.offline_assets import (
    copy_course_files,
    external_references,
    link_to_html,
    make_exporter,
    render_glossary,
    vendor_assets,
)


def build_slides(notebook: Path, out: Path) -> Path:
    """Convert one notebook to ``out/<stem>.slides.html``; return its path.

    Raises RuntimeError if the page would still load anything from another host.
    """
    nb = nbformat.read(notebook, as_version=4)
    body, _ = make_exporter("slides").from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    body = link_to_html(body, notebook_suffix=".slides.html")
    external = external_references(body)
    if external:
        raise RuntimeError(f"{notebook.name}: slides still load from the network: {external}")
    target = out / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def write_index(pages: list[Path], out: Path) -> Path:
    """A plain page listing the slide decks (no scripts, so nothing to vendor)."""
    items = "\n".join(
        f'<li><a href="{html.escape(p.name)}">{html.escape(p.name.removesuffix(".slides.html"))}'
        "</a></li>" for p in pages)
    index = out / "index.html"
    index.write_text(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\" />"
        "<title>Training Recurrent Neural Networks: slides</title></head>\n<body>\n"
        "<h1>Training Recurrent Neural Networks: slides</h1>\n"
        "<p>Arrow keys move between slides; <kbd>s</kbd> opens the speaker view, "
        "<kbd>Esc</kbd> the overview. Terms: <a href=\"glossary.html\">glossary</a>.</p>\n"
        f"<ul>\n{items}\n</ul>\n</body>\n</html>\n", encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    args, notebooks = parse_notebook_args(
        notebook_parser(__doc__.split("\n\n")[0], "slides"), argv)
    args.out.mkdir(parents=True, exist_ok=True)
    vendor_assets(args.out)
    copy_course_files(args.src, args.out)
    render_glossary(args.src, args.out, notebook_suffix=".slides.html")
    pages = []
    for notebook in notebooks:
        pages.append(build_slides(notebook, args.out))
        print(f"slides {pages[-1]}")
    print(f"index  {write_index(pages, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
