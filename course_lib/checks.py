"""Self-check helpers for notebook cells.

A notebook's claims are checked by visible cells that print one short verdict line and raise
if the claim fails, so that nbval (and a learner's "Run All") stops right there::

    check_close("numpy forward equals torch.nn.RNN", h_np, h_torch, tol=1e-12)
    # ✓ numpy forward equals torch.nn.RNN  (error < 1e-12)

Stored outputs must read the same on every CPU and BLAS kernel (README, "What may differ"), so a
round-off error is printed as the **bound it passes** (:func:`below`), never as its own
order of magnitude: ``3e-16`` on one machine is ``2e-15`` on another, but both are
``< 1e-12``. Other numbers are printed with few significant digits.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class SelfCheckError(AssertionError):
    """Raised when a notebook self-check fails."""


class Below(str):
    """A number shown as the bound it passes, e.g. ``'< 1e-12'`` (made by :func:`below`)."""


def format_bound(bound: float) -> str:
    """``1e-12`` for 1e-12, ``5e-3`` for 0.005, ``0.5`` for 0.5: a tolerance as people write it."""
    bound = float(bound)
    if bound == 0 or not np.isfinite(bound):
        return str(bound)
    if 1e-3 <= abs(bound) < 1e4:
        return f"{bound:g}"
    mantissa, exponent = f"{bound:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def below(value: float, bound: float) -> str:
    """``'< bound'`` when ``|value| < bound``, else the value itself (so a failure shows it).

    Use it for round-off errors: the bound is the same on every machine, the last digits of
    the error are not.

    >>> below(3.1e-16, 1e-12)
    '< 1e-12'
    >>> below(0.25, 1e-3)
    '0.25'
    """
    value = float(value)
    if abs(value) < bound:
        return Below(f"< {format_bound(bound)}")
    return _fmt(value, 2)


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


def _pair(name: str, value: Any, digits: int) -> str:
    if isinstance(value, Below):
        return f"{name} {value}"
    return f"{name}={_fmt(value, digits)}"


def format_numbers(numbers: dict, digits: int = 2) -> str:
    """``'a=0.5, error < 1e-12'``: the numbers of a verdict line, as printed."""
    return ", ".join(_pair(k, v, digits) for k, v in numbers.items())


def check(claim: str, ok: bool, digits: int = 2, **numbers: Any) -> None:
    """Print ``✓ claim (numbers)`` and return, or print ``✗ …`` and raise.

    Args:
        claim: the statement being checked, in words a learner reads.
        ok: whether it holds; must be a real boolean computed from data.
        digits: significant digits used to print the numbers (keep low for stable outputs).
        **numbers: the measured values that support the verdict; a value made by
            :func:`below` prints as ``name < bound``.

    Raises:
        SelfCheckError: if ``ok`` is false.
        TypeError: if ``ok`` is not a boolean (guards against checks that cannot fail,
            e.g. passing an array or a string).
    """
    if not isinstance(ok, (bool, np.bool_)):
        raise TypeError(f"check() needs a boolean verdict, got {type(ok).__name__}")
    detail = format_numbers(numbers, digits)
    line = f"{'✓' if ok else '✗'} {claim}" + (f"  ({detail})" if detail else "")
    print(line)
    if not ok:
        raise SelfCheckError(line)


def scaled_error(actual, expected) -> float:
    """``max|actual − expected| / max(1, max|expected|)``: relative for large values, absolute
    near zero (so neither a loose absolute tolerance nor a meaningless relative one)."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise ValueError(f"shapes differ, actual {a.shape} vs expected {e.shape}")
    if not a.size:
        return 0.0
    return float(np.max(np.abs(a - e)) / max(1.0, float(np.max(np.abs(e)))))


def check_close(claim: str, actual, expected, tol: float) -> None:
    """Check that :func:`scaled_error` ``(actual, expected) < tol``; print ``error < tol``.

    Returns ``None`` on purpose: a returned number would be displayed as the cell's value, and
    nbval runs cells without input history, so IPython cannot see a trailing ``;`` there.

    Raises:
        ValueError: if the shapes differ.
        SelfCheckError: if the error is not below ``tol`` (the message shows the error).
    """
    try:
        err = scaled_error(actual, expected)
    except ValueError as exc:
        raise ValueError(f"{claim}: {exc}") from None
    # `not err >= tol` also fails a NaN error
    check(claim, bool(err < tol), error=below(err, tol) if err < tol else err)
