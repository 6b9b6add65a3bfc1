"""Check that every notebook gives the same compared outputs twice, alone, in any order.

    python -m tools.check_determinism [NN ...] [--shuffle] [--seed S] [--no-nbval] [--keep DIR]

For each notebook (all numbered notebooks by default; ``NN`` selects by number prefix):

1. execute it twice, each time from a fresh kernel, into two temporary copies of the
   repository (``run1/``, ``run2/``; the copies link to everything but the notebooks, so
   relative paths such as ``../data`` work and nothing is written into ``notebooks/``);
2. compare the two runs cell by cell with nbval's rules (the outputs strict nbval compares,
   after the project's sanitizer ``tests/nbval_sanitize.cfg``; PNG bytes, widget ids, cells
   tagged ``nbval-ignore-output``/``nbval-skip`` are not compared) and list every cell whose
   outputs differ;
3. also list the cells where the first run differs from the outputs stored in the repository
   (stale outputs: re-run ``make execute``);
4. unless ``--no-nbval``, run strict nbval (a third and fourth execution) against each
   re-executed copy, exactly as ``make test`` runs it on the committed notebooks.

With ``--shuffle`` the notebooks are executed (and nbval-checked) in a random order, a new
order for each run, printed with its ``--seed`` so that a failure can be replayed. Every
execution already uses its own kernel, so what a shuffled order can reveal is a notebook that
needs a file another notebook writes.

Exit code 0 when everything is deterministic and nbval passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.executor import PROGRESS_OFF, execute, notebook_client
from tools.notebooks import NOTEBOOKS as NOTEBOOK_DIR
from tools.notebooks import ROOT, select_notebooks

SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
# What nbval 0.11 leaves out of the comparison (IPyNbFile.skip_compare without --nbdime).
SKIP_COMPARE = ("metadata", "traceback", "prompt_number", "output_type", "name",
                "execution_count", "application/vnd.jupyter.widget-view+json",
                "image/png", "image/jpeg")


def make_workspace(parent: Path, name: str) -> Path:
    """``parent/name``: links to every top-level entry of the repository but ``notebooks/``,
    and a real ``notebooks/`` folder with links to everything in it but the numbered notebooks.
    Returns the workspace's ``notebooks/`` folder."""
    ws = parent / name
    (ws / "notebooks").mkdir(parents=True)
    for entry in ROOT.iterdir():
        if entry.name not in ("notebooks", ".git"):
            (ws / entry.name).symlink_to(entry)
    for entry in NOTEBOOK_DIR.iterdir():
        if not re.fullmatch(r"[0-9][0-9]_.*\.ipynb", entry.name):
            (ws / "notebooks" / entry.name).symlink_to(entry)
    return ws / "notebooks"


def execute_into(path: Path, dest_dir: Path, timeout: int = 600) -> tuple[float, str | None]:
    """Execute ``path`` from a fresh kernel with cwd ``dest_dir``; save it there.

    Returns (seconds, error or None). A notebook that fails is saved as far as it ran.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, dest_dir, timeout)
    start = time.perf_counter()
    error = None
    try:
        execute(client)
    except CellExecutionError as err:
        error = f"{err.ename}: {err.evalue}"
    except Exception as err:  # timeouts, dead kernels: report, keep going
        error = f"{type(err).__name__}: {err}"
    nbformat.write(nb, dest_dir / path.name)
    return time.perf_counter() - start, error


def load_sanitizers(cfg: Path = SANITIZE_CFG) -> list[tuple[str, str]]:
    from nbval.plugin import get_sanitize_patterns

    return get_sanitize_patterns(cfg.read_text()) if cfg.exists() else []


def _compared(cell, sanitizers) -> dict[str, list]:
    """The outputs nbval compares for ``cell``, flattened as nbval does: key -> values."""
    from nbval.plugin import coalesce_streams, transform_streams_for_comparison

    def clean(value):
        if isinstance(value, str):
            for regex, replace in sanitizers:
                value = re.sub(regex, replace, value)
        return value

    flat: dict[str, list] = {}
    outputs = transform_streams_for_comparison(coalesce_streams(copy.deepcopy(cell.outputs)))
    for out in outputs:
        for key, value in out.items():
            if key in SKIP_COMPARE:
                continue
            items = value.items() if key == "data" else [(key, value)]
            for k, v in items:
                if k not in SKIP_COMPARE:
                    flat.setdefault(k, []).append(clean(v))
    return flat


def _checked(cell) -> bool:
    """False for cells strict nbval does not compare (skip / ignore-output markers)."""
    from nbval.plugin import find_comment_markers, find_metadata_tags

    options = dict(find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))
    return not options.get("skip") and options.get("check", True) is not False


def _short(values: list) -> str:
    text = " | ".join(str(v) for v in values).replace("\n", "⏎")
    return text if len(text) <= 160 else text[:157] + "..."


def compare_runs(a, b, sanitizers) -> list[str]:
    """Differences of ``b`` from the reference ``a``, cell by cell, by nbval's rules."""
    cells_a = [c for c in a.cells if c.cell_type == "code"]
    cells_b = [c for c in b.cells if c.cell_type == "code"]
    if len(cells_a) != len(cells_b):
        return [f"different numbers of code cells: {len(cells_a)} and {len(cells_b)}"]
    problems = []
    for k, (ca, cb) in enumerate(zip(cells_a, cells_b, strict=True)):
        if not _checked(ca) or ca.execution_count is None:  # nbval skips unrun references
            continue
        fa, fb = _compared(ca, sanitizers), _compared(cb, sanitizers)
        for key in sorted(set(fa) | set(fb)):
            if fa.get(key) != fb.get(key):
                problems.append(f"Cell {k} [{key}]: {_short(fa.get(key, []))!r} "
                                f"vs {_short(fb.get(key, []))!r}")
    return problems


def run_nbval(path: Path) -> tuple[bool, str]:
    """Strict nbval on one notebook copy, as ``make test`` runs it; (passed, output tail)."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
           "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE_CFG),
           "--rootdir", str(path.parent), str(path)]
    proc = subprocess.run(cmd, cwd=path.parent, capture_output=True, text=True,
                          env={**os.environ, **PROGRESS_OFF})
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
    return proc.returncode == 0, tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NN",
                        help="number prefixes (e.g. 03) of the notebooks to check; default all")
    parser.add_argument("--shuffle", action="store_true",
                        help="execute the notebooks in a random order (a new one per run)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of --shuffle (default: drawn at random and printed)")
    parser.add_argument("--no-nbval", action="store_true",
                        help="skip the strict nbval runs on the re-executed copies")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the executed copies in this (new) folder")
    args = parser.parse_args(argv)
    try:
        paths = select_notebooks(args.notebooks, NOTEBOOK_DIR)
    except ValueError as err:
        parser.error(str(err))
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep} already exists; give a new folder")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    orders = []
    for _ in range(2):
        order = list(paths)
        if args.shuffle:
            rng.shuffle(order)
        orders.append(order)
    if args.shuffle:
        print(f"shuffled with --seed {seed}")

    import nbformat

    failures = 0
    with tempfile.TemporaryDirectory(prefix="determinism-") as tmp:
        base = args.keep.resolve() if args.keep else Path(tmp)
        dirs = [make_workspace(base, f"run{k}") for k in (1, 2)]
        errors: dict[str, str] = {}
        for run, (order, dest) in enumerate(zip(orders, dirs, strict=True), start=1):
            print(f"run {run}: " + ", ".join(p.name[:2] for p in order))
            for path in order:
                seconds, error = execute_into(path, dest)
                print(f"  {path.name}: {seconds:.1f} s" + (f"  FAILED {error}" if error else ""))
                if error:
                    errors.setdefault(path.name, f"run {run}: {error}")

        sanitizers = load_sanitizers()
        print("\ncompared outputs, run 1 vs run 2 (nbval's rules):")
        for path in paths:
            a, b = (nbformat.read(d / path.name, as_version=4) for d in dirs)
            diffs = compare_runs(a, b, sanitizers)
            stored = compare_runs(nbformat.read(path, as_version=4), a, sanitizers)
            if path.name in errors:
                failures += 1
                print(f"  {path.name}: execution failed ({errors[path.name]})")
            elif diffs:
                failures += 1
                print(f"  {path.name}: NOT deterministic, {len(diffs)} difference(s)")
                for line in diffs:
                    print(f"    {line}")
            else:
                print(f"  {path.name}: identical")
            if stored:
                print(f"    note: {len(stored)} cell output(s) differ from the stored ones "
                      f"(stale outputs? re-run make execute): {stored[0]}")

        if not args.no_nbval:
            print("\nstrict nbval on each re-executed copy:")
            for run, (order, dest) in enumerate(zip(orders, dirs, strict=True), start=1):
                for path in order:
                    passed, tail = run_nbval(dest / path.name)
                    print(f"  run {run} {path.name}: {'passed' if passed else 'FAILED'}")
                    if not passed:
                        failures += 1
                        print("    " + tail.replace("\n", "\n    "))
        if args.keep:
            print(f"\nexecuted copies kept in {base}")
    print("\nall deterministic" if not failures else f"\n{failures} problem(s)")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
