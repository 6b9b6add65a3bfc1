"""The slide structure ``tools.slide_plan`` derives from a notebook's shape (no browser; the
real slides are measured in test_browser.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from tools import slide_plan as sp
from tools.notebooks import course_notebooks
from tools.student_version import student_notebook

ROOT = Path(__file__).resolve().parent.parent
LONG = ("The first sentence says what the section is about. " + "Then the lecture goes on, "
        "with detail the speaker tells rather than shows on the slide. " * 4)


def slide_types(nb):
    return [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]


def slides_of(nb):
    """[(kind, [cells], notes cell or None)] of a planned notebook."""
    slides = []
    for cell in nb.cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if kind in ("slide", "subslide"):
            slides.append([kind, [cell], None])
        elif kind == "notes":
            assert slides[-1][2] is None, "one notes cell per slide (reveal shows the first)"
            slides[-1][2] = cell
        else:
            slides[-1][1].append(cell)
    return slides


def test_split_markdown_keeps_maths_fences_and_lists_whole():
    source = ("## Title\nIntro line one\nline two.\n\n$$\na = b\n\n+ c\n$$\n\n- item one\n"
              "  continued\n\n- item two\n\nAfter the list.\n\n```python\nx = 1\n\ny = 2\n```\n"
              "| a | b |\n|---|---|\n| 1 | 2 |")
    blocks = sp.split_markdown(source)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "math", "list", "paragraph",
                                        "fence", "table"]
    assert blocks[0].level == 2 and "a = b\n\n+ c" in blocks[2].text
    assert len(blocks[3].items) == 2 and "continued" in blocks[3].items[0]
    assert "y = 2" in blocks[5].text


@pytest.mark.parametrize("text, first", [
    ("One. Two.", "One."),
    ("Take $x = 0.5. Y$ here. Next one.", "Take $x = 0.5. Y$ here."),
    ("Use e.g. numpy here. Then torch.", "Use e.g. numpy here."),
    ("A value of 0.99 works. More.", "A value of 0.99 works."),
    ("Call `f(). G` first. Then g.", "Call `f(). G` first."),
    ("no end", "no end"),
    ("D. Britz, \"RNN tutorial\", WildML. More.", "D. Britz, \"RNN tutorial\", WildML."),
    ("P. J. Werbos, Proc. IEEE 78(10), 1990. Next.", "P. J. Werbos, Proc. IEEE 78(10), 1990."),
])
def test_first_sentence(text, first):
    assert sp.first_sentence(text) == first


@pytest.mark.parametrize("source, setup", [
    ("%matplotlib inline\nimport numpy as np\nfrom x import (\n    a,\n    b,\n)\n\n"
     "rng = seed_everything(0)  # comment", True),
    ("import numpy as np\nx = np.zeros(3)", False),
    ("print(1)", False),
    ("", False),
])
def test_setup_cells(source, setup):
    assert sp.is_setup_cell(source) is setup


def stream(text):
    return v4.new_output("stream", name="stdout", text=text)


def notebook(*cells):
    nb = v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_headings_start_slides_prose_goes_to_notes_outputs_are_fragments():
    nb = notebook(
        v4.new_markdown_cell("# 01 · Title\n\nShort intro."),
        v4.new_code_cell("import numpy as np\nrng = seed_everything(0)"),
        v4.new_markdown_cell(f"## Section\n\n{LONG}"),
        v4.new_code_cell("x = 1\nprint(x)", outputs=[stream("1\n")], execution_count=1),
        v4.new_code_cell("y = 2", outputs=[stream("2\n")], execution_count=2),
        v4.new_markdown_cell("### Sub\n\n**Exercise 1 — do it.** " + LONG),
        v4.new_code_cell("\n".join(f"z{i} = {i}" for i in range(30)),
                         outputs=[stream("done\n")], execution_count=3),
    )
    planned = sp.plan_slides(nb)
    slides = slides_of(planned)
    assert [s[0] for s in slides] == ["slide", "slide", "subslide"]
    text = nbformat.writes(planned)
    assert "seed_everything" not in text, "the set-up cell is skipped"
    section = slides[1]
    shown = "\n".join(c.source for c in section[1] if c.cell_type == "markdown")
    assert "The first sentence says what the section is about." in shown
    assert "detail the speaker tells" not in shown
    assert "detail the speaker tells" in section[2].source, "the paragraph is in the notes"
    kinds = [c.metadata["slideshow"]["slide_type"] for c in section[1]]
    outputs = [c for c in section[1] if c.metadata.get("transient", {}).get("remove_source")]
    assert len(outputs) == 2 and all(c.outputs for c in outputs)
    assert kinds[kinds.index("fragment"):] == ["fragment"] * len(kinds[kinds.index("fragment"):])
    sub = slides[2]
    assert "**Exercise 1 — do it.**" in sub[1][1].source  # the bold lead-in is shown
    assert "z29 = 29" not in "".join(c.source for c in sub[1] if c.cell_type == "code"
                                     and not c.metadata.get("transient"))
    assert "z29 = 29" in sub[2].source, "30 lines of code go to the notes"
    assert any(c.outputs and c.outputs[0].get("text") == "done\n" for c in sub[1]
               if c.cell_type == "code"), "its output is still shown"


def test_metadata_overrides_the_defaults():
    long_code = "\n".join(f"a{i} = {i}" for i in range(20))
    nb = notebook(
        v4.new_markdown_cell("# Title"),
        v4.new_markdown_cell("Skipped.", metadata={"slideshow": {"slide_type": "skip"}}),
        v4.new_markdown_cell("Said, not shown.", metadata={"slideshow": {"slide_type": "notes"}}),
        v4.new_markdown_cell("A new sub-slide.",
                             metadata={"slideshow": {"slide_type": "subslide"}}),
        v4.new_code_cell(long_code, metadata={"tags": ["slides-show"]}),
        v4.new_markdown_cell("Appears on a key press.",
                             metadata={"slideshow": {"slide_type": "fragment"}}),
    )
    planned = sp.plan_slides(nb)
    slides = slides_of(planned)
    text = nbformat.writes(planned)
    assert "Skipped." not in text
    assert [s[0] for s in slides] == ["slide", "subslide"]
    assert "Said, not shown." in slides[0][2].source
    assert slides[1][1][0].source == "A new sub-slide."
    assert any(c.source == long_code for c in slides[1][1]), "slides-show keeps long code"
    assert slides[1][1][-1].metadata["slideshow"]["slide_type"] == "fragment"


def test_too_much_for_one_slide_continues_on_a_sub_slide():
    nb = notebook(v4.new_markdown_cell("## Many code cells"),
                  *[v4.new_code_cell("\n".join(f"v = {i}" for i in range(10))) for _ in range(6)])
    slides = slides_of(sp.plan_slides(nb))
    assert len(slides) >= 3 and slides[1][0] == "subslide"
    assert "Many code cells (continued)" in slides[1][1][0].source
    for _, cells, _ in slides:
        assert int(cells[0].metadata["slideshow"]["data"]["estimated_height"]) <= sp.BUDGET_H


def test_prose_is_never_lost():
    """Every paragraph ends up on its slide or, in full, in the notes."""
    paragraphs = [LONG, "Short one.", "**Bold lead.** " + LONG]
    nb = notebook(v4.new_markdown_cell("## S\n\n" + "\n\n".join(paragraphs)))
    planned = sp.plan_slides(nb)
    shown = "\n".join(c.source for c in planned.cells
                      if c.metadata["slideshow"]["slide_type"] != "notes")
    notes = "\n".join(c.source for c in planned.cells
                      if c.metadata["slideshow"]["slide_type"] == "notes")
    for p in paragraphs:
        assert p in shown or p in notes


@pytest.mark.skipif(not course_notebooks(), reason="no course notebooks")
@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name[:2])
def test_course_decks_are_planned_within_the_stage(path):
    student, _ = student_notebook(nbformat.read(path, as_version=4), path.name)
    planned = sp.plan_slides(student)
    assert "BEGIN SOLUTION" not in nbformat.writes(planned)
    slides = slides_of(planned)
    for _kind, cells, _ in slides:
        estimate = int(cells[0].metadata["slideshow"]["data"]["estimated_height"])
        alone = len([c for c in cells if "course-continued" not in c.source]) == 1
        assert estimate <= sp.BUDGET_H or alone, (path.name, cells[0].source[:60], estimate)
    with_notes = sum(notes is not None for *_, notes in slides)
    assert with_notes >= len(slides) // 3, "the prose should be in the speaker notes"


def test_html_tables_are_estimated_and_long_ones_go_to_the_notes():
    row = "<tr><td>✓</td><td>a claim that takes a line or so of text to state</td></tr>"
    short = f"<p><b>Claims</b>: 2 of 2 hold.</p><table>{row * 2}</table>"
    long = f"<p><b>Claims</b>: 30 of 30 hold.</p><table>{row * 30}</table>"
    assert sp.html_height(long) > sp.BUDGET_H > sp.html_height(short) > 2 * sp.TABLE_LINE

    def cell(markup):
        return v4.new_code_cell("ledger.table()", execution_count=1, outputs=[v4.new_output(
            "execute_result", data={"text/html": markup, "text/plain": "table"},
            execution_count=1)])

    planned = sp.plan_slides(notebook(v4.new_markdown_cell("## Claims"), cell(short),
                                      v4.new_markdown_cell("## More claims"), cell(long)))
    slides = slides_of(planned)
    shown = [c for c in slides[0][1] if c.cell_type == "code" and c.outputs]
    assert shown and "2 of 2 hold" in shown[0].outputs[0]["data"]["text/html"]
    assert not [c for c in slides[1][1] if c.cell_type == "code" and c.outputs]
    assert "30 of 30 hold" in slides[1][2].source, "the long table is in the notes"


@pytest.mark.parametrize("name", ["03_error_surface.ipynb", "09_slot_tagger.ipynb"])
def test_every_slide_names_a_source_cell_the_twin_deck_also_shows(name):
    """The twin link of a deck needs, on every slide, a piece id "<source cell id>-k" whose
    source cell the other edition's deck shows too; the ids a plan adds are stable, so two
    builds are identical."""
    root = Path(__file__).resolve().parents[1] / "notebooks"
    shown = {}
    for lang, path in (("en", root / name), ("zh", root / "zh" / name)):
        if not path.exists():
            pytest.skip("Chinese edition not built")
        nb, _ = student_notebook(nbformat.read(path, as_version=4), name)
        plan = sp.plan_slides(nb)
        assert [c.id for c in plan.cells] == [c.id for c in sp.plan_slides(nb).cells]
        sources = {c.id for c in nb.cells}
        slides, current = [], None
        for cell in plan.cells:
            kind = cell.metadata.get("slideshow", {}).get("slide_type")
            if kind in ("slide", "subslide") or current is None:
                current = []
                slides.append(current)
            if kind != "notes" and "-" in cell.id and cell.id.rsplit("-", 1)[1].isdigit():
                assert cell.id.rsplit("-", 1)[0] in sources, cell.id
                current.append(cell.id.rsplit("-", 1)[0])
        assert all(slides), f"{lang}: a slide without a piece of a source cell"
        shown[lang] = {s[0] for s in slides}
    assert shown["en"] <= {c.id for c in nbformat.read(root / "zh" / name, as_version=4).cells}
