"""The plain pages around the site and the slides: index pages, the glossary, a notebook's
title and learning goals. Self-contained HTML (inline CSS); MathJax only where there is maths.

Every page exists in English and, when the Chinese edition is built, in Chinese (in the
``zh/`` folder of the output, sharing the English pages' ``assets/``); :data:`TEXT` holds
the words of each language, and each page links to its twin in the other language.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import mistune
import nbformat

from tools.notebooks import ROOT, translated
from tools.offline_assets import ASSETS_DIR, link_to_html

COURSE_TITLE = "Training Recurrent Neural Networks"
# The line that links a notebook's or the glossary's twin, first in its first cell or file:
# "*[English version](../NN_x.ipynb)*" (tools.i18n puts it in a translated notebook),
# "*[中文版](zh/NN_x.ipynb)*" (English), and the same with glossary.md
TWIN_LINE = re.compile(
    r"\A\s*\*\[[^\]]+\]\((?:\.\./|zh/)(?:\d\d_[\w-]+\.ipynb|glossary\.md)\)\*\s*")


def drop_twin_text(text: str) -> str:
    """``text`` without its leading :data:`TWIN_LINE`, if it has one (a build that links the
    twin itself, or does not build it)."""
    return TWIN_LINE.sub("", text, count=1)


def drop_twin_line(nb: nbformat.NotebookNode) -> None:
    """Remove the :data:`TWIN_LINE` from ``nb``'s first Markdown cell, in place
    (:func:`drop_twin_text`)."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is not None:
        first.source = drop_twin_text(first.source)


# The words of the pages around the notebooks, per edition ("en", or a tools.notebooks
# LANGUAGES folder). html_lang is the page's lang attribute: it makes the browser pick the
# Simplified-Chinese glyphs of a CJK font.
TEXT = {
    "en": {"html_lang": "en", "name": "English", "course": COURSE_TITLE,
           "glossary_line": 'Key terms in English and Chinese: <a href="glossary.html">'
                            "glossary (术语表)</a>",
           "claims_line": 'What the lecture claims and what this course measured: the '
                          '<a href="claims.html">claims ledger</a>',
           "glossary_title": "Glossary 术语表", "back": "← index", "course_index": "← course index",
           "glossary": "glossary", "decks": "☰ decks", "slides": "{n} slides",
           "site_intro": "A static copy of the course notebooks with their outputs, exercises "
                         "without their solutions (the student version). To run the code, open the notebooks in JupyterLab (<code>make lab</code>, see the "
                         "README).",
           "slides_title": "{course}: slides",
           "slides_intro": "Lecture slides of the course, one deck per notebook, built from the "
                           "student version (no solutions). <kbd>→</kbd>/<kbd>Space</kbd> next, "
                           "<kbd>↓</kbd> continuation slides, <kbd>s</kbd> speaker view with the "
                           "notes, <kbd>Esc</kbd> overview, <kbd>f</kbd> full screen. Works "
                           "offline, straight from disk."},
    "zh": {"html_lang": "zh-CN", "name": "中文", "course": "训练循环神经网络",
           "glossary_line": '中英术语对照：<a href="glossary.html">术语表（glossary）</a>',
           "claims_line": '讲义中的论断与本课程的实测结论：<a href="../claims.html">论断台账'
                          '（claims ledger，英文）</a>',
           "glossary_title": "术语表 Glossary", "back": "← 目录", "course_index": "← 课程目录",
           "glossary": "术语表", "decks": "☰ 目录", "slides": "{n} 张幻灯片",
           "site_intro": "课程笔记本的静态版本，附带已保存的输出；练习不含答案（学生版）。要运行代码，请在 JupyterLab 中"
                         "打开笔记本（<code>make lab</code>，见 README）。",
           "slides_title": "{course}：幻灯片",
           "slides_intro": "本课程的讲课幻灯片，每个笔记本一套，由学生版生成（不含答案）。"
                           "<kbd>→</kbd>/<kbd>Space</kbd> 下一张，<kbd>↓</kbd> 续页，"
                           "<kbd>s</kbd> 演讲者视图（含讲稿），<kbd>Esc</kbd> 总览，"
                           "<kbd>f</kbd> 全屏。离线可用，直接从磁盘打开。"},
}
# Fonts with Chinese glyphs, after the Latin ones: Debian's fonts-noto-cjk, macOS, Windows.
CJK_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"'
_GOALS_HEADING = re.compile(r"^\s*(?:#+\s*|\*\*)\s*(?:learning goals\b|学习目标)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
       "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 56em;
       margin: 2em auto; padding: 0 1em;
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
.langs { float: right; margin: .6em 0 0 1em; font-size: .95em; }
.card .twin { float: right; font-size: .85em; font-weight: normal; margin-left: .6em; }
"""


def html_page(title: str, body: str, maths: bool = False, lang: str = "en",
              assets: str = ASSETS_DIR) -> str:
    """A self-contained HTML page around ``body`` in edition ``lang`` (see :data:`TEXT`);
    with ``maths``, the local MathJax typesets ``$…$`` (from ``assets``, a relative folder,
    so it works offline)."""
    script = ""
    if maths:
        script = (
            '<script type="text/x-mathjax-config">MathJax.Hub.Config({tex2jax: {inlineMath: '
            "[['$','$'], ['\\\\(','\\\\)']], processEscapes: true}, messageStyle: 'none'});"
            "</script>\n"
            f'<script src="{assets}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe">'
            "</script>\n")
    return (f'<!DOCTYPE html>\n<html lang="{TEXT[lang]["html_lang"]}">\n<head>\n'
            '<meta charset="utf-8" />\n'
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


def link_parent(html_text: str, notebook_suffix: str = ".html") -> str:
    """Links from a translation's page to the English pages one folder up (``../NN_x.ipynb``,
    ``../glossary.md``) point at their built pages, as :func:`link_to_html` does in the same
    folder."""
    html_text = re.sub(r'href="\.\./(\d\d_[\w-]+)\.ipynb(#[^"]*)?"',
                       lambda m: f'href="../{m[1]}{notebook_suffix}{m[2] or ""}"', html_text)
    return re.sub(r'href="\.\./glossary\.md(#[^"]*)?"', r'href="../glossary.html\1"', html_text)


def render_glossary(src: Path, out: Path, notebook_suffix: str = ".html", lang: str = "en",
                    twin: str | None = None) -> Path | None:
    """Render ``src/glossary.md`` to ``out/glossary.html`` (None when there is no glossary);
    ``twin`` is the relative link to the other edition's glossary page (None: not built), shown
    in the page's language switch instead of the file's own first-line twin link."""
    glossary = src / "glossary.md"
    if not glossary.exists():
        return None
    words = TEXT[lang]
    text = drop_twin_text(glossary.read_text(encoding="utf-8"))  # see ``twin``
    body = (language_switch(lang, twin) + f'<p><a href="index.html">{words["back"]}</a></p>\n'
            + markdown_to_html(text))
    target = out / "glossary.html"
    page = link_to_html(html_page(words["glossary_title"], body, lang=lang), notebook_suffix)
    target.write_text(link_parent(page, notebook_suffix), encoding="utf-8")
    return target


def render_claims(out: Path, notebook_suffix: str = ".html", claims: Path = ROOT / "CLAIMS.md",
                  pages: str = "") -> Path | None:
    """Render the claims ledger ``CLAIMS.md`` to ``out/claims.html`` (None when it is missing),
    its links to ``notebooks/NN_x.ipynb`` pointing at the built pages in ``out/<pages>``:
    ``""`` when the English edition is built, ``"zh/"`` for a Chinese edition built alone."""
    if not claims.exists():
        return None
    text = claims.read_text(encoding="utf-8").replace("](notebooks/", f"]({pages}")
    body = (f'<p><a href="{pages}index.html">{TEXT["en"]["back"]}</a></p>\n'
            + markdown_to_html(text))
    target = out / "claims.html"
    target.write_text(link_to_html(html_page("Claims ledger", body), notebook_suffix),
                      encoding="utf-8")
    return target


def link_claims(out: Path, langs: list[str]) -> int:
    """Point the notebooks' links to the repository's ``CLAIMS.md`` (``../CLAIMS.md`` from an
    English page, ``../../CLAIMS.md`` from a translation one folder down) at ``claims.html``
    in ``out``; return how many pages changed."""
    changed = 0
    for lang in langs:
        folder, old, new = ((out, 'href="../CLAIMS.md', 'href="claims.html') if lang == "en"
                            else (out / lang, 'href="../../CLAIMS.md', 'href="../claims.html'))
        for page in sorted(folder.glob("*.html")):
            text = page.read_text(encoding="utf-8")
            if old in text:
                page.write_text(text.replace(old, new), encoding="utf-8")
                changed += 1
    return changed


def twin_language(lang: str) -> str:
    """The edition a page in ``lang`` links to: English for a translation, else Chinese."""
    return "zh" if lang == "en" else "en"


def twin_links(lang: str, editions: list[str], notebook: Path, page: str) -> str | None:
    """The relative link from a page of ``notebook`` in ``lang`` to its other-language twin
    ``page`` (None when the twin is not built in this run)."""
    if lang == "en":
        others = [e for e in editions if e != "en" and translated([notebook], e)]
        return f"{others[0]}/{page}" if others else None
    return f"../{page}" if "en" in editions else None


def language_switch(lang: str, twin: str | None) -> str:
    """"English · 中文" with the other edition linked to ``twin`` ('' when there is none)."""
    if not twin:
        return ""
    other = twin_language(lang)
    names = {lang: f"<strong>{TEXT[lang]['name']}</strong>",
             other: f'<a class="course-twin" href="{html.escape(twin)}" '
                    f'hreflang="{TEXT[other]["html_lang"]}">{TEXT[other]["name"]}</a>'}
    translation = other if lang == "en" else lang
    return f'<p class="langs">{names["en"]} · {names[translation]}</p>\n'


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


def index_page(heading: str, intro: str, entries: list[dict], glossary: bool, lang: str = "en",
               twin: str | None = None, assets: str = ASSETS_DIR) -> str:
    """An index of notebooks as cards in edition ``lang``. Each entry: ``page`` (link),
    ``title``, ``goals`` (Markdown bullets), ``meta`` (a short line such as "24 slides"),
    ``twin`` (the link to the page in the other edition, optional). ``twin`` is the other
    edition's index."""
    other = TEXT[twin_language(lang)]
    cards = []
    for e in entries:
        number, _, name = e["title"].partition(" · ")
        title = (f'<span class="num">{html.escape(number)}</span> · {inline_markdown(name)}'
                 if name else inline_markdown(e["title"]))
        goals = "".join(f"<li>{inline_markdown(g)}</li>" for g in e.get("goals", []))
        link = (f'<a class="twin" href="{html.escape(e["twin"])}" '
                f'hreflang="{other["html_lang"]}">{other["name"]}</a>' if e.get("twin") else "")
        cards.append(
            f'<li class="card"><h2>{link}<a href="{html.escape(e["page"])}">{title}</a></h2>'
            + (f'<div class="meta">{html.escape(e["meta"])}</div>' if e.get("meta") else "")
            + (f"<ul>{goals}</ul>" if goals else "") + "</li>")
    parts = [language_switch(lang, twin) + f"<h1>{html.escape(heading)}</h1>",
             f'<p class="lead">{intro}</p>']
    if glossary:
        parts.append(f"<p>{TEXT[lang]['glossary_line']}</p>")
    parts.append(f"<p>{TEXT[lang]['claims_line']}</p>")  # claims.html: render_claims
    parts.append(f'<ul class="cards">{"".join(cards)}</ul>')
    return html_page(heading, "\n".join(parts), maths=True, lang=lang, assets=assets)
