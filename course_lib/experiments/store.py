"""Versioned results of the long experiments: write once with ``make experiments``, load anywhere.

One JSON file per experiment, ``results/<name>.json``::

    {
      "name": "adding_remedies",
      "version": 2,                 # bumped whenever the experiment's meaning changes
      "config": {...},              # every setting that defines the run (seeds, steps, rates)
      "results": {...},             # what the notebook loads, plots and checks
      "produced_with": {...},       # library versions, CPU kernels, wall time
    }

:func:`load_result` refuses a file whose version is not the one the code expects (the stored
numbers would belong to another experiment) and says which command regenerates it.
"""

from __future__ import annotations

import json
import math
import os
import platform
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


class MissingResultError(FileNotFoundError):
    """The stored result does not exist or belongs to another version of the experiment."""


class BadResultError(MissingResultError):
    """The stored result exists but cannot be used: not JSON, not a record of the shape
    :func:`save_result` writes, or values whose types differ from their siblings'."""


def produced_with(seconds: float) -> dict:
    """Versions and CPU kernels of this process, and the wall time of the run (seconds)."""
    import numpy as np
    import torch

    return {
        "seconds": round(seconds, 1),
        "machine": platform.machine(),
        "torch": torch.__version__,
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "numpy": np.__version__,
        "environment": {k: os.environ[k] for k in ("ATEN_CPU_CAPABILITY",
                                                   "MKL_ENABLE_INSTRUCTIONS",
                                                   "OPENBLAS_CORETYPE") if k in os.environ},
    }


def _clean(value: Any) -> Any:
    """JSON-safe copy: numpy scalars and arrays to Python, inf/NaN to strings JSON can hold."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalar or array
        return _clean(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if value in ("nan", "inf", "-inf"):
        return float(value)
    return value


def path_of(name: str, results_dir: Path | None = None) -> Path:
    if not name or not all(c.isalnum() or c == "_" for c in name):
        raise ValueError(f"experiment names are letters, digits and '_', got {name!r}")
    return (results_dir or RESULTS_DIR) / f"{name}.json"


def save_result(name: str, version: int, config: dict, results: dict, seconds: float,
                results_dir: Path | None = None) -> Path:
    """Write ``results/<name>.json`` (sorted keys, one trailing newline: stable diffs)."""
    path = path_of(name, results_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "version": int(version), "config": _clean(config),
              "results": _clean(results), "produced_with": produced_with(seconds)}
    path.write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def _rerun(name: str) -> str:
    return f"python -m course_lib.experiments run {name}   (or: make experiments)"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if value is None:
        return "null"
    return "a list" if isinstance(value, list) else "an object"


def _first_difference(a: Any, b: Any, where: str) -> str | None:
    """Where ``b``'s structure differs from ``a``'s (types of values; keys both have;
    elements of lists), or None. int and float count as one type, numbers: JSON has one."""
    if a is None or b is None:  # null: a value that may be absent (e.g. never reached)
        return None
    if _kind(a) != _kind(b) and not (isinstance(a, str) and isinstance(b, str)):
        return f"{where} is {_kind(b)} where its siblings hold {_kind(a)}"
    if isinstance(a, dict):
        for key in a.keys() & b.keys():
            found = _first_difference(a[key], b[key], f"{where}[{key!r}]")
            if found:
                return found
    if isinstance(a, list) and a and b:
        return _first_difference(a[0], b[0], f"{where}[0]")
    return None


def structure_problems(value: Any, where: str = "results") -> list[str]:
    """Values that break the pattern of their siblings, in stored results.

    A generic check that needs no description of each experiment: the elements of a list,
    and the values of an object whose keys are all numbers (seeds, distances, thresholds:
    ``{"0": …, "1": …}``), are runs of one kind, so they must have one structure — the same
    types (int and float are both "a number"; ``"nan"``/``"inf"`` are restored to floats
    first; null matches anything, as runs store it for a value never reached), recursively,
    over the keys they share. A number replaced by a string, a record
    whose field became a list, are caught; a wrong value of the right type, or a field with
    no siblings, is not (that is what ``reproduce`` compares)."""
    problems: list[str] = []
    if isinstance(value, dict):
        items = [(f"{where}[{k!r}]", v) for k, v in value.items()]
        numeric = bool(value) and all(_is_number(k) for k in value)
    elif isinstance(value, list):
        items = [(f"{where}[{i}]", v) for i, v in enumerate(value)]
        numeric = True
    else:
        return problems
    if numeric and items:
        first = items[0][1]
        for path, v in items[1:]:
            found = _first_difference(first, v, path)
            if found:
                problems.append(found)
                break
    for path, v in items:
        problems += structure_problems(v, path)
    return problems


def _is_number(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


def load_result(name: str, version: int, results_dir: Path | None = None) -> dict:
    """The stored record of experiment ``name`` (``config``, ``results``, ``produced_with``).

    Raises:
        MissingResultError: no file, or its ``version`` differs from ``version`` — the message
            names the command that regenerates it.
        BadResultError: (a MissingResultError) the file is not UTF-8 JSON (the message gives
            the line and column), not an object with ``version`` and ``results`` objects, or
            its results break their own pattern (:func:`structure_problems`).
    """
    path = path_of(name, results_dir)
    rerun = _rerun(name)
    if not path.exists():
        raise MissingResultError(f"no stored result for experiment {name!r} at {path}; "
                                 f"run: {rerun}")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise BadResultError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); "
                             f"regenerate it: {rerun}") from None
    except json.JSONDecodeError as err:
        raise BadResultError(f"{path}, line {err.lineno}, column {err.colno}: not valid JSON "
                             f"({err.msg}; truncated or edited?); regenerate it: {rerun}"
                             ) from None
    if not isinstance(raw, dict):
        raise BadResultError(f"{path}: expected a JSON object with 'version' and 'results', "
                             f"got {_kind(raw)}; regenerate it: {rerun}")
    record = _restore(raw)
    if record.get("version") != version:
        raise MissingResultError(
            f"{path} holds version {record.get('version')} of experiment {name!r}, the code "
            f"expects version {version}; regenerate it: {rerun}")
    if not isinstance(record.get("results"), dict):
        what = "no 'results'" if "results" not in record else \
            f"'results' is {_kind(record['results'])}, not an object"
        raise BadResultError(f"{path}: {what}; regenerate it: {rerun}")
    problems = structure_problems(record["results"])
    if problems:
        raise BadResultError(f"{path}: {'; '.join(problems[:3])}"
                             + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
                             + f"; regenerate it: {rerun}")
    return record
