"""Notebook 06's long experiments: what the LSTM's gating does and does not fix.

* ``lstm_gating`` — the adding problem (T = 30) for the tanh RNN, the LSTM with torch's
  default init and the LSTM with forget-gate bias 1, and the cue task (cue 15 steps back)
  for both LSTMs: each arm's learning rate selected on validation data from a grid over
  three seeds, then five seeds at the selected rate (:mod:`course_lib.experiments.sweep`).
  After every adding run it also stores ‖∂ŷ/∂x_t‖ against distance and the mean forget gate
  of each LSTM unit, so the notebook can show what training changed.
* ``lstm_exploding`` — an LSTM whose recurrent path amplifies (recurrent weights 8 × torch's
  init range, forget gates open, :func:`amplifying_lstm`) trained with SGD on the adding
  problem (T = 60) without and with norm clipping, beside the controls that separate
  explosion *through time* from a too-large step on the read-out: the same model with the
  recurrence frozen (only the read-out trains), the same model on T = 2, and the LSTM at
  torch's default init. Gradient-norm and loss traces of every run are stored.

:func:`state_gradient_norms` measures ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ against distance in numpy
(float64) for any LSTM parameters, the measurement behind both experiments.

References: Hochreiter & Schmidhuber 1997 (adding problem); Gers, Schmidhuber & Cummins 2000
and Jozefowicz, Zaremba & Sutskever 2015 (forget bias); Pascanu, Mikolov & Bengio 2013
(exploding gradients, clipping).
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib import lstm_np
from course_lib.experiments.catalog import Experiment
from course_lib.experiments.models import make_model, set_forget_bias
from course_lib.experiments.runs import VALID_STREAM, adding_data, run_adding
from course_lib.experiments.sweep import run_one, select_lr, solved, sweep

LRS = (1e-3, 3e-3, 1e-2, 3e-2)
TUNING_SEEDS = (0, 1, 2)
FINAL_SEEDS = (0, 1, 2, 3, 4)
ADDING = {"length": 30, "steps": 600, "every": 50}
CUE = {"length": 15, "steps": 600, "every": 50}
PROBE = 64  # validation sequences on which the trained models' gradients are measured


def input_gradient_norms(model, x: torch.Tensor) -> np.ndarray:
    """‖∂ŷ/∂x_t‖ (mean over the batch) indexed by distance d = T − 1 − t, shape (T,).

    ``model`` maps inputs (N, T, D) to one output per sequence (N, 1); ``ŷ`` is summed over
    the batch, so row n of the gradient is ∂ŷ_n/∂x_{n,t}.
    """
    xx = x.detach().clone().requires_grad_(True)
    model(xx).sum().backward()
    model.zero_grad(set_to_none=True)
    return xx.grad.norm(dim=2).mean(dim=0).flip(0).double().numpy()


def forget_gate_means(lstm: torch.nn.LSTM, x: torch.Tensor) -> np.ndarray:
    """Mean forget gate of each unit over a batch (N, T, D) of inputs, shape (H,)."""
    _, cache = lstm_np.lstm_forward(x.double().numpy(), np.zeros((len(x), lstm.hidden_size)),
                                    np.zeros((len(x), lstm.hidden_size)),
                                    lstm_np.params_from_torch(lstm))
    return lstm_np.split_gates(cache.gates)["f"].mean(axis=(0, 1))


def _after_adding(model, record: dict) -> dict:
    x, _ = adding_data(PROBE, ADDING["length"], record["seed"], VALID_STREAM)
    extra = {"reach": input_gradient_norms(model, x).tolist()}
    if isinstance(model.rnn, torch.nn.LSTM):
        extra["forget_unit_means"] = forget_gate_means(model.rnn, x).tolist()
    return extra


def tuned_sweep(task: str, arms, setting: dict, after=None) -> list[dict]:
    """Sweep :data:`LRS` on :data:`TUNING_SEEDS`, then run the remaining
    :data:`FINAL_SEEDS` at each arm's rate selected on validation."""
    records = sweep(task, arms, LRS, TUNING_SEEDS, after=after, **setting)
    for arm in arms:
        lr = select_lr(records, arm)
        records += [run_one(task, arm, lr, seed, after=after, **setting)
                    for seed in FINAL_SEEDS if seed not in TUNING_SEEDS]
    return records


def run_gating() -> tuple[dict, dict]:
    config = {"lrs": LRS, "tuning_seeds": TUNING_SEEDS, "final_seeds": FINAL_SEEDS,
              "adding": ADDING, "cue": CUE, "optimizer": "adam", "hidden_size": 32,
              "batch_size": 32, "selection": "best mean final validation score over the "
              "tuning seeds; ties: fewer steps to solve"}
    results = {"adding": tuned_sweep("adding", ("tanh", "lstm", "lstm_fb1"), ADDING,
                                     after=_after_adding),
               "cue": tuned_sweep("cue", ("lstm", "lstm_fb1"), CUE)}
    return config, results


def _compare_runs(stored: dict, fresh: dict, label: str, rel: float) -> list[str]:
    """Mismatches between a stored and a re-run record: the solved verdict must agree, and
    the first validation score must agree to ``rel`` (relative)."""
    problems = []
    if solved(stored["task"], stored["test"]) != solved(fresh["task"], fresh["test"]):
        problems.append(f"{label}: stored test score {stored['test']:.4g}, re-run "
                        f"{fresh['test']:.4g} (solved verdict differs)")
    a, b = stored["valid"][0], fresh["valid"][0]
    if not abs(a - b) <= rel * max(abs(a), 1e-12):
        problems.append(f"{label}: first validation score {a:.6g} stored, {b:.6g} re-run")
    return problems


def reproduce_gating(stored: dict) -> list[str]:
    """Re-run seed 0 of the LSTM on the adding problem and of the LSTM with forget bias 1 on
    the cue task at their stored selected rates (about 6 s of CPU). Tolerances: the same
    solved/unsolved verdict, and the validation score after 50 steps within 1e-3 relative
    (float32 round-off differs between CPU kernels but grows little in 50 steps; training is
    chaotic later on)."""
    problems = []
    for task, arms, setting, after in (("adding", ("lstm",), ADDING, _after_adding),
                                       ("cue", ("lstm_fb1",), CUE, None)):
        for arm in arms:
            lr = select_lr(stored[task], arm, TUNING_SEEDS)
            old = next(r for r in stored[task] if r["arm"] == arm and r["lr"] == lr
                       and r["seed"] == 0)
            new = run_one(task, arm, lr, 0, after=after, **setting)
            problems += _compare_runs(old, new, f"{task}/{arm}/lr={lr}/seed 0", 1e-3)
    return problems


# ---- exploding gradients ------------------------------------------------------------------

SCALE, FORGET_OPEN = 8.0, 3.0
EXPLODE = {"T": 60, "steps": 300, "lr": 0.03, "optimizer": "sgd", "clip_norm": 1.0}
EXPLODE_ARMS = ("unclipped", "clipped", "frozen recurrence", "T = 2", "torch init")


def amplifying_lstm(seed: int, scale: float = SCALE, forget_bias: float = FORGET_OPEN,
                    hidden_size: int = 32):
    """An adding-problem LSTM (:func:`~course_lib.experiments.models.make_model`) whose
    recurrent weights ``W_hh`` are ``scale`` × torch's draw (uniform ±scale/√H) and whose
    effective forget bias is ``forget_bias`` (σ(3) ≈ 0.95: the cell keeps its content)."""
    model = make_model("lstm", 2, hidden_size, 1, seed=seed)
    with torch.no_grad():
        model.rnn.weight_hh_l0.mul_(scale)
    set_forget_bias(model.rnn, forget_bias)
    return model


def state_gradient_norms(params: dict, x: np.ndarray, dh_last: np.ndarray):
    """‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ (mean over the batch) for ``L = Σ_n dh_last[n] · h_T[n]``,
    indexed by distance d = T − t (d = 0 is the last step), each of shape (T,).

    Runs :func:`course_lib.lstm_np.lstm_forward` from zero states, then the step backward
    of :mod:`course_lib.lstm_np` from the last step down, keeping both carries: ∂L/∂h_t
    (through W_hh and the gates) and the total ∂L/∂c_t = carry along the cell state + the
    part through h_t = o_t ⊙ tanh(c_t). Shapes: ``x`` (N, T, D), ``dh_last`` (N, H).
    """
    D, H = lstm_np.check_params(params)
    N, T, _ = np.shape(x)
    zeros = np.zeros((N, H))
    h, cache = lstm_np.lstm_forward(x, zeros, zeros, params)
    h_prev = np.concatenate([zeros[:, None], h], axis=1)
    c_prev = np.concatenate([zeros[:, None], cache.c], axis=1)
    dh, dc_carry = np.asarray(dh_last, dtype=np.float64), zeros
    dh_norms, dc_norms = np.empty(T), np.empty(T)
    for d, t in enumerate(reversed(range(T))):
        gates = cache.gates[:, t]
        o, tc = gates[:, 3 * H:], np.tanh(cache.c[:, t])
        dh_norms[d] = np.linalg.norm(dh, axis=1).mean()
        dc_norms[d] = np.linalg.norm(dc_carry + dh * o * (1 - tc * tc), axis=1).mean()
        step = lstm_np.LSTMStepCache(x[:, t], h_prev[:, t], c_prev[:, t], gates,
                                     cache.c[:, t], params)
        grads = lstm_np.lstm_step_backward(dh, dc_carry, step)
        dh, dc_carry = grads["h_prev"], grads["c_prev"]
    return dh_norms, dc_norms


def _explode_run(arm: str, seed: int) -> dict:
    model = make_model("lstm", 2, 32, 1, seed=seed) if arm == "torch init" \
        else amplifying_lstm(seed)
    if arm == "frozen recurrence":
        for p in model.rnn.parameters():
            p.requires_grad_(False)
    run = run_adding(model, 2 if arm == "T = 2" else EXPLODE["T"], EXPLODE["steps"],
                     EXPLODE["lr"], optimizer=EXPLODE["optimizer"], seed=seed,
                     clip_norm=EXPLODE["clip_norm"] if arm == "clipped" else None)
    h = run.history
    return {"arm": arm, "seed": seed, "test": run.score, "diverged": h.diverged,
            "loss": [float(f"{v:.4g}") for v in h.loss],
            "grad_norm": [float(f"{v:.4g}") for v in h.grad_norm],
            "clipped_steps": sum(h.clipped)}


def run_exploding() -> tuple[dict, dict]:
    config = {**EXPLODE, "scale": SCALE, "forget_bias": FORGET_OPEN, "seeds": FINAL_SEEDS,
              "hidden_size": 32, "batch_size": 32, "arms": EXPLODE_ARMS}
    return config, {"runs": [_explode_run(arm, s) for arm in EXPLODE_ARMS for s in FINAL_SEEDS]}


def reproduce_exploding(stored: dict) -> list[str]:
    """Re-run seed 0 unclipped and with the recurrence frozen (about 4 s of CPU). Tolerances: the
    first 20 gradient norms within 1e-3 relative (before the chaos of a spike sets in), and
    the run's largest gradient norm on the same side of 10."""
    problems = []
    for arm in ("unclipped", "frozen recurrence"):
        old = next(r for r in stored["runs"] if r["arm"] == arm and r["seed"] == 0)
        new = _explode_run(arm, 0)
        a, b = np.array(old["grad_norm"][:20]), np.array(new["grad_norm"][:20])
        if a.shape != b.shape or not np.all(np.abs(a - b) <= 1e-3 * np.abs(a)):
            problems.append(f"{arm}/seed 0: first gradient norms differ (stored {a[:3]}, "
                            f"re-run {b[:3]})")
        if (max(old["grad_norm"]) > 10) != (max(new["grad_norm"]) > 10):
            problems.append(f"{arm}/seed 0: largest gradient norm {max(old['grad_norm']):.3g} "
                            f"stored, {max(new['grad_norm']):.3g} re-run")
    return problems


EXPERIMENTS = (
    Experiment("lstm_gating", 1, "06", run_gating, reproduce_gating,
               "adding T=30 (tanh, LSTM, LSTM fb 1) and cue d=15 (both LSTMs), tuned lr"),
    Experiment("lstm_exploding", 1, "06", run_exploding, reproduce_exploding,
               "LSTM with W_hh x8, open forget gates: SGD on adding T=60 with its controls"),
)

__all__ = ["EXPERIMENTS", "amplifying_lstm", "forget_gate_means", "input_gradient_norms",
           "state_gradient_norms"]
