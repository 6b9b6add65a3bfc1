"""Run, check and list the course's long experiments.

    python -m course_lib.experiments list
    python -m course_lib.experiments run [NAME ...]      # full runs; write results/NAME.json
    python -m course_lib.experiments check [NAME ...]    # cheap re-runs vs the stored results

``make experiments`` runs them all (budget: 20 minutes on 2 cores); ``make test`` runs
``check``. Exit status 1 when a check finds a mismatch or a run fails, 2 for an unknown name.
"""

from __future__ import annotations

import argparse
import sys
import time

from course_lib.experiments.catalog import experiments
from course_lib.experiments.store import MissingResultError, load_result, save_result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.experiments",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("list", "run", "check"))
    parser.add_argument("names", nargs="*", metavar="NAME", help="experiments (default: all)")
    args = parser.parse_args(argv)
    catalog = experiments()
    unknown = [n for n in args.names if n not in catalog]
    if unknown:
        print(f"unknown experiment(s): {', '.join(unknown)}; known: {', '.join(catalog)}",
              file=sys.stderr)
        return 2
    chosen = [catalog[n] for n in (args.names or catalog)]
    if args.command == "list":
        for e in chosen:
            print(f"{e.name:28} v{e.version}  notebook {e.notebook}  {e.summary}")
        return 0
    from course_lib import seed_everything

    failed = 0
    for e in chosen:
        seed_everything(0)  # one torch thread: the stored numbers do not depend on thread count
        start = time.perf_counter()
        if args.command == "run":
            config, results = e.run()
            seconds = time.perf_counter() - start
            path = save_result(e.name, e.version, config, results, seconds)
            print(f"{e.name}: {seconds:.0f} s → {path}")
            continue
        try:
            stored = load_result(e.name, e.version)["results"]
        except MissingResultError as err:
            print(f"✗ {e.name}: {err}")
            failed += 1
            continue
        problems = e.reproduce(stored)
        seconds = time.perf_counter() - start
        status = "✓ reproduces" if not problems else "✗ does not reproduce"
        print(f"{status} {e.name} ({seconds:.0f} s)")
        for p in problems:
            print(f"    {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
