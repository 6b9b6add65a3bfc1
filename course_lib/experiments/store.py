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


def load_result(name: str, version: int, results_dir: Path | None = None) -> dict:
    """The stored record of experiment ``name`` (``config``, ``results``, ``produced_with``).

    Raises:
        MissingResultError: no file, or its ``version`` differs from ``version`` — the message
            names the command that regenerates it.
    """
    path = path_of(name, results_dir)
    rerun = f"python -m course_lib.experiments run {name}   (or: make experiments)"
    if not path.exists():
        raise MissingResultError(f"no stored result for experiment {name!r} at {path}; "
                                 f"run: {rerun}")
    record = _restore(json.loads(path.read_text(encoding="utf-8")))
    if record.get("version") != version:
        raise MissingResultError(
            f"{path} holds version {record.get('version')} of experiment {name!r}, the code "
            f"expects version {version}; regenerate it: {rerun}")
    return record
