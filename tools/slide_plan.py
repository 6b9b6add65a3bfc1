"""Slide structure from a notebook's shape: what starts a slide, what is shown, what the
speaker says (the notes), so that every slide fits a 1280×720 stage.

:func:`plan_slides` turns a (student) notebook into the notebook that nbconvert's reveal.js
exporter renders. The defaults come from the notebook's structure, because cells keep moving:

* ``#``/``##`` headings start a slide, ``###`` a sub-slide (a vertical slide below it);
* in Markdown, headings, lists, display maths, tables and images are shown; a paragraph is
  shown when it is short, otherwise its first sentence is shown (or its bold lead-in, such
  as "**Exercise 2 — find the wall.**") and the whole paragraph goes to the speaker notes;
  list items too long for the slide are cut to their first sentence, in full in the notes;
* code up to ``MAX_CODE_LINES`` lines is shown, longer code goes to the notes; set-up cells
  (only imports, ``%magics`` and ``seed_everything``) are skipped;
* each output is shown after its code as a fragment (the next key press reveals it): text up
  to ``MAX_OUTPUT_LINES`` lines, figures scaled to at most ``FIGURE_MAX_H`` pixels high,
  errors as their last line; longer text goes to the notes;
* whatever does not fit in what is left of a slide opens a continuation sub-slide headed
  "<title> (continued)". Every shown piece has an estimated height (the CSS below fixes the
  font sizes the estimate uses); the browser test measures the real slides.

Chinese (the ``notebooks/zh/`` edition) has no spaces and a glyph about twice as wide as a
Latin letter: lengths are counted in display columns (a wide East Asian character is two,
:func:`display_width`), and a sentence also ends at 。！？ with no space after it.

Per-cell metadata overrides the defaults: ``slideshow.slide_type`` "slide"/"subslide" starts
one at the cell, "fragment" reveals the cell on a key press, "notes" sends the whole cell to
the notes, "skip" leaves it out (JupyterLab: the property inspector's "Slide Type"). A cell
tagged ``slides-show`` is shown even when long (its code is then the author's to keep short).
Each slide's speaker notes are one ``notes`` cell (reveal.js shows only a slide's first
``aside.notes``), in the order of the notebook.
"""

from __future__ import annotations

import base64
import copy
import html
import math
import re
import struct
import unicodedata
from dataclasses import dataclass, field

import nbformat
from nbformat import v4

# ---- the stage and the CSS the estimates assume ------------------------------------------
STAGE_W, STAGE_H = 1280, 720
BUDGET_H = 610  # estimated content height allowed on one slide (the stage minus a margin)
TEXT_CHARS = 92  # characters of prose per line at 24 px on the 1200 px content width
TEXT_LINE = 34  # px per line of prose (24 px × 1.4)
PARA_GAP = 14  # px between paragraphs, list items and blocks
CODE_LINE = 22  # px per line of code (16 px × 1.35)
CODE_CHARS = 118  # characters of code per line before it wraps
OUTPUT_LINE = 20  # px per line of text output (15 px × 1.3)
OUTPUT_CHARS = 126
BLOCK_PAD = 22  # padding and margins around a code or output block
PIECE_GAP = 8  # margins of each cell on a slide
HEADING_H = {1: 78, 2: 70, 3: 60, 4: 48}
CONTINUED_H = 46  # the "(continued)" line of a continuation slide
FIGURE_MAX_H = 470  # px: figures are scaled down to this height at most (CSS max-height)
FIGURE_MAX_W = 1180
MATH_LINE = 52  # px per line of display maths
TABLE_ROW = 40
TABLE_CHARS = 95  # characters of a table row per line at 20 px (columns share the width)
TABLE_LINE = 30
MAX_CODE_LINES = 14
MAX_OUTPUT_LINES = 14
SHORT_PARAGRAPH = 200  # characters of a paragraph still shown in full
LEAD_MAX = 170  # a long paragraph's first sentence is shown if it is at most this long

SLIDE_CSS = f"""
:root {{ --jp-content-font-size1: 24px; --jp-code-font-size: 16px; --jp-ui-font-size1: 18px;
        --jp-cell-prompt-width: 0px; --jp-content-line-height: 1.4; }}
.reveal .slides {{ text-align: left; }}
.reveal .slides section {{ padding: 0; }}
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt {{ display: none; }}
.reveal .jp-Cell {{ padding: 0; margin: 0; }}
.reveal .jp-Notebook .jp-Cell:not(.jp-mod-noInput) {{ margin-top: 4px; }}
.reveal .jp-RenderedHTMLCommon {{ font-size: 24px; line-height: 1.4; padding-right: 0; }}
.reveal .jp-RenderedHTMLCommon p {{ margin: 0 0 {PARA_GAP}px 0; }}
.reveal .jp-RenderedHTMLCommon ul, .reveal .jp-RenderedHTMLCommon ol {{
    margin: 0 0 {PARA_GAP}px 0; display: block; }}
.reveal .jp-RenderedHTMLCommon li {{ margin: 0 0 4px 0; line-height: 1.4; }}
.reveal .jp-RenderedHTMLCommon h1, .reveal .jp-RenderedHTMLCommon h2,
.reveal .jp-RenderedHTMLCommon h3, .reveal .jp-RenderedHTMLCommon h4 {{
    text-transform: none; margin: 0 0 14px 0; line-height: 1.2; font-weight: 600; }}
.reveal .jp-RenderedHTMLCommon h1 {{ font-size: 44px; }}
.reveal .jp-RenderedHTMLCommon h2 {{ font-size: 38px; }}
.reveal .jp-RenderedHTMLCommon h3 {{ font-size: 31px; }}
.reveal .jp-RenderedHTMLCommon h4 {{ font-size: 26px; }}
.reveal pre, .reveal .jp-RenderedText pre, .reveal .highlight pre {{
    white-space: pre-wrap; overflow-wrap: break-word; word-break: normal; overflow: hidden;
    box-shadow: none; margin: 0; width: 100%; box-sizing: border-box; font-size: 16px;
    line-height: 1.35; }}
.reveal .jp-OutputArea-output pre {{ font-size: 15px; line-height: 1.3; }}
.reveal .jp-InputArea-editor {{ padding: 4px 8px; }}
.reveal .jp-OutputArea-output {{ padding: 2px 8px; }}
.reveal .jp-RenderedImage img, .reveal .jp-OutputArea-output img {{
    max-height: {FIGURE_MAX_H}px; max-width: 100%; width: auto; height: auto; margin: 0; }}
.reveal .jp-RenderedHTMLCommon img {{ max-height: {FIGURE_MAX_H}px; max-width: 100%; }}
.reveal .jp-RenderedHTMLCommon table {{ font-size: 20px; margin: 0 0 {PARA_GAP}px 0; }}
.reveal .course-continued {{ color: #777; font-size: 22px; margin: 0 0 12px 0; }}
.reveal aside.notes {{ display: none; }}
"""

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SETUP_LINE = re.compile(r"^\s*(import\s|from\s+\S+\s+import\s|%|\)|[\w, ]+,?$|\w+\s*=\s*seed_everything\()")
_BOLD_LEAD = re.compile(r"^(\*\*[^*]+\*\*)\s*(.*)$", re.DOTALL)
_CJK_STOP = "。！？"  # sentence ends in Chinese (full-width, no space after)
CONTINUED = {"en": "{title} (continued)", "zh": "{title}（续）"}
# How the speaker notes introduce code and outputs that are not on the slide.
NOTE_WORDS = {"en": {"code": "Code ({n} lines, in the notebook):", "output": "Output:"},
              "zh": {"code": "代码（{n} 行，见笔记本）：", "output": "输出："}}
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "Fig.", "fig.", "al.", "cf.", "Eq.", "eq.", "§.", "p.",
                  "pp.", "Proc.", "Vol.", "No.", "Ph.D.", "St.", "Dr.", "resp.", "approx.")


# ---- Markdown blocks -----------------------------------------------------------------------
@dataclass
class Block:
    """A piece of a Markdown cell: ``kind`` is heading, paragraph, list, math, table, image,
    fence, quote or html; ``level`` is the heading level; ``items`` a list's items."""

    kind: str
    text: str
    level: int = 0
    items: list[str] = field(default_factory=list)


def _block_kind(line: str) -> str:
    stripped = line.strip()
    if _HEADING.match(stripped):
        return "heading"
    if _LIST_ITEM.match(line):
        return "list"
    if stripped.startswith("$$"):
        return "math"
    if _FENCE.match(line):
        return "fence"
    if stripped.startswith("|"):
        return "table"
    if stripped.startswith("![") or stripped.startswith("<img"):
        return "image"
    if stripped.startswith(">"):
        return "quote"
    if stripped.startswith("<"):
        return "html"
    return "paragraph"


def split_markdown(source: str) -> list[Block]:
    """The blocks of a Markdown cell, in order (fences and ``$$`` maths kept whole, a list
    kept whole with its items, a heading always a block of its own)."""
    lines = source.split("\n")
    blocks: list[Block] = []
    current: list[str] = []
    kind = ""
    closing = ""  # the fence or $$ that ends the current block

    def flush():
        nonlocal current, kind
        if current and any(s.strip() for s in current):
            text = "\n".join(current).strip("\n")
            if kind == "heading":
                m = _HEADING.match(text.strip())
                blocks.append(Block("heading", text.strip(), level=len(m[1])))
            elif kind == "list":
                blocks.append(Block("list", text, items=_list_items(text)))
            else:
                blocks.append(Block(kind, text))
        current, kind = [], ""

    for line in lines:
        if closing:
            current.append(line)
            if line.strip().endswith(closing) and len(current) > 1 or (
                    closing == "$$" and line.strip() == "$$"):
                closing = ""
                flush()
            continue
        if not line.strip():
            if kind == "list":
                current.append(line)  # a blank line inside a loose list
                continue
            flush()
            continue
        new_kind = _block_kind(line)
        if kind == "list" and current and not current[-1].strip():
            # after a blank line a list goes on only with an indented line or a new item
            if not (line.startswith((" ", "\t")) or new_kind == "list"):
                flush()
        if new_kind == "heading":
            flush()
            kind = "heading"
            current = [line]
            flush()
            continue
        if new_kind in ("math", "fence"):
            flush()
            kind = new_kind
            current = [line]
            marker = "$$" if new_kind == "math" else _FENCE.match(line)[1]
            stripped = line.strip()
            if new_kind == "math" and len(stripped) > 2 and stripped.endswith("$$"):
                flush()  # $$ … $$ on one line
            else:
                closing = marker
            continue
        if not kind:
            kind = new_kind
        elif kind == "paragraph" and new_kind == "list":
            flush()
            kind = "list"
        current.append(line)
    flush()
    return blocks


def _list_items(text: str) -> list[str]:
    items: list[str] = []
    base = None
    for line in text.split("\n"):
        m = _LIST_ITEM.match(line)
        indent = len(m[1]) if m else None
        if m and (base is None or indent <= base):
            base = indent if base is None else base
            items.append(line)
        elif items:
            items[-1] += "\n" + line
    return [i.rstrip() for i in items]


# ---- heights -------------------------------------------------------------------------------
def display_width(text: str) -> int:
    """Columns ``text`` takes in a proportional font, in Latin letters: a wide or full-width
    East Asian character (CJK ideographs, kana, full-width punctuation such as ，。：) counts
    two, every other character one.

    Measured in Chromium on a Chinese deck (24 px prose, Noto Sans CJK SC after reveal's
    Source Sans Pro): 23.0 px per hanzi, 9.8 px per letter of English prose, so a 1221 px
    line holds 53 hanzi or 124 letters. The estimate's ``TEXT_CHARS`` = 92 columns allow 46
    hanzi or 92 letters: both on the safe side (87 % and 74 % of a real line)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def visible_length(markdown: str) -> int:
    """Roughly how many Latin-letter widths ``markdown`` shows once rendered (markup and TeX
    commands removed, a TeX command counted as one character, a CJK character as two)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\\[A-Za-z]+", "x", text)
    text = re.sub(r"[*_`${}^\\]", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    return display_width(" ".join(text.split()))


def text_height(markdown: str, chars: int = TEXT_CHARS, line: int = TEXT_LINE) -> float:
    """Estimated px of a paragraph of prose."""
    return max(1, math.ceil(visible_length(markdown) / chars)) * line


def list_item_height(item: str) -> float:
    body = _LIST_ITEM.sub("", item, count=1)
    return text_height(body, TEXT_CHARS - 4) + 4


def block_height(block: Block) -> float:
    """Estimated px of a shown Markdown block (including its bottom margin)."""
    if block.kind == "heading":
        text = _HEADING.match(block.text)[2]
        lines = math.ceil(visible_length(text) / (60 if block.level <= 2 else 75))
        return HEADING_H.get(block.level, 44) * max(1, lines)
    if block.kind == "list":
        return sum(list_item_height(i) for i in block.items) + PARA_GAP
    if block.kind == "math":
        rows = block.text.count("\\\\") + 1 + block.text.count("\\frac") // 2
        return rows * MATH_LINE + 24
    if block.kind == "table":
        return sum(1 for ln in block.text.split("\n") if ln.strip().startswith("|")) * TABLE_ROW
    if block.kind == "image":
        return FIGURE_MAX_H
    if block.kind == "fence":
        return code_height(block.text.strip("`~\n"))
    return text_height(block.text) + PARA_GAP


def code_height(code: str, chars: int = CODE_CHARS, line: int = CODE_LINE) -> float:
    """Estimated px of a code or text block (long lines wrap)."""
    lines = code.rstrip("\n").split("\n")
    return sum(max(1, math.ceil(display_width(ln) / chars)) for ln in lines) * line + BLOCK_PAD


def html_height(markup: str) -> float:
    """Estimated px of an HTML output: its paragraphs as prose, each table row by the length
    of its text (a row wraps like a line of prose at the table's 20 px font)."""
    height = 0.0
    for paragraph in re.findall(r"<p\b[^>]*>(.*?)</p>", markup, flags=re.S | re.I):
        height += text_height(re.sub(r"<[^>]+>", "", paragraph)) + PARA_GAP
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", markup, flags=re.S | re.I):
        text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(row)).split())
        height += max(1, math.ceil(display_width(text) / TABLE_CHARS)) * TABLE_LINE + 10
    if height == 0:
        height = text_height(re.sub(r"<[^>]+>", "", markup))
    return height + BLOCK_PAD


def png_size(b64: str) -> tuple[int, int]:
    """(width, height) of a base64 PNG from its header."""
    head = base64.b64decode(b64[:44])
    return struct.unpack(">II", head[16:24])


def figure_height(output) -> float:
    """Displayed px of an image output: scaled to the content width, at most FIGURE_MAX_H."""
    data = output.get("data", {})
    try:
        w, h = png_size(data["image/png"])
    except (KeyError, struct.error, ValueError):
        return FIGURE_MAX_H
    meta = output.get("metadata", {}).get("image/png", {})
    w, h = meta.get("width", w), meta.get("height", h)
    scale = min(1.0, FIGURE_MAX_W / w, FIGURE_MAX_H / h)
    return h * scale + 12


# ---- sentences -----------------------------------------------------------------------------
def first_sentence(text: str) -> str:
    """The first sentence of Markdown ``text`` (never cut inside ``$…$``, `` `…` `` or a
    link; common abbreviations and decimals are not sentence ends; 。！？ end a Chinese
    sentence, followed by a space or not); all of it if one."""
    depth = {"$": False, "`": False}
    bracket = 0
    for i, ch in enumerate(text):
        if ch in depth and (i == 0 or text[i - 1] != "\\"):
            depth[ch] = not depth[ch]
        elif ch in "[(":
            bracket += 1
        elif ch in "])":
            bracket = max(0, bracket - 1)
        elif ch in _CJK_STOP and not any(depth.values()) and bracket == 0:
            rest = text[i + 1:].lstrip()
            # a closing quote or bracket, or the text's end, belongs to this sentence
            if rest and rest[0] not in "”’」』）)*":
                return text[:i + 1].strip()
        elif ch in ".!?" and not any(depth.values()) and bracket == 0:
            rest = text[i + 1:]
            if not rest[:1].isspace():
                continue  # 0.5, e.g. a file name
            head = text[:i + 1]
            if head.endswith(_ABBREVIATIONS):
                continue
            if re.search(r"(?:^|[\s(])[A-Z]\.$", head):
                continue  # an initial: "D. Britz", "P. J. Werbos"
            nxt = rest.lstrip()[:1]
            if nxt and not (nxt.isupper() or nxt in "($*`[\"'—–0123456789"):
                continue
            return head.strip()
    return text.strip()


# ---- the plan ------------------------------------------------------------------------------
@dataclass
class Piece:
    """One shown thing (a Markdown fragment, a code input, an output) or notes only."""

    cell: nbformat.NotebookNode | None  # the cell to emit (None: notes only)
    height: float = 0.0
    notes: str = ""  # Markdown for the speaker notes of the slide this lands on
    brk: str = ""  # "slide"/"subslide": starts one; a heading's break carries its title
    title: str = ""
    fragment: bool = False
    group: str = ""  # consecutive pieces of one group on a slide merge into one cell


@dataclass
class Slide:
    kind: str  # "slide" or "subslide"
    title: str
    pieces: list[Piece] = field(default_factory=list)
    height: float = 0.0
    notes: list[str] = field(default_factory=list)


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def is_setup_cell(source: str) -> bool:
    """Only imports, ``%magics``, parenthesised import lists and ``rng = seed_everything(…)``
    (comments and blank lines aside): nothing to lecture from."""
    lines = [ln.split("#")[0].rstrip() for ln in source.split("\n")]
    lines = [ln for ln in lines if ln.strip()]
    return bool(lines) and all(_SETUP_LINE.match(ln) for ln in lines) and any(
        ln.lstrip().startswith(("import ", "from ", "%")) for ln in lines)


def _markdown_cell(text: str, **metadata) -> nbformat.NotebookNode:
    cell = v4.new_markdown_cell(text)
    cell.metadata.update(metadata)
    return cell


def _heading_title(text: str) -> str:
    m = _HEADING.match(text.strip())
    return (m[2] if m else text).strip().strip("#").strip()


def markdown_pieces(cell, force_show: bool = False) -> list[Piece]:
    """The pieces of a Markdown cell: what is shown (with heights) and what goes to notes."""
    pieces: list[Piece] = []
    for k, block in enumerate(split_markdown(cell.source)):
        group = f"md-{id(cell)}-{k}"
        if block.kind == "heading":
            title = _heading_title(block.text)
            brk = "slide" if block.level <= 2 else "subslide" if block.level == 3 else ""
            pieces.append(Piece(_markdown_cell(block.text), block_height(block), brk=brk,
                                title=title if brk else ""))
        elif block.kind == "paragraph" and not force_show:
            pieces.append(_paragraph_piece(block.text, group))
        elif block.kind == "list":
            pieces.extend(_list_pieces(block, group, force_show))
        elif block.kind == "table" and block_height(block) > BUDGET_H and not force_show:
            pieces.append(Piece(None, notes=block.text))
        else:
            pieces.append(Piece(_markdown_cell(block.text), block_height(block), group=group))
    return pieces


def _paragraph_piece(text: str, group: str) -> Piece:
    if visible_length(text) <= SHORT_PARAGRAPH:
        return Piece(_markdown_cell(text), block_height(Block("paragraph", text)), group=group)
    lead = _BOLD_LEAD.match(text)
    shown = lead[1] if lead else first_sentence(text)
    if visible_length(shown) > LEAD_MAX or shown == text.strip():
        return Piece(None, notes=text)
    return Piece(_markdown_cell(shown), block_height(Block("paragraph", shown)), notes=text,
                 group=group)


def _list_pieces(block: Block, group: str, force_show: bool) -> list[Piece]:
    full = block_height(block)
    pieces = []
    short = full > BUDGET_H * 0.6 and not force_show  # a long list: the gist on the slide
    for item in block.items:
        m = _LIST_ITEM.match(item)
        marker, body = m[0].strip(), item[m.end():]
        if short:
            gist = first_sentence(" ".join(body.split()))
            lead = _BOLD_LEAD.match(body)
            if lead and visible_length(lead[1]) < visible_length(gist):
                gist = lead[1]
            text = f"{marker} {gist}"
        else:
            text = item
        pieces.append(Piece(_markdown_cell(text), list_item_height(text), group=group))
    pieces[-1].height += PARA_GAP
    if short:
        pieces.append(Piece(None, notes=block.text))
    return pieces


def _output_piece(cell, output, shown_input: bool, lang: str = "en") -> Piece:
    """One output of a code cell as its own cell (source hidden)."""
    out = copy.deepcopy(output)
    kind = out.get("output_type")
    data = out.get("data", {})
    if kind == "error":
        out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        height = code_height(out["traceback"][0], OUTPUT_CHARS, OUTPUT_LINE)
    elif "image/png" in data:
        height = figure_height(out)
    elif "text/html" in data and out.get("metadata", {}).get("course", {}).get("height"):
        height = float(out["metadata"]["course"]["height"])  # a static explorer
    elif "text/html" in data:
        markup = data["text/html"] if isinstance(data["text/html"], str) else "".join(
            data["text/html"])
        height = html_height(markup)
        if height > BUDGET_H - HEADING_H[2]:
            said = NOTE_WORDS.get(lang, NOTE_WORDS["en"])["output"]
            return Piece(None, notes=f"{said}\n\n{markup}")  # a long table: said, not shown
    elif kind == "stream" or "text/plain" in data:
        text = out.get("text", "") if kind == "stream" else data["text/plain"]
        text = text if isinstance(text, str) else "".join(text)
        if text.count("\n") > MAX_OUTPUT_LINES:
            shown = "\n".join(text.split("\n")[:60])
            said = NOTE_WORDS.get(lang, NOTE_WORDS["en"])["output"]
            return Piece(None, notes=f"{said}\n\n```\n{shown.rstrip()}\n```")
        height = code_height(text, OUTPUT_CHARS, OUTPUT_LINE)
    else:
        height = FIGURE_MAX_H  # unknown rich output: assume it is large
    emitted = v4.new_code_cell(cell.source, outputs=[out], execution_count=cell.execution_count)
    emitted.metadata["transient"] = {"remove_source": True}
    return Piece(emitted, height, fragment=shown_input)


def code_pieces(cell, force_show: bool = False, lang: str = "en") -> list[Piece]:
    """The pieces of a code cell: its input (or notes), then each output."""
    source = cell.source.rstrip()
    if not force_show and is_setup_cell(source):
        return []
    lines = source.split("\n") if source else []
    pieces = []
    shown_input = bool(source) and (force_show or len(lines) <= MAX_CODE_LINES)
    if shown_input:
        emitted = v4.new_code_cell(source, execution_count=cell.execution_count)
        pieces.append(Piece(emitted, code_height(source)))
    elif source:
        said = NOTE_WORDS.get(lang, NOTE_WORDS["en"])["code"].format(n=len(lines))
        pieces.append(Piece(None, notes=f"{said}\n\n"
                                        f"```python\n{source}\n```"))
    for output in cell.get("outputs", []):
        pieces.append(_output_piece(cell, output, shown_input, lang))
    return pieces


def cell_pieces(cell, lang: str = "en") -> list[Piece]:
    """Pieces of one source cell, with its metadata overrides applied."""
    slide_type = _slide_type(cell)
    if slide_type == "skip" or cell.cell_type == "raw":
        return []
    if slide_type == "notes":
        notes = cell.source if cell.cell_type == "markdown" else f"```python\n{cell.source}\n```"
        return [Piece(None, notes=notes)]
    force = "slides-show" in _tags(cell)
    pieces = markdown_pieces(cell, force) if cell.cell_type == "markdown" else code_pieces(
        cell, force, lang)
    shown = [p for p in pieces if p.cell is not None]
    if shown and slide_type in ("slide", "subslide") and not shown[0].brk:
        shown[0].brk = slide_type
    if shown and slide_type == "fragment":
        shown[0].fragment = True
    return pieces


def pack(pieces: list[Piece], lang: str = "en") -> list[Slide]:
    """Pieces into slides: breaks where asked, a continuation sub-slide where a piece would
    overflow ``BUDGET_H`` (headed in ``lang``, see :data:`CONTINUED`); notes go to the slide
    the notebook is at when they come."""
    continued = CONTINUED.get(lang, CONTINUED["en"])
    slides: list[Slide] = []
    title = ""
    pending_notes: list[str] = []
    for piece in pieces:
        if piece.cell is None:
            (slides[-1].notes if slides else pending_notes).append(piece.notes)
            continue
        if piece.brk:
            title = piece.title or title
            slides.append(Slide(piece.brk, title))
        elif not slides:
            slides.append(Slide("slide", title))
        elif slides[-1].height + piece.height + PIECE_GAP > BUDGET_H and slides[-1].pieces:
            cont = Piece(_markdown_cell('<p class="course-continued">'
                                        f'{continued.format(title=title)}</p>'
                                        if title else ""), CONTINUED_H)
            slides.append(Slide("subslide", title, [cont], CONTINUED_H))
        slide = slides[-1]
        if pending_notes:
            slide.notes.extend(pending_notes)
            pending_notes = []
        slide.pieces.append(piece)
        slide.height += piece.height + PIECE_GAP
        if piece.notes:
            slide.notes.append(piece.notes)
    if pending_notes and slides:
        slides[-1].notes.extend(pending_notes)
    return slides


def emit(slides: list[Slide]) -> list[nbformat.NotebookNode]:
    """The cells nbconvert renders: per slide its pieces (consecutive Markdown of one group
    merged), fragments chained (after the first fragment every piece is one), one notes cell."""
    cells = []
    for number, slide in enumerate(slides):
        merged: list[Piece] = []
        for piece in slide.pieces:
            if (merged and piece.group and piece.group == merged[-1].group
                    and piece.cell.cell_type == "markdown" and not piece.fragment):
                merged[-1].cell.source += "\n" + piece.cell.source
            else:
                merged.append(Piece(copy.deepcopy(piece.cell), piece.height,
                                    fragment=piece.fragment, group=piece.group))
        in_fragments = False
        for k, piece in enumerate(merged):
            cell = piece.cell
            in_fragments = in_fragments or piece.fragment
            if k == 0:
                kind = slide.kind if number else "slide"
            else:
                kind = "fragment" if in_fragments else "-"
            show = cell.metadata.setdefault("slideshow", {})
            show["slide_type"] = kind
            if k == 0:
                show["data"] = {"estimated_height": str(round(slide.height))}
            cells.append(cell)
        if slide.notes:
            cells.append(_markdown_cell("\n\n".join(slide.notes),
                                        slideshow={"slide_type": "notes"}))
    return cells


def plan_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` laid out as slides (see the module docstring); ``nb`` is unchanged."""
    lang = nb.metadata.get("course", {}).get("language", "en")
    pieces = []
    for cell in nb.cells:
        for k, piece in enumerate(cell_pieces(cell, lang)):
            if piece.cell is not None and cell.get("id"):
                # "<source cell id>-k": the other edition's deck, built from the same cells,
                # can find the slide that shows this cell (tools.build_slides' twin link)
                piece.cell.id = f"{cell.id}-{k}"
            pieces.append(piece)
    planned = copy.deepcopy(nb)
    planned.cells = emit(pack(pieces, lang))
    shown = {p.cell.id for p in pieces if p.cell is not None}
    for n, cell in enumerate(planned.cells):
        if cell.id not in shown:  # headings "(continued)" and notes the plan adds: a stable id
            cell.id = f"plan_{n}"  # (not "<id>-k": the twin link skips them)
    if not planned.cells:
        raise ValueError("the notebook has nothing to show on a slide")
    return planned
