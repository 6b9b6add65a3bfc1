"""The plain pages around the site and the slides: index pages, the glossary, a notebook's
title and learning goals. Self-contained HTML (inline CSS); MathJax only where there is maths.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import mistune
import nbformat

from tools.offline_assets import ASSETS_DIR, link_to_html

COURSE_TITLE = "Training Recurrent Neural Networks"
_GOALS_HEADING = re.compile(r"^\s*(?:#+\s*|\*\*)\s*learning goals\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC",
       "Microsoft YaHei", sans-serif; max-width: 56em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; color: #1f2328; background: #fff; }
h1 { font-size: 1.9em; margin: .2em 0 .1em 0; } h2 { font-size: 1.25em; margin: 0 0 .3em 0; }
.lead { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: .3em .6em; }
th { background: #f6f8fa; } code { background: #f6f8fa; padding: 0 .2em; border-radius: 3px; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
kbd { border: 1px solid #d0d7de; border-bottom-width: 2px; border-radius: 4px;
      padding: 0 .35em; font-size: .85em; background: #f6f8fa; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(24em, 1fr));
         gap: 1em; padding: 0; }
.card { list-style: none; border: 1px solid #d0d7de; border-radius: 8px; padding: .9em 1.1em;
        background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.card:hover { border-color: #0969da; }
.card .num { color: #57606a; font-variant-numeric: tabular-nums; font-weight: 600; }
.card .meta { color: #57606a; font-size: .9em; margin: .2em 0 .4em 0; }
.card ul { margin: .2em 0 0 1.1em; padding: 0; font-size: .93em; }
.help { background: #f6f8fa; border-radius: 8px; padding: .6em 1em; }
"""


def html_page(title: str, body: str, maths: bool = False) -> str:
    """A self-contained HTML page around ``body``; with ``maths``, the local MathJax
    typesets ``$…$`` (from ``assets/``, so it works offline)."""
    script = ""
    if maths:
        script = (
            '<script type="text/x-mathjax-config">MathJax.Hub.Config({tex2jax: {inlineMath: '
            "[['$','$'], ['\\\\(','\\\\)']], processEscapes: true}, messageStyle: 'none'});"
            "</script>\n"
            f'<script src="{ASSETS_DIR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe">'
            "</script>\n")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}</style>\n{script}</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def markdown_to_html(text: str) -> str:
    """Render Markdown (with tables) to an HTML fragment, as nbconvert's mistune does."""
    render = mistune.create_markdown(plugins=["table", "strikethrough", "url"])
    return render(text)


def inline_markdown(text: str) -> str:
    """One line of Markdown as inline HTML (no surrounding paragraph)."""
    return markdown_to_html(text).strip().removeprefix("<p>").removesuffix("</p>")


def render_glossary(src: Path, out: Path, notebook_suffix: str = ".html") -> Path | None:
    """Render ``src/glossary.md`` to ``out/glossary.html`` (None when there is no glossary)."""
    glossary = src / "glossary.md"
    if not glossary.exists():
        return None
    body = '<p><a href="index.html">← index</a></p>\n' + markdown_to_html(
        glossary.read_text(encoding="utf-8"))
    target = out / "glossary.html"
    target.write_text(link_to_html(html_page("Glossary 术语表", body), notebook_suffix),
                      encoding="utf-8")
    return target


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


def index_page(heading: str, intro: str, entries: list[dict], glossary: bool) -> str:
    """An index of notebooks as cards. Each entry: ``page`` (link), ``title``, ``goals``
    (Markdown bullets), ``meta`` (a short line such as "24 slides")."""
    cards = []
    for e in entries:
        number, _, name = e["title"].partition(" · ")
        title = (f'<span class="num">{html.escape(number)}</span> · {inline_markdown(name)}'
                 if name else inline_markdown(e["title"]))
        goals = "".join(f"<li>{inline_markdown(g)}</li>" for g in e.get("goals", []))
        cards.append(
            f'<li class="card"><h2><a href="{html.escape(e["page"])}">{title}</a></h2>'
            + (f'<div class="meta">{html.escape(e["meta"])}</div>' if e.get("meta") else "")
            + (f"<ul>{goals}</ul>" if goals else "") + "</li>")
    parts = [f"<h1>{html.escape(heading)}</h1>", f'<p class="lead">{intro}</p>']
    if glossary:
        parts.append('<p>Key terms in English and Chinese: <a href="glossary.html">'
                     "glossary (术语表)</a></p>")
    parts.append(f'<ul class="cards">{"".join(cards)}</ul>')
    return html_page(heading, "\n".join(parts), maths=True)
