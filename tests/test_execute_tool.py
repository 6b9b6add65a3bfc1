"""The re-execute command: the only writer into notebooks/, and careful with uncommitted work."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import execute_notebooks as tool

ROOT = Path(__file__).resolve().parent.parent


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=cwd,
                   check=True, capture_output=True)


def make_repo(tmp_path):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = nb_dir / "00_demo.ipynb"
    nbformat.write(nb, path)
    git("init", "-q", cwd=tmp_path)
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "init", cwd=tmp_path)
    return path


def test_uncommitted_detects_edits_and_untracked_files(tmp_path):
    path = make_repo(tmp_path)
    assert tool.uncommitted([path]) == []
    path.write_text(path.read_text().replace("6 * 7", "6 * 8"))
    assert tool.uncommitted([path]) == [path]
    new = path.with_name("01_new.ipynb")
    new.write_text(path.read_text())
    assert tool.uncommitted([new, path]) == [new, path]


def test_outside_a_git_checkout_nothing_is_uncommitted(tmp_path):
    path = tmp_path / "00_demo.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    assert tool.uncommitted([path]) == []


def test_refuses_to_overwrite_uncommitted_changes(tmp_path, capsys):
    path = make_repo(tmp_path)
    edited = path.read_text().replace("6 * 7", "6 * 8")
    path.write_text(edited)
    assert tool.main([str(path)]) == 2
    assert "refusing to overwrite uncommitted changes in: 00_demo.ipynb" in capsys.readouterr().err
    assert path.read_text() == edited  # untouched


@pytest.mark.slow
def test_executes_committed_notebook_in_place_with_outputs(tmp_path):
    path = make_repo(tmp_path)
    assert tool.main([str(path)]) == 0
    cell = nbformat.read(path, as_version=4).cells[0]
    assert cell.execution_count == 1
    assert cell.outputs[0]["text"] == "42\n"


def test_changing_a_stored_number_fails_strict_nbval(tmp_path):
    """The harness itself can fail: alter one stored number of notebook 00, nbval must object."""
    src = ROOT / "notebooks/00_rnn_recap.ipynb"
    text = src.read_text(encoding="utf-8")
    assert "parameters=36" in text
    bad = tmp_path / "00_rnn_recap.ipynb"
    bad.write_text(text.replace("parameters=36", "parameters=37"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests/nbval_sanitize.cfg"),
         str(bad)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    code = [c for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code"]
    # the check's cell and the closing ledger table (which repeats the numbers) both show it
    changed = sum("parameters=36" in str(c.outputs) for c in code)
    assert changed >= 1
    assert f"{changed} failed, {len(code) - changed} passed" in result.stdout
