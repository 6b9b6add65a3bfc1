"""``CLAIMS.md``, the ledger of the whole course, written from the stored notebooks.

Every check a notebook ran is stored in its outputs as display data of mime type
:data:`course_lib.ledger.CHECK_MIME`; :func:`collect` reads them back (file, cell, section,
claim, numbers, lecture claim and verdict), :func:`render` writes the Markdown, and
``python -m course_lib.ledger NOTEBOOK... --out CLAIMS.md [--check]`` (``make ledger``) runs
both; ``--check`` fails when the file is stale, a lecture claim is tested by no notebook, or a
stored check failed. Errors: :class:`NotebookFormatError` for a file that is not a readable
notebook (exit status 2).
"""

from __future__ import annotations

from course_lib.lecture_claims import CLAIMS
from course_lib.ledger import CHECK_MIME


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

