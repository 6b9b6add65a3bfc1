"""House style every notebook shares, checked statically (no kernel): design §1, §4 and §6."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GLOSSARY = (ROOT / "notebooks/glossary.md").read_text(encoding="utf-8")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def test_notebooks_are_numbered_without_gaps():
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers, "no numbered notebooks NN_*.ipynb in notebooks/"
    assert numbers == [f"{i:02d}" for i in range(len(numbers))], (
        f"notebook numbers must run 00, 01, … without gaps or repeats, got {numbers}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_sections_and_glossary_link(path):
    text = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    for heading in ("Learning goals", "Summary", "Exercises", "References"):
        assert heading.lower() in text.lower(), f"{path.name} has no '{heading}' section"
    assert "glossary.md" in text, f"{path.name} does not link the glossary"
    assert re.search(r"[Ll]ecture", text), f"{path.name} does not name its lecture passage"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_links_its_chinese_twin_first(path):
    """A reader of the English notebook finds the Chinese edition from its first line (the
    Chinese notebook's first line links back, see tools.i18n)."""
    first = next(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    assert first.startswith(f"*[中文版](zh/{path.name})*\n"), first[:80]
    assert (path.parent / "zh" / path.name).is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_exercises_have_solutions_and_checkers(path):
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    n_solutions = sum(s.count("### BEGIN SOLUTION") for s in code)
    assert n_solutions == sum(s.count("### END SOLUTION") for s in code)
    assert n_solutions >= 2, f"{path.name} has {n_solutions} exercise solutions, needs 2-4 exercises"
    checkers = sum(len(re.findall(r"\bcheck_\w+\(", s)) for s in code
                   if "exercises" in s or "check_" in s)
    assert checkers >= 2, f"{path.name}: exercises need checker calls"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_stored_outputs_come_from_one_clean_run(path):
    counts = [c.get("execution_count") for c in cells(path)
              if c["cell_type"] == "code" and source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts[:8]}…; re-run it with `make execute`")
    for i, c in enumerate(cells(path)):
        tags = c.get("metadata", {}).get("tags", [])
        for out in c.get("outputs", []):
            assert out["output_type"] != "error" or "raises-exception" in tags, (
                f"{path.name} cell {i} stores an error: {out.get('ename')}")
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"{path.name} cell {i} stores stderr output: {''.join(out['text'])[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_seeded_first_code_cell(path):
    first = next(source(c) for c in cells(path) if c["cell_type"] == "code")
    assert "seed_everything(" in first, f"{path.name}: the first code cell must seed everything"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_glossary_terms_are_introduced_with_chinese_names(path):
    """Every glossary row that points at this notebook names a term its text introduces."""
    text = "\n".join(source(c) for c in cells(path))
    rows = [r for r in GLOSSARY.splitlines() if f"]({path.name})" in r]
    assert rows, f"{path.name} introduces no glossary term"
    missing = []
    for row in rows:
        english, chinese = (x.strip() for x in row.split("|")[1:3])
        # the Chinese name (or its part before a parenthesis) must appear in the notebook
        core = re.split(r"[（(]", chinese)[0].strip()
        if core not in text:
            missing.append(f"{english} ({chinese})")
    assert not missing, f"{path.name} never writes these glossary names: {missing}"


def test_readme_lists_every_notebook_and_the_glossary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README does not link {path.name}"
    assert "notebooks/glossary.md" in readme


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_result_reported_only_in_prose(path):
    """A result is computed by a cell, never told as "when we ran this …" (issue 15)."""
    text = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown").lower()
    found = [p for p in ("when we ran", "when i ran", "in our runs", "in our run,",
                         "we observed", "on our machine") if p in text]
    assert not found, f"{path.name}: a result told in prose ({found}); compute and check it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_check_is_on_the_ledger_and_the_notebook_shows_its_table(path):
    """The first code cell sets up the notebook's Ledger; after the Summary, a section
    "Claims checked in this notebook" shows ``ledger.table()`` (CONTRIBUTING.md)."""
    all_cells = cells(path)
    first = next(source(c) for c in all_cells if c["cell_type"] == "code")
    assert f'Ledger("{path.name[:2]}")' in first, (
        f'{path.name}: the first code cell must create Ledger("{path.name[:2]}")')
    headings = [i for i, c in enumerate(all_cells) if c["cell_type"] == "markdown"
                and "claims checked in this notebook" in source(c).lower()]
    assert headings, f"{path.name} has no 'Claims checked in this notebook' section"
    assert any("ledger.table()" in source(c) for c in all_cells[headings[0]:]
               if c["cell_type"] == "code"), f"{path.name}: the claims section shows no ledger.table()"
