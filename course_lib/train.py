"""The course's training loop for torch models: one step at a time, and a history of each.

The course trains many small models the same way: draw a batch, compute the loss, backprop,
measure the global gradient norm, optionally clip, step. :func:`train` does exactly that and
records what later cells plot and check — loss, gradient norm before clipping, whether the
step was clipped — so computing and displaying stay apart (plots live in
:mod:`course_lib.plots.curves`).

Every training loop in the course, and why each exists:

* :func:`train` (here) — every torch experiment of notebooks 01–08: the runners of
  :mod:`course_lib.experiments.runs` (adding problem, cue task), the small slot taggers of
  :mod:`course_lib.experiments.tagging`, the language models of notebook 08. A fixed number
  of steps, one batch per step, so that runs compare step for step.
* :func:`course_lib.surface.gradient_descent` and
  :func:`~course_lib.surface.linear_neuron_descent` — plain (optionally clipped) gradient
  descent in numpy on two-parameter error surfaces (notebooks 03–04). Not torch: the point is
  to see every step of the parameters, and the surfaces are closed-form.
* the capstone's loop in :mod:`course_lib.tagger` (notebook 09 and
  ``python -m course_lib.tagger``) — epochs over bucketed batches with early stopping on dev
  span F1, keeping the best epoch's weights: what a practitioner's tagger needs and a
  fixed-step experiment does not.

References: Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural
networks", ICML 2013, Algorithm 1 (norm clipping).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from course_lib.progress import progress


@dataclass
class History:
    """What one training run recorded, one entry per optimisation step.

    Attributes:
        loss: training loss of each step's batch (before the step).
        grad_norm: global L2 norm of all gradients, before clipping.
        clipped: whether clipping changed that step's gradient.
        eval_steps: the steps after which ``eval_fn`` ran.
        eval: ``{name: [value per evaluation]}`` from ``eval_fn``.
        diverged: the loss or gradient became NaN/inf; training stopped at that step.
        seconds: wall time of the whole run.
    """

    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    clipped: list[bool] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval: dict[str, list[float]] = field(default_factory=dict)
    diverged: bool = False
    seconds: float = 0.0

    def final_loss(self, last: int = 1) -> float:
        """Mean of the last ``last`` training losses (NaN-aware: inf if diverged)."""
        tail = self.loss[-last:]
        return math.inf if self.diverged or not tail else sum(tail) / len(tail)


def make_optimizer(name: str, params, lr: float):
    """``"sgd"`` or ``"adam"`` over ``params`` with learning rate ``lr``."""
    import torch

    if lr <= 0 or not math.isfinite(lr):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def train(
    model,
    loss_fn: Callable[[Any, Any], Any],
    batch_fn: Callable[[int], Any],
    steps: int,
    lr: float,
    optimizer: str = "adam",
    clip_norm: float | None = None,
    clip_value: float | None = None,
    eval_fn: Callable[[Any], dict] | None = None,
    eval_every: int = 0,
    desc: str = "training",
) -> History:
    """Train ``model`` for ``steps`` steps and return a :class:`History`.

    Each step: ``batch = batch_fn(step)``; ``loss = loss_fn(model, batch)`` (a scalar tensor);
    backward; ``‖g‖ = sqrt(Σ_p ‖∂loss/∂p‖²)``; then, if ``clip_norm`` is set,
    ``g ← g · clip_norm/‖g‖`` when ``‖g‖ > clip_norm`` (norm clipping), or if ``clip_value``
    is set, ``g ← clamp(g, -clip_value, clip_value)`` (value clipping); optimizer step.
    A non-finite loss or gradient norm marks the run as diverged and stops it.

    Args:
        model: a ``torch.nn.Module``.
        loss_fn: ``(model, batch) -> scalar tensor``.
        batch_fn: ``step -> batch``; make it deterministic (seeded) for reproducible runs.
        steps: number of optimisation steps (≥ 1).
        lr: learning rate.
        optimizer: ``"sgd"`` or ``"adam"``.
        clip_norm, clip_value: at most one of them.
        eval_fn: ``model -> {name: float}``, run in ``torch.no_grad`` and eval mode every
            ``eval_every`` steps and after the last step.
        desc: progress-bar label.
    """
    import torch

    if steps < 1:
        raise ValueError(f"steps must be ≥ 1, got {steps}")
    if clip_norm is not None and clip_value is not None:
        raise ValueError("pass clip_norm or clip_value, not both")
    for name, v in (("clip_norm", clip_norm), ("clip_value", clip_value)):
        if v is not None and not v > 0:
            raise ValueError(f"{name} must be positive, got {v}")
    opt = make_optimizer(optimizer, model.parameters(), lr)
    params = [p for p in model.parameters() if p.requires_grad]
    hist = History()
    start = time.perf_counter()

    def evaluate(step: int) -> None:
        model.eval()
        with torch.no_grad():
            for k, v in eval_fn(model).items():
                hist.eval.setdefault(k, []).append(float(v))
        hist.eval_steps.append(step)
        model.train()

    model.train()
    for step in progress(range(steps), desc=desc):
        opt.zero_grad()
        loss = loss_fn(model, batch_fn(step))
        loss.backward()
        norm = float(torch.sqrt(sum((p.grad.detach() ** 2).sum() for p in params
                                    if p.grad is not None)))
        hist.loss.append(float(loss.detach()))
        hist.grad_norm.append(norm)
        if not (math.isfinite(hist.loss[-1]) and math.isfinite(norm)):
            hist.clipped.append(False)
            hist.diverged = True
            break
        clipped = False
        if clip_norm is not None and norm > clip_norm:
            torch.nn.utils.clip_grad_norm_(params, clip_norm)
            clipped = True
        elif clip_value is not None:
            clipped = any(bool((p.grad.abs() > clip_value).any()) for p in params
                          if p.grad is not None)
            torch.nn.utils.clip_grad_value_(params, clip_value)
        hist.clipped.append(clipped)
        opt.step()
        if eval_fn is not None and eval_every and (step + 1) % eval_every == 0:
            evaluate(step + 1)
    if eval_fn is not None and (not hist.eval_steps or hist.eval_steps[-1] != len(hist.loss)):
        if not hist.diverged:
            evaluate(len(hist.loss))
    hist.seconds = time.perf_counter() - start
    return hist
