"""Training the joint tagger: epochs of bucketed mini-batches, early stopping on dev.

One epoch = one pass over the shuffled training set in batches of similar-length utterances
(:func:`course_lib.batching.bucketed_batches`); each step computes the joint loss
(:func:`course_lib.tagger.model.joint_loss`), backpropagates, clips the global gradient norm
(Pascanu et al. 2013, Alg. 1) and takes an Adam step; optionally rare words of the batch are
first hidden as ``<unk>`` (``rare_word_dropout``). After each epoch the model is scored on
the dev split (:func:`course_lib.tagger.evaluate.selection_score`: the mean of slot F1, intent
accuracy and sentence accuracy); the best epoch's weights are kept, and training stops after
``patience`` epochs without improvement (early stopping, Prechelt 1998), after ``epochs`` or
after ``max_steps`` steps (so a large corpus trains for fewer epochs);
optionally each epoch without improvement also lowers the learning rate ("reduce on
plateau").
The epoch and step limits and early stopping decide; ``max_seconds`` is only a guard against a
run that would take far longer than planned, and the history says when it fired.

A non-finite loss, gradient norm, weight or dev score (NaN or ±inf, e.g. from a far too
large learning rate) stops training at once with :class:`NonFiniteError`; the model is put back to its best epoch
so far (or to its initial weights during the first epoch), so no non-finite weights survive.

This is the course's only epoch loop with a dev metric; ``course_lib.train.train`` is the
step loop the earlier notebooks use.

References: R. Pascanu, T. Mikolov, Y. Bengio, ICML 2013; D. Kingma & J. Ba, "Adam", ICLR
2015; E. Kiperwasser & Y. Goldberg, "Simple and accurate dependency parsing using
bidirectional LSTM feature representations", TACL 2016 (word dropout by frequency);
J. Devlin et al., "BERT", NAACL 2019 (linear decay); L. Prechelt, "Early stopping — but
when?", Neural Networks: Tricks of the Trade, 1998.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from course_lib.batching import TaggerVocabs, bucketed_batches, to_tensors
from course_lib.data import Example
from course_lib.progress import progress
from course_lib.tagger.decode import NonFiniteScores
from course_lib.tagger.evaluate import evaluate, selection_score
from course_lib.tagger.model import SlotTagger, hide_words, joint_loss


class NonFiniteError(RuntimeError):
    """The loss or the gradient became NaN or infinite; the message says where and what to try."""


@dataclass
class TrainingHistory:
    """What :func:`fit` recorded.

    Attributes:
        step_loss: training loss of every step; grad_norm: its gradient norm before clipping.
        epoch_loss: mean training loss of each epoch; epoch_steps: steps each epoch took
            (fewer than ``steps_per_epoch`` when the step limit or the time guard cut it
            short);
            steps_per_epoch: steps of a full epoch; dev: dev metrics after each epoch
            (dicts as :func:`course_lib.tagger.evaluate.score` returns); dev_score: the
            selection score of each epoch; lr: the learning rate at the start of each epoch.
        best_epoch: 1-based epoch whose weights were kept; stopped: why training ended
            (``"epochs"``, ``"steps"``, ``"patience"`` or ``"time"``); seconds: wall time.
    """

    step_loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    epoch_steps: list[int] = field(default_factory=list)
    steps_per_epoch: int = 0
    dev: list[dict] = field(default_factory=list)
    dev_score: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped: str = "epochs"
    seconds: float = 0.0

    @property
    def dev_f1(self) -> list[float]:
        """Dev slot F1 of each epoch (NaN without a dev split)."""
        return [d["slot_f1"] if d else math.nan for d in self.dev]


def _check_finite(value: float | str, what: str, epoch: int, step: int, lr: float) -> None:
    if isinstance(value, str) or not math.isfinite(value):
        raise NonFiniteError(
            f"training stopped: the {what} became {value} at epoch {epoch}, step {step}; "
            f"the learning rate {lr:g} is probably too large for this model and data "
            f"(try a smaller --lr)")


def _swap(params: list[torch.Tensor], values: list[torch.Tensor]) -> list[torch.Tensor]:
    """Copy ``values`` into ``params``; return the previous values."""
    with torch.no_grad():
        old = [p.detach().clone() for p in params]
        for p, v in zip(params, values, strict=True):
            p.copy_(v)
    return old


def _rare_word_probability(train, vocabs, alpha, device) -> torch.Tensor | None:
    """(V,) probability ``α / (α + count(w))`` of hiding each word; 0 for the specials."""
    if not alpha:
        return None
    counts = Counter(t for ex in train for t in ex.tokens)
    c = torch.tensor([counts.get(w, 0) for w in vocabs.words.itos], dtype=torch.float64)
    p = torch.where(c > 0, alpha / (alpha + c), torch.zeros_like(c)).to(torch.float32)
    p[[vocabs.words.pad_index, vocabs.words.unk_index]] = 0.0  # even if the corpus has "<pad>"
    return p.to(device)



def fit(model: SlotTagger, vocabs: TaggerVocabs, train: Sequence[Example],
        dev: Sequence[Example], epochs: int = 30, lr: float = 2e-3, batch_size: int = 32,
        clip_norm: float = 5.0, patience: int = 5, max_steps: int | None = None,
        max_seconds: float | None = None,
        seed: int = 0, intent_weight: float = 1.0, lr_decay: float = 1.0,
        average: float = 0.0, schedule: str = "constant", rare_word_dropout: float = 0.0,
        decoder: str = "viterbi", desc: str = "training",
        on_epoch: Callable[[TrainingHistory], None] | None = None) -> TrainingHistory:
    """Train ``model`` with Adam, norm clipping and early stopping on dev (module docstring).

    Args:
        model: a :class:`SlotTagger` built with :func:`~course_lib.tagger.model.make_config`
            from ``vocabs``; it is trained on the device its parameters are on.
        train, dev: examples; ``dev`` may be empty (then the last epoch is kept). Tags never
            seen in training cannot be encoded and must not occur in ``train``.
        epochs: maximum number of epochs; max_steps: maximum number of steps (None: no
            limit), so a large corpus gets fewer epochs; the epoch it ends is scored on dev
            like a full one; patience: epochs without a better dev score before stopping;
            max_seconds: wall-time guard, checked after every step.
        lr: Adam's initial learning rate; lr_decay: after every epoch whose dev score is not
            the best so far, the rate is multiplied by ``lr_decay`` (1 = constant rate);
            batch_size: utterances per step; clip_norm: rescale the gradient when
            ``‖g‖ > clip_norm``; intent_weight: λ of the joint loss.
        schedule: ``"constant"`` keeps the rate (apart from ``lr_decay``); ``"linear"``
            lowers it after every step s of the S planned (``epochs`` × steps per epoch, or
            ``max_steps`` if fewer), ``lr_s = lr · (1 − s/S)``, reaching 0 at the last planned
            step (the "linear decay" of Devlin et al. 2019 without warm-up); ``lr_decay``
            multiplies on top.
        rare_word_dropout: α of frequency-based word dropout (Kiperwasser & Goldberg
            2016): each training occurrence of word w becomes ``<unk>`` with probability
            ``α / (α + count(w))``, count over ``train``, so rare words (most like the names
            never seen in training) are hidden most often; its characters stay visible.
            0 turns it off; the model's own uniform ``word_dropout`` applies as well.
        average: if > 0, keep an exponential moving average of the weights,
            ``w̄ ← average · w̄ + (1 − average) · w`` after every step (Polyak averaging), and
            score, keep and return the averaged weights instead of the last ones.
        seed: shuffling seed (epoch e draws its batches from ``default_rng([seed, e])``, the
            course's seeding scheme); decoder: how dev is decoded.
        on_epoch: called with the history after every epoch (e.g. to print progress).

    Returns:
        A :class:`TrainingHistory`; ``model`` holds the best epoch's weights afterwards.

    Raises:
        ValueError: a setting out of range. NonFiniteError: NaN/inf loss or gradient.
    """
    for name, v in (("epochs", epochs), ("batch_size", batch_size), ("patience", patience),
                    ("max_steps", 1 if max_steps is None else max_steps)):
        if int(v) < 1:
            raise ValueError(f"{name} must be ≥ 1, got {v}")
    if not lr > 0 or not clip_norm > 0:
        raise ValueError(f"lr and clip_norm must be positive, got {lr}, {clip_norm}")
    if not 0 < lr_decay <= 1:
        raise ValueError(f"lr_decay must lie in (0, 1], got {lr_decay}")
    if schedule not in ("constant", "linear"):
        raise ValueError(f"schedule must be 'constant' or 'linear', got {schedule!r}")
    if not 0 <= rare_word_dropout < math.inf:
        raise ValueError(f"rare_word_dropout must be ≥ 0, got {rare_word_dropout}")
    if not 0 <= average < 1:
        raise ValueError(f"average must lie in [0, 1), got {average}")
    device = next(model.parameters()).device
    params = [p for p in model.parameters() if p.requires_grad]
    # fused: one kernel for all parameters (the 1M-entry embedding made Adam 20 % of a step)
    opt = torch.optim.Adam(params, lr=lr, fused=device.type in ("cpu", "cuda"))
    averaged = [p.detach().clone() for p in params] if average else None
    hist = TrainingHistory()
    cache: dict = {}
    best, bad = -math.inf, 0
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}  # epoch 0
    start = time.perf_counter()
    n_batches = hist.steps_per_epoch = math.ceil(len(train) / batch_size)
    planned = epochs * n_batches if max_steps is None else min(epochs * n_batches, max_steps)
    plateau = 1.0
    drop_p = _rare_word_probability(train, vocabs, rare_word_dropout, device)
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            hist.lr.append(opt.param_groups[0]["lr"])
            losses = []
            batches = bucketed_batches(train, vocabs, batch_size, (seed, epoch), cache=cache)
            for _, batch in progress(batches, desc=f"{desc} epoch {epoch}", total=n_batches):
                tb = to_tensors(batch, device)
                tokens = tb.tokens
                if drop_p is not None:
                    tokens = hide_words(tokens, drop_p, vocabs.words.unk_index)
                opt.zero_grad()
                loss = joint_loss(model, model(tokens, tb.lengths, tb.chars), tb.tags,
                                  tb.mask, tb.intents, intent_weight).total
                _check_finite(float(loss.detach()), "loss", epoch, len(hist.step_loss) + 1, lr)
                loss.backward()
                norm = float(torch.nn.utils.clip_grad_norm_(params, clip_norm))
                _check_finite(norm, "gradient norm", epoch, len(hist.step_loss) + 1, lr)
                opt.step()
                if schedule == "linear":  # the rate of the next step
                    for group in opt.param_groups:
                        group["lr"] = lr * plateau * (1 - (len(hist.step_loss) + 1) / planned)
                if averaged is not None:
                    with torch.no_grad():
                        for a, p in zip(averaged, params, strict=True):
                            a.lerp_(p, 1 - average)
                losses.append(float(loss.detach()))
                hist.step_loss.append(losses[-1])
                hist.grad_norm.append(norm)
                if max_seconds is not None and time.perf_counter() - start > max_seconds:
                    hist.stopped = "time"
                    break
                if len(hist.step_loss) == max_steps:
                    if epoch < epochs or len(losses) < n_batches:  # it cut training short
                        hist.stopped = "steps"
                    break
            hist.epoch_loss.append(float(np.mean(losses)))
            hist.epoch_steps.append(len(losses))
            if not all(bool(torch.isfinite(p).all()) for p in params):
                _check_finite("NaN or inf", "weights", epoch, len(hist.step_loss), lr)
            last = _swap(params, averaged) if averaged is not None else None
            try:
                metrics = evaluate(model, dev, vocabs, decoder) if dev else {}
            except NonFiniteScores as err:  # finite but huge weights can overflow the scores
                _check_finite("NaN or inf", f"dev {err.which} scores", epoch,
                              len(hist.step_loss), lr)
            hist.dev.append(metrics)
            value = selection_score(metrics) if dev else float(epoch)
            hist.dev_score.append(value if dev else math.nan)
            if value > best:
                best, bad, hist.best_epoch = value, 0, epoch
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                bad += 1
                plateau *= lr_decay  # the linear schedule's factor; a constant rate is
                for group in opt.param_groups:  # reduced in place (reduce on plateau)
                    group["lr"] *= lr_decay
            if last is not None:  # back to the raw weights to train on
                _swap(params, last)
            if on_epoch is not None:
                on_epoch(hist)
            if hist.stopped == "time" or len(hist.step_loss) == max_steps:
                break
            if bad >= patience:
                hist.stopped = "patience"
                break
    finally:  # also on NonFiniteError: never leave NaN weights behind
        model.load_state_dict(best_state)
        model.eval()
        hist.seconds = time.perf_counter() - start
    return hist
