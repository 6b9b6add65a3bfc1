"""Gradient clipping on a real RNN: the cue task, where plain SGD spikes now and then.

The experiment behind notebook 04 §3–4. A tanh RNN (torch's default init, H = 32) learns the
cue task (:func:`course_lib.tasks.cue_task`: recall which of K = 4 cue tokens came
``distance`` = 10 steps before the end) with plain SGD, batch 32, 2000 steps. Every run
records, besides the training history, what the notebook's claims need:

* the outcome: validation accuracy (held-out stream, used to *choose* learning rates) and
  test accuracy (another stream, reported), steps until the training loss (running mean over
  50 steps) first falls below ``level``;
* how often clipping fired, and where the gradient norm peaked: the largest ‖g‖, its ratio
  to the run's median ‖g‖, and which share of ‖g‖² at that step sits in the recurrent layer
  (``W_ih, W_hh, b_ih, b_hh``) and in the read-out (``V, c``) — a spike through time lives in
  the recurrent layer, a learning rate too large for the read-out does not;
* for the main pair (no clipping / clipping at ``tau``, learning rate ``lr``): the loss and
  ‖g‖ traces in blocks of ``block`` steps (mean loss, largest ‖g‖ of the block) and the step
  where the two runs of a seed first differ (they share weights and batches, so that is the
  first step clipping changed).

Three sweeps, five seeds each (≈ 65 runs): learning rate × {no clipping, clipping at
``tau``} (each arm picks its learning rate on the validation stream: the control "a lower
learning rate without clipping"); the clipping threshold at ``lr``.

References: Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural
networks", ICML 2013, §3.2 (Algorithm 1, the threshold heuristic) and §2.3 (bifurcations).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from course_lib.experiments.catalog import Experiment
from course_lib.experiments.models import make_model
from course_lib.experiments.runs import TEST_STREAM, cue_data, run_cue, steps_to_reach

NAME, VERSION = "clipping_cue", 1
VALID_STREAM = TEST_STREAM + 1  # the validation set's generator key (learning-rate choice)
CONFIG = {
    "kind": "tanh", "distance": 10, "hidden_size": 32, "embed_size": 8, "n_classes": 4,
    "vocab_size": 16, "batch_size": 32, "steps": 2000, "optimizer": "sgd",
    "n_valid": 500, "n_test": 500, "seeds": [0, 1, 2, 3, 4],
    "lr": 0.3, "tau": 1.0,                         # the main pair: same lr, clipped or not
    "lrs": [0.03, 0.1, 0.3, 1.0],                  # learning-rate sweep, each arm
    "thresholds": [0.03, 0.1, 0.3, 1.0, 3.0, 10.0],  # threshold sweep at lr
    "level": 0.1, "window": 50,                    # "reached": running-mean loss < level
    "solved": 0.95,                                # test accuracy that counts as solved
    "block": 10,                                   # trace resolution (steps per point)
}
RECURRENT = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0")
READOUT = ("head.weight", "head.bias")


def _sig(x: float, digits: int = 4) -> float:
    """``x`` rounded to ``digits`` significant digits (keeps the stored file small)."""
    return float(f"{x:.{digits}g}") if math.isfinite(x) else x


def _accuracy(model, cfg: dict, seed: int, stream: int, n: int) -> float:
    """Accuracy of ``model`` on ``n`` cue sequences of generator key ``[seed, stream]``."""
    x, y = cue_data(n, cfg["distance"], seed, stream, cfg["n_classes"], cfg["vocab_size"])
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).double().mean())


def cue_run(seed: int, lr: float, tau: float | None, cfg: dict = CONFIG,
            traces: bool = False) -> dict:
    """One run of the experiment (see the module docstring); a JSON-ready summary.

    Args:
        seed: weights and data stream. lr: SGD learning rate. tau: norm-clipping threshold
            (None: no clipping). cfg: the settings (:data:`CONFIG`).
        traces: also return the per-block traces (``loss_blocks``, ``norm_blocks``), the
            clipped steps ``clipped_at``, and the full per-step lists ``loss`` and
            ``grad_norm`` (for live plots and comparisons; not stored).
    """
    model = make_model(cfg["kind"], cfg["embed_size"], cfg["hidden_size"], cfg["n_classes"],
                       vocab_size=cfg["vocab_size"], seed=seed)
    sq = {name: [] for name, _ in model.named_parameters()}
    for name, p in model.named_parameters():  # ‖∂L/∂p‖² of every step, read as backward runs
        p.register_hook(lambda g, name=name: sq[name].append(float((g.double() ** 2).sum())))
    run = run_cue(model, cfg["distance"], cfg["steps"], lr, optimizer=cfg["optimizer"],
                  clip_norm=tau, hidden_size=cfg["hidden_size"], batch_size=cfg["batch_size"],
                  seed=seed, n_test=cfg["n_test"], n_classes=cfg["n_classes"],
                  vocab_size=cfg["vocab_size"], embed_size=cfg["embed_size"])
    h = run.history
    loss, norm = np.asarray(h.loss), np.asarray(h.grad_norm)
    finite = np.isfinite(norm)
    peak = int(np.argmax(np.where(finite, norm, -1.0)))
    total = sum(v[peak] for v in sq.values())
    out = {
        "seed": seed, "lr": lr, "tau": tau, "steps_run": len(loss), "diverged": h.diverged,
        "valid_acc": (1 / cfg["n_classes"] if h.diverged
                      else _accuracy(run.model, cfg, seed, VALID_STREAM, cfg["n_valid"])),
        "test_acc": run.score,
        "final_loss": _sig(h.final_loss(last=100)),
        "steps_to_level": steps_to_reach(loss, cfg["level"], cfg["window"]),
        "clipped_steps": int(sum(h.clipped)),
        "first_clipped": next((i for i, c in enumerate(h.clipped) if c), None),
        "mean_norm": _sig(float(norm[finite].mean())),
        "median_norm": _sig(float(np.median(norm[finite]))),
        "max_norm": _sig(float(norm[peak])), "max_norm_step": peak,
        "recurrent_share_at_max": _sig(sum(sq[k][peak] for k in RECURRENT) / total, 3),
        "readout_share_at_max": _sig(sum(sq[k][peak] for k in READOUT) / total, 3),
    }
    if traces:
        b = cfg["block"]
        n = len(loss) // b * b
        out["loss_blocks"] = [_sig(v) for v in loss[:n].reshape(-1, b).mean(axis=1)]
        out["norm_blocks"] = [_sig(v) for v in norm[:n].reshape(-1, b).max(axis=1)]
        out["clipped_at"] = [i for i, c in enumerate(h.clipped) if c]
        out["loss"], out["grad_norm"] = loss.tolist(), norm.tolist()
    return out


def first_difference(a: list, b: list) -> int | None:
    """The first step at which two loss lists differ (None if they never do)."""
    # a diverged run stops early: compare the common steps
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)


def main_pair(seed: int, cfg: dict = CONFIG) -> dict:
    """The seed's runs at ``lr`` without and with clipping at ``tau``, with their traces and
    the first step at which they differ."""
    plain = cue_run(seed, cfg["lr"], None, cfg, traces=True)
    clipped = cue_run(seed, cfg["lr"], cfg["tau"], cfg, traces=True)
    differ = first_difference(plain["loss"], clipped["loss"])
    for r in (plain, clipped):
        del r["loss"], r["grad_norm"]
    return {"plain": plain, "clipped": clipped, "first_difference": differ}


def run(cfg: dict = CONFIG) -> tuple[dict, dict]:
    """The full experiment (≈ 65 runs of 2000 steps; a few minutes on one core)."""
    pairs = {str(s): main_pair(s, cfg) for s in cfg["seeds"]}
    main = {(cfg["lr"], None): [pairs[str(s)]["plain"] for s in cfg["seeds"]],
            (cfg["lr"], cfg["tau"]): [pairs[str(s)]["clipped"] for s in cfg["seeds"]]}

    def arm(lr, tau):
        if (lr, tau) not in main:
            main[(lr, tau)] = [cue_run(s, lr, tau, cfg) for s in cfg["seeds"]]
        return [{k: v for k, v in r.items() if not k.endswith("_blocks") and k != "clipped_at"}
                for r in main[(lr, tau)]]

    results = {
        "pairs": pairs,
        "lr_sweep": {"none": {str(lr): arm(lr, None) for lr in cfg["lrs"]},
                     "clipped": {str(lr): arm(lr, cfg["tau"]) for lr in cfg["lrs"]}},
        "threshold_sweep": {str(t): arm(cfg["lr"], t) for t in cfg["thresholds"]},
    }
    return dict(cfg), results


# Declared tolerances of the cheap re-run (seed 3: its unclipped run fails and its clipped run
# solves the task under the default, AVX2 and AVX-512 kernels alike). With the kernels that
# wrote the file the re-run is bit-identical. Other CPU kernels round float32 sums
# differently: measured on seed 3, the losses of the first 600 steps agree within 3e-7
# relative (clipping first fires after that), so the first ``EARLY`` steps are compared
# within ``EARLY_RTOL``. Later the runs are chaotic and only the outcome is compared: solved
# or not and, for solved runs, the test accuracy within ``ACC_TOL``. A failed run ends on
# whichever plateau the chaos leaves it (seed 3 unclipped: accuracy 0.20, 0.27 and 0.51
# under the three kernel settings), so its accuracy is not compared.
EARLY, EARLY_RTOL, ACC_TOL = 500, 1e-3, 0.05


def compare_pair(pair: dict, stored_pair: dict, seed: int, cfg: dict = CONFIG) -> list[str]:
    """Mismatches between a re-run pair ``{"plain": run, "clipped": run}`` (with
    ``loss_blocks`` and ``test_acc``) and the stored one, within the declared tolerances."""
    problems = []
    for arm in ("plain", "clipped"):
        got, want = pair[arm], stored_pair[arm]
        n = EARLY // cfg["block"]
        early, ref = np.asarray(got["loss_blocks"][:n]), np.asarray(want["loss_blocks"][:n])
        if early.shape != ref.shape or not np.allclose(early, ref, rtol=EARLY_RTOL, atol=0):
            problems.append(f"seed {seed} {arm}: first {EARLY} steps' losses differ by more "
                            f"than {EARLY_RTOL:g} relative")
        solved = [r["test_acc"] >= cfg["solved"] for r in (got, want)]
        if solved[0] != solved[1] or (
                solved[0] and abs(got["test_acc"] - want["test_acc"]) > ACC_TOL):
            problems.append(f"seed {seed} {arm}: test accuracy {got['test_acc']:.3f}, stored "
                            f"{want['test_acc']:.3f} (same outcome needed; solved runs within "
                            f"{ACC_TOL})")
    return problems


def reproduce(stored: dict, seed: int = 3, cfg: dict = CONFIG) -> list[str]:
    """Re-run one seed's main pair (≈ 6 s) and compare it with the stored results."""
    return compare_pair(main_pair(seed, cfg), stored["pairs"][str(seed)], seed, cfg)


EXPERIMENT = Experiment(
    name=NAME, version=VERSION, notebook="04", run=run, reproduce=reproduce,
    summary="cue task, tanh RNN, SGD: clipping vs lower learning rate; threshold sweep "
            "(5 seeds)")
