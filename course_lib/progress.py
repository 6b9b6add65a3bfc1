"""Progress bars for training loops that take more than a few seconds.

``tqdm.auto`` draws a widget in JupyterLab and text in a terminal. A bar's text changes from
run to run (rates, times), so the commands that store or compare notebook outputs
(``make execute``, ``make test``) set ``COURSE_LIB_PROGRESS=0`` and the bars are off there;
learners running the notebooks by hand see them.
"""

from __future__ import annotations

import os
from typing import Iterable


def progress_enabled() -> bool:
    """False when the environment variable ``COURSE_LIB_PROGRESS`` is ``0``."""
    return os.environ.get("COURSE_LIB_PROGRESS", "1") != "0"


def progress(iterable: Iterable | None = None, desc: str = "", total: int | None = None,
             **kwargs):
    """``tqdm.auto.tqdm(iterable, desc=desc, total=total)``, disabled when progress is off."""
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, total=total, disable=not progress_enabled(),
                leave=kwargs.pop("leave", False), **kwargs)
