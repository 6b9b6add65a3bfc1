"""Re-execute notebooks top to bottom in a fresh kernel and store their outputs in place.

    python tools/execute_notebooks.py [NOTEBOOK ...] [--force]

Without arguments, every ``notebooks/[0-9][0-9]_*.ipynb``. Widget state is stored (nbclient
does this; JupyterLab's own save does not by default), progress bars are turned off so the
stored text is stable, and the kernel is the current environment's ``python3``.

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
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def uncommitted(paths: list[Path], root: Path = ROOT) -> list[Path]:
    """The notebooks among ``paths`` that differ from git's HEAD or are untracked."""
    try:
        out = subprocess.run(
            ["git", "-c", "core.quotepath=off", "status", "--porcelain", "--untracked-files=all",
             "--", *map(str, paths)],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []  # not a git checkout: nothing to protect against
    dirty = {line[3:].strip().strip('"') for line in out.splitlines()}
    return [p for p in paths if str(p.resolve().relative_to(root.resolve())) in dirty]


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
    """Execute one notebook in place; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.setdefault("course", {})["executed_with"] = machine_setting()
    start = time.perf_counter()
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    elapsed = time.perf_counter() - start
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--force", action="store_true",
                        help="execute even notebooks with uncommitted changes")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(
        (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [p for p in paths if not p.exists()]
    if missing:
        parser.error(f"no such notebook: {', '.join(map(str, missing))}")
    dirty = uncommitted(paths, ROOT)
    if dirty and not args.force:
        names = ", ".join(p.name for p in dirty)
        print(f"refusing to overwrite uncommitted changes in: {names}\n"
              "commit or stash them first, or pass --force to replace them with a fresh run",
              file=sys.stderr)
        return 2
    os.environ["COURSE_LIB_PROGRESS"] = "0"  # inherited by the kernels
    for path in paths:
        seconds = execute(path)
        print(f"executed {path.relative_to(ROOT)} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
