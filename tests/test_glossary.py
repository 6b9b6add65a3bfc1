"""Bold means a glossary term, with one Chinese name (design §1, §9).

Every notebook says "Terms in **bold** are in the glossary with their Chinese names". These
tests hold both editions to it:

- a phrase an English notebook bolds is a row of ``notebooks/glossary.md`` — or a run-in
  heading or a label; stress is written in *italics* (``EMPHASIS`` is empty);
- a bold term written with a Chinese name gives the glossary's name;
- where the English cell bolds a term, the Chinese translation bolds the glossary's Chinese
  name, and each row's Chinese name appears in the Chinese notebook the row points at;
- the glossary names each term once, and the Chinese glossary's table of *other* terms holds
  no key term; terms a translation can confuse (attractor 干扰词, distractor 无关词元) stay apart.

That each row's Chinese name appears in the English notebook the row points at is
``test_notebook_style.py::test_glossary_terms_are_introduced_with_chinese_names``.
"""

from __future__ import annotations

import json
import re
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
