"""How the tools execute a notebook: the one executor set-up.

Every command that runs notebooks (execute, benchmark, determinism, and the browser test's
stand-in) uses :func:`notebook_client`: the current environment's ``python3`` kernel, the
kernel's working folder chosen explicitly (the notebooks read ``../data``), widget state
stored in the notebook's metadata (JupyterLab's own save does not store it by default, and
the static site and slides render widgets from it), and progress bars off, because their
text (rates, times) would change the stored outputs on every run. The kernel gets its own
environment; the calling process's is left alone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import zmq
from nbclient import NotebookClient

KERNEL = "python3"
PROGRESS_OFF = {"COURSE_LIB_PROGRESS": "0", "TQDM_DISABLE": "1"}


def kernel_env(**extra: str) -> dict[str, str]:
    """The environment of a kernel the tools start: this process's, progress bars off,
    plus ``extra``."""
    return {**os.environ, **PROGRESS_OFF, **extra}


def notebook_client(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600,
                    **kwargs) -> NotebookClient:
    """An nbclient client that executes ``nb`` (in memory) with the kernel working in
    ``cwd``; ``kwargs`` go to :class:`nbclient.NotebookClient` (e.g. ``on_cell_executed``).

    Start it with :func:`execute` (which passes :func:`kernel_env`)."""
    return NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, store_widget_state=True,
                          resources={"metadata": {"path": str(cwd)}}, **kwargs)


def execute(client: NotebookClient) -> float:
    """Run every cell of ``client``'s notebook from a fresh kernel; return the wall seconds
    (kernel start and shutdown included). Raises nbclient's ``CellExecutionError`` when a
    cell raises (the notebook keeps the outputs up to there)."""
    start = time.perf_counter()
    client.execute(**kernel_start_options())
    return time.perf_counter() - start


def kernel_start_options() -> dict:
    """Options for starting a kernel: :func:`kernel_env`, and CurveZMQ transport encryption
    where pyzmq supports it (ipykernel warns on every start over plain TCP)."""
    options: dict = {"env": kernel_env()}
    if zmq.has("curve"):
        options["transport_encryption"] = "auto"
    return options


def execute_notebook(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600) -> float:
    """Execute ``nb`` in place (in memory) with the kernel in ``cwd``; return the seconds."""
    return execute(notebook_client(nb, cwd, timeout))
