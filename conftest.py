"""pytest configuration for the whole repository, so that the plain commands work without make:

    pytest notebooks                      # strict nbval on every notebook
    pytest --nbval notebooks/04_*.ipynb   # the usual nbval command, one notebook
    pytest tests                          # unit tests

Stored notebook outputs are compared exactly, so under pytest progress bars are off (their
text has rates and times), notebooks are validated with nbval in strict mode with the
project's sanitizer (``tests/nbval_sanitize.cfg``: memory addresses and wall times only), and
kernels run in the current environment. Options given on the command line win.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_configure(config) -> None:
    # Inherited by every kernel nbval starts and by subprocesses of the tests.
    os.environ["COURSE_LIB_PROGRESS"] = "0"
    os.environ["TQDM_DISABLE"] = "1"
    opt = config.option
    if not getattr(opt, "nbval_lax", False):
        opt.nbval = True  # collect notebooks as tests (nbval only collects *.ipynb files)
    if getattr(opt, "nbval_sanitize_with", None) is None:
        opt.nbval_sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")
    if not getattr(opt, "nbval_kernel_name", None):
        opt.nbval_current_env = True
