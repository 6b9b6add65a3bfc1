"""``make lab``'s workspace (``tools.lab``): the learner's copy, the originals linked in and
served read-only, the news pop-up off. The same server in a real browser: test_browser.py."""

from __future__ import annotations

import asyncio
import json
import os

import nbformat
import pytest
from tornado.web import HTTPError

from tools import lab
from tools.personal_copy import MANIFEST


def make_course(folder, chinese=False):
    folder.mkdir(parents=True)
    for name in ("00_a.ipynb", "01_b.ipynb"):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print('{name}')")])
        nbformat.write(nb, folder / name)
    (folder / "glossary.md").write_text("# Glossary\n", encoding="utf-8")
    if chinese:  # the Chinese edition, as tools.i18n builds it into notebooks/zh/
        (folder / "zh").mkdir()
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell("*[English version](../00_a.ipynb)*\n\n# 00 · 甲"),
            nbformat.v4.new_code_cell("print('00_a.ipynb')")])
        nbformat.write(nb, folder / "zh" / "00_a.ipynb")
        (folder / "zh" / "glossary.md").write_text("# 术语表\n", encoding="utf-8")
    return folder


@pytest.fixture
def workspace(tmp_path):
    src = make_course(tmp_path / "repo" / "notebooks")
    dest = tmp_path / "repo" / "my_notebooks"
    report = lab.prepare_workspace(dest, src)
    return src, dest, report


def test_workspace_copies_and_links_the_originals(workspace):
    src, dest, report = workspace
    assert sorted(report["copied"]) == ["00_a.ipynb", "01_b.ipynb", "glossary.md"]
    link = dest / lab.ORIGINALS
    assert link.is_symlink() and not os.path.isabs(os.readlink(link)), "a relative link"
    assert link.resolve() == src.resolve()
    assert (link / "00_a.ipynb").read_bytes() == (src / "00_a.ipynb").read_bytes()


def test_workspace_never_overwrites_the_learners_work(workspace):
    src, dest, _ = workspace
    (dest / "00_a.ipynb").write_text("my work", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), src / "02_c.ipynb")  # the course grows
    report = lab.prepare_workspace(dest, src)  # make lab again: idempotent
    assert report["copied"] == ["02_c.ipynb"] and report["kept"] == ["00_a.ipynb"]
    assert (dest / "00_a.ipynb").read_text(encoding="utf-8") == "my work"
    assert (dest / MANIFEST).exists()


def test_workspace_has_the_chinese_edition_and_its_originals_read_only(tmp_path):
    src = make_course(tmp_path / "repo" / "notebooks", chinese=True)
    dest = tmp_path / "repo" / "my_notebooks"
    report = lab.prepare_workspace(dest, src)
    assert {"zh/00_a.ipynb", "zh/glossary.md"} <= set(report["copied"])
    (dest / "zh" / "00_a.ipynb").write_text("我的作业", encoding="utf-8")
    again = lab.prepare_workspace(dest, src)  # make lab again: the learner's zh work stays
    assert again["kept"] == ["zh/00_a.ipynb"]
    assert (dest / "zh" / "00_a.ipynb").read_text(encoding="utf-8") == "我的作业"
    cm = manager(dest)
    original = f"{lab.ORIGINALS}/zh/00_a.ipynb"
    model = run(cm.get(original))
    assert model["writable"] is False and "甲" in model["content"].cells[0].source
    assert run(cm.get("zh/00_a.ipynb", content=False))["writable"] is True
    with pytest.raises(HTTPError) as err:
        run(cm.save(model, original))
    assert err.value.status_code == 403
    assert "# 00 · 甲" in (src / "zh" / "00_a.ipynb").read_text(encoding="utf-8")


def test_a_folder_in_the_way_of_the_link_is_left_alone(tmp_path):
    src = make_course(tmp_path / "notebooks")
    dest = tmp_path / "mine"
    (dest / lab.ORIGINALS).mkdir(parents=True)
    (dest / lab.ORIGINALS / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="course_originals exists and is not a link"):
        lab.prepare_workspace(dest, src)
    assert (dest / lab.ORIGINALS / "notes.txt").read_text(encoding="utf-8") == "mine"


def manager(root):
    return lab.CourseContentsManager(root_dir=str(root))


def run(coro):
    return asyncio.run(coro)


def test_originals_are_served_read_only(workspace):
    src, dest, _ = workspace
    cm = manager(dest)
    before = (src / "00_a.ipynb").read_bytes()
    model = run(cm.get(f"{lab.ORIGINALS}/00_a.ipynb"))
    assert model["writable"] is False
    listing = run(cm.get(lab.ORIGINALS))
    assert listing["writable"] is False and all(e["writable"] is False for e in
                                                listing["content"])
    top = run(cm.get(""))
    assert {e["name"]: e["writable"] for e in top["content"]}[lab.ORIGINALS] is False
    assert {e["name"]: e["writable"] for e in top["content"]}["00_a.ipynb"] is True

    attempts = {
        "saved": lambda: cm.save(model, f"{lab.ORIGINALS}/00_a.ipynb"),
        "deleted": lambda: cm.delete(f"{lab.ORIGINALS}/00_a.ipynb"),
        "renamed": lambda: cm.rename(f"{lab.ORIGINALS}/00_a.ipynb", "x.ipynb"),
        "replaced": lambda: cm.rename("00_a.ipynb", f"{lab.ORIGINALS}/00_a.ipynb"),
        "checkpointed": lambda: cm.create_checkpoint(f"{lab.ORIGINALS}/00_a.ipynb"),
    }
    for action, attempt in attempts.items():
        with pytest.raises(HTTPError) as err:
            run(attempt())
        assert err.value.status_code == 403
        assert f"read-only, so it cannot be {action}" in err.value.log_message
        assert "Save Notebook As" in err.value.log_message
    with pytest.raises(HTTPError):
        run(cm.new_untitled(lab.ORIGINALS, type="notebook"))
    with pytest.raises(HTTPError):
        run(cm.delete(lab.ORIGINALS))  # the link itself
    assert (src / "00_a.ipynb").read_bytes() == before
    assert sorted(p.name for p in src.iterdir()) == ["00_a.ipynb", "01_b.ipynb", "glossary.md"]


def test_the_learners_own_folder_is_writable(workspace):
    src, dest, _ = workspace
    cm = manager(dest)
    model = run(cm.get("00_a.ipynb"))
    model["content"].cells.append(nbformat.v4.new_markdown_cell("my note"))
    run(cm.save(model, "00_a.ipynb"))
    assert "my note" in (dest / "00_a.ipynb").read_text(encoding="utf-8")
    copied = run(cm.copy(f"{lab.ORIGINALS}/01_b.ipynb", ""))  # "Save as" / copy out: allowed
    assert (dest / copied["name"]).exists()
    assert "my note" not in (src / "00_a.ipynb").read_text(encoding="utf-8")


def test_lab_command_line_and_config(tmp_path):
    argv = lab.lab_argv(tmp_path, ["--port", "8890"])
    assert f"--ServerApp.root_dir={tmp_path}" in argv
    assert "--ServerApp.contents_manager_class=tools.lab.CourseContentsManager" in argv
    assert argv[-2:] == ["--port", "8890"]
    env = lab.lab_environment({"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(lab.CONFIG_DIR), "/elsewhere"]
    page_config = json.loads((lab.CONFIG_DIR / "labconfig" / "page_config.json").read_text())
    assert page_config["disabledExtensions"] == {
        "@jupyterlab/apputils-extension:announcements": True}
    assert "COURSE_LIB_PROGRESS" not in " ".join(argv), "progress bars stay on in make lab"
