"""``tools/`` is a package: one notebook selector, one executor set-up, no ``sys.path`` edits,
and no imports from ``tests/`` (the tests import the tools, never the other way round)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.notebooks import course_notebooks, select_notebooks

ROOT = Path(__file__).resolve().parent.parent
TOOLS = sorted((ROOT / "tools").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", TOOLS, ids=lambda p: p.name)
def test_no_sys_path_edits_and_no_imports_from_tests(path):
    text = path.read_text(encoding="utf-8")
    assert "sys.path" not in text, f"{path.name} edits sys.path; import through the package"
    local = {p.stem for p in TOOLS} | {p.stem for p in (ROOT / "tests").glob("*.py")}
    bare = sorted(m for m in imported_modules(path) if m.split(".")[0] in local)
    assert not bare, f"{path.name} imports {bare} by bare name; use tools.<module>"
    assert not any(m.split(".")[0] == "tests" for m in imported_modules(path))


def test_no_other_notebook_selector_or_client():
    """One selector (tools.notebooks) and one executor set-up (tools.executor)."""
    for path in TOOLS:
        text = path.read_text(encoding="utf-8")
        if path.name not in ("notebooks.py",):
            assert ".glob(" not in text or "ipynb" not in text.split(".glob(", 1)[1][:40], (
                f"{path.name} lists notebooks itself; use tools.notebooks.select_notebooks")
        if path.name != "executor.py":
            assert "NotebookClient(" not in text, (
                f"{path.name} sets up nbclient itself; use tools.executor.notebook_client")


def make_notebooks(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        nbformat.write(nbformat.v4.new_notebook(), folder / name)
        paths.append(folder / name)
    return paths


def test_select_notebooks(tmp_path):
    a, b, c = make_notebooks(tmp_path, "00_a.ipynb", "01_b.ipynb", "10_c.ipynb")
    (tmp_path / "notes.ipynb").write_text("{}")  # not numbered: never selected
    assert course_notebooks(tmp_path) == [a, b, c]
    assert select_notebooks(None, tmp_path) == [a, b, c]
    assert select_notebooks(["01"], tmp_path) == [b]
    assert select_notebooks(["1"], tmp_path) == [c]
    assert select_notebooks(["0", "01"], tmp_path) == [a, b]  # no repeats
    assert select_notebooks([str(c)], tmp_path) == [c.resolve()]
    with pytest.raises(ValueError, match=r"no notebook matches '07' in .*\(there are 3: "
                                         r"00, 01, 10\)"):
        select_notebooks(["07"], tmp_path)
    with pytest.raises(ValueError, match="holds no notebooks"):
        select_notebooks(["07"], tmp_path / "empty")
    with pytest.raises(ValueError, match="no such notebook: .*missing.ipynb"):
        select_notebooks([str(tmp_path / "missing.ipynb")], tmp_path)


@pytest.mark.parametrize("module", ["execute_notebooks", "student_version", "build_slides",
                                    "build_site", "personal_copy", "benchmark",
                                    "check_determinism", "lab"])
def test_every_command_runs_as_a_module(module):
    result = subprocess.run([sys.executable, "-m", f"tools.{module}", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:") and not result.stderr
