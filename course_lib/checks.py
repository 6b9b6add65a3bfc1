"""Self-check helpers for notebook cells.

A notebook's claims are checked by visible cells that print one short verdict line and raise
if the claim fails, so that nbval (and a learner's "Run All") stops right there::

    check("numpy forward equals torch.nn.RNN", err < 1e-12, error=order_of_magnitude(err))
    # ✓ numpy forward equals torch.nn.RNN  (error=< 1e-15)

Numbers are printed with few significant digits so stored outputs stay stable.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class SelfCheckError(AssertionError):
    """Raised when a notebook self-check fails."""


def _fmt(value: Any, digits: int) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v == 0 or not np.isfinite(v):
            return str(v)
        if 1e-3 <= abs(v) < 1e4:
            return f"{v:.{digits}g}"
        return f"{v:.{max(digits - 1, 0)}e}"
    return str(value)


def check(claim: str, ok: bool, digits: int = 2, **numbers: Any) -> None:
    """Print ``✓ claim (numbers)`` and return, or print ``✗ …`` and raise.

    Args:
        claim: the statement being checked, in words a learner reads.
        ok: whether it holds; must be a real boolean computed from data.
        digits: significant digits used to print the numbers (keep low for stable outputs).
        **numbers: the measured values that support the verdict.

    Raises:
        SelfCheckError: if ``ok`` is false.
        TypeError: if ``ok`` is not a boolean (guards against checks that cannot fail,
            e.g. passing an array or a string).
    """
    if not isinstance(ok, (bool, np.bool_)):
        raise TypeError(f"check() needs a boolean verdict, got {type(ok).__name__}")
    detail = ", ".join(f"{k}={_fmt(v, digits)}" for k, v in numbers.items())
    line = f"{'✓' if ok else '✗'} {claim}" + (f"  ({detail})" if detail else "")
    print(line)
    if not ok:
        raise SelfCheckError(line)


def check_close(claim: str, actual, expected, tol: float, digits: int = 2) -> None:
    """Check that ``max|actual - expected| / max(1, max|expected|) <= tol``.

    Returns ``None`` on purpose: a returned number would be displayed as the cell's value, and
    nbval runs cells without input history, so IPython cannot see a trailing ``;`` there.

    The scale-aware error avoids a loose absolute tolerance on large numbers and a meaningless
    relative one on values near zero.
    """
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise ValueError(f"{claim}: shapes differ, actual {a.shape} vs expected {e.shape}")
    err = float(np.max(np.abs(a - e)) / max(1.0, float(np.max(np.abs(e))))) if a.size else 0.0
    check(claim, bool(err <= tol), digits=digits, error=order_of_magnitude(err), tol=tol)


def order_of_magnitude(err: float) -> str:
    """``'< 1e-15'`` for 3.1e-16: round-off noise printed so it stays stable across runs.

    The last bits of a float64 error depend on summation order, which BLAS builds may change;
    the power of ten that bounds it does not.
    """
    if err == 0:
        return "0"
    if not np.isfinite(err):
        return str(err)
    return f"< 1e{int(np.floor(np.log10(err))) + 1}"
