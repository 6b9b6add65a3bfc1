"""Several training runs (``train --seeds N``) summarised in one result, and in one line.

:func:`summarise` turns the per-run results (one dict per seed, as ``train`` prints for one
run) into the fields of the JSON line, each according to what it means:

* measurements that vary from run to run (the metrics, ``train_seconds``): the mean over
  the runs, and ``<field>_sd`` their sample standard deviation (``statistics.stdev``, n − 1);
* counts that are integers in each run (``epochs``, ``best_epoch``): the mean and
  ``<field>_sd`` too, the mean written as an integer when it is one (the runs agree);
* constants of the setting (``steps_per_epoch``: the corpus size over the batch size): the
  value, with no ``_sd``;
* ``last_epoch_steps``: the fewest over the runs, so that it is below ``steps_per_epoch``
  exactly when a partial last epoch occurred in some run;
* true/false flags: true if true in any run; ``stopped``: the common reason, or ``"mixed"``.

:func:`mean_sd_line` is the human-readable "mean ± sd" line printed on stderr.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

CONSTANT = ("steps_per_epoch",)  # the same in every run by construction
FEWEST = ("last_epoch_steps",)
SHOWN = (("slot_f1", "slot F1"), ("intent_accuracy", "intent accuracy"),
         ("sentence_accuracy", "sentence accuracy"))


def summarise(runs: Sequence[dict]) -> dict:
    """One result for several runs (see the module docstring); ``runs`` keeps each run.

    The result has the fields of a run (without ``seed``), ``<field>_sd`` where it is
    meaningful, ``seeds`` (the seeds in order) and ``runs`` (the per-run dicts, unchanged).

    Raises:
        ValueError: fewer than two runs, or runs with different fields.
    """
    if len(runs) < 2:
        raise ValueError(f"summarise needs at least two runs, got {len(runs)}")
    keys = list(runs[0])
    if any(list(r) != keys for r in runs):
        raise ValueError("the runs do not have the same fields")
    result: dict = {}
    for key in keys:
        values = [r[key] for r in runs]
        first = values[0]
        if key == "seed":
            continue
        if isinstance(first, bool):  # a flag
            result[key] = any(values)
        elif key in CONSTANT:
            result[key] = first
        elif key in FEWEST:
            result[key] = min(values)
        elif isinstance(first, (int, float)) and None not in values:
            mean = round(statistics.fmean(values), 2)
            whole = all(isinstance(v, int) for v in values) and mean.is_integer()
            result[key] = int(mean) if whole else mean
            result[key + "_sd"] = round(statistics.stdev(values), 2)
        elif key == "stopped":
            result[key] = first if len(set(values)) == 1 else "mixed"
        else:  # None in some run (e.g. no intent head): nothing to average
            result[key] = first if len(set(map(repr, values))) == 1 else None
    result["seeds"] = [r["seed"] for r in runs]
    result["runs"] = list(runs)
    return result


def mean_sd_line(result: dict, best_seed: int, saved: str | None = None) -> str:
    """E.g. ``seeds 0, 1, 2 (mean ± sd of 3 runs, test): slot F1 91.23 ± 0.45, ...; best dev
    score: seed 1 (saved to m.pt)``, from a :func:`summarise` result."""
    parts = [f"{label} {result[k]:.2f} ± {result[k + '_sd']:.2f}" for k, label in SHOWN
             if result.get(k) is not None and k + "_sd" in result]
    seeds = ", ".join(map(str, result["seeds"]))
    kept = f"; best dev score: seed {best_seed}" + (f" (saved to {saved})" if saved else "")
    return (f"seeds {seeds} (mean ± sd of {len(result['seeds'])} runs, test): "
            f"{', '.join(parts)}{kept}")
