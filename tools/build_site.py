"""Build a static HTML version of the whole course that works offline.

    python -m tools.build_site [--out build/site] [--src notebooks] [NOTEBOOK ...]   (make site)

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

_NAV = ('<nav style="padding:.5em 1em;font-family:sans-serif">'
        '<a href="index.html">← course index</a> · <a href="glossary.html">glossary</a>'
        "</nav>")


def build_page(notebook: Path, out: Path) -> tuple[Path, dict]:
    """Convert one notebook to ``out/<stem>.html`` with its stored outputs and kernel-free
    explorers; return the path and the explorer counts (see :func:`static_explorers`).

    Raises RuntimeError if the page would still load anything from another host.
    """
    nb = nbformat.read(notebook, as_version=4)
    nb, counts = static_explorers(nb, notebook.stem, out)
    body, _ = make_exporter("html").from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    body = re.sub(r"(<body[^>]*>)", lambda m: m[1] + "\n" + _NAV, link_to_html(body), count=1)
    if counts["steppers"] or counts["snapshots"]:
        body = body.replace("</body>", page_assets() + "</body>", 1)
    external = external_references(body)
    if external:
        raise RuntimeError(f"{notebook.name}: page still loads from the network: {external}")
    target = out / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target, counts


def write_index(entries: list[dict], out: Path, glossary: bool) -> Path:
    """The course index: a card per notebook with its title and learning goals."""
    index = out / "index.html"
    index.write_text(index_page(
        COURSE_TITLE, "A static copy of the course notebooks with their outputs. To run the "
        "code, open the notebooks in JupyterLab (<code>make lab</code>, see the README).",
        entries, glossary), encoding="utf-8")
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
        page, counts = build_page(notebook, args.out)
        title, goals = title_and_goals(nbformat.read(notebook, as_version=4), notebook.stem)
        entries.append({"page": page.name, "title": title, "goals": goals})
        explorers = (f" ({counts['steppers']} pre-rendered explorer(s), {counts['states']} "
                     f"states; {counts['snapshots']} snapshot(s))"
                     if counts["steppers"] or counts["snapshots"] else "")
        print(f"page  {page}{explorers}")
    print(f"index {write_index(entries, args.out, glossary is not None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
