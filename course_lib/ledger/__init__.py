"""The claims ledger: every self-check a notebook runs, and the lecture claims it decides.

A notebook creates one ledger in its set-up cell and checks its claims through it::

    ledger = Ledger("05")
    check, check_close = ledger.check, ledger.check_close
    ...
    check("the IRNN matches the LSTM on at most 1 of 5 seeds", wins <= 1, wins=wins,
          lecture="irnn_beats_lstm", verdict="does not hold here")
    ...
    ledger.table()     # the notebook's last code cell: every claim and its verdict

Each check shows one verdict line (``✓ claim  (numbers)``) and raises
:class:`~course_lib.checks.SelfCheckError` when the claim fails, exactly like
:func:`course_lib.checks.check`. In a notebook the line is published as display data that
also carries the record as JSON (mime type :data:`CHECK_MIME`: claim, verdict, the numbers
as printed, the lecture claim decided); ``python -m course_lib.ledger`` (``make ledger``)
reads those records out of the stored notebooks and writes ``CLAIMS.md``. The numbers in
the record are the printed strings, so they are as stable across machines as the line is.

A lecture claim (:mod:`course_lib.lecture_claims`) gets one of :data:`VERDICTS`; "holds under
conditions" names them after a colon: ``verdict="holds under conditions: T ≤ 50"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_lib.checks import SelfCheckError, below, format_numbers, scaled_error
from course_lib.lecture_claims import CLAIMS

CHECK_MIME = "application/vnd.course.check+json"
VERDICTS = ("holds", "holds under conditions", "does not hold here")


def _check_verdict(lecture: str | None, verdict: str | None) -> None:
    if lecture is None:
        if verdict is not None:
            raise ValueError("verdict= needs lecture= (the lecture claim it decides)")
        return
    if lecture not in CLAIMS:
        raise KeyError(f"unknown lecture claim {lecture!r}; known: {', '.join(CLAIMS)}")
    kind, _, conditions = (verdict or "").partition(":")
    if kind.strip() not in VERDICTS:
        raise ValueError(f"verdict must start with one of {VERDICTS}, got {verdict!r}")
    if kind.strip() == "holds under conditions" and not conditions.strip():
        raise ValueError("'holds under conditions' must name them: 'holds under conditions: …'")


def _publish(line: str, record: dict) -> None:
    """Display ``line`` (text) with ``record`` (JSON) in a notebook; print it elsewhere."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        print(line)
        return
    from IPython.display import publish_display_data

    publish_display_data({"text/plain": line, CHECK_MIME: record})


@dataclass
class Ledger:
    """The claims one notebook checks, in order (see the module docstring)."""

    notebook: str
    entries: list[dict] = field(default_factory=list)

    def check(self, claim: str, ok: bool, digits: int = 2, lecture: str | None = None,
              verdict: str | None = None, **numbers: Any) -> None:
        """Show ``✓ claim  (numbers)``, record it, and raise if ``ok`` is false.

        Args:
            claim: the statement, in words a learner reads.
            ok: whether it holds: a real boolean computed from data.
            digits: significant digits of the printed numbers.
            lecture: id of the lecture claim (:mod:`course_lib.lecture_claims`) this decides.
            verdict: the lecture claim's verdict here, one of :data:`VERDICTS`.
            **numbers: the measured values behind the verdict (see :func:`checks.below`).

        Raises:
            SelfCheckError: the claim fails (after showing the ✗ line).
            TypeError: ``ok`` is not a boolean. KeyError / ValueError: bad lecture/verdict.
        """
        if not isinstance(ok, (bool, np.bool_)):
            raise TypeError(f"check() needs a boolean verdict, got {type(ok).__name__}")
        _check_verdict(lecture, verdict)
        ok = bool(ok)
        shown = format_numbers(numbers, digits)
        line = f"{'✓' if ok else '✗'} {claim}" + (f"  ({shown})" if shown else "")
        record = {"notebook": self.notebook, "claim": claim, "ok": ok, "numbers": shown}
        if lecture is not None:
            record.update(lecture=lecture, verdict=verdict)
        self.entries.append(record)
        _publish(line, record)
        if not ok:
            raise SelfCheckError(line)

    def check_close(self, claim: str, actual, expected, tol: float,
                    lecture: str | None = None, verdict: str | None = None) -> None:
        """:meth:`check` that ``scaled_error(actual, expected) < tol``; shows ``error < tol``."""
        try:
            err = scaled_error(actual, expected)
        except ValueError as exc:
            raise ValueError(f"{claim}: {exc}") from None
        self.check(claim, bool(err < tol), lecture=lecture, verdict=verdict,
                   error=below(err, tol) if err < tol else err)

    def table(self) -> "LedgerTable":
        """Every claim checked so far, for the notebook's closing cell."""
        return LedgerTable(self.notebook, list(self.entries))


@dataclass
class LedgerTable:
    """A notebook's claims as a table (HTML in JupyterLab, text elsewhere)."""

    notebook: str
    entries: list[dict]

    def _lecture_cell(self, e: dict) -> str:
        return f"{e['lecture']}: {e['verdict']}" if e.get("lecture") else ""

    def __repr__(self) -> str:
        held = sum(e["ok"] for e in self.entries)
        lines = [f"Notebook {self.notebook}: {held} of {len(self.entries)} claims hold"]
        for e in self.entries:
            mark = "✓" if e["ok"] else "✗"
            lecture = self._lecture_cell(e)
            lines.append(f"{mark} {e['claim']}" + (f"  [lecture claim {lecture}]" if lecture
                                                   else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><td>{'✓' if e['ok'] else '✗'}</td><td style='text-align:left'>"
            f"{escape(e['claim'])}</td><td style='text-align:left'>{escape(e['numbers'])}</td>"
            f"<td style='text-align:left'>{escape(self._lecture_cell(e))}</td></tr>"
            for e in self.entries)
        held = sum(e["ok"] for e in self.entries)
        return (f"<p><b>Claims checked in notebook {escape(self.notebook)}</b>: {held} of "
                f"{len(self.entries)} hold.</p><table><thead><tr><th></th><th>claim</th>"
                f"<th>measured</th><th>lecture claim: verdict here</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")


# The CLAIMS.md writer (python -m course_lib.ledger) lives in course_lib.ledger.claims_md.
from course_lib.ledger.claims_md import NotebookFormatError, collect, main, render  # noqa: E402,F401
