"""Shared helpers for the offline slides and site: vendored browser assets and nbconvert setup.

nbconvert 7.17's HTML and reveal.js templates load their JavaScript from CDNs by default
(cdnjs for require.js, MathJax 2.7.7, jQuery and mermaid; unpkg for reveal.js 4.0.2 and the
ipywidgets HTML manager). A learner on a train, or a lecture hall without Wi-Fi, would see
raw LaTeX, no slide navigation and no widgets. So the builds copy local versions of each
asset, installed from the npm registry by ``npm ci`` (versions pinned in ``package.json``
and ``package-lock.json`` at the repository top level), into ``<out>/assets/`` and point
every template URL at that relative folder, which makes the output work from ``file://``.

Every external URL in the templates and what replaces it:

==============================  =============================================  ==========================
nbconvert setting               default (CDN)                                  local copy (npm package)
==============================  =============================================  ==========================
``require_js_url``              cdnjs require.js 2.1.10                        ``requirejs``
``mathjax_url``                 cdnjs MathJax 2.7.7 ``TeX-AMS_CHTML-full``     ``mathjax`` 2.7.7
``jquery_url`` (slides only)    cdnjs jQuery 2.0.3                             ``jquery``
``reveal_url_prefix`` (slides)  unpkg reveal.js 4.0.2                          ``reveal.js`` 4.0.2
``widget_renderer_url``         unpkg ``@jupyter-widgets/html-manager`` embed  ``@jupyter-widgets/html-manager``
``mermaid_js_url``              cdnjs mermaid 11 (not a configurable trait)    block removed: no diagrams
``reveal_theme``                "simple" (its CSS @imports Google Fonts)       "white" (fonts bundled)
==============================  =============================================  ==========================

The mermaid import is emitted unconditionally by the reveal template, and its URL is not a
configurable trait, so :func:`make_exporter` extends the stock template with an empty
``html_head_js_mermaidjs`` block instead (the course has no mermaid diagrams).

References: nbconvert documentation, "Reveal.js HTML slideshow"; the templates in
``share/jupyter/nbconvert/templates/{lab,reveal,base}``; ipywidgets "Embedding Jupyter Widgets
in Other Contexts" (the ``embed-amd.js`` renderer reads the widget state that
``tools.execute_notebooks`` stores in the notebook metadata).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
from nbconvert import HTMLExporter, SlidesExporter
from traitlets.config import Config

from tools.notebooks import ROOT

ASSETS_DIR = "assets"  # relative to the output folder, so the pages work from file://

# npm package -> the files and folders of it the pages need (relative to the package root).
# MathJax ships 71 MB (every output format and font); the pages use only CommonHTML output
# with the TeX woff fonts, about 5 MB.
VENDORED: dict[str, tuple[str, ...]] = {
    "requirejs": ("package.json", "require.js"),
    "jquery": ("package.json", "LICENSE.txt", "dist/jquery.min.js"),
    # Only the "white" theme: the other reveal.js themes @import fonts from Google.
    "reveal.js": ("package.json", "LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/reset.css",
                  "dist/theme/white.css", "dist/theme/fonts/source-sans-pro", "plugin/notes"),
    "@jupyter-widgets/html-manager": ("package.json", "dist"),  # license (BSD-3) in package.json
    "mathjax": (
        "package.json", "LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
        "extensions", "jax/input/TeX", "jax/element", "jax/output/CommonHTML",
        "fonts/HTML-CSS/TeX/woff", "localization/en",
    ),
}
# Files inside the copied folders that no page loads: source maps, ES-module builds and the
# html-manager's other bundles (embed-amd.js is self-contained, checked in Chromium).
SKIP = shutil.ignore_patterns("*.map", "*.esm.js", "embed.js", "embed.js.LICENSE.txt",
                              "libembed-amd.js")

_NO_MERMAID = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
TEMPLATE_FILE = "course_offline.html.j2"

# A reference that makes the browser fetch something: <script src>, <link href>, <img src>,
# <iframe src>, a CSS @import, a JS module import. Plain <a href> links are fine offline.
_EXTERNAL = re.compile(
    r"""(?:<(?:script|img|iframe|source|audio|video)\b[^>]*?\bsrc|<link\b[^>]*?\bhref)"""
    r"""\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s]+)"""
    r"""|\bimport\s*(?:\(\s*|[\w{}\s,*]+\bfrom\s*)["']((?:https?:)?//[^"']+)""",
    re.IGNORECASE,
)


def node_modules(root: Path = ROOT) -> Path:
    """The ``node_modules`` folder with every package in :data:`VENDORED`, or SystemExit."""
    folder = root / "node_modules"
    missing = [name for name in VENDORED if not (folder / name / "package.json").exists()]
    if missing:
        raise SystemExit(
            f"missing npm packages {', '.join(missing)} in {folder}: "
            f"run `npm ci` in {root} first (versions are pinned in package-lock.json)")
    return folder


def vendor_assets(out: Path, root: Path = ROOT) -> Path:
    """Copy the pinned browser assets into ``out/assets/<package>/``; return that folder."""
    source = node_modules(root)
    target = out / ASSETS_DIR
    for package, parts in VENDORED.items():
        for part in parts:
            src, dst = source / package / part, target / package / part
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, ignore=SKIP, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
    return target


def exporter_config(prefix: str = ASSETS_DIR) -> Config:
    """nbconvert settings that point every CDN URL at the local copies under ``prefix``."""
    c = Config()
    for name in ("HTMLExporter", "SlidesExporter"):
        c[name].require_js_url = f"{prefix}/requirejs/require.js"
        c[name].mathjax_url = (
            f"{prefix}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe")
        c[name].jquery_url = f"{prefix}/jquery/dist/jquery.min.js"
        c[name].widget_renderer_url = f"{prefix}/@jupyter-widgets/html-manager/dist/embed-amd.js"
        c[name].jupyter_widgets_base_url = f"{prefix}/"  # unused when widget_renderer_url is set
    c.SlidesExporter.reveal_url_prefix = f"{prefix}/reveal.js"
    c.SlidesExporter.reveal_theme = "white"  # the exporter's default "simple" loads Google Fonts
    # A 1280×720 stage that nothing scrolls (tools.slide_plan makes every slide fit it).
    c.SlidesExporter.reveal_width = "1280"
    c.SlidesExporter.reveal_height = "720"
    c.SlidesExporter.reveal_scroll = False
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_transition = "none"
    return c


def make_exporter(kind: str, prefix: str = ASSETS_DIR) -> HTMLExporter:
    """An nbconvert exporter (``kind`` "html" or "slides") whose output loads nothing online."""
    classes = {"html": HTMLExporter, "slides": SlidesExporter}
    if kind not in classes:
        raise ValueError(f"kind must be 'html' or 'slides', got {kind!r}")
    exporter = classes[kind](
        config=exporter_config(prefix),
        extra_loaders=[jinja2.DictLoader({TEMPLATE_FILE: _NO_MERMAID})],
    )
    exporter.template_file = TEMPLATE_FILE
    return exporter


def external_references(html: str) -> list[str]:
    """Every URL in ``html`` that a browser would fetch from another host (empty when offline)."""
    return [next(g for g in m.groups() if g) for m in _EXTERNAL.finditer(html)]


def external_asset_references(folder: Path) -> dict[str, list[str]]:
    """External URLs that the HTML, CSS and speaker-view files under ``folder`` would fetch,
    keyed by file (relative to ``folder``); empty when everything is local."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in {".html", ".css"} and path.is_file():
            urls = external_references(path.read_text(encoding="utf-8", errors="replace"))
            if urls:
                found[str(path.relative_to(folder))] = urls
    return found


def link_to_html(html: str, notebook_suffix: str = ".html") -> str:
    """Point links at ``NN_name.ipynb`` (also ``zh/NN_name.ipynb``, an English notebook's link
    to its Chinese twin) and ``glossary.md`` to their built pages (``NN_name<notebook_suffix>``
    and ``glossary.html``)."""
    html = re.sub(r'href="((?:\./)?(?:zh/)?\d\d_[\w-]+)\.ipynb(#[^"]*)?"',
                  lambda m: f'href="{m[1]}{notebook_suffix}{m[2] or ""}"', html)
    return re.sub(r'href="((?:\./)?glossary)\.md(#[^"]*)?"', r'href="\1.html\2"', html)


def copy_course_files(src: Path, out: Path, glossary: bool = True) -> list[Path]:
    """Copy ``glossary.md`` and the images the notebooks embed (``images/`` and loose image
    files) from ``src`` to ``out``; return the copied paths (relative to ``out``).
    ``glossary=False`` leaves the glossary out: a site or a deck renders it as
    ``glossary.html``, and the Markdown copy's links to notebooks would lead nowhere there."""
    copied = []
    for path in sorted(src.iterdir()):
        if path.name.startswith(".") or path.suffix == ".ipynb":
            continue
        if path.is_dir() and path.name == "images":
            shutil.copytree(path, out / path.name, dirs_exist_ok=True)
            copied.append(Path(path.name))
        elif path.is_file() and ((glossary and path.name == "glossary.md")
                                 or path.suffix.lower() in {".png", ".jpg", ".jpeg", ".gif", ".svg"}):
            shutil.copy2(path, out / path.name)
            copied.append(Path(path.name))
    return copied
