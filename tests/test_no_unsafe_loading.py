"""No code of the course loads data in a way that can execute code hidden in a file.

Scans ``course_lib/``, ``tools/`` and the notebooks' code cells with ``ast`` (so calls spread
over several lines and ``import ... as`` aliases are seen) and fails listing ``file:line`` for:

- ``pickle``/``dill``/``marshal``/``shelve`` loading, ``joblib.load``, ``pandas.read_pickle``;
- ``torch.load(...)`` without ``weights_only=True``;
- ``np.load(...)`` with ``allow_pickle`` set to anything but ``False``;
- ``yaml.load(...)`` without ``Loader=SafeLoader``/``CSafeLoader``, ``yaml.unsafe_load``,
  ``yaml.full_load``.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALWAYS_UNSAFE = {
    "pickle.load", "pickle.loads", "pickle.Unpickler", "dill.load", "dill.loads",
    "marshal.load", "marshal.loads", "shelve.open", "joblib.load", "pandas.read_pickle",
    "yaml.unsafe_load", "yaml.full_load", "yaml.unsafe_load_all", "yaml.full_load_all",
}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader"}


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> qualified name, from every import of the module (``np`` -> ``numpy``)."""
    names = {"np": "numpy", "pd": "pandas"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]  # `import a.b` binds `a`
                names[a.asname or top] = a.name if a.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                names[a.asname or a.name] = f"{node.module}.{a.name}"
    return names


def _keyword(call: ast.Call, name: str):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _is_const(node, value) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


def unsafe_calls(source: str) -> list[tuple[int, str]]:
    """``(line, reason)`` for every unsafe loading call in ``source``."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is None:
            continue
        head, _, rest = name.partition(".")
        qual = aliases.get(head, head) + (f".{rest}" if rest else "")
        qual = qual.replace("numpy.lib.npyio.", "numpy.").replace("_pickle.", "pickle.")
        if qual in ALWAYS_UNSAFE:
            found.append((node.lineno, f"{name}(...) can run code stored in the file"))
        elif qual == "torch.load" and not _is_const(_keyword(node, "weights_only"), True):
            found.append((node.lineno, f"{name}(...) without weights_only=True"))
        elif qual == "numpy.load":
            flag = _keyword(node, "allow_pickle")
            if flag is not None and not _is_const(flag, False):
                found.append((node.lineno, f"{name}(...) with allow_pickle enabled"))
        elif qual in ("yaml.load", "yaml.load_all"):
            loader = _keyword(node, "Loader") or (node.args[1] if len(node.args) > 1 else None)
            loader_name = _dotted(loader) if loader is not None else None
            if loader_name is None or loader_name.split(".")[-1] not in SAFE_YAML_LOADERS:
                found.append((node.lineno, f"{name}(...) without Loader=yaml.SafeLoader"))
    return sorted(found)


def _notebook_source(path: Path) -> str:
    """The code cells, magics and shell escapes blanked (line numbers kept within the file)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines += ["" if ln.lstrip().startswith(("%", "!")) else ln
                      for ln in src.splitlines()]
    return "\n".join(lines)


def scanned_files() -> list[Path]:
    files = sorted((ROOT / "course_lib").rglob("*.py")) + sorted((ROOT / "tools").rglob("*.py"))
    return files + sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_no_unsafe_loading_in_the_course():
    problems = []
    for path in scanned_files():
        source = (_notebook_source(path) if path.suffix == ".ipynb"
                  else path.read_text(encoding="utf-8"))
        try:
            calls = unsafe_calls(source)
        except SyntaxError as err:  # a file we cannot read is a file we cannot vouch for
            problems.append(f"{path.relative_to(ROOT)}:{err.lineno}: cannot parse ({err.msg})")
            continue
        where = " (code cells)" if path.suffix == ".ipynb" else ""
        problems += [f"{path.relative_to(ROOT)}{where}:{line}: {why}" for line, why in calls]
    assert not problems, "unsafe loading:\n" + "\n".join(problems)


def test_the_scan_covers_the_package():
    names = {p.name for p in scanned_files()}
    assert {"rnn_np.py", "execute_notebooks.py"} <= names


@pytest.mark.parametrize("code", [
    "import pickle\npickle.load(open('f', 'rb'))",
    "from pickle import loads\nloads(b'')",
    "import torch\ntorch.load('m.pt')",
    "import torch\ntorch.load('m.pt', weights_only=False)",
    "import torch\ntorch.load(\n    'm.pt',\n    map_location='cpu',\n)",
    "import numpy as np\nnp.load('a.npz', allow_pickle=True)",
    "import numpy\nnumpy.load('a.npy', allow_pickle=flag)",
    "import yaml\nyaml.load(text)",
    "import yaml\nyaml.load(text, Loader=yaml.Loader)",
    "import yaml\nyaml.full_load(text)",
    "import joblib\njoblib.load('m.joblib')",
])
def test_the_scan_catches_unsafe_loading(code):
    assert unsafe_calls(code), code


@pytest.mark.parametrize("code", [
    "import torch\ntorch.load('m.pt', weights_only=True)",
    "import torch\ntorch.load('m.pt', map_location='cpu',\n           weights_only=True)",
    "import numpy as np\nnp.load('a.npz')",
    "import numpy as np\nnp.load('a.npz', allow_pickle=False)",
    "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)",
    "import yaml\nyaml.safe_load(text)",
    "import json\njson.load(f)",
])
def test_the_scan_accepts_safe_loading(code):
    assert unsafe_calls(code) == [], code
