"""Progress bars for training loops that take more than a few seconds.

``tqdm.auto`` draws a widget in JupyterLab and text in a terminal. A bar's text changes from
run to run (rates, times), so wherever notebook outputs are stored or compared the bars are
off: ``make execute`` and the repository's ``conftest.py`` (every pytest run, nbval included)
set ``COURSE_LIB_PROGRESS=0``. tqdm's own switch ``TQDM_DISABLE=1`` turns them off too.
Learners in JupyterLab and in a terminal see them.
"""

from __future__ import annotations

import os
from typing import Iterable

_FALSE = ("0", "false", "no", "off")


def progress_enabled() -> bool:
    """False when ``COURSE_LIB_PROGRESS`` is ``0`` or ``TQDM_DISABLE`` is set to a true value."""
    if os.environ.get("COURSE_LIB_PROGRESS", "1").strip().lower() in _FALSE:
        return False
    tqdm_disable = os.environ.get("TQDM_DISABLE", "").strip().lower()
    return tqdm_disable in ("",) + _FALSE


def progress(iterable: Iterable | None = None, desc: str = "", total: int | None = None,
             **kwargs):
    """``tqdm.auto.tqdm(iterable, desc=desc, total=total)``, disabled when progress is off."""
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, total=total, disable=not progress_enabled(),
                leave=kwargs.pop("leave", False), **kwargs)
