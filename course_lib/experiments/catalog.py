"""Every long experiment of the course, by name: what ``make experiments`` runs.

An :class:`Experiment` bundles the full run (minutes, several seeds), the cheap re-run that
CI uses to show the stored result reproduces (seconds), and the version of its stored file.
Add an experiment by writing its module in this package and listing it in :func:`experiments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Experiment:
    """A long experiment whose results are stored (see :mod:`course_lib.experiments.store`).

    Attributes:
        name: file stem of its stored result, ``results/<name>.json``.
        version: bump it whenever a change to ``run`` or its config changes the numbers'
            meaning; notebooks load only the version they expect.
        notebook: the notebook that loads the result, e.g. ``"05"``.
        run: ``() -> (config, results)``, the full experiment; both JSON-serialisable.
        reproduce: ``(stored_results) -> list[str]``, a cheap part of the run compared with
            the stored results within the experiment's declared tolerances; returns the
            mismatches (empty when the stored results reproduce).
        summary: one line for ``python -m course_lib.experiments list``.
    """

    name: str
    version: int
    notebook: str
    run: Callable[[], tuple[dict, dict]]
    reproduce: Callable[[dict], list[str]]
    summary: str


def experiments() -> dict[str, Experiment]:
    """All experiments, by name (imported here, not at module import, to keep imports light)."""
    from course_lib.experiments import clipping, context_depth, gru, lstm, vanishing

    found: list[Experiment] = [
        context_depth.RIGHT_CONTEXT,
        context_depth.DEPTH_EXPERIMENT,
        clipping.EXPERIMENT,  # notebook 04
        vanishing.RECENCY_EXPERIMENT,  # notebook 05
        vanishing.REMEDIES_EXPERIMENT,
        *lstm.EXPERIMENTS,
        *gru.EXPERIMENTS,
    ]
    return {e.name: e for e in found}


def run_or_check(command: str, name: str) -> tuple[bool, list[str]]:
    """``command`` "run" or "check" for experiment ``name``: ``(ok, lines to print)``.

    Runs in a worker process of ``python -m course_lib.experiments`` (module-level, so the
    process pool can pickle it). A failure is reported, not raised.
    """
    import time
    import traceback

    from course_lib import seed_everything
    from course_lib.experiments.store import MissingResultError, load_result, path_of, save_result

    e = experiments()[name]
    seed_everything(0)
    start = time.perf_counter()
    try:
        if command == "run":
            config, results = e.run()
            seconds = time.perf_counter() - start
            path = save_result(e.name, e.version, config, results, seconds)
            return True, [f"{e.name}: {seconds:.0f} s → {path}"]
        try:
            stored = load_result(e.name, e.version)["results"]
        except MissingResultError as err:  # also BadResultError: not JSON, broken pattern
            return False, [f"✗ {e.name}: {err}"]
        try:
            problems = e.reproduce(stored)
        except KeyError as err:  # the stored results lack what the check reads
            return False, [f"✗ {e.name}: {path_of(e.name)} has no key {err.args[0]!r} in "
                           f"its results, which the check reads (an incomplete or older "
                           f"file); re-run `python -m course_lib.experiments run {e.name}`"]
    except Exception:  # report, and let the other experiments finish
        return False, [f"✗ {e.name} failed:", traceback.format_exc()]
    seconds = time.perf_counter() - start
    status = "✓ reproduces" if not problems else "✗ does not reproduce"
    return not problems, [f"{status} {e.name} ({seconds:.0f} s)"] + [f"    {p}" for p in problems]
