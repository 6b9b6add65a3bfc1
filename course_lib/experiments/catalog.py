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
    from course_lib.experiments import tagger_ablation, tagger_grid

    found: list[Experiment] = [tagger_grid.EXPERIMENT, tagger_ablation.EXPERIMENT]
    return {e.name: e for e in found}
