"""The Chinese edition (中文版): translations kept per cell, notebooks built from them.

    python -m tools.i18n status           # stale and missing translations, per notebook
    python -m tools.i18n build            # write notebooks/zh/ (refuses stale or missing ones)
    python -m tools.i18n stub NN          # add empty blocks for the cells NN still lacks
                                          # (in the notebook's order; never twice)
    python -m tools.i18n check            # status + the built notebooks equal what is committed

One source of truth. Code cells and their outputs exist once, in the English notebooks; the
Chinese notebook ``notebooks/zh/NN_x.ipynb`` is the English one with every markdown cell's
text replaced by its translation. Translations live in ``i18n/zh/NN_x.md``, one block per
markdown cell, in the English notebook's order::

    <!-- cell 12 · en 3f2a9c1b0d4e -->
    ## 4. 记忆，看得见
    …

``12`` is the cell's id (stable: ``make hooks`` keeps ids) and ``3f2a9c1b0d4e`` the
fingerprint of the English text the block translates (:func:`fingerprint`). When the English
cell changes, its fingerprint changes and the block is *stale*: ``status`` lists it with the
new English text, a translator updates the block and its header, and ``build`` succeeds again.
The build also rewrites links that leave ``notebooks/`` (``../CLAIMS.md`` becomes
``../../CLAIMS.md``) and puts a link to the English version on the Chinese notebook's first
line (the English notebooks are not changed by the build; the slides and site link both ways).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
from pathlib import Path

import nbformat

from tools.notebooks import NOTEBOOKS, ROOT, course_notebooks, select_notebooks

LANG = "zh"
TRANSLATIONS = ROOT / "i18n" / LANG
BUILT = NOTEBOOKS / LANG
HEADER = re.compile(r"^<!-- cell (?P<id>[A-Za-z0-9_-]+) · en (?P<sha>[0-9a-f]{12}) -->$")
FILE_NOTE = ("<!-- Simplified-Chinese translation of notebooks/{name}, one block per markdown "
             "cell.\n     Edit the text under a header; after changing a translation to match "
             "new English text,\n     copy the new fingerprint from `make zh-status` into its "
             "header. -->\n")


def fingerprint(text: str) -> str:
    """12 hex digits of SHA-256 of the English cell text (trailing spaces ignored)."""
    norm = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:12]


def english_notebooks() -> list[Path]:
    return course_notebooks(NOTEBOOKS)


# Markdown documents translated block by block, and where their Chinese versions go.
DOCUMENTS = {ROOT / "README.md": ROOT / "README.zh.md",
             ROOT / "i18n" / "glossary_intro.md": BUILT / "glossary.md"}


class TranslationError(ValueError):
    """A translation file that cannot be read: names the file and line."""


EN_COMMENT = re.compile(r"<!-- EN:.*?-->", re.S)


def read_blocks(path: Path) -> dict[str, tuple[str, str]]:
    """``{cell id: (fingerprint, translated text)}`` from a translation file.

    The English text that ``stub`` leaves as a comment is not a translation: a block with
    nothing else counts as missing.
    """
    blocks: dict[str, tuple[str, str]] = {}
    current, sha, lines = None, None, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = HEADER.match(line)
        if m:
            if current is not None:
                blocks[current] = (sha, EN_COMMENT.sub("", "\n".join(lines)).strip())
            current, sha, lines = m["id"], m["sha"], []
            if current in blocks:
                raise TranslationError(f"{path}, line {number}: cell {current} appears twice")
        elif line.startswith("<!-- cell"):
            raise TranslationError(f"{path}, line {number}: malformed header {line!r}; "
                                   "expected '<!-- cell ID · en FINGERPRINT -->'")
        elif current is not None:
            lines.append(line)
    if current is not None:
        blocks[current] = (sha, EN_COMMENT.sub("", "\n".join(lines)).strip())
    return blocks


def markdown_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown"]


def translation_file(path: Path) -> Path:
    return TRANSLATIONS / (f"{path.stem}.md" if path.suffix == ".ipynb" else path.name)


def status(path: Path) -> dict[str, list]:
    """``{"missing": [units], "stale": [units], "orphan": [ids]}`` for one English source."""
    tfile = translation_file(path)
    blocks = read_blocks(tfile) if tfile.exists() else {}
    cells = units(path)
    missing = [c for c in cells if c.id not in blocks or not blocks[c.id][1]]
    stale = [c for c in cells if c.id in blocks and blocks[c.id][1]
             and blocks[c.id][0] != fingerprint(c.source)]
    orphan = sorted(set(blocks) - {c.id for c in cells})
    return {"missing": missing, "stale": stale, "orphan": orphan}


def sections(text: str) -> list[tuple[str, str]]:
    """A markdown document as ``[(id, text)]``: the part before the first ``## `` heading
    (id ``top``), then one block per ``## `` section (id: the heading's slug)."""
    parts = re.split(r"(?m)^(?=## )", text)
    out = []
    for part in parts:
        if not part.strip():
            continue
        head = part.splitlines()[0]
        slug = "top" if not head.startswith("## ") else re.sub(
            r"[^a-z0-9]+", "-", head[3:].lower()).strip("-")
        out.append((slug or "section", part.strip()))
    return out


class Cell:
    """A translatable unit: a notebook's markdown cell or a document's section."""

    def __init__(self, id: str, source: str):
        self.id, self.source = id, source


def units(path: Path) -> list[Cell]:
    """The translatable units of an English notebook or markdown document, in order."""
    if path.suffix == ".ipynb":
        return [Cell(c.id, c.source) for c in markdown_cells(nbformat.read(path, as_version=4))]
    return [Cell(i, t) for i, t in sections(path.read_text(encoding="utf-8"))]


def rewrite_links(text: str) -> str:
    """Links leaving ``notebooks/`` go one folder further up from ``notebooks/zh/``."""
    return re.sub(r"\]\(\.\./", "](../../", text)


def essence(nb) -> list:
    """What a built notebook must match: cell types, ids, sources, code outputs, language."""
    return [nb.metadata.get("course", {}).get("language")] + [
        (c.cell_type, c.get("id"), c.source, c.get("outputs", None)) for c in nb.cells]


def build_one(path: Path) -> nbformat.NotebookNode:
    """The Chinese notebook for ``path`` (raises if a translation is stale or missing)."""
    problems = status(path)
    if problems["missing"] or problems["stale"] or problems["orphan"]:
        raise TranslationError(
            f"{path.name}: {len(problems['missing'])} missing, {len(problems['stale'])} stale, "
            f"{len(problems['orphan'])} orphan translations; run `make zh-status`")
    blocks = read_blocks(translation_file(path))
    nb = nbformat.read(path, as_version=4)
    zh = copy.deepcopy(nb)
    for cell in markdown_cells(zh):
        cell.source = rewrite_links(blocks[cell.id][1])
    first = markdown_cells(zh)[0]
    first.source = f"*[English version](../{path.name})*\n\n" + first.source
    zh.metadata.setdefault("course", {})["language"] = LANG
    zh.metadata["course"]["translates"] = f"../{path.name}"
    return zh


def build_document(path: Path) -> str:
    """A translated markdown document (README.zh.md, the Chinese glossary)."""
    problems = status(path)
    if problems["missing"] or problems["stale"] or problems["orphan"]:
        raise TranslationError(f"{path.name}: translations incomplete; run `make zh-status`")
    blocks = read_blocks(translation_file(path))
    return "\n\n".join(blocks[u.id][1] for u in units(path)) + "\n"


def glossary_table() -> str:
    """The glossary both ways: 中文 first, sorted by it, linking the Chinese notebooks."""
    rows = []
    for line in (NOTEBOOKS / "glossary.md").read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) == 3 and cols[2].startswith("["):
            rows.append((cols[1], cols[0], cols[2]))
    lines = ["| 中文 | English | 笔记本 |", "|---|---|---|"]
    lines += [f"| {zh} | {en} | {nb} |" for zh, en, nb in sorted(rows)]
    return "\n".join(lines) + "\n"


def write_stub(path: Path) -> int:
    """Add an empty block (the English text as a comment) for every cell that has no block yet,
    each where its cell is in the notebook: after the block of the nearest earlier cell that
    has one (or before all blocks). A cell with a block, even an empty stub, gets nothing, so a
    second run adds nothing; existing blocks are left as they are. Returns the blocks added."""
    tfile = translation_file(path)
    tfile.parent.mkdir(parents=True, exist_ok=True)
    text = tfile.read_text(encoding="utf-8") if tfile.exists() else FILE_NOTE.format(
        name=path.name)
    has_block = read_blocks(tfile) if tfile.exists() else {}
    cells = units(path)
    missing = [c for c in cells if c.id not in has_block]
    if tfile.exists() and not missing:
        return 0
    # the file as [preamble, block, block, …], each block from its header to the next header
    parts, ids = [""], [None]
    for line in text.splitlines(keepends=True):
        if m := HEADER.match(line.rstrip("\n")):
            parts.append("")
            ids.append(m["id"])
        parts[-1] += line
    new = set()
    for cell in missing:
        earlier = [c.id for c in cells[:cells.index(cell)] if c.id in ids]
        at = ids.index(earlier[-1]) + 1 if earlier else 1
        english = cell.source.replace("-->", "-- >")
        parts.insert(at, f"<!-- cell {cell.id} · en {fingerprint(cell.source)} -->\n"
                         f"<!-- EN:\n{english}\n-->\n\n")
        ids.insert(at, cell.id)
        new.add(cell.id)
        if parts[at - 1] and not parts[at - 1].endswith("\n\n"):  # a blank line before it
            parts[at - 1] = parts[at - 1].rstrip("\n") + "\n\n"
    if ids[-1] in new:
        parts[-1] = parts[-1].rstrip("\n") + "\n"
    tfile.write_text("".join(parts), encoding="utf-8")
    return len(missing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.i18n", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("status", "build", "stub", "check"))
    parser.add_argument("notebooks", nargs="*", metavar="NN", help="notebook number prefixes such as 03, or paths; default all (and the translated documents)")
    args = parser.parse_args(argv)
    try:  # the build tools' one selector: an unknown prefix is an error naming what exists
        paths = select_notebooks(args.notebooks, NOTEBOOKS)
    except ValueError as err:
        parser.error(str(err))
    if not args.notebooks:
        paths += list(DOCUMENTS)
    if args.command == "stub":
        for p in paths:
            print(f"{p.name}: {write_stub(p)} empty blocks added to i18n/{LANG}/{p.stem}.md")
        return 0
    bad = 0
    for p in paths:
        s = status(p)
        n = len(units(p))
        done = n - len(s["missing"]) - len(s["stale"])
        print(f"{p.name}: {done} of {n} markdown cells translated"
              + (f"; {len(s['stale'])} stale, {len(s['missing'])} missing" if done < n else "")
              + (f"; orphan blocks {s['orphan']}" if s["orphan"] else ""))
        if args.command == "status":
            for cell in s["stale"]:
                print(f"  stale  cell {cell.id} · en {fingerprint(cell.source)}: "
                      f"{cell.source.strip().splitlines()[0][:70]}")
            for cell in s["missing"]:
                print(f"  missing cell {cell.id} · en {fingerprint(cell.source)}: "
                      f"{cell.source.strip().splitlines()[0][:70]}")
        bad += bool(s["missing"] or s["stale"] or s["orphan"])
    if args.command == "status":
        return 1 if bad else 0
    if bad:
        print("translations incomplete: nothing built", file=sys.stderr)
        return 1
    if args.command == "build":
        BUILT.mkdir(exist_ok=True)
    differ = []
    for p in paths:
        if p.suffix == ".ipynb":
            target, built = BUILT / p.name, build_one(p)
            same = target.exists() and essence(nbformat.read(target, as_version=4)) == essence(built)
            text = nbformat.writes(built) + "\n"
        else:
            target = DOCUMENTS[p]
            text = build_document(p) + ("\n" + glossary_table() if target.name == "glossary.md"
                                        else "")
            same = target.exists() and target.read_text(encoding="utf-8") == text
        if args.command == "build":
            target.write_text(text, encoding="utf-8")
        elif not same:
            differ.append(target.name)
    if differ:
        print(f"the Chinese edition differs from a fresh build for {differ}: run `make zh`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
