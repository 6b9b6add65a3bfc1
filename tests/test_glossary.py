"""Bold means a glossary term, with one Chinese name (design §1, §9).

Every notebook says "Terms in **bold** are in the glossary with their Chinese names". These
tests hold both editions to it:

- a phrase an English notebook bolds is a row of ``notebooks/glossary.md`` — or a run-in
  heading or a label; stress is written in *italics* (``EMPHASIS`` is empty);
- a bold term written with a Chinese name gives the glossary's name;
- where the English cell bolds a term, the Chinese translation bolds the glossary's Chinese
  name, and each row's Chinese name appears in the Chinese notebook the row points at;
- each translated cell bolds what its English bolds: the same terms, as many run-in headings
  (punctuation inside the bold in both editions), labels and list labels, nothing more;
- the glossary names each term once, and the Chinese glossary's table of *other* terms holds
  no key term; terms a translation can confuse (attractor 干扰词, distractor 无关词元) stay apart.

That each row's Chinese name appears in the English notebook the row points at is
``test_notebook_style.py::test_glossary_terms_are_introduced_with_chinese_names``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tools import i18n

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Bold is for glossary terms, run-in headings and labels (see not_a_term); stress and a
# widget's on-screen name are written in *italics*, as most of the course writes them. The one
# bold phrase every notebook has is the convention's own sentence. EMPHASIS would list, per
# notebook ("05": {"phrase"}, lower case), a bold phrase that is none of these, each with its
# one-line reason why italics will not do; there is none, and it is better kept that way.
EVERY_NOTEBOOK = {"bold"}            # "Terms in **bold** are in the glossary", first cell
EMPHASIS: dict[str, set[str]] = {}

# Terms a translation can confuse, as (English, Chinese) pairs: the course's attractor (a
# second, misleading cue; glossary) is 干扰词, the random filler tokens of the cue task are
# distractor tokens, 无关词元 (the Chinese glossary's table of other terms).
# Likewise sequential recency (glossary, 顺序近因: the learned habit of trusting the nearest
# words) and the recency bias a nearer, misleading cue exposes (other terms, 近因偏差).
CONFUSABLE = [(("attractor", "干扰词"), ("distractor", "无关词元")),
              (("sequential recency", "顺序近因"), ("recency bias", "近因偏差"))]

BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
CJK = re.compile(r"[\u3400-\u9fff]")
# a parenthesis holding Chinese: a term's Chinese name, inside the bold or right after it
CHINESE_PAREN = re.compile(r"\s*[（(]([^()（）]*[\u3400-\u9fff][^()（）]*)[)）]")
LIST_ITEM_START = re.compile(r"(?:^|\n)[ \t]*(?:[-*]|\d+\.)[ \t]+$")


def stem(word: str) -> str:
    """Fold plural and -ed/-ing endings ("unrolled" ~ "unrolling", "overfits" ~ "overfitting")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[:-len(suffix)]
            break
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def key(phrase: str) -> str:
    """A phrase compared by its words: case, hyphens, dashes, commas and endings ignored."""
    words = re.sub(r"[-–—/,;']", " ", phrase.lower()).split()
    return " ".join(stem(w) for w in words)


def english_forms(english: str) -> set[str]:
    """The ways a term may be written: "X (Y) Z" reads as "X Z", "X Y Z", or Y in place of
    X's last word ("residual (skip) connection" is also "skip connection"), and an alias
    alone counts ("recurrent neural network (RNN)" is also "RNN")."""
    m = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*(.*)", english)
    if not m:
        return {key(english)}
    before, inside, after = m.groups()
    replaced = " ".join(before.split()[:-1] + [inside])
    return {key(f"{before} {after}"), key(f"{before} {inside} {after}"),
            key(f"{replaced} {after}"), key(inside)}


def glossary_rows() -> list[tuple[str, str, str]]:
    """``[(english, chinese, notebook number)]`` from ``notebooks/glossary.md``."""
    rows = []
    for line in (ROOT / "notebooks/glossary.md").read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) == 3 and (m := re.match(r"\[(\d\d)\]", cols[2])):
            rows.append((cols[0], cols[1], m[1]))
    return rows


ROWS = glossary_rows()
FORMS = {form: row for row in ROWS for form in english_forms(row[0])}


def chinese_names(chinese: str) -> set[str]:
    """The Chinese names in a row's 中文 column: "未归一化分数（logits，得分）" gives
    未归一化分数 and 得分, "softmax（归一化指数函数）" gives 归一化指数函数."""
    core, _, rest = chinese.partition("（")
    names = [core, *re.split(r"[,，、]", rest.rstrip("）"))]
    return {n.strip() for n in names if CJK.search(n)}


def glossary_row(phrase: str):
    """The glossary row a bold phrase names, or None. The phrase's Chinese parenthesis is
    dropped; "stacked / multi-layer RNN" is both "stacked RNN" and "multi-layer RNN"."""
    text = CHINESE_PAREN.sub("", phrase)
    if " / " in text:
        left, right = text.split(" / ", 1)
        variants = {key(left + " " + " ".join(right.split()[1:])),
                    key(" ".join(left.split()[:-1]) + " " + right)}
    else:
        variants = english_forms(text)
    return next((FORMS[v] for v in sorted(variants) if v in FORMS), None)


def not_a_term(text: str, m: re.Match) -> str | None:
    """Why the bold match ``m`` in a cell's ``text`` is not a term, or None."""
    phrase = " ".join(m[1].split())
    if phrase[-1] in ".:?!":
        return "run-in heading"      # **Learning goals.**, **Exercise 2 — … ?**
    if not re.search(r"[A-Za-z]{2}", phrase):
        return "label"               # start points **A**, gate orders **i, f, g, o**, **T = 2**
    if LIST_ITEM_START.search(text[:m.start()]) and text[m.end():m.end() + 1] == ":":
        return "list label"          # - **frozen recurrence**: the same model, …
    return None


def bolds(path: Path):
    """``(cell id, bold phrase, Chinese written with it or None)`` for every bold phrase in
    the markdown of an English notebook that may be a term (see :func:`not_a_term`)."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        for m in BOLD.finditer(text):
            if not_a_term(text, m):
                continue
            phrase = " ".join(m[1].split())
            given = CHINESE_PAREN.match(text, m.end()) or CHINESE_PAREN.search(phrase)
            yield cell["id"], phrase, given[1] if given else None


def translation(path: Path) -> dict[str, str]:
    return {cid: text for cid, (_, text) in i18n.read_blocks(i18n.translation_file(path)).items()}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_bold_phrase_is_a_glossary_term(path):
    """A phrase a notebook bolds is a glossary row, unless it is a run-in heading, a label or
    one of this notebook's listed emphases (none: stress is in italics) — and every listed
    emphasis is still bold."""
    emphasis = EMPHASIS.get(path.name[:2], set()) | EVERY_NOTEBOOK
    unknown, used = [], set()
    for cell_id, phrase, _ in bolds(path):
        if phrase.lower() in emphasis:
            used.add(phrase.lower())
        elif glossary_row(phrase) is None:
            unknown.append(f"cell {cell_id}: **{phrase}**")
    assert not unknown, (
        f"{path.name} bolds phrases that are not in notebooks/glossary.md: {unknown}. Add a "
        "key term to the glossary (English, Chinese, the notebook that introduces it) and give "
        "its Chinese name where it first appears; write emphasis in *italics*.")
    assert used == emphasis, (f"tests/test_glossary.py lists emphases {path.name} no longer "
                              f"bolds: {sorted(emphasis - used)}; remove them from EMPHASIS")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_a_bold_term_written_with_chinese_gives_the_glossarys_name(path):
    """``**gate (门控)**`` where the glossary says gate = 门 (and gating = 门控) would give
    one term two Chinese names."""
    wrong = []
    for cell_id, phrase, given in bolds(path):
        row = glossary_row(phrase)
        if given is None or row is None:
            continue
        names = {n.strip() for n in re.split(r"[,，、;；]", given) if CJK.search(n)}
        if not names & chinese_names(row[1]):
            wrong.append(f"cell {cell_id}: **{phrase}** ({given}); the glossary has {row[1]}")
    assert not wrong, f"{path.name}: {wrong}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_the_chinese_edition_bolds_each_term_by_the_glossarys_name(path):
    """Where an English cell bolds a glossary term, its Chinese translation bolds the term's
    Chinese name from the glossary (design §9: one Chinese name per term)."""
    blocks = translation(path)
    wrong = []
    for cell_id, phrase, _ in bolds(path):
        row = glossary_row(phrase)
        if row is None or cell_id not in blocks:
            continue
        names = chinese_names(row[1]) | {row[1].partition("（")[0]}  # "softmax（…）": softmax
        if re.fullmatch(r"[A-Z0-9]{2,}", phrase):
            names.add(phrase)        # an abbreviation (CRF, IRNN) reads the same in Chinese
        bold_zh = [" ".join(b.split()) for b in BOLD.findall(blocks[cell_id])]
        if not any(name in b for name in names for b in bold_zh):
            wrong.append(f"cell {cell_id}: {row[0]} = {row[1]}")
    assert not wrong, (f"i18n/zh/{path.stem}.md does not bold the glossary's Chinese name "
                       f"for: {wrong}")


# The Chinese edition bolds what the English bolds, cell by cell. Each bold phrase is read as
# one kind: the convention's own word (bold = 粗体), a run-in heading, a label, a list label
# or a glossary row (a Chinese bold by the longest glossary name it holds, so 随机梯度下降 is
# SGD, not gradient descent; or by the English it writes, CRF), else it is "other". A cell's
# translation must hold the same kinds, as many of each, as its English.
# A run-in heading keeps its punctuation inside the bold in both editions (**Set-up:**,
# **设置：**; **The cue task (线索任务).**, **线索任务（cue task）。**). A translation writes a
# bold's English after it, **冻结循环**（frozen recurrence）：, so in a list item a bold that is
# no term, followed by its English and a colon, is a list label (- **frozen recurrence**: …);
# a term there stays a term, as it does in English (1. **finite differences** (有限差分): …).
CONVENTION_ZH = {"bold": "粗体"}
# Cells whose Chinese rightly bolds differently, {"NN": {cell id: reason}}; none so far.
BOLD_DIFFERS: dict[str, dict[str, str]] = {}
GLOSS_THEN = re.compile(r"[ \t]*(?:[（(][^()（）\n]*[)）])?[ \t]*(?P<next>.?)")
CHINESE_NAMES = sorted(((name, row) for row in ROWS
                        for name in chinese_names(row[1]) | {row[1].partition("（")[0]}),
                       key=lambda pair: -len(pair[0]))


def english_bold_kind(text: str, m: re.Match):
    phrase = " ".join(m[1].split())
    if phrase.lower() in EVERY_NOTEBOOK:
        return "the word 'bold'"
    if why := not_a_term(text, m):
        return why
    row = glossary_row(phrase)
    return f"term: {row[0]}" if row else f"other: {phrase}"


def chinese_bold_kind(text: str, m: re.Match):
    """The kind of the bold ``m`` in a translated cell, as :func:`english_bold_kind` reads
    its English twin."""
    phrase = " ".join(m[1].split())
    if phrase in CONVENTION_ZH.values():
        return "the word 'bold'"
    if phrase[-1] in ".:?!。：？！":
        return "run-in heading"      # **设置：**, **学习目标。**
    if not re.search(r"[A-Za-z]{2}", phrase) and not CJK.search(phrase):
        return "label"               # **T = 2**, **i, f, g, o**
    in_list = LIST_ITEM_START.search(text[:m.start()])
    if in_list and text[m.end():m.end() + 1] in ("：", ":"):
        return "list label"          # - **训练预算**：三个种子…
    row = next((row for name, row in CHINESE_NAMES if name in phrase), None)
    row = row or glossary_row(phrase)    # **CRF**, **IRNN**: the English abbreviation
    if row:
        return f"term: {row[0]}"     # also 1. **有限差分**（finite differences）：…, as in English
    after = GLOSS_THEN.match(text, m.end())["next"]
    if in_list and after and after in "：:":
        return "list label"          # - **冻结循环**（frozen recurrence）：…
    return f"other: {phrase}"


def bold_differences(english: str, chinese: str) -> tuple[Counter, Counter]:
    """(kinds of bold only the English cell has, kinds only its translation has)."""
    en = Counter(english_bold_kind(english, m) for m in BOLD.finditer(english))
    zh = Counter(chinese_bold_kind(chinese, m) for m in BOLD.finditer(chinese))
    return en - zh, zh - en


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_each_translated_cell_bolds_what_its_english_cell_bolds(path):
    """Same bold, both editions: per markdown cell, the translation bolds as many phrases of
    each kind (each glossary term, run-in headings, labels, list labels) as the English — no
    bold lost, none added, no term bolded in one edition and left plain in the other."""
    blocks = translation(path)
    differs = BOLD_DIFFERS.get(path.name[:2], {})
    wrong, excused = [], set()
    for unit in i18n.units(path):
        if unit.id not in blocks:
            continue                 # missing: test_i18n.py reports it
        only_en, only_zh = bold_differences(unit.source, blocks[unit.id])
        if unit.id in differs:
            excused.add(unit.id)
        elif only_en or only_zh:
            wrong.append(f"cell {unit.id}: only the English bolds {sorted(only_en.elements())}, "
                         f"only the Chinese bolds {sorted(only_zh.elements())}")
    assert not wrong, f"i18n/zh/{path.stem}.md bolds differently from {path.name}: {wrong}"
    assert excused == set(differs), (f"BOLD_DIFFERS lists cells of {path.name} that bold alike "
                                     f"(or are gone): {sorted(set(differs) - excused)}")


@pytest.mark.parametrize("document", sorted(i18n.DOCUMENTS), ids=lambda p: p.name)
def test_each_translated_section_of_a_document_bolds_as_often_as_its_english(document):
    """README and the glossary's introduction are not held to the glossary rule, but their
    translation bolds as many phrases per section as the English does."""
    blocks = {cid: text for cid, (_, text) in
              i18n.read_blocks(i18n.translation_file(document)).items()}
    wrong = [f"section {unit.id}: {len(BOLD.findall(unit.source))} bold in English, "
             f"{len(BOLD.findall(blocks[unit.id]))} in Chinese"
             for unit in i18n.units(document) if unit.id in blocks
             and len(BOLD.findall(unit.source)) != len(BOLD.findall(blocks[unit.id]))]
    assert not wrong, f"{i18n.translation_file(document)}: {wrong}"


# A run-in label written in italics, starting a paragraph, list item or sentence: *Memory*: or
# *Memory:* (not a line that a hard wrap starts, nor a stressed word inside a sentence)
ITALIC_LABEL = re.compile(r"(?:^|\n[ \t]*\n|\n[ \t]*(?:[-*]|\d+\.)[ \t]+|[.!?。！？][ \t\n]*)"
                          r"(?<!\*)(\*[^*\n]+?(?:\*[ \t]*[:：]|[:：]\*))")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_run_in_labels_are_bold_in_both_editions(path):
    """A run-in label is bold with its colon inside, **Set-up:** and **设置：**, like every
    run-in heading (test_every_bold_phrase_is_a_glossary_term lets it be bold); italics are for
    stress, so *Memory*: reads as a stressed word, and one notebook's labels look unlike the
    next one's."""
    english = {unit.id: unit.source for unit in i18n.units(path)}
    italic = [f"{edition} cell {cell_id}: {m[1]}"
              for edition, cells in (("English", english), ("Chinese", translation(path)))
              for cell_id, text in cells.items() for m in ITALIC_LABEL.finditer(text)]
    assert not italic, f"{path.name}: write these labels in bold, colon inside: {italic}"


def test_the_bold_kinds_pair_headings_terms_and_labels_across_editions():
    heading_en = "**The cue task (线索任务).** Each"
    assert bold_differences(heading_en, "**线索任务（cue task）。** 每个") == (Counter(), Counter())
    # its punctuation left outside, the heading reads as the term alone
    assert bold_differences(heading_en, "**线索任务**（cue task）。每个")[1] == Counter(
        {"term: cue task": 1})
    listed_en = "- **frozen recurrence**: the same"
    assert bold_differences(listed_en, "- **冻结循环**（frozen recurrence）：同一个") == (
        Counter(), Counter())
    listed_en = "1. **finite differences** (有限差分): central"
    assert bold_differences(listed_en, "1. **有限差分**（finite differences）：中心") == (
        Counter(), Counter())
    listed_en, listed_zh = "- **budget**: three seeds", "- **训练预算**：三个种子"
    assert bold_differences(listed_en, listed_zh) == (Counter(), Counter())
    term_en = "plain **stochastic gradient descent (随机梯度下降, SGD)** behaves"
    assert bold_differences(term_en, "普通的**随机梯度下降**（SGD）表现") == (Counter(), Counter())
    assert bold_differences("a **CRF** layer", "**CRF** 层") == (Counter(), Counter())
    # a term at the end of a sentence is still a term, not a heading
    assert bold_differences("off the **cliff**.", "落下**悬崖**（cliff）。") == (Counter(), Counter())
    # a heading left plain, a stress put in bold, a different term: each is a difference
    assert bold_differences("**Set-up:** in", "设置：在")[0] == Counter({"run-in heading": 1})
    assert bold_differences("in *training*", "在**训练**中")[1] == Counter({"other: 训练": 1})
    only_en, only_zh = bold_differences("a **wall**", "一道**悬崖**")
    assert only_en == Counter({"term: wall (of the error surface)": 1})
    assert only_zh == Counter({"term: cliff": 1})
    labels = "We measure both. *Memory*: the peak. *Time:* the CPU. 两者。*内存*：峰值"
    assert [m[1] for m in ITALIC_LABEL.finditer(labels)] == ["*Memory*:", "*Time:*", "*内存*："]
    stressed = "Hung-yi Lee, *RNN part II*: the target; 答案是*不是*：任何; is to the\n*right*: a"
    assert not ITALIC_LABEL.search(stressed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_the_chinese_notebook_introduces_its_terms_by_the_glossarys_names(path):
    """The Chinese twin of ``test_glossary_terms_are_introduced_with_chinese_names``: every
    row pointing at this notebook has its Chinese name in the notebook's translation."""
    translated = "\n".join(translation(path).values())
    missing = [f"{en} = {zh}" for en, zh, nb in ROWS if nb == path.name[:2]
               and not any(name in translated for name in chinese_names(zh))]
    assert not missing, f"i18n/zh/{path.stem}.md never writes: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_the_chinese_edition_keeps_confusable_terms_apart(path):
    """A Chinese name from ``CONFUSABLE`` appears only where the English cell speaks of its
    term (无关词元 for the cue task's random tokens, 干扰词 only for the attractor)."""
    english = {unit.id: unit.source.lower() for unit in i18n.units(path)}
    wrong = [f"cell {cell_id} writes {zh}, its English has no '{en}'"
             for cell_id, text in translation(path).items()
             for pair in CONFUSABLE for en, zh in pair
             if zh in text and not re.search(rf"\b{en}", english.get(cell_id, ""))]
    assert not wrong, f"i18n/zh/{path.stem}.md: {wrong}"


# Other names of a glossary term, which a notebook may use once it has said that they name the
# term. The corpus's `dev` split (SNIPS and ATIS copies call the folder `dev` or `valid`) is the
# validation set that notebook 04 introduces.
OTHER_NAMES = {"validation set": re.compile(r"\bdev(?:elopment)?\s+(?:set|split)s?\b", re.I)}


@pytest.mark.parametrize("term", sorted(OTHER_NAMES))
def test_a_term_called_by_another_name_is_linked_to_its_glossary_name(term):
    """One concept, one term: a notebook after the one that introduces ``term`` that speaks of
    it by another name ("dev set", "dev split") bolds the glossary term in that cell or an
    earlier one, and the glossary row gives the other name."""
    row = glossary_row(term)
    assert row and glossary_row("dev set") == row, f"glossary row {row}: no 'dev set'"
    unlinked = []
    for path in NOTEBOOKS:
        if path.name[:2] <= row[2]:
            continue
        bolded = False
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                bolded = bolded or any(glossary_row(" ".join(b.split())) == row
                                       for b in BOLD.findall(text))
            if (m := OTHER_NAMES[term].search(text)):
                if not bolded:
                    unlinked.append(f"{path.name}, cell {cell['id']}: '{m[0]}'")
                break
    assert not unlinked, (f"these say another name for the {term} before saying that it is "
                          f"the **{term}** (bold, the glossary term): {unlinked}")


def test_the_glossary_is_grouped_by_notebook_and_names_each_term_once():
    numbers = [nb for _, _, nb in ROWS]
    assert len(ROWS) > 50 and numbers == sorted(numbers), (
        "glossary rows must be grouped by the notebook that introduces them, in order")
    clashes = [(a[0], b[0]) for i, a in enumerate(ROWS) for b in ROWS[i + 1:]
               if english_forms(a[0]) & english_forms(b[0])]
    assert not clashes, f"glossary rows that name the same term: {clashes}"
    chinese = [c for _, c, _ in ROWS]
    assert len(chinese) == len(set(chinese)), "two glossary terms share a Chinese name"


def other_terms(path: Path, english_first: bool = True) -> list[tuple[str, str]]:
    """``[(english, chinese)]`` from the table of other terms of the Chinese glossary's
    introduction (``i18n/glossary_intro.md``, English first, or its translation in
    ``i18n/zh/``, 中文 first); a row pairs its ``·``-separated terms in order."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) != 2 or cols[0] in ("English", "中文") or set(cols[0]) <= set("-"):
            continue
        english, chinese = cols if english_first else cols[::-1]
        en, zh = ([t.strip() for t in c.split("·")] for c in (english, chinese))
        assert len(en) == len(zh), f"{path}, line {number}: {len(en)} terms but {len(zh)} names"
        pairs += zip(en, zh, strict=True)
    return pairs


def term_of_each_chinese_name() -> dict[str, dict[str, str]]:
    """Every Chinese name the course gives a term — each name in a glossary row's 中文 column
    (its parenthesis included: "顺序近因（…）" names its term by both) and each name in the
    tables of other terms (the part before a parenthesis, which explains: "轮次（epoch）") —
    mapped to the English terms it names (``{words: term}``, terms compared by their words)."""
    names: dict[str, dict[str, str]] = {}
    for english, chinese, _ in ROWS:
        for name in chinese_names(chinese):
            names.setdefault(name, {})[key(english)] = english
    intro = ROOT / "i18n/glossary_intro.md"
    for path, english_first in ((intro, True), (ROOT / "i18n/zh" / intro.name, False)):
        for english, chinese in other_terms(path, english_first):
            term = row[0] if (row := glossary_row(english)) else english
            name = re.split(r"[（(]", chinese)[0].strip()
            names.setdefault(name, {})[key(term)] = term
    return names


def test_each_chinese_name_stands_for_one_english_term():
    """One Chinese name, one term (design §1): a name the glossary gives one term — also inside
    its parenthesis — is not another glossary term's name, nor the name of one of the other
    terms the Chinese edition uses (a reader looking 近因偏差 up must find one meaning)."""
    assert len(other_terms(ROOT / "i18n/glossary_intro.md")) > 20
    shared = {name: sorted(terms.values()) for name, terms in term_of_each_chinese_name().items()
              if len(terms) > 1}
    assert not shared, f"Chinese names given to more than one English term: {shared}"


def test_a_key_term_is_not_also_listed_among_the_other_terms():
    """The Chinese glossary's table of other terms holds the words the translation uses
    *besides* the key terms; a term that becomes a glossary row leaves it."""
    terms = []
    for line in (ROOT / "i18n/glossary_intro.md").read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) == 2 and cols[0] not in ("English", "---"):
            terms += [t.strip() for t in cols[0].split("·")]
    assert len(terms) > 20, "the table of other terms in i18n/glossary_intro.md was not found"
    both = [t for t in terms if english_forms(t) & FORMS.keys()]
    assert not both, f"i18n/glossary_intro.md lists glossary terms as other terms: {both}"


def test_the_matching_rules_accept_inflections_and_aliases_not_other_terms():
    assert key("Unrolled in time") in english_forms("unrolling (unfolding) in time")
    assert key("overfits") in english_forms("overfitting")
    assert key("skip connections") in english_forms("residual (skip) connection")
    assert key("RNN") in english_forms("recurrent neural network (RNN)")
    assert key("product of Jacobians") not in english_forms("Jacobian")
    assert key("gates") == key("gate") != key("gating")
    assert glossary_row("stacked / multi-layer RNN (多层循环神经网络)")[1] == "多层循环神经网络"
    assert glossary_row("product of Jacobians (雅可比矩阵)")[1] == "雅可比矩阵的乘积"
    assert glossary_row("torch autograd") is None
    heading = "**Learning goals.** After"
    inline = "Shapes are **batch-first**: N batch"
    listed = "set-up:\n- **budget**: three seeds"
    assert not_a_term(heading, BOLD.search(heading)) == "run-in heading"
    assert not_a_term(inline, BOLD.search(inline)) is None
    assert not_a_term(listed, BOLD.search(listed)) == "list label"
    assert chinese_names("softmax（归一化指数函数）") == {"归一化指数函数"}
