"""The package's architecture, as its imports draw it (CONTRIBUTING.md, "Where code lives").

* The numpy core (``np_common`` and its siblings ``rnn_np``, ``lstm_np``, ``gru_np``) imports
  nothing of the course but ``np_common``; no sibling imports another.
* Concept modules — the numpy core and the phenomena (``surface``, ``clipping``,
  ``vanishing``), the losses, gradient check, metrics, tasks, data and corpus — never import
  torch training: not ``train``, not ``experiments``, not the capstone ``tagger``.
* Every module is short (< 300 lines) and there is one sigmoid.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "course_lib"
NUMPY_CORE = {"np_common", "rnn_np", "lstm_np", "gru_np"}
CONCEPTS = NUMPY_CORE | {"surface", "clipping", "vanishing", "losses_np", "gradcheck",
                         "metrics", "tasks", "data", "corpus", "checks"}
TRAINING = ("course_lib.train", "course_lib.experiments", "course_lib.tagger")


def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): p
            for p in sorted(PACKAGE.rglob("*.py"))}


def course_imports(path: Path) -> set[str]:
    """Every ``course_lib…`` module imported anywhere in the file (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("course_lib")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "course_lib"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def top(name: str) -> str:
    """``course_lib.corpus.cases`` -> ``corpus``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_numpy_core_siblings_share_only_np_common():
    for name, path in modules().items():
        if top(name) in NUMPY_CORE:
            others = {top(m) for m in course_imports(path)} - {top(name), "np_common", ""}
            assert not others, f"{name} imports {sorted(others)}; the numpy core may import " \
                               "only course_lib.np_common"


@pytest.mark.parametrize("name", sorted(n for n in modules() if top(n) in CONCEPTS))
def test_concepts_do_not_import_training(name):
    bad = sorted(m for m in course_imports(modules()[name]) if m.startswith(TRAINING))
    assert not bad, f"concept module {name} imports training/experiment code: {bad}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_are_short(name):
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines < 300, f"{name} has {lines} lines; split it by concept (< 300)"


def test_one_sigmoid():
    defs = [name for name, path in modules().items()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef) and "sig" in node.name.lower()
            and "sigmoid" in (ast.get_docstring(node) or node.name).lower() + node.name]
    written_out = [name for name, path in modules().items() if name != "course_lib.np_common"
                   and "1 / (1 + np.exp(-" in path.read_text(encoding="utf-8").replace(".0", "")]
    assert defs == ["course_lib.np_common"] and not written_out, (defs, written_out)
