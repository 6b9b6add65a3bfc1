"""Re-execute notebooks top to bottom in a fresh kernel and store their outputs in place.

    python -m tools.execute_notebooks [NOTEBOOK ...] [--force]      (make execute [NB=...])

Without arguments, every ``notebooks/NN_*.ipynb``; a notebook is a path or a number prefix
such as ``03``. Each runs from a fresh kernel with its folder as working directory, as
:mod:`tools.executor` sets it up: widget state stored, progress bars off so the stored text
is stable, the current environment's ``python3`` kernel.

This is the only command that writes into ``notebooks/``. It refuses to touch a notebook with
uncommitted changes (someone's edits would be replaced by a fresh run) unless ``--force``.

Each notebook records the machine setting its outputs were produced under in
``metadata.course.executed_with`` (torch and numpy versions, torch's CPU kernel capability,
the BLAS libraries and their instruction sets, the kernel environment variables that choose
them). The compared outputs must not depend on it — ``make test-portable`` checks that — but
figures (PNG, not compared) and the numbers in cells tagged ``nbval-ignore-output`` do.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from tools.executor import execute_notebook
from tools.notebooks import NOTEBOOKS, ROOT, select_notebooks


def uncommitted(paths: list[Path]) -> list[Path]:
    """The notebooks among ``paths`` that differ from git's HEAD or are untracked, each asked
    of the git checkout it lives in (none outside a checkout: nothing to protect there)."""
    dirty = []
    for path in paths:
        try:
            out = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=all", "--", path.name],
                cwd=path.parent, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue  # not a git checkout
        if out.strip():
            dirty.append(path)
    return dirty


KERNEL_VARIABLES = ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "OPENBLAS_CORETYPE",
                    "MKL_CBWR")


def machine_setting() -> dict:
    """What decides round-off here: library versions, CPU kernels, BLAS builds."""
    import platform

    import numpy as np
    import torch
    from threadpoolctl import threadpool_info

    blas = sorted({f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
                   for i in threadpool_info() if i.get("user_api") == "blas"})
    return {
        "machine": platform.machine(),
        "torch": torch.__version__,
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "numpy": np.__version__,
        "blas": blas,
        "environment": {k: os.environ[k] for k in KERNEL_VARIABLES if k in os.environ},
    }


def execute(path: Path, timeout: int = 600) -> float:
    """Execute one notebook in place (file rewritten); return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.setdefault("course", {})["executed_with"] = machine_setting()
    elapsed = execute_notebook(nb, path.parent, timeout)
    nbformat.write(nb, path)
    return elapsed


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebook paths or number prefixes such as 03 (default: all)")
    parser.add_argument("--force", action="store_true",
                        help="execute even notebooks with uncommitted changes")
    args = parser.parse_args(argv)
    try:
        paths = select_notebooks(args.notebooks, NOTEBOOKS)
    except ValueError as err:
        parser.error(str(err))
    dirty = uncommitted(paths)
    if dirty and not args.force:
        names = ", ".join(p.name for p in dirty)
        print(f"refusing to overwrite uncommitted changes in: {names}\n"
              "commit or stash them first, or pass --force to replace them with a fresh run",
              file=sys.stderr)
        return 2
    for path in paths:
        seconds = execute(path)
        print(f"executed {_shown(path)} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
