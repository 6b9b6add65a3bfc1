"""Run, check and list the course's long experiments.

    python -m course_lib.experiments list
    python -m course_lib.experiments run [NAME ...] [--jobs N]    # full runs → results/NAME.json
    python -m course_lib.experiments check [NAME ...] [--jobs N]  # cheap re-runs vs stored results

``make experiments`` runs them all (budget: 20 minutes on 2 cores, two at a time);
``make test`` runs ``check``. Every experiment runs in its own process with torch on one
thread (``seed_everything``), so the numbers do not depend on how many run at once. Exit
status 1 when a check finds a mismatch or a run fails, 2 for an unknown name.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

from course_lib.experiments.catalog import experiments, run_or_check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.experiments",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("list", "run", "check"))
    parser.add_argument("names", nargs="*", metavar="NAME", help="experiments (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="experiments run at once")
    args = parser.parse_args(argv)
    catalog = experiments()
    unknown = [n for n in args.names if n not in catalog]
    if unknown:
        print(f"unknown experiment(s): {', '.join(unknown)}; known: {', '.join(catalog)}",
              file=sys.stderr)
        return 2
    if args.jobs < 1:
        parser.error("--jobs must be ≥ 1")
    names = args.names or list(catalog)
    if args.command == "list":
        for e in (catalog[n] for n in names):
            print(f"{e.name:28} v{e.version}  notebook {e.notebook}  {e.summary}")
        return 0
    failed = 0
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: no state shared
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx) as pool:
        for ok, lines in pool.map(run_or_check, [args.command] * len(names), names):
            print("\n".join(lines), flush=True)
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
