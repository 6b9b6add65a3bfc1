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


# --- CLAIMS.md: the ledger of the whole course, from the stored notebooks -----------------

def _heading(source: str, level: str) -> str | None:
    for line in source.splitlines():
        if line.startswith(level + " "):
            return line[len(level) + 1:].strip()
    return None


class NotebookFormatError(ValueError):
    """A file given to :func:`collect` is not a readable Jupyter notebook (the message names
    the file and, for JSON syntax, the line and column; for structure, the field)."""


def _read_notebook(path) -> dict:
    """The JSON of notebook ``path``, checked for the fields :func:`collect` reads."""
    import json

    if not path.exists():
        raise NotebookFormatError(f"{path}: file not found")
    if path.is_dir():
        raise NotebookFormatError(f"{path}: is a folder, not a notebook file")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise NotebookFormatError(f"{path}: not UTF-8 text ({err.reason} at byte "
                                  f"{err.start}), so not a notebook") from None
    except json.JSONDecodeError as err:
        raise NotebookFormatError(f"{path}, line {err.lineno}, column {err.colno}: not a "
                                  f"notebook: invalid JSON ({err.msg})") from None

    def need(ok: bool, where: str, what: str, value) -> None:
        if not ok:
            raise NotebookFormatError(f"{path}: not a notebook: {where} must be {what}, "
                                      f"got {type(value).__name__} {str(value)[:40]!r}")

    need(isinstance(nb, dict), "the top level", "a JSON object", nb)
    need(isinstance(nb.get("cells"), list), "'cells'", "a list of cells", nb.get("cells"))
    for i, cell in enumerate(nb["cells"]):
        need(isinstance(cell, dict), f"cells[{i}]", "an object", cell)
        need(cell.get("cell_type") in ("markdown", "code", "raw"), f"cells[{i}].cell_type",
             "'markdown', 'code' or 'raw'", cell.get("cell_type"))
        src = cell.get("source")
        need(isinstance(src, str) or (isinstance(src, list)
                                      and all(isinstance(x, str) for x in src)),
             f"cells[{i}].source", "a string or a list of strings", src)
        outs = cell.get("outputs", [])
        need(isinstance(outs, list), f"cells[{i}].outputs", "a list", outs)
        for j, out in enumerate(outs):
            need(isinstance(out, dict) and isinstance(out.get("data", {}), dict),
                 f"cells[{i}].outputs[{j}]", "an object whose 'data' is an object", out)
            record = out.get("data", {}).get(CHECK_MIME)
            need(record is None or (isinstance(record, dict) and {"claim", "ok", "numbers"}
                                    <= record.keys()),
                 f"cells[{i}].outputs[{j}].data[{CHECK_MIME!r}]",
                 "a check record with 'claim', 'ok' and 'numbers'", record)
    return nb


def collect(paths) -> list[dict]:
    """Every check record stored in the notebooks at ``paths``, in order, with its notebook
    file, title, section heading and cell id added.

    Raises:
        NotebookFormatError: a path that is missing, a folder, not UTF-8 JSON (the message
            gives line and column) or not shaped like a notebook (it names the field).
    """
    from pathlib import Path

    records = []
    for path in map(Path, paths):
        nb = _read_notebook(path)
        title, section = path.stem, ""
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                title = _heading(source, "#") or title
                section = _heading(source, "##") or section
                continue
            for out in cell.get("outputs", []):
                record = out.get("data", {}).get(CHECK_MIME)
                if record is not None:
                    records.append({**record, "file": path.name, "title": title,
                                    "section": section, "cell": cell.get("id", "")})
    return records


def render(records: list[dict], link_prefix: str = "notebooks/") -> str:
    """``CLAIMS.md``: the lecture claims with their verdicts, then every check by notebook."""
    def where(r):
        return f"[{r['file'][:2]} · {r['section'] or r['title']}]({link_prefix}{r['file']}), cell `{r['cell']}`"

    def cell(text):
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["# Claims ledger", "",
             "Every claim the course checks, and every claim of the lecture notes it tests, with "
             "the verdict measured here. Written by `make ledger` from the stored notebook "
             "outputs (strict nbval keeps those current); do not edit by hand.", "",
             "## The lecture's claims", "",
             "| claim | source | verdict here | measured | checked in |", "|---|---|---|---|---|"]
    decided = {}
    for r in records:
        if r.get("lecture"):
            decided.setdefault(r["lecture"], []).append(r)
    for key, claim in CLAIMS.items():
        for r in decided.get(key, [None]):
            verdict = "**not tested yet**" if r is None else cell(r["verdict"])
            measured = "" if r is None else r["claim"] + (f" ({r['numbers']})" if r["numbers"] else "")
            lines.append(f"| {cell(claim.text)} | {cell(claim.source)} | {verdict} | "
                         f"{cell(measured)} | "
                         f"{'' if r is None else where(r)} |")
    held = sum(r["ok"] for r in records)
    lines += ["", f"## Every check ({held} of {len(records)} hold)", ""]
    current = None
    for r in records:
        if r["file"] != current:
            current = r["file"]
            lines += ["", f"### [{cell(r['title'])}]({link_prefix}{r['file']})", "",
                      "| | claim | measured | section, cell |", "|---|---|---|---|"]
        lines.append(f"| {'✓' if r['ok'] else '✗'} | {cell(r['claim'])} | {cell(r['numbers'])} | "
                     f"{cell(r['section'])}, `{r['cell']}` |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m course_lib.ledger NOTEBOOK... --out CLAIMS.md [--check]``."""
    import argparse
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m course_lib.ledger",
                                     description="write (or check) the claims ledger")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--check", action="store_true",
                        help="fail if OUT is stale or a lecture claim is not tested")
    args = parser.parse_args(argv)
    try:
        records = collect(sorted(args.notebooks))
    except NotebookFormatError as err:
        parser.error(str(err))  # exit status 2, the message names the file
    text = render(records)
    if not args.check:
        if not args.out.parent.is_dir():
            parser.error(f"--out {args.out}: folder {args.out.parent} does not exist")
        if args.out.is_dir():
            parser.error(f"--out {args.out}: is a folder; name the file to write")
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: {len(records)} checks")
        return 0
    problems = []
    if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
        problems.append(f"{args.out} is stale: run `make ledger` and commit it")
    untested = sorted(set(CLAIMS) - {r["lecture"] for r in records if r.get("lecture")})
    if untested:
        problems.append(f"lecture claims no notebook tests: {', '.join(untested)}")
    failed = [r["claim"] for r in records if not r["ok"]]
    if failed:
        problems.append(f"stored checks that failed: {failed}")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
