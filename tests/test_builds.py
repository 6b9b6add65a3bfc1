"""Tests for the learner/instructor builds: student version, personal copy, offline slides/site.

The slow parts (a real browser) are in ``test_browser.py``; here the slides and site are built
from one small generated notebook and checked as text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbformat import v4

from tools import (
    build_site,
    build_slides,
    offline_assets,
    pages,
    personal_copy,
    slide_plan,
    student_version,
)
from tools.notebooks import course_notebooks

ROOT = Path(__file__).resolve().parent.parent
HAVE_NODE_MODULES = all((ROOT / "node_modules" / p / "package.json").exists()
                        for p in offline_assets.VENDORED)

SOLUTION_CELL = """\
import numpy as np


def softmax(z):
    ### BEGIN SOLUTION
    e = np.exp(z - z.max())
    return e / e.sum()
    ### END SOLUTION


answer = softmax(np.zeros(3))"""
CHECKER_CELL = "check_softmax(answer)"
LONG_PROSE = ("The softmax turns scores into probabilities that sum to one. " * 5
              + "A lecturer says this aloud rather than showing it on the slide.")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stream(text: str):
    return v4.new_output("stream", name="stdout", text=text)


def make_course(folder: Path) -> Path:
    """A tiny course folder: one notebook with an exercise, a figure-like output, a widget
    state, maths, links; a glossary and an image. Returns the notebook's path."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("*[中文版](zh/05_tiny.ipynb)*\n\n# 05 · Tiny notebook\n\n## Learning goals\n\n- compute a "
                             "**softmax (归一化指数函数)** $\\sigma(z)$;\n- pass a checker.\n\n"
                             "See the [glossary](glossary.md) and [notebook 06](06_next.ipynb).\n"
                             "![pic](images/pic.png)\n\n" + LONG_PROSE,
                             metadata={"slideshow": {"slide_type": "slide"}}),
        v4.new_code_cell("print('figure numbers 1.5')", execution_count=1,
                         outputs=[stream("figure numbers 1.5\n")]),
        v4.new_markdown_cell("## Exercises\n\n1. Write `softmax`.",
                             metadata={"slideshow": {"slide_type": "slide"}}),
        v4.new_code_cell(SOLUTION_CELL, execution_count=2, outputs=[stream("solved\n")]),
        v4.new_code_cell(CHECKER_CELL, execution_count=3, outputs=[stream("✓ softmax\n")]),
        v4.new_markdown_cell("## Summary"),
        v4.new_code_cell("print('after')", execution_count=4, outputs=[stream("after\n")]),
    ]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0, "state": {}}}
    path = folder / "05_tiny.ipynb"
    nbformat.write(nb, path)
    (folder / "glossary.md").write_text("*[中文版](zh/glossary.md)*\n\n# Glossary\n\n"
                                        "| English | 中文 |\n|---|---|\n"
                                        "| softmax | 归一化指数函数 |\n", encoding="utf-8")
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "pic.png").write_bytes(b"\x89PNG fake")
    return path


ZH_PROSE = "归一化指数函数把得分变成和为一的概率。" * 6 + "讲课时口头说明，而不是写在幻灯片上。"


def add_chinese(folder: Path) -> Path:
    """The Chinese edition of :func:`make_course`'s notebook in ``folder/zh/``, as
    ``tools.i18n`` builds it: same code cells and outputs, translated Markdown, links out of
    the folder one level further up, an "English version" link first. Returns its path."""
    nb = nbformat.read(folder / "05_tiny.ipynb", as_version=4)
    nb.cells[0].source = ("*[English version](../05_tiny.ipynb)*\n\n# 05 · 小笔记本\n\n"
                          "## 学习目标\n\n- 计算 **softmax（归一化指数函数）** $\\sigma(z)$；\n"
                          "- 通过检查。\n\n见[术语表](glossary.md)和[记录](../../CLAIMS.md)。\n\n"
                          + ZH_PROSE)
    nb.cells[2].source = "## 练习\n\n1. 写出 `softmax`。"
    nb.cells[5].source = "## 小结"
    nb.metadata["course"] = {"language": "zh", "translates": "../05_tiny.ipynb"}
    (folder / "zh").mkdir(exist_ok=True)
    nbformat.write(nb, folder / "zh" / "05_tiny.ipynb")
    (folder / "zh" / "glossary.md").write_text(
        "*[English version](../glossary.md)*\n\n# 术语表\n\n| 中文 | English | 笔记本 |\n"
        "|---|---|---|\n| 归一化指数函数 | softmax | [05](05_tiny.ipynb) |\n", encoding="utf-8")
    return folder / "zh" / "05_tiny.ipynb"


# ---------------------------------------------------------------- student version

def test_strip_solutions_keeps_indentation_and_code_around():
    source, n = student_version.strip_solutions(SOLUTION_CELL)
    assert n == 1
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()\n" in source
    assert "SOLUTION" not in source and "e.sum()" not in source
    assert source.startswith("import numpy as np") and source.endswith("softmax(np.zeros(3))")
    compile(source, "<stub>", "exec")  # still valid Python


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "line 1: BEGIN SOLUTION without an END SOLUTION"),
    ("x = 1\n### END SOLUTION", "line 2: END SOLUTION without a BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\n  ### BEGIN SOLUTION\n### END SOLUTION", "line 2: BEGIN SOLUTION "
     "inside the solution that starts on line 1"),
])
def test_strip_solutions_rejects_bad_markers(source, message):
    with pytest.raises(student_version.SolutionMarkerError, match=message):
        student_version.strip_solutions(source, where="nb.ipynb, cell 3")


def test_student_version_of_a_notebook(tmp_path):
    src = make_course(tmp_path / "src")
    before = sha(src)
    out = tmp_path / "student"
    assert student_version.main(["--src", str(src.parent), "--out", str(out)]) == 0
    assert sha(src) == before, "the instructor notebook was modified"
    nb = nbformat.read(out / src.name, as_version=4)
    nbformat.validate(nb)
    text = (out / src.name).read_text(encoding="utf-8")
    assert "SOLUTION" not in text and "e.sum()" not in text
    solution, checker, after = nb.cells[3], nb.cells[4], nb.cells[6]
    assert "raise NotImplementedError()" in solution.source
    assert solution.outputs == [] and solution.execution_count is None
    assert checker.outputs == [] and checker.source == CHECKER_CELL
    assert nb.cells[1].outputs and after.outputs, "outputs outside the exercise must stay"
    assert (out / "glossary.md").exists() and (out / "images" / "pic.png").exists()


def test_student_version_in_chinese(tmp_path, capsys):
    src = make_course(tmp_path / "src")
    zh = add_chinese(src.parent)
    out = tmp_path / "student"
    assert student_version.main(["--src", str(src.parent), "--out", str(out)]) == 0
    assert str(out / "zh" / "05_tiny.ipynb") in capsys.readouterr().out
    text = (out / "zh" / "05_tiny.ipynb").read_text(encoding="utf-8")
    assert "SOLUTION" not in text and "e.sum()" not in text and "✓ softmax" not in text
    nb = nbformat.read(out / "zh" / "05_tiny.ipynb", as_version=4)
    assert "raise NotImplementedError()" in nb.cells[3].source and nb.cells[3].outputs == []
    assert nb.cells[2].source.startswith("## 练习") and nb.cells[1].outputs
    assert (out / "zh" / "glossary.md").read_text(encoding="utf-8").startswith(
        "*[English version](../glossary.md)*\n\n# 术语表")  # both editions: the link stays
    assert "e.sum()" in zh.read_text(encoding="utf-8"), "the Chinese notebook itself is kept"
    # one edition only; a missing edition asked for by name is an error
    assert student_version.main(["--src", str(src.parent), "--out", str(tmp_path / "en"),
                                 "--lang", "en"]) == 0
    assert not (tmp_path / "en" / "zh").exists()
    (src.parent / "zh" / "05_tiny.ipynb").unlink()
    assert student_version.main(["--src", str(src.parent), "--out", str(tmp_path / "x"),
                                 "--lang", "zh"]) == 1
    assert "no zh edition" in capsys.readouterr().err


def test_student_version_reports_file_and_cell(tmp_path, capsys):
    src = make_course(tmp_path / "src")
    nb = nbformat.read(src, as_version=4)
    nb.cells[4].source = "### BEGIN SOLUTION\nx = 1"  # cell 5, never closed
    nbformat.write(nb, src)
    out = tmp_path / "student"
    assert student_version.main(["--src", str(src.parent), "--out", str(out)]) == 1
    assert "05_tiny.ipynb, cell 5: line 1: BEGIN SOLUTION without an END" in capsys.readouterr().err
    assert not out.exists(), "nothing is written when a notebook has bad markers"


@pytest.mark.parametrize("edition", ["", "zh"])
def test_student_version_of_the_course(tmp_path, edition):
    """The course's student version, English and (when built) Chinese: no solution left."""
    folder = ROOT / "notebooks" / edition
    notebooks = course_notebooks(folder)
    if not notebooks:
        pytest.skip(f"no notebooks in {folder} (the Chinese edition: make zh)")
    before = {p: sha(p) for p in notebooks}
    counts = student_version.write_student_version(folder, tmp_path)
    assert {p: sha(p) for p in notebooks} == before, "instructor notebooks changed"
    transform = TransformerManager().transform_cell  # notebooks may use %magics
    for path in notebooks:
        original = nbformat.read(path, as_version=4)
        student = nbformat.read(tmp_path / path.name, as_version=4)
        nbformat.validate(student)
        begins = sum(c.source.count("### BEGIN SOLUTION") for c in original.cells
                     if c.cell_type == "code")
        assert counts[path.name] == begins
        for cell in student.cells:
            if cell.cell_type != "code":
                continue
            assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source
            if "raise NotImplementedError()" in cell.source:
                assert cell.outputs == [], f"{path.name}: a solution cell kept its output"
                compile(transform(cell.source), f"{path.name} stub", "exec")


# A relative link in Markdown (``[text](target)``, ``![alt](target)``) or HTML (``href=``,
# ``src=``): its target up to a ``#`` fragment. Web addresses and in-page anchors are skipped.
LINK = re.compile(r"""\]\(\s*<?([^)\s>]+)|\b(?:href|src)=["']([^"']+)["']""")


def relative_links(path: Path) -> list[str]:
    """The relative link targets of a Markdown file or of a notebook's Markdown cells."""
    if path.suffix == ".ipynb":
        texts = [c.source for c in nbformat.read(path, as_version=4).cells
                 if c.cell_type == "markdown"]
    else:
        texts = [path.read_text(encoding="utf-8")]
    targets = [(a or b).split("#")[0] for text in texts for a, b in LINK.findall(text)]
    return [t for t in targets if t and not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def broken_links(folder: Path) -> list[str]:
    """``"file: target"`` for every relative link of the notebooks and Markdown files under
    ``folder`` that leads to no file."""
    return [f"{path.relative_to(folder)}: {target}"
            for path in sorted(folder.rglob("*")) if path.suffix in {".ipynb", ".md"}
            for target in relative_links(path) if not (path.parent / target).exists()]


def test_every_relative_link_of_the_courses_student_version_leads_to_a_file(tmp_path):
    """``make student`` (both editions) is a folder of its own: a link of its notebooks or
    Markdown files — the glossary, the claims ledger (``../CLAIMS.md`` in the repository), an
    image, a notebook, the other edition — leads to a file inside it."""
    out = tmp_path / "build" / "student"
    assert student_version.main(["--out", str(out)]) == 0
    links = [t for p in out.rglob("*.ipynb") for t in relative_links(p)]
    assert any(t.endswith("CLAIMS.md") for t in links) and any(t.endswith("glossary.md")
                                                               for t in links)
    assert not broken_links(out), f"links leading nowhere in the student version: {broken_links(out)}"
    for edition in (out, out / "zh"):
        ledger = (edition / "CLAIMS.md").read_text(encoding="utf-8")
        assert ledger.startswith("# Claims ledger") and "](notebooks/" not in ledger


def test_the_student_version_copies_the_ledger_its_notebooks_link_to(tmp_path):
    """A link that leaves the notebooks' folder for the claims ledger points at a copy beside
    the student notebooks, whose own links to ``notebooks/…`` point at the notebooks beside
    it; the instructor notebooks and the ledger are not changed."""
    repo = tmp_path / "repo"
    src = make_course(repo / "notebooks")
    add_chinese(src.parent)
    nb = nbformat.read(src, as_version=4)
    nb.cells[0].source += "\n\nEvery claim: [CLAIMS.md](../CLAIMS.md#the-lectures-claims)."
    nbformat.write(nb, src)
    ledger = repo / "CLAIMS.md"
    ledger.write_text("# Claims ledger\n\n| w | [05](notebooks/05_tiny.ipynb) |\n", encoding="utf-8")
    before = {p: sha(p) for p in (src, ledger)}
    out = tmp_path / "student"
    for edition, folder in (("en", src.parent), ("zh", src.parent / "zh")):
        student_version.write_student_version(folder, out / edition, ledger=ledger)
        text = (out / edition / "05_tiny.ipynb").read_text(encoding="utf-8")
        assert "](CLAIMS.md" in text and "../CLAIMS.md" not in text
        assert (out / edition / "CLAIMS.md").read_text(encoding="utf-8") == (
            "# Claims ledger\n\n| w | [05](05_tiny.ipynb) |\n")
    assert {p: sha(p) for p in before} == before
    assert "(CLAIMS.md#the-lectures-claims)" in (out / "en" / "05_tiny.ipynb").read_text()
    elsewhere = tmp_path / "other"     # a ledger nothing links to is not copied
    student_version.write_student_version(src.parent, elsewhere, ledger=tmp_path / "x.md")
    assert not (elsewhere / "CLAIMS.md").exists()


# ---------------------------------------------------------------- personal copy

def test_personal_copy_never_overwrites_and_updates_only_unmodified(tmp_path):
    src = make_course(tmp_path / "src").parent
    dest = tmp_path / "mine"
    first = personal_copy.personal_copy(src, dest)
    assert sorted(first["copied"]) == ["05_tiny.ipynb", "glossary.md", "images/pic.png"]
    manifest = json.loads((dest / personal_copy.MANIFEST).read_text())
    assert set(manifest) == set(first["copied"])

    (dest / "05_tiny.ipynb").write_text("my own work", encoding="utf-8")  # learner edits
    (src / "glossary.md").write_text("# Glossary v2\n", encoding="utf-8")  # course changes
    (src / "images" / "pic.png").write_bytes(b"new picture")
    (src / "images" / "new.png").write_bytes(b"brand new")

    second = personal_copy.personal_copy(src, dest)  # no --update: nothing overwritten
    assert second["copied"] == ["images/new.png"]
    assert sorted(second["kept"]) == ["05_tiny.ipynb", "glossary.md", "images/pic.png"]
    assert (dest / "05_tiny.ipynb").read_text(encoding="utf-8") == "my own work"
    assert (dest / "glossary.md").read_text(encoding="utf-8").startswith(
        "*[中文版](zh/glossary.md)*\n\n# Glossary\n")

    (dest / "images" / "pic.png").write_bytes(b"my drawing")  # learner edits this one too
    third = personal_copy.personal_copy(src, dest, update=True)
    assert third["updated"] == ["glossary.md"]
    assert sorted(third["kept"]) == ["05_tiny.ipynb", "images/pic.png"]
    assert (dest / "glossary.md").read_text(encoding="utf-8") == "# Glossary v2\n"
    assert (dest / "05_tiny.ipynb").read_text(encoding="utf-8") == "my own work"
    assert (dest / "images" / "pic.png").read_bytes() == b"my drawing"
    assert "images/new.png" in third["unchanged"]


def test_personal_copy_includes_the_chinese_edition_and_never_overwrites_it(tmp_path):
    src = make_course(tmp_path / "src").parent
    add_chinese(src)
    dest = tmp_path / "mine"
    first = personal_copy.personal_copy(src, dest)
    assert {"zh/05_tiny.ipynb", "zh/glossary.md"} <= set(first["copied"])
    assert (dest / "zh" / "05_tiny.ipynb").read_bytes() == (src / "zh" / "05_tiny.ipynb"
                                                           ).read_bytes()
    manifest = json.loads((dest / personal_copy.MANIFEST).read_text())
    assert {"zh/05_tiny.ipynb", "zh/glossary.md"} <= set(manifest)

    (dest / "zh" / "05_tiny.ipynb").write_text("我的作业", encoding="utf-8")  # learner edits
    nb = nbformat.read(src / "zh" / "05_tiny.ipynb", as_version=4)  # course changes both
    nb.cells[5].source = "## 小结（新）"
    nbformat.write(nb, src / "zh" / "05_tiny.ipynb")
    (src / "zh" / "glossary.md").write_text("# 术语表 v2\n", encoding="utf-8")
    again = personal_copy.personal_copy(src, dest, update=True)
    assert again["kept"] == ["zh/05_tiny.ipynb"] and again["updated"] == ["zh/glossary.md"]
    assert (dest / "zh" / "05_tiny.ipynb").read_text(encoding="utf-8") == "我的作业"
    assert (dest / "zh" / "glossary.md").read_text(encoding="utf-8") == "# 术语表 v2\n"


def test_links_of_the_copies_reach_what_the_originals_reach(tmp_path):
    """``my_notebooks/`` sits beside ``notebooks/``: a relative link of a copied English or
    Chinese notebook resolves to the same file as from the original (the ledger at the top,
    the glossary beside it, the Chinese notebook's English twin)."""
    repo = tmp_path / "repo"
    src = make_course(repo / "notebooks").parent
    zh = add_chinese(src)
    (repo / "CLAIMS.md").write_text("# ledger\n", encoding="utf-8")
    dest = repo / "my_notebooks"
    personal_copy.personal_copy(src, dest)
    for original in (src / "05_tiny.ipynb", zh):
        copy = dest / original.relative_to(src)
        links = [m for c in nbformat.read(original, as_version=4).cells
                 if c.cell_type == "markdown"
                 for m in re.findall(r"\]\(([^)#]+\.(?:md|ipynb))\)", c.source)
                 if (original.parent / m).exists()]  # (the tiny course's 06 does not exist)
        assert links, f"{original.name}: no links to check"
        for link in links:
            from_original = (original.parent / link).resolve()
            from_copy = (copy.parent / link).resolve()
            assert from_copy.exists(), f"{copy}: {link} leads nowhere"
            same = from_copy == from_original or (
                from_copy.relative_to(dest) == from_original.relative_to(src))
            assert same, f"{copy}: {link} -> {from_copy}, the original's -> {from_original}"


def test_personal_copy_student_version(tmp_path, capsys):
    src = make_course(tmp_path / "src").parent
    dest = tmp_path / "mine"
    assert personal_copy.main(["--src", str(src), "--dest", str(dest), "--student"]) == 0
    assert "copied" in capsys.readouterr().out
    text = (dest / "05_tiny.ipynb").read_text(encoding="utf-8")
    assert "raise NotImplementedError()" in text and "e.sum()" not in text
    nbformat.validate(nbformat.reads(text, as_version=4))
    assert personal_copy.main(["--src", str(src), "--dest", str(dest), "--student"]) == 0
    assert "already up to date" in capsys.readouterr().out
    add_chinese(src)
    assert personal_copy.main(["--src", str(src), "--dest", str(dest), "--student"]) == 0
    zh = (dest / "zh" / "05_tiny.ipynb").read_text(encoding="utf-8")
    assert "raise NotImplementedError()" in zh and "e.sum()" not in zh and "练习" in zh


# ---------------------------------------------------------------- offline slides and site

def test_external_references_finds_cdn_loads_but_not_links():
    page = ('<script src="https://cdn.example.org/a.js"></script>'
            "<link rel='stylesheet' href='//fonts.example.com/x.css'>"
            '<style>@import url(https://fonts.googleapis.com/css?family=Lato);</style>'
            '<script type="module">import m from "https://cdn.example.org/m.mjs";</script>'
            '<a href="https://arxiv.org/abs/1211.5063">Pascanu 2013</a>'
            '<script src="assets/requirejs/require.js"></script>')
    assert offline_assets.external_references(page) == [
        "https://cdn.example.org/a.js", "//fonts.example.com/x.css",
        "https://fonts.googleapis.com/css?family=Lato", "https://cdn.example.org/m.mjs"]


def test_link_to_html():
    page = '<a href="glossary.md#bptt">g</a> <a href="03_error_surface.ipynb">n</a>'
    assert offline_assets.link_to_html(page, ".slides.html") == (
        '<a href="glossary.html#bptt">g</a> <a href="03_error_surface.slides.html">n</a>')


def test_title_and_goals():
    nb = v4.new_notebook(cells=[v4.new_markdown_cell(
        "# 07 · GRU\n\n**Learning goals**\n\nBy the end you can:\n\n- one\n  continued\n"
        "- two\n\nThen prose.")])
    assert pages.title_and_goals(nb, "x") == ("07 · GRU", ["one continued", "two"])
    zh = v4.new_notebook(cells=[v4.new_markdown_cell(
        "*[English version](../07_gru.ipynb)*\n\n# 07 · 门控循环单元\n\n**学习目标。** 学完本笔记本，"
        "你将能够\n\n1. 一；\n2. 二。\n\n正文。")])
    assert pages.title_and_goals(zh, "x") == ("07 · 门控循环单元", ["一；", "二。"])


def need_node_modules() -> None:
    """Skip a test that builds slides or a site without node_modules (``make venv`` alone);
    CI runs `npm ci` first (make test), so there it is a failure."""
    if not HAVE_NODE_MODULES:
        message = "node_modules is missing: run `npm ci` first"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Slides and site of the tiny course (built once for the tests below)."""
    need_node_modules()
    base = tmp_path_factory.mktemp("offline")
    src = make_course(base / "src").parent
    add_chinese(src)
    assert build_slides.main(["--src", str(src), "--out", str(base / "slides")]) == 0
    assert build_site.main(["--src", str(src), "--out", str(base / "site")]) == 0
    return base


@pytest.mark.parametrize("kind", ["slides", "site"])
def test_build_has_no_external_urls(built, kind):
    out = built / kind
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 4  # the notebook, index, glossary, claims ledger
    assert offline_assets.external_asset_references(out) == {}
    page = (out / ("05_tiny.slides.html" if kind == "slides" else "05_tiny.html")).read_text(
        encoding="utf-8")
    for asset in ("assets/requirejs/require.js", "assets/mathjax/MathJax.js",
                  "assets/@jupyter-widgets/html-manager/dist/embed-amd.js"):
        assert asset in page
        assert (out / asset).exists(), f"{asset} referenced but not copied"
    if kind == "slides":
        assert "assets/reveal.js/dist/reveal.js" in page
        assert (out / "assets/reveal.js/dist/reveal.js").exists()
    assert "cdnjs" not in page and "unpkg" not in page
    assert 'href="glossary.html"' in page and (out / "glossary.html").exists()
    assert (out / "images" / "pic.png").exists()


def test_site_index_lists_titles_and_goals(built):
    index = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="05_tiny.html"><span class="num">05</span> · Tiny notebook</a>' in index
    page = (built / "site" / "05_tiny.html").read_text(encoding="utf-8")
    deck = (built / "slides" / "05_tiny.slides.html").read_text(encoding="utf-8")
    # the browser tab names the notebook (the deck in its own language), not its file
    assert "<title>05 · Tiny notebook</title>" in page
    assert "<title>05 · Tiny notebook: slides</title>" in deck
    zh_deck = (built / "slides" / "zh" / "05_tiny.slides.html").read_text(encoding="utf-8")
    assert "<title>05 · 小笔记本：幻灯片</title>" in zh_deck
    zh_page = (built / "site" / "zh" / "05_tiny.html").read_text(encoding="utf-8")
    assert "<title>05 · 小笔记本</title>" in zh_page
    assert "<strong>softmax (归一化指数函数)</strong>" in index
    assert 'class="cards"' in index and "<style>" in index
    assert 'href="glossary.html"' in index
    assert "归一化指数函数" in (built / "site" / "glossary.html").read_text(encoding="utf-8")


def test_slides_come_from_the_student_version_with_notes_and_a_styled_index(built):
    deck = (built / "slides" / "05_tiny.slides.html").read_text(encoding="utf-8")
    assert "SOLUTION" not in deck and "e.sum()" not in deck, "solution code reached a slide"
    assert "NotImplementedError" in deck, "the exercise's stub is on its slide"
    assert '<aside class="notes tex2jax_ignore">' in deck, "notes keep their TeX as typed"
    notes = deck.split('<aside class="notes tex2jax_ignore">', 1)[1].split("</aside>", 1)[0]
    assert "A lecturer says this aloud" in notes, "long prose goes to the speaker notes"
    assert "width: 1280," in deck and "height: 720," in deck  # the stage
    index = (built / "slides" / "index.html").read_text(encoding="utf-8")
    assert '<a href="05_tiny.slides.html">' in index and 'class="cards"' in index
    assert "slides</div>" in index  # the slide count on the card
    assert "<kbd>s</kbd> speaker view" in index


@pytest.mark.parametrize("kind, suffix", [("slides", ".slides.html"), ("site", ".html")])
def test_chinese_pages_exist_and_link_to_their_english_twins(built, kind, suffix):
    out = built / kind
    en, zh = out / f"05_tiny{suffix}", out / "zh" / f"05_tiny{suffix}"
    assert sorted(p.name for p in (out / "zh").glob("*.html")) == sorted(
        [zh.name, "glossary.html", "index.html"])
    en_text, zh_text = en.read_text(encoding="utf-8"), zh.read_text(encoding="utf-8")
    assert '<html lang="zh"' in zh_text and "小笔记本" in zh_text
    assert f'class="course-twin" href="../05_tiny{suffix}"' in zh_text      # 中文 -> English
    assert f'class="course-twin" href="zh/05_tiny{suffix}"' in en_text      # English -> 中文
    if kind == "site":  # the notebooks' own twin links point at the other page
        assert f'href="../05_tiny{suffix}">English version' in zh_text
        assert f'href="zh/05_tiny{suffix}">中文版' in en_text
    else:  # a deck links its twin bottom left; no slide holds only the notebook's link
        assert "English version" not in zh_text and "中文版" not in en_text
    assert 'href="glossary.html"' in zh_text
    # the Chinese pages load the English pages' assets: nothing copied twice, nothing online
    assert "../assets/requirejs/require.js" in zh_text and not (out / "zh" / "assets").exists()
    for asset in ("requirejs/require.js", "mathjax/MathJax.js"):
        assert (out / "assets" / asset).exists()
    assert offline_assets.external_asset_references(out) == {}
    zh_index = (out / "zh" / "index.html").read_text(encoding="utf-8")
    en_index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<a href="05_tiny{suffix}"><span class="num">05</span> · 小笔记本</a>' in zh_index
    assert "<li>计算 <strong>softmax（归一化指数函数）</strong>" in zh_index  # goals on the card
    assert 'class="course-twin" href="../index.html"' in zh_index
    assert 'class="course-twin" href="zh/index.html"' in en_index
    assert f'class="twin" href="zh/05_tiny{suffix}"' in en_index             # per card
    assert 'class="cards"' in zh_index and 'lang="zh-CN"' in zh_index
    assert "../assets/mathjax/MathJax.js" in zh_index
    glossary = (out / "zh" / "glossary.html").read_text(encoding="utf-8")
    assert "归一化指数函数" in glossary and 'href="../glossary.html"' in glossary


def test_chinese_slides_have_no_solutions_and_chinese_continuations(built):
    deck = (built / "slides" / "zh" / "05_tiny.slides.html").read_text(encoding="utf-8")
    assert "SOLUTION" not in deck and "e.sum()" not in deck and "✓ softmax" not in deck
    assert "NotImplementedError" in deck
    assert "Noto Sans CJK SC" in deck, "Chinese text asks for a CJK font"
    assert "☰ 目录" in deck and "☰ decks" not in deck
    notes = deck.split('<aside class="notes tex2jax_ignore">', 1)[1].split("</aside>", 1)[0]
    assert "讲课时口头说明" in notes, "the long Chinese paragraph's rest is in the notes"
    shown = deck.split('<aside class="notes tex2jax_ignore">', 1)[0]
    assert "归一化指数函数把得分变成和为一的概率。" in shown, "its first sentence is shown"
    assert "讲课时口头说明" not in shown


def test_slide_estimates_count_chinese_characters_twice():
    """A CJK glyph is about twice as wide as a Latin letter (measured in Chromium on a deck:
    23.0 px against 9.8 px per letter of English prose at 24 px), so Chinese lines wrap after
    about half as many characters."""
    assert slide_plan.display_width("RNN") == 3
    assert slide_plan.display_width("循环，网络。") == 12
    assert slide_plan.visible_length("**循环**神经网络 $h_t$") == 12 + 1 + 2  # markup gone
    english, chinese = "x" * 184, "循" * 92
    assert slide_plan.text_height(chinese) == slide_plan.text_height(english) == 2 * 34
    assert slide_plan.text_height("循" * 93) == 3 * 34
    assert slide_plan.first_sentence("梯度会爆炸。裁剪能防止它！其余") == "梯度会爆炸。"
    assert slide_plan.first_sentence("他说“好。”然后走了") == "他说“好。”然后走了"
    assert slide_plan.first_sentence("见 $a.b$ 与 `x.y`。然后") == "见 $a.b$ 与 `x.y`。"
    planned = slide_plan.plan_slides(v4.new_notebook(
        cells=[v4.new_markdown_cell("## 标题\n\n" + "\n\n".join(["短句。"] * 30))],
        metadata={"course": {"language": "zh"}}))
    assert "标题（续）" in "".join(c.source for c in planned.cells)
    long_code = v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(30)),
                                 outputs=[stream("行\n" * 40)])
    planned = slide_plan.plan_slides(v4.new_notebook(
        cells=[v4.new_markdown_cell("## 标题"), long_code],
        metadata={"course": {"language": "zh"}}))
    notes = "".join(c.source for c in planned.cells)
    assert "代码（30 行，见笔记本）：" in notes and "输出：" in notes and "Output:" not in notes


def test_slides_refuse_solution_code(tmp_path, monkeypatch, capsys):
    """If solution code got past the student version, the build stops instead of showing it."""
    need_node_modules()
    src = make_course(tmp_path / "src")
    monkeypatch.setattr(build_slides, "student_notebook", lambda nb, name: (nb, 0))
    assert build_slides.main(["--src", str(src.parent), "--out", str(tmp_path / "out")]) == 1
    assert "solution code would reach the slides" in capsys.readouterr().err


def test_missing_node_modules_is_explained(tmp_path):
    with pytest.raises(SystemExit, match="npm ci"):
        offline_assets.vendor_assets(tmp_path / "out", root=tmp_path)


# ---------------------------------------------------------------- every script's --help

@pytest.mark.parametrize("module, option", [
    (student_version, "--out"), (build_slides, "--out"), (build_site, "--out"),
    (personal_copy, "--update"), (student_version, "--lang"), (build_slides, "--lang"),
    (build_site, "--lang"),
])
def test_help(module, option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        module.main(["--help"])
    assert exit_info.value.code == 0
    assert option in capsys.readouterr().out


def test_claims_ledger_page_and_the_notebooks_links_to_it(tmp_path):
    """Built pages link to CLAIMS.md one folder up (two from a translation), which a built
    site or deck does not have: the build renders it as claims.html and points the links
    there, its own links to notebooks going to the built pages."""
    from tools.pages import link_claims, render_claims

    claims = tmp_path / "CLAIMS.md"
    claims.write_text("# Claims ledger\n\n| claim | where |\n|---|---|\n"
                      "| w^999 | [03](notebooks/03_error_surface.ipynb) |\n", encoding="utf-8")
    out = tmp_path / "site"
    (out / "zh").mkdir(parents=True)
    (out / "03_error_surface.html").write_text('<a href="../CLAIMS.md">CLAIMS.md</a>')
    (out / "zh" / "03_error_surface.html").write_text('<a href="../../CLAIMS.md">CLAIMS.md</a>')
    page = render_claims(out, ".slides.html", claims=claims)
    assert 'href="03_error_surface.slides.html"' in page.read_text(encoding="utf-8")
    assert "<table>" in page.read_text(encoding="utf-8")
    assert link_claims(out, ["en", "zh"]) == 2
    assert 'href="claims.html"' in (out / "03_error_surface.html").read_text()
    assert 'href="../claims.html"' in (out / "zh" / "03_error_surface.html").read_text()
    assert render_claims(out, claims=tmp_path / "missing.md") is None


def test_one_edition_built_alone_keeps_no_link_to_the_other(tmp_path):
    """make slides EDITION=en, a site or a student version of English alone: the notebook's
    first-line "中文版" link would lead nowhere, so it is dropped; with both editions it stays
    (student version, site) or is the deck's own twin link."""
    need_node_modules()
    src = make_course(tmp_path / "src").parent
    add_chinese(src)
    assert build_slides.main(["--src", str(src), "--out", str(tmp_path / "sl"), "--lang", "en"]) == 0
    assert build_site.main(["--src", str(src), "--out", str(tmp_path / "si"), "--lang", "en"]) == 0
    assert student_version.main(["--src", str(src), "--out", str(tmp_path / "st"),
                                 "--lang", "en"]) == 0
    deck = (tmp_path / "sl" / "05_tiny.slides.html").read_text(encoding="utf-8")
    page = (tmp_path / "si" / "05_tiny.html").read_text(encoding="utf-8")
    student = nbformat.read(tmp_path / "st" / "05_tiny.ipynb", as_version=4)
    assert "中文版" not in deck and "zh/05_tiny" not in deck
    assert "中文版" not in page and "zh/05_tiny" not in page
    assert student.cells[0].source.startswith("# 05 · Tiny notebook")
    assert student_version.main(["--src", str(src), "--out", str(tmp_path / "both")]) == 0
    assert "zh/glossary" not in (tmp_path / "st" / "glossary.md").read_text(encoding="utf-8")
    assert "zh/glossary" not in (tmp_path / "si" / "glossary.html").read_text(encoding="utf-8")
    both = nbformat.read(tmp_path / "both" / "05_tiny.ipynb", as_version=4)
    assert both.cells[0].source.startswith("*[中文版](zh/05_tiny.ipynb)*")
    assert (tmp_path / "both" / "zh" / "05_tiny.ipynb").exists()


def test_the_chinese_edition_built_alone_links_only_pages_it_built(tmp_path):
    """make site/slides/student EDITION=zh: the glossary's first-line link to the English
    glossary is dropped, and the claims page (one folder up, in English) links the Chinese
    pages and the Chinese index, the only ones built."""
    need_node_modules()
    src = make_course(tmp_path / "src").parent
    add_chinese(src)
    for tool, name in ((build_site, "si"), (build_slides, "sl")):
        out = tmp_path / name
        assert tool.main(["--src", str(src), "--out", str(out), "--lang", "zh"]) == 0
        assert not (out / "index.html").exists() and (out / "zh" / "index.html").exists()
        assert not list(out.rglob("glossary.md"))  # rendered as glossary.html, not copied
        glossary = (out / "zh" / "glossary.html").read_text(encoding="utf-8")
        assert "../glossary" not in glossary and "English version" not in glossary
        links = re.findall(r'href="([^"#]+)', (out / "claims.html").read_text(encoding="utf-8"))
        assert "zh/index.html" in links and "zh/03_error_surface" + (
            ".html" if name == "si" else ".slides.html") in links
        assert all(t.startswith("zh/") for t in links if not re.match(r"[a-z]+:", t)), links
    out = tmp_path / "st"
    assert student_version.main(["--src", str(src), "--out", str(out), "--lang", "zh"]) == 0
    assert (out / "zh" / "glossary.md").read_text(encoding="utf-8").startswith("# 术语表")
    # the tiny course's ../../CLAIMS.md is not the repository's ledger, so it is not copied
    assert broken_links(out) == ["zh/05_tiny.ipynb: ../../CLAIMS.md"]
