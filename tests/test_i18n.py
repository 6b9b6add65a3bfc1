"""The Chinese edition's machinery: blocks, fingerprints, stale/missing detection, the build."""

from __future__ import annotations

import nbformat
import pytest

from tools import i18n


@pytest.fixture()
def course(tmp_path, monkeypatch):
    """A one-notebook course in tmp_path, with the tool pointed at it."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 00 · Title\n\nSee [the ledger](../CLAIMS.md).", id="t0"),
        nbformat.v4.new_code_cell("print(1)", id="c1"),
        nbformat.v4.new_markdown_cell("## 1. A section\n\nThe **hidden state**.", id="m2"),
    ])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    path = nbdir / "00_demo.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(i18n, "NOTEBOOKS", nbdir)
    monkeypatch.setattr(i18n, "TRANSLATIONS", tmp_path / "i18n" / "zh")
    monkeypatch.setattr(i18n, "BUILT", nbdir / "zh")
    monkeypatch.setattr(i18n, "DOCUMENTS", {})
    return path


def translate(path, texts):
    tfile = i18n.translation_file(path)
    blocks = "".join(f"<!-- cell {u.id} · en {i18n.fingerprint(u.source)} -->\n{texts[u.id]}\n\n"
                     for u in i18n.units(path))
    tfile.parent.mkdir(parents=True, exist_ok=True)
    tfile.write_text(blocks, encoding="utf-8")


def test_fingerprint_ignores_trailing_spaces_only():
    assert i18n.fingerprint("a  \nb") == i18n.fingerprint("a\nb\n")
    assert i18n.fingerprint("a\nb") != i18n.fingerprint("a\nc")


def test_missing_then_built_with_code_and_outputs_unchanged(course):
    assert [u.id for u in i18n.status(course)["missing"]] == ["t0", "m2"]
    translate(course, {"t0": "# 00 · 标题\n\n见[记录](../CLAIMS.md)。", "m2": "## 1. 一节\n\n**隐藏状态**。"})
    assert not any(i18n.status(course).values())
    zh = i18n.build_one(course)
    en = nbformat.read(course, as_version=4)
    assert zh.cells[1].source == en.cells[1].source and zh.cells[1].outputs == en.cells[1].outputs
    assert "(../../CLAIMS.md)" in zh.cells[0].source            # links leaving notebooks/ fixed
    assert zh.cells[0].source.startswith("*[English version](../00_demo.ipynb)*")
    assert zh.metadata["course"]["language"] == "zh"


def test_an_english_change_makes_its_translation_stale(course):
    translate(course, {"t0": "# 00 · 标题", "m2": "## 1. 一节"})
    nb = nbformat.read(course, as_version=4)
    nb.cells[2].source += " Changed."
    nbformat.write(nb, course)
    s = i18n.status(course)
    assert [u.id for u in s["stale"]] == ["m2"] and not s["missing"]
    with pytest.raises(i18n.TranslationError, match="1 stale"):
        i18n.build_one(course)


def test_orphan_and_malformed_blocks_are_reported(course, tmp_path):
    translate(course, {"t0": "# 00 · 标题", "m2": "## 1. 一节"})
    tfile = i18n.translation_file(course)
    tfile.write_text(tfile.read_text() + "<!-- cell gone · en 0123456789ab -->\n旧\n")
    assert i18n.status(course)["orphan"] == ["gone"]
    tfile.write_text("<!-- cell t0 en 0123 -->\n坏\n")
    with pytest.raises(i18n.TranslationError, match="line 1: malformed header"):
        i18n.read_blocks(tfile)


def test_stub_then_check_the_committed_build(course, capsys):
    assert i18n.main(["stub"]) == 0
    assert "2 empty blocks" in capsys.readouterr().out
    assert i18n.main(["status"]) == 1                     # stubs are still empty
    translate(course, {"t0": "# 00 · 标题", "m2": "## 1. 一节"})
    assert i18n.main(["check"]) == 1                      # nothing built yet
    assert i18n.main(["build"]) == 0 and i18n.main(["check"]) == 0
    built = i18n.BUILT / "00_demo.ipynb"
    nb = nbformat.read(built, as_version=4)
    nb.cells[0].source += " 改"
    nbformat.write(nb, built)
    assert i18n.main(["check"]) == 1                      # hand-edited build detected


def test_stub_twice_adds_nothing_and_a_new_cell_goes_where_it_is_in_the_notebook(course,
                                                                                 capsys):
    """``stub`` adds a block only for a cell that has none (an empty stub counts as one), so a
    second run leaves the file as it was; a block for a cell added later goes between the blocks
    of its neighbours, in the notebook's order, with finished blocks untouched."""
    assert i18n.main(["stub", "00"]) == 0
    tfile = i18n.translation_file(course)
    first = tfile.read_text(encoding="utf-8")
    assert i18n.main(["stub", "00"]) == 0
    assert "0 empty blocks" in capsys.readouterr().out.splitlines()[-1]
    assert tfile.read_text(encoding="utf-8") == first
    assert list(i18n.read_blocks(tfile)) == ["t0", "m2"]

    translate(course, {"t0": "# 00 · 标题", "m2": "## 1. 一节"})
    done = tfile.read_text(encoding="utf-8")
    nb = nbformat.read(course, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_markdown_cell("A new paragraph.", id="new"))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("A banner.", id="top"))
    nbformat.write(nb, course)
    assert i18n.write_stub(course) == 2 and i18n.write_stub(course) == 0
    assert list(i18n.read_blocks(tfile)) == ["top", "t0", "new", "m2"]
    text = tfile.read_text(encoding="utf-8")
    assert text.replace(
        f"<!-- cell top · en {i18n.fingerprint('A banner.')} -->\n<!-- EN:\nA banner.\n-->\n\n", ""
    ).replace(
        f"<!-- cell new · en {i18n.fingerprint('A new paragraph.')} -->\n<!-- EN:\n"
        "A new paragraph.\n-->\n\n", "") == done   # the finished blocks, byte for byte
    assert [u.id for u in i18n.status(course)["missing"]] == ["top", "new"]


def test_the_repositorys_chinese_edition_is_complete_current_and_committed(capsys):
    """Every markdown cell of every notebook, README and the glossary intro translated, no
    translation stale, and the committed notebooks/zh/, README.zh.md and
    notebooks/zh/glossary.md equal to a fresh build (``python -m tools.i18n check``)."""
    result = i18n.main(["check"])
    out = capsys.readouterr()
    problems = [line for line in out.out.splitlines() if " missing" in line or " stale" in line
                or "orphan" in line]
    assert result == 0, "\n".join([*problems, out.err.strip(), "(make zh-status lists them)"])


def test_documents_are_split_by_section():
    text = "# T\n\nintro\n\n## Quick start\n\nx\n\n## The notebooks\n\ny\n"
    assert [i for i, _ in i18n.sections(text)] == ["top", "quick-start", "the-notebooks"]


@pytest.mark.parametrize("command", ["status", "stub", "build", "check"])
def test_an_unknown_notebook_number_is_an_error_naming_those_that_exist(course, command,
                                                                        capsys):
    with pytest.raises(SystemExit) as exit_:
        i18n.main([command, "99"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "no notebook matches '99'" in err and "(there are 1: 00)" in err
    assert not i18n.translation_file(course).exists()  # stub wrote nothing
