"""Tests for the learner/instructor builds: student version, personal copy, offline slides/site.

The slow parts (a real browser) are in ``test_browser.py``; here the slides and site are built
from one small generated notebook and checked as text.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbformat import v4

from tools import build_site, build_slides, offline_assets, pages, personal_copy, student_version
from tools.notebooks import course_notebooks

ROOT = Path(__file__).resolve().parent.parent
COURSE_NOTEBOOKS = course_notebooks(ROOT / "notebooks")
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
        v4.new_markdown_cell("# 05 · Tiny notebook\n\n## Learning goals\n\n- compute a "
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
    (folder / "glossary.md").write_text("# Glossary\n\n| English | 中文 |\n|---|---|\n"
                                        "| softmax | 归一化指数函数 |\n", encoding="utf-8")
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "pic.png").write_bytes(b"\x89PNG fake")
    return path


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


def test_student_version_reports_file_and_cell(tmp_path, capsys):
    src = make_course(tmp_path / "src")
    nb = nbformat.read(src, as_version=4)
    nb.cells[4].source = "### BEGIN SOLUTION\nx = 1"  # cell 5, never closed
    nbformat.write(nb, src)
    out = tmp_path / "student"
    assert student_version.main(["--src", str(src.parent), "--out", str(out)]) == 1
    assert "05_tiny.ipynb, cell 5: line 1: BEGIN SOLUTION without an END" in capsys.readouterr().err
    assert not out.exists(), "nothing is written when a notebook has bad markers"


@pytest.mark.skipif(not COURSE_NOTEBOOKS, reason="no course notebooks yet")
def test_student_version_of_the_course(tmp_path):
    before = {p: sha(p) for p in COURSE_NOTEBOOKS}
    counts = student_version.write_student_version(ROOT / "notebooks", tmp_path)
    assert {p: sha(p) for p in COURSE_NOTEBOOKS} == before, "instructor notebooks changed"
    transform = TransformerManager().transform_cell  # notebooks may use %magics
    for path in COURSE_NOTEBOOKS:
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
    assert (dest / "glossary.md").read_text(encoding="utf-8").startswith("# Glossary\n")

    (dest / "images" / "pic.png").write_bytes(b"my drawing")  # learner edits this one too
    third = personal_copy.personal_copy(src, dest, update=True)
    assert third["updated"] == ["glossary.md"]
    assert sorted(third["kept"]) == ["05_tiny.ipynb", "images/pic.png"]
    assert (dest / "glossary.md").read_text(encoding="utf-8") == "# Glossary v2\n"
    assert (dest / "05_tiny.ipynb").read_text(encoding="utf-8") == "my own work"
    assert (dest / "images" / "pic.png").read_bytes() == b"my drawing"
    assert "images/new.png" in third["unchanged"]


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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Slides and site of the tiny course (built once for the tests below)."""
    if not HAVE_NODE_MODULES:  # CI runs `npm ci` first (make test), so there it is a failure
        message = "node_modules is missing: run `npm ci` first"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("offline")
    src = make_course(base / "src").parent
    assert build_slides.main(["--src", str(src), "--out", str(base / "slides")]) == 0
    assert build_site.main(["--src", str(src), "--out", str(base / "site")]) == 0
    return base


@pytest.mark.parametrize("kind", ["slides", "site"])
def test_build_has_no_external_urls(built, kind):
    out = built / kind
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 3  # the notebook, index, glossary
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


def test_slides_refuse_solution_code(tmp_path, monkeypatch, capsys):
    """If solution code got past the student version, the build stops instead of showing it."""
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
    (personal_copy, "--update"),
])
def test_help(module, option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        module.main(["--help"])
    assert exit_info.value.code == 0
    assert option in capsys.readouterr().out
